// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Roles} from "./Roles.sol";

/// @title StakeRegistry
/// @notice Operators register with roles, a signing key and an endpoint, and put stake behind them.
///         Stake leaves only through a delayed withdrawal; while it waits it stays slashable.
///         Authorized slasher contracts (JobManager, courts) slash a fraction of all slashable stake,
///         pay a configured share to a beneficiary and burn the rest.
/// @dev Token accounting is closed: totalDeposited == totalStaked + totalPending + totalWithdrawn
///      + totalBurned + totalPaidOut at all times (checked by the invariant tests).
contract StakeRegistry is Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint8 public constant ROLE_COMPUTE = Roles.COMPUTE;
    uint8 public constant ROLE_DA = Roles.DA;
    uint8 public constant ROLE_VERIFIER = Roles.VERIFIER;
    uint8 public constant ROLE_TEE = Roles.TEE;

    uint256 public constant WAD = 1e18;
    uint256 public constant MAX_ENDPOINT_BYTES = 256;
    /// @notice Bounds the operator list so that stake-weighted assignment stays within block gas.
    uint256 public constant MAX_OPERATORS = 512;
    /// @notice Slashed stake that is not paid out is sent here; no key controls this address.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    struct Operator {
        bool registered;
        uint8 roles;
        address signer;
        string endpoint;
        uint256 stake; // active stake
        uint256 pendingWithdrawal; // requested, still slashable
        uint64 withdrawableAt;
    }

    IERC20 public immutable token;
    uint64 public immutable withdrawalDelay;
    uint256 public immutable beneficiaryShareWad;

    mapping(address operator => Operator) private _operators;
    address[] private _operatorList;
    mapping(address signer => address operator) private _operatorOfSigner;
    mapping(uint8 role => uint256 amount) private _minStake;
    mapping(address account => bool allowed) public isSlasher;

    uint256 public totalStaked;
    uint256 public totalPending;
    uint256 public totalDeposited;
    uint256 public totalWithdrawn;
    uint256 public totalBurned;
    uint256 public totalPaidOut;

    error AlreadyRegistered(address operator);
    error NotRegistered(address operator);
    error InvalidRoles(uint8 roles);
    error InvalidRole(uint8 role);
    error ZeroAddress();
    error EndpointTooLong(uint256 length, uint256 max);
    error SignerInUse(address signer, address operator);
    error TooManyOperators(uint256 max);
    error ZeroAmount();
    error InsufficientStake(uint256 available, uint256 requested);
    error NoPendingWithdrawal(address operator);
    error WithdrawalNotReady(uint64 withdrawableAt);
    error NotSlasher(address caller);
    error InvalidWad(uint256 wad);
    error UnknownOperatorIndex(uint256 index, uint256 count);

    event OperatorRegistered(address indexed operator, uint8 roles, address signer, string endpoint);
    event OperatorUpdated(address indexed operator, uint8 roles, address signer, string endpoint);
    event StakeDeposited(address indexed operator, uint256 amount, uint256 newStake);
    event WithdrawalRequested(address indexed operator, uint256 amount, uint64 availableAt);
    event WithdrawalCompleted(address indexed operator, uint256 amount);
    event Slashed(
        address indexed operator,
        uint256 amount,
        bytes32 reason,
        address indexed beneficiary,
        uint256 reward,
        uint256 burned
    );
    event SlasherSet(address slasher, bool allowed);
    event MinStakeSet(uint8 role, uint256 amount);

    constructor(address owner, IERC20 token_, uint64 withdrawalDelay_, uint256 beneficiaryShareWad_)
        Ownable(owner)
    {
        if (address(token_) == address(0)) revert ZeroAddress();
        if (beneficiaryShareWad_ > WAD) revert InvalidWad(beneficiaryShareWad_);
        token = token_;
        withdrawalDelay = withdrawalDelay_;
        beneficiaryShareWad = beneficiaryShareWad_;
    }

    // ---------------------------------------------------------------- operators

    /// @notice Registers msg.sender as an operator with a bitmask of roles (COMPUTE=1, DA=2, VERIFIER=4, TEE=8).
    function register(uint8 roles, address signer, string calldata endpoint) external {
        if (_operators[msg.sender].registered) revert AlreadyRegistered(msg.sender);
        if (_operatorList.length >= MAX_OPERATORS) revert TooManyOperators(MAX_OPERATORS);
        _checkProfile(roles, signer, endpoint);
        _claimSigner(signer, msg.sender);

        Operator storage op = _operators[msg.sender];
        op.registered = true;
        op.roles = roles;
        op.signer = signer;
        op.endpoint = endpoint;
        _operatorList.push(msg.sender);
        emit OperatorRegistered(msg.sender, roles, signer, endpoint);
    }

    /// @notice Replaces the caller's roles, signer and endpoint; stake is untouched.
    function updateOperator(uint8 roles, address signer, string calldata endpoint) external {
        Operator storage op = _registered(msg.sender);
        _checkProfile(roles, signer, endpoint);
        if (signer != op.signer) {
            _claimSigner(signer, msg.sender);
            delete _operatorOfSigner[op.signer];
            op.signer = signer;
        }
        op.roles = roles;
        op.endpoint = endpoint;
        emit OperatorUpdated(msg.sender, roles, signer, endpoint);
    }

    // ---------------------------------------------------------------- stake

    /// @notice Adds `amount` tokens (pulled with transferFrom) to the caller's active stake.
    function deposit(uint256 amount) external nonReentrant {
        Operator storage op = _registered(msg.sender);
        if (amount == 0) revert ZeroAmount();
        // Credit what actually arrived, so the books stay exact even for a token with transfer fees.
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();

        op.stake += received;
        totalStaked += received;
        totalDeposited += received;
        emit StakeDeposited(msg.sender, received, op.stake);
    }

    /// @notice Moves `amount` of active stake to the pending withdrawal. The pending amount stays
    ///         slashable; a further request adds to it and restarts the delay.
    function requestWithdrawal(uint256 amount) external {
        Operator storage op = _registered(msg.sender);
        if (amount == 0) revert ZeroAmount();
        if (amount > op.stake) revert InsufficientStake(op.stake, amount);

        op.stake -= amount;
        op.pendingWithdrawal += amount;
        totalStaked -= amount;
        totalPending += amount;
        uint64 availableAt = uint64(block.timestamp) + withdrawalDelay;
        op.withdrawableAt = availableAt;
        emit WithdrawalRequested(msg.sender, amount, availableAt);
    }

    /// @notice Pays out the whole pending withdrawal (what is left of it after any slashing).
    function completeWithdrawal() external nonReentrant {
        Operator storage op = _registered(msg.sender);
        uint256 amount = op.pendingWithdrawal;
        if (amount == 0) revert NoPendingWithdrawal(msg.sender);
        if (block.timestamp < op.withdrawableAt) revert WithdrawalNotReady(op.withdrawableAt);

        op.pendingWithdrawal = 0;
        op.withdrawableAt = 0;
        totalPending -= amount;
        totalWithdrawn += amount;
        token.safeTransfer(msg.sender, amount);
        emit WithdrawalCompleted(msg.sender, amount);
    }

    // ---------------------------------------------------------------- slashing

    /// @notice Slashes the fraction wad/1e18 of the operator's active and pending stake (each rounded
    ///         down), pays beneficiaryShareWad of it to `beneficiary` (none if it is the zero address)
    ///         and burns the rest. Only authorized slashers.
    /// @return slashed the total amount taken from the operator.
    function slash(address operator, uint256 wad, bytes32 reason, address beneficiary)
        external
        nonReentrant
        returns (uint256 slashed)
    {
        if (!isSlasher[msg.sender]) revert NotSlasher(msg.sender);
        if (wad > WAD) revert InvalidWad(wad);
        Operator storage op = _registered(operator);

        uint256 fromActive = op.stake * wad / WAD;
        uint256 fromPending = op.pendingWithdrawal * wad / WAD;
        op.stake -= fromActive;
        op.pendingWithdrawal -= fromPending;
        totalStaked -= fromActive;
        totalPending -= fromPending;
        slashed = fromActive + fromPending;

        uint256 reward = beneficiary == address(0) ? 0 : slashed * beneficiaryShareWad / WAD;
        uint256 burned = slashed - reward;
        assert(reward + burned == slashed && reward <= slashed);
        totalPaidOut += reward;
        totalBurned += burned;

        if (reward != 0) token.safeTransfer(beneficiary, reward);
        if (burned != 0) token.safeTransfer(BURN_ADDRESS, burned);
        emit Slashed(operator, slashed, reason, beneficiary, reward, burned);
    }

    // ---------------------------------------------------------------- admin

    function setSlasher(address slasher, bool allowed) external onlyOwner {
        if (slasher == address(0)) revert ZeroAddress();
        isSlasher[slasher] = allowed;
        emit SlasherSet(slasher, allowed);
    }

    /// @notice Sets the minimum active stake for one role (a single role bit).
    function setMinStake(uint8 role, uint256 amount) external onlyOwner {
        _checkSingleRole(role);
        _minStake[role] = amount;
        emit MinStakeSet(role, amount);
    }

    // ---------------------------------------------------------------- views

    function getOperator(address operator) external view returns (Operator memory) {
        return _operators[operator];
    }

    function minStake(uint8 role) external view returns (uint256) {
        _checkSingleRole(role);
        return _minStake[role];
    }

    /// @notice Active stake of an operator (0 if not registered).
    function stakeOf(address operator) external view returns (uint256) {
        return _operators[operator].stake;
    }

    /// @notice Active plus pending stake: what a slash of 1e18 would take.
    function slashableStake(address operator) external view returns (uint256) {
        Operator storage op = _operators[operator];
        return op.stake + op.pendingWithdrawal;
    }

    /// @notice True if the operator is registered, has `role`, and has nonzero active stake of at
    ///         least minStake(role). Zero stake never qualifies: it would carry no weight and risk nothing.
    function isEligible(address operator, uint8 role) public view returns (bool) {
        _checkSingleRole(role);
        Operator storage op = _operators[operator];
        return op.registered && (op.roles & role) != 0 && op.stake != 0 && op.stake >= _minStake[role];
    }

    /// @notice The operators eligible for `role`, in registration order, with their active stake.
    function eligibleOperators(uint8 role)
        external
        view
        returns (address[] memory operators, uint256[] memory stakes)
    {
        _checkSingleRole(role);
        uint256 n = _operatorList.length;
        operators = new address[](n);
        stakes = new uint256[](n);
        uint256 count;
        uint256 min = _minStake[role];
        for (uint256 i; i < n; ++i) {
            address a = _operatorList[i];
            Operator storage op = _operators[a];
            if ((op.roles & role) != 0 && op.stake != 0 && op.stake >= min) {
                operators[count] = a;
                stakes[count] = op.stake;
                ++count;
            }
        }
        assembly ("memory-safe") {
            mstore(operators, count)
            mstore(stakes, count)
        }
    }

    function operatorCount() external view returns (uint256) {
        return _operatorList.length;
    }

    function operatorAt(uint256 index) external view returns (address) {
        if (index >= _operatorList.length) revert UnknownOperatorIndex(index, _operatorList.length);
        return _operatorList[index];
    }

    function signerOf(address operator) external view returns (address) {
        return _registered(operator).signer;
    }

    /// @notice The operator that registered `signer` (signers are unique), or address(0).
    function operatorOfSigner(address signer) external view returns (address) {
        return _operatorOfSigner[signer];
    }

    // ---------------------------------------------------------------- internal

    function _registered(address operator) internal view returns (Operator storage op) {
        op = _operators[operator];
        if (!op.registered) revert NotRegistered(operator);
    }

    function _checkProfile(uint8 roles, address signer, string calldata endpoint) internal pure {
        if (roles == 0 || roles > Roles.ALL) revert InvalidRoles(roles);
        if (signer == address(0)) revert ZeroAddress();
        if (bytes(endpoint).length > MAX_ENDPOINT_BYTES) {
            revert EndpointTooLong(bytes(endpoint).length, MAX_ENDPOINT_BYTES);
        }
    }

    function _claimSigner(address signer, address operator) internal {
        address holder = _operatorOfSigner[signer];
        if (holder != address(0) && holder != operator) revert SignerInUse(signer, holder);
        _operatorOfSigner[signer] = operator;
    }

    function _checkSingleRole(uint8 role) internal pure {
        if (role != ROLE_COMPUTE && role != ROLE_DA && role != ROLE_VERIFIER && role != ROLE_TEE) revert InvalidRole(role);
    }
}
