// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Roles} from "./Roles.sol";

/// @title StakeRegistry (settlement protocol v2)
/// @notice Operators register with roles, a signing key, an endpoint and at least `minSelfStake` of their
///         own tokens. Stakers (the operator itself included) delegate tokens into an operator's pool and
///         hold shares of it, so a slash hits the operator and all its delegators pro rata. Each role the
///         operator holds has an allocation: the fraction of the pool that backs that role (restaking: one
///         pool may back several roles). Stake leaves only through a queued withdrawal that stays
///         slashable until both the withdrawal delay has passed and every obligation the operator had
///         open when it was queued has ended (docs/spec/settlement.md §3). Weights per role are
///         checkpointed by block number; votes, assignments and DA certificates read them from snapshots.
/// @dev Books: totalDeposited == totalActive + totalPending + totalWithdrawn + totalSlashed (invariant tests).
contract StakeRegistry is Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    uint8 public constant ROLE_COMPUTE = Roles.COMPUTE;
    uint8 public constant ROLE_DA = Roles.DA;
    uint8 public constant ROLE_VERIFIER = Roles.VERIFIER;
    uint8 public constant ROLE_TEE = Roles.TEE;

    uint256 public constant WAD = 1e18;
    uint64 internal constant FULL_ALLOCATION = 1e18;
    uint256 public constant MAX_ENDPOINT_BYTES = 256;
    /// @notice Upper bound on the constructor's maxOperators: assignment loops over the active set.
    uint256 public constant MAX_OPERATORS_LIMIT = 256;

    enum Status {
        None,
        Active,
        Exited
    }

    struct Operator {
        Status status; // uint8 in the ABI
        uint8 roles;
        address signer;
        string endpoint;
    }

    /// @notice An operator's pool: active stake backs its roles; pending stake is queued for withdrawal
    ///         and only slashable. Shares convert to tokens at amount/shares of their half.
    struct Pool {
        uint256 activeAmount;
        uint256 activeShares;
        uint256 pendingAmount;
        uint256 pendingShares;
    }

    struct Withdrawal {
        uint256 shares; // of the pending half
        uint64 availableAt;
        uint64 obligationSeq; // obligations with a lower sequence number must have ended
    }

    /// @dev A lowered allocation keeps the old fraction slashable until the obligations open at the time end.
    struct Deallocation {
        uint64 wad;
        uint64 obligationSeq;
    }

    /// @notice Constructor settings (immutable; see DEPLOY.md for how they relate to JobManager's windows).
    struct Config {
        uint64 withdrawalDelay; // seconds a queued withdrawal waits at least
        uint48 activationDelayBlocks; // blocks before new stake counts in snapshots
        uint256 minSelfStake; // an operator's own stake to register and to stay registered
        uint16 maxOperators; // size of the active set
        uint16 churnBps; // a newcomer to a full set must out-stake the smallest operator by this much
    }

    IERC20 public immutable token;
    uint64 public immutable withdrawalDelay;
    uint48 public immutable activationDelayBlocks;
    uint256 public immutable minSelfStake;
    uint16 public immutable maxOperators;
    uint16 public immutable churnBps;

    mapping(address operator => Operator) private _operators;
    address[] private _active;
    mapping(address operator => uint256 indexPlusOne) private _activeIndex;
    mapping(address signer => address operator) private _operatorOfSigner;
    mapping(address operator => Pool) private _pools;
    mapping(address operator => mapping(address staker => uint256 shares)) private _shares;
    mapping(address operator => mapping(address staker => Withdrawal)) private _withdrawals;
    mapping(address operator => mapping(uint8 role => uint64 wad)) private _allocation;
    mapping(address operator => mapping(uint8 role => Deallocation)) private _deallocation;
    mapping(address operator => mapping(uint8 role => Checkpoints.Trace208)) private _weights;
    mapping(uint8 role => Checkpoints.Trace208) private _totalWeight;

    mapping(address operator => uint64) public nextObligationSeq;
    /// @notice Every obligation of the operator with a lower sequence number has ended.
    mapping(address operator => uint64) public obligationLowWater;
    mapping(address operator => uint64) public openObligations;
    mapping(address operator => mapping(uint64 seq => bool)) private _closed;

    mapping(uint8 role => uint256 amount) private _minStake;
    mapping(address account => bool allowed) public isSlasher;

    uint256 public totalActive;
    uint256 public totalPending;
    uint256 public totalDeposited;
    uint256 public totalWithdrawn;
    uint256 public totalSlashed;

    error AlreadyRegistered(address operator);
    error NotRegistered(address operator);
    error NotActive(address operator);
    error InvalidRoles(uint8 roles);
    error InvalidRole(uint8 role);
    error ZeroAddress();
    error EndpointTooLong(uint256 length, uint256 max);
    error SignerInUse(address signer, address operator);
    error ActiveSetFull(uint256 max, address smallest, uint256 smallestStake, uint256 offered);
    error ZeroAmount();
    error BelowMinSelfStake(uint256 selfStake, uint256 minimum);
    error InsufficientShares(uint256 have, uint256 want);
    error NoPendingWithdrawal(address operator, address staker);
    error WithdrawalNotReady(uint64 availableAt);
    error ObligationsOpen(address operator, uint64 lowWater, uint64 needed);
    error NotSlasher(address caller);
    error InvalidWad(uint256 wad);
    error InvalidConfig(string reason);
    error UnknownObligation(address operator, uint64 seq);
    error RoleNotHeld(address operator, uint8 role);
    error FutureBlock(uint256 blockNumber, uint256 current);
    error PoolEmptied(address operator);

    event OperatorRegistered(address indexed operator, uint8 roles, address signer, string endpoint);
    event OperatorUpdated(address indexed operator, uint8 roles, address signer, string endpoint);
    event OperatorExited(address indexed operator, bool ejected);
    event Delegated(address indexed operator, address indexed staker, uint256 amount, uint256 shares);
    event WithdrawalQueued(
        address indexed operator, address indexed staker, uint256 amount, uint256 shares, uint64 availableAt, uint64 obligationSeq
    );
    event WithdrawalCompleted(address indexed operator, address indexed staker, uint256 amount);
    event DustSharesBurned(address indexed operator, address indexed staker, uint256 shares);
    event AllocationSet(address indexed operator, uint8 role, uint64 wad);
    event ObligationOpened(address indexed operator, uint64 seq, address indexed by);
    event ObligationClosed(address indexed operator, uint64 seq, uint64 lowWater);
    event Slashed(
        address indexed operator, uint8 role, uint256 amount, uint256 fromActive, uint256 fromPending, bytes32 reason, address indexed by
    );
    event SlasherSet(address slasher, bool allowed);
    event MinStakeSet(uint8 role, uint256 amount);

    constructor(address owner, IERC20 token_, Config memory config) Ownable(owner) {
        if (address(token_) == address(0)) revert ZeroAddress();
        if (config.minSelfStake == 0) revert InvalidConfig("minSelfStake is 0");
        if (config.maxOperators == 0 || config.maxOperators > MAX_OPERATORS_LIMIT) revert InvalidConfig("maxOperators");
        if (config.withdrawalDelay == 0) revert InvalidConfig("withdrawalDelay is 0");
        token = token_;
        withdrawalDelay = config.withdrawalDelay;
        activationDelayBlocks = config.activationDelayBlocks;
        minSelfStake = config.minSelfStake;
        maxOperators = config.maxOperators;
        churnBps = config.churnBps;
    }

    // ---------------------------------------------------------------- operators

    /// @notice Registers msg.sender with a bitmask of roles (COMPUTE=1, DA=2, VERIFIER=4, TEE=8), each
    ///         allocated 100% of the pool, and delegates `selfStake` (>= minSelfStake) of its own tokens.
    ///         When the active set is full the newcomer replaces the operator with the smallest pool, if
    ///         it offers churnBps more and that operator has no open obligation.
    function register(uint8 roles, address signer, string calldata endpoint, uint256 selfStake) external nonReentrant {
        if (_operators[msg.sender].status != Status.None) revert AlreadyRegistered(msg.sender);
        if (selfStake < minSelfStake) revert BelowMinSelfStake(selfStake, minSelfStake);
        _checkProfile(roles, signer, endpoint);
        if (_active.length >= maxOperators) _churn(selfStake);
        _claimSigner(signer, msg.sender);

        Operator storage op = _operators[msg.sender];
        op.status = Status.Active;
        op.roles = roles;
        op.signer = signer;
        op.endpoint = endpoint;
        _active.push(msg.sender);
        _activeIndex[msg.sender] = _active.length;
        for (uint8 role = 1; role <= Roles.TEE; role <<= 1) {
            if (roles & role != 0) _allocation[msg.sender][role] = FULL_ALLOCATION;
        }
        emit OperatorRegistered(msg.sender, roles, signer, endpoint);
        _delegate(msg.sender, msg.sender, selfStake);
    }

    /// @notice Replaces the caller's roles, signer and endpoint. A dropped role keeps its allocation
    ///         slashable until the obligations open now have ended; an added role is allocated 100%.
    function updateOperator(uint8 roles, address signer, string calldata endpoint) external {
        Operator storage op = _activeOperator(msg.sender);
        _checkProfile(roles, signer, endpoint);
        if (signer != op.signer) {
            _claimSigner(signer, msg.sender);
            delete _operatorOfSigner[op.signer];
            op.signer = signer;
        }
        uint8 old = op.roles;
        op.roles = roles;
        op.endpoint = endpoint;
        for (uint8 role = 1; role <= Roles.TEE; role <<= 1) {
            if (old & role != 0 && roles & role == 0) _lowerAllocation(msg.sender, role, 0);
            else if (old & role == 0 && roles & role != 0) _allocation[msg.sender][role] = FULL_ALLOCATION;
        }
        _syncWeights(msg.sender);
        emit OperatorUpdated(msg.sender, roles, signer, endpoint);
    }

    /// @notice Sets the fraction (wad, at most 1e18) of the caller's pool that backs `role`. Raising it
    ///         counts in snapshots after activationDelayBlocks; lowering it drops the weight at once but
    ///         keeps the old fraction slashable until the obligations open now have ended.
    function setAllocation(uint8 role, uint64 wad) external {
        _checkSingleRole(role);
        Operator storage op = _activeOperator(msg.sender);
        if (op.roles & role == 0) revert RoleNotHeld(msg.sender, role);
        if (wad > WAD) revert InvalidWad(wad);
        if (wad < _allocation[msg.sender][role]) _lowerAllocation(msg.sender, role, wad);
        else _allocation[msg.sender][role] = wad;
        _syncWeights(msg.sender);
        emit AllocationSet(msg.sender, role, wad);
    }

    /// @notice Leaves the active set once no obligation is open: no new jobs, votes or DA weight. Its
    ///         stakers (the operator included) can then withdraw everything. An exited operator cannot
    ///         register again with the same account.
    function deregister() external {
        _activeOperator(msg.sender);
        uint64 open = openObligations[msg.sender];
        if (open != 0) revert ObligationsOpen(msg.sender, obligationLowWater[msg.sender], nextObligationSeq[msg.sender]);
        _exit(msg.sender, false);
    }

    // ---------------------------------------------------------------- stake

    /// @notice Adds `amount` of the caller's tokens to its own pool (it must be a registered operator).
    function deposit(uint256 amount) external nonReentrant {
        _activeOperator(msg.sender);
        _delegate(msg.sender, msg.sender, amount);
    }

    /// @notice Delegates `amount` of the caller's tokens to an active operator's pool for shares of it.
    function delegate(address operator, uint256 amount) external nonReentrant {
        _activeOperator(operator);
        _delegate(operator, msg.sender, amount);
    }

    /// @notice Queues `amount` (type(uint256).max: everything) of the caller's stake with `operator` for
    ///         withdrawal. It stops counting at once and stays slashable until completeWithdrawal. A
    ///         further request adds to it and restarts the delay. An active operator keeps minSelfStake.
    ///         Shares worth less than one token unit (dust left by slashes and rounding) cannot be paid out:
    ///         asking for everything then burns them and returns 0, so a staker can always leave a pool.
    function queueWithdrawal(address operator, uint256 amount) external returns (uint256 moved) {
        if (amount == 0) revert ZeroAmount();
        if (_operators[operator].status == Status.None) revert NotRegistered(operator);
        Pool storage p = _pools[operator];
        uint256 have = _shares[operator][msg.sender];
        if (have == 0) revert InsufficientShares(0, amount);
        uint256 shares = amount == type(uint256).max
            ? have
            : Math.mulDiv(amount, p.activeShares, p.activeAmount, Math.Rounding.Ceil);
        if (shares == 0 || shares > have) revert InsufficientShares(have, shares);
        moved = Math.mulDiv(shares, p.activeAmount, p.activeShares);
        if (moved == 0) {
            if (amount != type(uint256).max) revert ZeroAmount();
            if (msg.sender == operator && _operators[operator].status == Status.Active) {
                revert BelowMinSelfStake(0, minSelfStake);
            }
            _shares[operator][msg.sender] = 0;
            p.activeShares -= have;
            emit DustSharesBurned(operator, msg.sender, have);
            return 0;
        }

        _shares[operator][msg.sender] = have - shares;
        p.activeShares -= shares;
        p.activeAmount -= moved;
        if (msg.sender == operator && _operators[operator].status == Status.Active) {
            uint256 selfStake = _value(p, have - shares);
            if (selfStake < minSelfStake) revert BelowMinSelfStake(selfStake, minSelfStake);
        }
        uint256 pendingShares = p.pendingShares == 0 ? moved : Math.mulDiv(moved, p.pendingShares, p.pendingAmount);
        assert(pendingShares != 0);
        p.pendingShares += pendingShares;
        p.pendingAmount += moved;
        totalActive -= moved;
        totalPending += moved;

        Withdrawal storage w = _withdrawals[operator][msg.sender];
        w.shares += pendingShares;
        w.availableAt = uint64(block.timestamp) + withdrawalDelay;
        w.obligationSeq = nextObligationSeq[operator];
        _syncWeights(operator);
        emit WithdrawalQueued(operator, msg.sender, moved, pendingShares, w.availableAt, w.obligationSeq);
    }

    /// @notice Pays out the caller's queued withdrawal from `operator` (what is left of it after slashes)
    ///         once the delay has passed and every obligation open at queueing time has ended.
    function completeWithdrawal(address operator) external nonReentrant returns (uint256 amount) {
        Withdrawal storage w = _withdrawals[operator][msg.sender];
        uint256 shares = w.shares;
        if (shares == 0) revert NoPendingWithdrawal(operator, msg.sender);
        if (block.timestamp < w.availableAt) revert WithdrawalNotReady(w.availableAt);
        uint64 low = obligationLowWater[operator];
        if (low < w.obligationSeq) revert ObligationsOpen(operator, low, w.obligationSeq);

        Pool storage p = _pools[operator];
        amount = Math.mulDiv(shares, p.pendingAmount, p.pendingShares);
        p.pendingShares -= shares;
        p.pendingAmount -= amount;
        delete _withdrawals[operator][msg.sender];
        totalPending -= amount;
        totalWithdrawn += amount;
        if (amount != 0) token.safeTransfer(msg.sender, amount);
        emit WithdrawalCompleted(operator, msg.sender, amount);
    }

    // ---------------------------------------------------------------- obligations and slashing

    /// @notice A slasher (JobManager, a court) records that the operator's stake backs something that
    ///         can still be slashed: a job, a result in its window, a dispute, a vote.
    function openObligation(address operator) external returns (uint64 seq) {
        if (!isSlasher[msg.sender]) revert NotSlasher(msg.sender);
        if (_operators[operator].status == Status.None) revert NotRegistered(operator);
        seq = nextObligationSeq[operator]++;
        openObligations[operator] += 1;
        emit ObligationOpened(operator, seq, msg.sender);
    }

    function closeObligation(address operator, uint64 seq) external {
        if (!isSlasher[msg.sender]) revert NotSlasher(msg.sender);
        if (seq >= nextObligationSeq[operator] || seq < obligationLowWater[operator] || _closed[operator][seq]) {
            revert UnknownObligation(operator, seq);
        }
        _closed[operator][seq] = true;
        openObligations[operator] -= 1;
        uint64 low = obligationLowWater[operator];
        uint64 next = nextObligationSeq[operator];
        while (low < next && _closed[operator][low]) {
            delete _closed[operator][low];
            ++low;
        }
        obligationLowWater[operator] = low;
        emit ObligationClosed(operator, seq, low);
    }

    /// @notice Slashes `wad` (< 1e18) of what the operator's pool has slashable for `role` (its
    ///         allocation, or a lowered allocation still held by open obligations), active and pending
    ///         halves alike, and sends the tokens to the calling slasher, which pays rewards and burns.
    function slash(address operator, uint8 role, uint256 wad, bytes32 reason)
        external
        nonReentrant
        returns (uint256 slashed)
    {
        if (!isSlasher[msg.sender]) revert NotSlasher(msg.sender);
        if (wad >= WAD) revert InvalidWad(wad);
        _checkSingleRole(role);
        if (_operators[operator].status == Status.None) revert NotRegistered(operator);

        uint256 fraction = slashableAllocation(operator, role) * wad;
        Pool storage p = _pools[operator];
        uint256 fromActive = Math.mulDiv(p.activeAmount, fraction, WAD * WAD);
        uint256 fromPending = Math.mulDiv(p.pendingAmount, fraction, WAD * WAD);
        p.activeAmount -= fromActive;
        p.pendingAmount -= fromPending;
        // fraction < 1e36, so a nonempty half never reaches zero: its shares keep a value.
        assert((p.activeShares == 0 || p.activeAmount != 0) && (p.pendingShares == 0 || p.pendingAmount != 0));
        totalActive -= fromActive;
        totalPending -= fromPending;
        slashed = fromActive + fromPending;
        totalSlashed += slashed;
        _syncWeights(operator);
        emit Slashed(operator, role, slashed, fromActive, fromPending, reason, msg.sender);
        if (slashed != 0) token.safeTransfer(msg.sender, slashed);
    }

    // ---------------------------------------------------------------- admin (behind the timelock)

    function setSlasher(address slasher, bool allowed) external onlyOwner {
        if (slasher == address(0)) revert ZeroAddress();
        isSlasher[slasher] = allowed;
        emit SlasherSet(slasher, allowed);
    }

    /// @notice Sets the minimum weight for one role (a single role bit).
    function setMinStake(uint8 role, uint256 amount) external onlyOwner {
        _checkSingleRole(role);
        _minStake[role] = amount;
        emit MinStakeSet(role, amount);
    }

    // ---------------------------------------------------------------- views

    function getOperator(address operator) external view returns (Operator memory) {
        return _operators[operator];
    }

    function poolOf(address operator) external view returns (Pool memory) {
        return _pools[operator];
    }

    function sharesOf(address operator, address staker) external view returns (uint256) {
        return _shares[operator][staker];
    }

    /// @notice Active tokens `staker` has with `operator` (its shares at today's value).
    function delegatedStake(address operator, address staker) public view returns (uint256) {
        return _value(_pools[operator], _shares[operator][staker]);
    }

    function withdrawalOf(address operator, address staker) external view returns (Withdrawal memory w, uint256 amount) {
        w = _withdrawals[operator][staker];
        Pool storage p = _pools[operator];
        amount = w.shares == 0 ? 0 : Math.mulDiv(w.shares, p.pendingAmount, p.pendingShares);
    }

    function minStake(uint8 role) external view returns (uint256) {
        _checkSingleRole(role);
        return _minStake[role];
    }

    function allocationOf(address operator, uint8 role) external view returns (uint64) {
        return _allocation[operator][role];
    }

    /// @notice The fraction of the pool a slash for `role` applies to: the allocation, or a lowered
    ///         allocation that obligations opened before the lowering still hold.
    function slashableAllocation(address operator, uint8 role) public view returns (uint256) {
        uint256 current = _allocation[operator][role];
        Deallocation storage d = _deallocation[operator][role];
        if (d.wad > current && obligationLowWater[operator] < d.obligationSeq) return d.wad;
        return current;
    }

    /// @notice An operator's whole active pool (own and delegated stake; 0 if not registered).
    function stakeOf(address operator) external view returns (uint256) {
        return _pools[operator].activeAmount;
    }

    /// @notice Active plus pending pool: what slashes can reach.
    function slashableStake(address operator) external view returns (uint256) {
        Pool storage p = _pools[operator];
        return p.activeAmount + p.pendingAmount;
    }

    /// @notice The operator's weight for `role` now: active pool x allocation, 0 unless it is active.
    function weightOf(address operator, uint8 role) public view returns (uint256) {
        _checkSingleRole(role);
        return _weights[operator][role].latest();
    }

    /// @notice The operator's weight for `role` at the end of block `blockNumber` (<= the current block).
    function weightAt(address operator, uint8 role, uint256 blockNumber) public view returns (uint256) {
        _checkSingleRole(role);
        if (blockNumber > block.number) revert FutureBlock(blockNumber, block.number);
        return _weights[operator][role].upperLookupRecent(SafeCast.toUint48(blockNumber));
    }

    function totalWeightAt(uint8 role, uint256 blockNumber) public view returns (uint256) {
        _checkSingleRole(role);
        if (blockNumber > block.number) revert FutureBlock(blockNumber, block.number);
        return _totalWeight[role].upperLookupRecent(SafeCast.toUint48(blockNumber));
    }

    /// @notice The weight that counts for a snapshot taken at `blockNumber`: the smaller of the weight then
    ///         and activationDelayBlocks earlier, so stake added just before a snapshot does not count and
    ///         stake that left before it does not count either (docs/spec/settlement.md §3).
    function snapshotWeight(address operator, uint8 role, uint256 blockNumber) public view returns (uint256) {
        uint256 atSnapshot = weightAt(operator, role, blockNumber);
        uint256 early = blockNumber > activationDelayBlocks ? weightAt(operator, role, blockNumber - activationDelayBlocks) : 0;
        return Math.min(atSnapshot, early);
    }

    /// @notice The role's total weight activationDelayBlocks before `blockNumber`: the denominator of quorums.
    function snapshotTotalWeight(uint8 role, uint256 blockNumber) external view returns (uint256) {
        return blockNumber > activationDelayBlocks ? totalWeightAt(role, blockNumber - activationDelayBlocks) : 0;
    }

    /// @notice True if the operator is active, holds `role`, and its weight for it now is nonzero and at
    ///         least minStake(role).
    function isEligible(address operator, uint8 role) public view returns (bool) {
        uint256 w = weightOf(operator, role);
        return _operators[operator].status == Status.Active && w != 0 && w >= _minStake[role];
    }

    /// @notice True if `snapshotWeight` at `blockNumber` qualifies for `role` (nonzero, >= minStake).
    function isEligibleAt(address operator, uint8 role, uint256 blockNumber) external view returns (bool) {
        uint256 w = snapshotWeight(operator, role, blockNumber);
        return w != 0 && w >= _minStake[role];
    }

    /// @notice The active operators eligible for `role` now, in active-set order, with their weights.
    function eligibleOperators(uint8 role) external view returns (address[] memory operators, uint256[] memory weights) {
        _checkSingleRole(role);
        uint256 n = _active.length;
        operators = new address[](n);
        weights = new uint256[](n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            address a = _active[i];
            if (isEligible(a, role)) {
                operators[count] = a;
                weights[count] = weightOf(a, role);
                ++count;
            }
        }
        assembly ("memory-safe") {
            mstore(operators, count)
            mstore(weights, count)
        }
    }

    /// @notice JobManager's candidates: the active operators whose weight for `role` — the smaller of
    ///         snapshotWeight at `blockNumber` and the weight now — is nonzero and at least minStake(role),
    ///         in active-set order, with those weights. Taking the weight now as well means stake queued for
    ///         withdrawal after the snapshot is not assigned work it could then leave before.
    function eligibleAt(uint8 role, uint256 blockNumber)
        external
        view
        returns (address[] memory operators, uint256[] memory weights)
    {
        uint256 min = _minStake[role];
        uint256 n = _active.length;
        operators = new address[](n);
        weights = new uint256[](n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            address a = _active[i];
            uint256 w = Math.min(snapshotWeight(a, role, blockNumber), _weights[a][role].latest());
            if (w != 0 && w >= min) {
                operators[count] = a;
                weights[count] = w;
                ++count;
            }
        }
        assembly ("memory-safe") {
            mstore(operators, count)
            mstore(weights, count)
        }
    }

    /// @notice The active set, in order (registration order, with ejected/exited operators swapped out).
    function activeOperators() external view returns (address[] memory) {
        return _active;
    }

    function operatorCount() external view returns (uint256) {
        return _active.length;
    }

    function signerOf(address operator) external view returns (address) {
        if (_operators[operator].status == Status.None) revert NotRegistered(operator);
        return _operators[operator].signer;
    }

    /// @notice The operator that registered `signer` (signers are unique), or address(0).
    function operatorOfSigner(address signer) external view returns (address) {
        return _operatorOfSigner[signer];
    }

    // ---------------------------------------------------------------- internal

    function _delegate(address operator, address staker, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        // Credit what actually arrived, so the books stay exact even for a token with transfer fees.
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(staker, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();

        Pool storage p = _pools[operator];
        uint256 shares = p.activeShares == 0 ? received : Math.mulDiv(received, p.activeShares, p.activeAmount);
        if (shares == 0) revert ZeroAmount();
        p.activeShares += shares;
        p.activeAmount += received;
        _shares[operator][staker] += shares;
        totalActive += received;
        totalDeposited += received;
        _syncWeights(operator);
        emit Delegated(operator, staker, received, shares);
    }

    function _value(Pool storage p, uint256 shares) internal view returns (uint256) {
        return shares == 0 ? 0 : Math.mulDiv(shares, p.activeAmount, p.activeShares);
    }

    function _lowerAllocation(address operator, uint8 role, uint64 wad) internal {
        uint64 old = _allocation[operator][role];
        Deallocation storage d = _deallocation[operator][role];
        uint64 held = obligationLowWater[operator] < d.obligationSeq && d.wad > old ? d.wad : old;
        d.wad = held;
        d.obligationSeq = nextObligationSeq[operator];
        _allocation[operator][role] = wad;
    }

    /// @dev Recomputes the operator's four role weights and the role totals; pushes checkpoints that changed.
    function _syncWeights(address operator) internal {
        Operator storage op = _operators[operator];
        uint256 active = op.status == Status.Active ? _pools[operator].activeAmount : 0;
        for (uint8 role = 1; role <= Roles.TEE; role <<= 1) {
            uint256 w = op.roles & role == 0 ? 0 : Math.mulDiv(active, _allocation[operator][role], WAD);
            Checkpoints.Trace208 storage t = _weights[operator][role];
            uint256 old = t.latest();
            if (w == old) continue;
            uint48 key = SafeCast.toUint48(block.number);
            t.push(key, SafeCast.toUint208(w));
            Checkpoints.Trace208 storage total = _totalWeight[role];
            total.push(key, SafeCast.toUint208(total.latest() + w - old));
        }
    }

    /// @dev A full set takes a newcomer only in place of the smallest operator without an open obligation
    ///      (one that is busy cannot be ejected, and must not freeze churn for everyone), and only if the
    ///      newcomer out-stakes it by churnBps.
    function _churn(uint256 offered) internal {
        uint256 n = _active.length;
        address smallest;
        uint256 least = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            address a = _active[i];
            uint256 s = _pools[a].activeAmount;
            if (s < least && openObligations[a] == 0) {
                least = s;
                smallest = a;
            }
        }
        if (smallest == address(0) || offered * 10_000 <= least * (10_000 + uint256(churnBps))) {
            // smallest == 0: every operator in the set is busy (none can be ejected now).
            revert ActiveSetFull(maxOperators, smallest, smallest == address(0) ? 0 : least, offered);
        }
        _exit(smallest, true);
    }

    function _exit(address operator, bool ejected) internal {
        Operator storage op = _operators[operator];
        op.status = Status.Exited;
        uint256 idx = _activeIndex[operator] - 1;
        address last = _active[_active.length - 1];
        _active[idx] = last;
        _activeIndex[last] = idx + 1;
        _active.pop();
        delete _activeIndex[operator];
        delete _operatorOfSigner[op.signer];
        _syncWeights(operator);
        emit OperatorExited(operator, ejected);
    }

    function _activeOperator(address operator) internal view returns (Operator storage op) {
        op = _operators[operator];
        if (op.status == Status.None) revert NotRegistered(operator);
        if (op.status != Status.Active) revert NotActive(operator);
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
