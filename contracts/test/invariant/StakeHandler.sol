// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StakeToken} from "../../src/StakeToken.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {RegistryGhost} from "./RegistryGhost.sol";

/// @notice Drives one StakeRegistry as an adversary would, with the handler itself as the only slasher
///         (standing in for JobManager and the court): sybil registrations at and below the minimum stake,
///         registrations into a full active set (churn), signer hijacks, re-registration after exit,
///         deposits, delegations, withdrawals queued and completed early and while obligations are open,
///         deregistration with obligations open, allocation changes and role drops while obligations are
///         open, obligations opened and closed in any order, slashes of any role, time and blocks passing.
///         Every call that may revert is made through `_call`; each refusal is matched against the errors
///         the rules give for it and counted (anything else counts as unexpected).
contract StakeHandler is RegistryGhost {
    StakeToken internal immutable token;
    address internal immutable minter;
    uint256 internal immutable minSelfStake;

    address public constant BURN = 0x000000000000000000000000000000000000dEaD;
    uint8 internal constant VERIFIER = 4;

    address[] public candidates; // operator accounts, registered over the campaign
    address[] public delegators;
    address[] public registered; // every account that ever registered
    mapping(address account => bool) public everRegistered;


    /// @dev A lowered allocation: `wad` must stay slashable while any of `seqs` (open when lowered) is open.
    struct Hold {
        uint64 wad;
        uint64[] seqs;
    }

    mapping(address operator => mapping(uint8 role => Hold[])) internal _holds;

    uint256 public ghostMinted;

    // outcome counters
    uint256 public registrations;
    uint256 public sybilRegistrations; // at exactly the minimum stake
    uint256 public registrationsRefusedBelowMin;
    uint256 public registrationsRefusedFull;
    uint256 public registrationsRefusedExited;
    uint256 public signerHijacksRefused;
    uint256 public deposits;
    uint256 public delegations;
    uint256 public withdrawalsQueued;
    uint256 public withdrawalsRefusedSelfStake;
    uint256 public withdrawalsRefusedShares;
    uint256 public withdrawalsRefusedEarly;
    uint256 public withdrawalsRefusedForObligations;
    uint256 public deregistrations;
    uint256 public deregistersRefusedForObligations;
    uint256 public allocationsLowered;
    uint256 public allocationsRaised;
    uint256 public rolesDropped;
    uint256 public slashes;
    uint256 public slashesOfHeldAllocation; // the slash reached a lowered allocation kept by an obligation
    uint256 public slashesOfPending; // the slash reached queued (pending) stake

    constructor(StakeToken token_, StakeRegistry registry_, address minter_, uint256 initialOperators)
        RegistryGhost(registry_)
    {
        token = token_;
        minter = minter_;
        minSelfStake = registry_.minSelfStake();
        ghostMinted = token_.totalSupply();
        for (uint256 i; i < 24; ++i) {
            address a = vm.addr(0xA11CE + i);
            vm.label(a, string.concat("op-", vm.toString(i)));
            candidates.push(a);
            _approve(a);
        }
        for (uint256 i; i < 3; ++i) {
            address d = vm.addr(0xDE1E + i);
            vm.label(d, string.concat("delegator-", vm.toString(i)));
            delegators.push(d);
            _approve(d);
        }
        for (uint256 i; i < initialOperators; ++i) {
            address a = candidates[i];
            uint256 stake = 1_000e18 * (i + 1);
            _mint(a, stake);
            (bool ok,) = _call(a, address(registry), abi.encodeCall(registry.register, (0x0f, _signerOf(a), "", stake)));
            require(ok, "initial registration");
            everRegistered[a] = true;
            registered.push(a);
        }
    }

    // ------------------------------------------------------------ actions

    /// @notice A candidate registers with `roles`; `stake` below the minimum, into a full set or after it
    ///         exited is refused; `hijack` tries to claim another operator's signer.
    function register(uint256 who, uint256 stake, uint8 roles, bool hijack) external {
        address a = candidates[who % candidates.length];
        // mostly a fresh account; sometimes one that is registered or exited (refused)
        for (uint256 k; k < candidates.length && who % 4 != 0; ++k) {
            address c = candidates[(who % candidates.length + k) % candidates.length];
            if (!everRegistered[c]) {
                a = c;
                break;
            }
        }
        roles = uint8(bound(roles, 1, 15));
        if (stake != minSelfStake) {
            stake = bound(stake, 0, 5_000e18);
            if (stake % 5 == 0) stake = stake % minSelfStake; // below the minimum, zero included
            else if (stake % 5 == 1) stake = minSelfStake; // sybils at the minimum
            else if (stake < minSelfStake) stake += minSelfStake;
        }
        if (stake > minSelfStake && (stake % 2 == 0 || hijack) && registry.operatorCount() == registry.maxOperators()) {
            // a full set: offer enough to replace the smallest operator (churn; a hijack must get that far)
            (, uint256 least) = _smallestActive();
            if (least * 12 / 10 + 1 > stake) stake = least * 12 / 10 + 1;
        }
        address signer = _signerOf(a);
        if (hijack && registered.length != 0) signer = _signerOf(registered[stake % registered.length]);
        _mint(a, stake);
        (bool ok, bytes memory ret) =
            _call(a, address(registry), abi.encodeCall(registry.register, (roles, signer, "", stake)));
        if (ok) {
            ++registrations;
            if (stake == minSelfStake) ++sybilRegistrations;
            if (!everRegistered[a]) {
                everRegistered[a] = true;
                registered.push(a);
            }
            return;
        }
        bytes4 sel = _expect(
            ret,
            StakeRegistry.BelowMinSelfStake.selector,
            StakeRegistry.ActiveSetFull.selector,
            StakeRegistry.AlreadyRegistered.selector,
            StakeRegistry.SignerInUse.selector
        );
        if (sel == StakeRegistry.BelowMinSelfStake.selector) ++registrationsRefusedBelowMin;
        else if (sel == StakeRegistry.ActiveSetFull.selector) ++registrationsRefusedFull;
        else if (sel == StakeRegistry.AlreadyRegistered.selector) ++registrationsRefusedExited;
        else if (sel == StakeRegistry.SignerInUse.selector) ++signerHijacksRefused;
    }

    function deposit(uint256 who, uint256 amount) external {
        if (registered.length == 0) return;
        address op = registered[who % registered.length];
        amount = bound(amount, 1, 2_000e18);
        _mint(op, amount);
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.deposit, (amount)));
        if (ok) ++deposits;
        else _expect(ret, StakeRegistry.NotActive.selector, 0, 0);
    }

    function delegate(uint256 who, uint256 to, uint256 amount) external {
        if (registered.length == 0) return;
        address d = delegators[who % delegators.length];
        address op = registered[to % registered.length];
        amount = bound(amount, 1, 3_000e18);
        _mint(d, amount);
        (bool ok, bytes memory ret) = _call(d, address(registry), abi.encodeCall(registry.delegate, (op, amount)));
        if (ok) ++delegations;
        else _expect(ret, StakeRegistry.NotActive.selector, 0, 0);
    }

    /// @notice An operator (own pool) or a delegator (any pool) queues some or all of its stake; asking
    ///         for more than it has, or an operator going below its minimum, is refused.
    function queueWithdrawal(uint256 who, uint256 from, uint256 amount, bool all) external {
        if (registered.length == 0) return;
        address staker;
        address op;
        if (who % 2 == 0) {
            op = registered[who / 2 % registered.length];
            staker = op;
        } else {
            staker = delegators[who / 2 % delegators.length];
            op = registered[from % registered.length];
        }
        // mostly the stake of an operator with an obligation open: the stake that must not leave
        if (from % 3 != 0) {
            address busy = _busyOperator(from);
            if (busy != address(0)) (op, staker) = (busy, who % 2 == 0 ? busy : staker);
        }
        uint256 have = registry.delegatedStake(op, staker);
        amount = all ? type(uint256).max : bound(amount, 1, have + have / 4 + 1);
        (bool ok, bytes memory ret) =
            _call(staker, address(registry), abi.encodeCall(registry.queueWithdrawal, (op, amount)));
        if (ok) {
            ++withdrawalsQueued;
            if (!_isPending[op][staker]) {
                _isPending[op][staker] = true;
                _pending.push(Pair(op, staker));
            }
            return;
        }
        bytes4 sel = _expect(
            ret,
            StakeRegistry.BelowMinSelfStake.selector,
            StakeRegistry.InsufficientShares.selector,
            StakeRegistry.ZeroAmount.selector
        );
        if (sel == StakeRegistry.BelowMinSelfStake.selector) ++withdrawalsRefusedSelfStake;
        else ++withdrawalsRefusedShares;
    }

    /// @notice Completes a queued withdrawal, maybe before its delay (refused), maybe while obligations
    ///         open at queue time are still open (refused); `wait` lets the delay pass first.
    function completeWithdrawal(uint256 which, bool wait) external {
        if (_pending.length == 0) return;
        uint256 i = _pickPending(which);
        Pair memory p = _pending[i];
        (StakeRegistry.Withdrawal memory w,) = registry.withdrawalOf(p.operator, p.staker);
        if (wait && block.timestamp < w.availableAt) vm.warp(w.availableAt);
        bytes4 sel = _completePending(i);
        if (sel == StakeRegistry.WithdrawalNotReady.selector) ++withdrawalsRefusedEarly;
        else if (sel == StakeRegistry.ObligationsOpen.selector) ++withdrawalsRefusedForObligations;
    }

    function deregister(uint256 who) external {
        if (registered.length == 0) return;
        address op = who % 2 == 0 ? _busyOperator(who / 2) : address(0); // half the time a busy one (refused)
        if (op == address(0)) op = _pickOperator(who);
        // else mostly an idle one (it leaves)
        for (uint256 k; k < registered.length && who % 2 == 1; ++k) {
            address c = registered[(who % registered.length + k) % registered.length];
            if (registry.getOperator(c).status == StakeRegistry.Status.Active && ghostOpen[c] == 0) {
                op = c;
                break;
            }
        }
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.deregister, ()));
        if (ok) {
            ++deregistrations;
            return;
        }
        bytes4 sel = _expect(ret, StakeRegistry.ObligationsOpen.selector, StakeRegistry.NotActive.selector, 0);
        if (sel == StakeRegistry.ObligationsOpen.selector) ++deregistersRefusedForObligations;
    }

    /// @notice Sets one role's allocation (lowering keeps the old one slashable while obligations open now
    ///         stay open: the ghost records a hold).
    function setAllocation(uint256 who, uint8 roleIndex, uint64 wad) external {
        if (registered.length == 0) return;
        address op = _pickOperator(who);
        uint8 role = uint8(1 << (roleIndex % 4));
        uint8 held = registry.getOperator(op).roles;
        // mostly a role it holds; sometimes any role (refused when not held)
        for (uint256 k; k < 4 && roleIndex % 5 != 0 && held & role == 0; ++k) {
            role = uint8(1 << ((roleIndex + k) % 4));
        }
        wad = uint64(bound(wad, 0, 1e18));
        uint64 old = registry.allocationOf(op, role);
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.setAllocation, (role, wad)));
        if (ok) {
            if (wad < old) {
                ++allocationsLowered;
                _hold(op, role, old);
            } else {
                ++allocationsRaised;
            }
            return;
        }
        _expect(ret, StakeRegistry.RoleNotHeld.selector, StakeRegistry.NotActive.selector, 0);
    }

    /// @notice Replaces the operator's roles (sometimes trying to take another operator's signer: refused);
    ///         a dropped role's allocation stays slashable (a hold).
    function updateRoles(uint256 who, uint8 roles) external {
        if (registered.length == 0) return;
        address op = _pickOperator(who);
        roles = uint8(bound(roles, 1, 15));
        StakeRegistry.Operator memory o = registry.getOperator(op);
        uint64[4] memory old;
        for (uint256 r; r < 4; ++r) {
            old[r] = registry.allocationOf(op, uint8(1 << r));
        }
        address signer = o.signer;
        if (who % 5 == 0) {
            // try to take over another active operator's signer (refused)
            address other = _pickOperator(who / 5 + 1);
            if (other != op && registry.getOperator(other).status == StakeRegistry.Status.Active) {
                signer = registry.getOperator(other).signer;
            }
        }
        (bool ok, bytes memory ret) =
            _call(op, address(registry), abi.encodeCall(registry.updateOperator, (roles, signer, "")));
        if (!ok) {
            bytes4 sel = _expect(ret, StakeRegistry.NotActive.selector, StakeRegistry.SignerInUse.selector, 0);
            if (sel == StakeRegistry.SignerInUse.selector) ++signerHijacksRefused;
            return;
        }
        if (signer != o.signer) ++unexpectedReverts; // a signer hijack went through
        for (uint256 r; r < 4; ++r) {
            uint8 role = uint8(1 << r);
            if (o.roles & role != 0 && roles & role == 0) {
                ++rolesDropped;
                _hold(op, role, old[r]);
            }
        }
    }

    /// @notice The slasher (this handler) opens an obligation for an active operator.
    function openObligation(uint256 who) external {
        if (registered.length == 0) return;
        address op = _pickOperator(who);
        if (who % 3 == 0) (op,) = _smallestActive(); // the operator churn would replace next
        if (registry.getOperator(op).status != StakeRegistry.Status.Active) return;
        (bool ok, bytes memory ret) =
            _call(address(this), address(registry), abi.encodeCall(registry.openObligation, (op)));
        if (!ok) _expect(ret, 0, 0, 0);
    }

    /// @notice The slasher closes one (or every one) of the operator's open obligations, in any order.
    function closeObligation(uint256 who, uint256 which, bool all) external {
        if (registered.length == 0) return;
        address op = registered[who % registered.length];
        uint64[] memory open = ghostOpenSeqs(op);
        if (open.length == 0) return;
        uint256 first = all ? 0 : which % open.length;
        uint256 end = all ? open.length : first + 1;
        for (uint256 i = first; i < end; ++i) {
            (bool ok, bytes memory ret) =
                _call(address(this), address(registry), abi.encodeCall(registry.closeObligation, (op, open[i])));
            if (!ok) _expect(ret, 0, 0, 0);
        }
    }

    /// @notice The slasher slashes any role of any registered operator; the proceeds are burned.
    function slash(uint256 who, uint8 roleIndex, uint256 wad) external {
        if (registered.length == 0) return;
        address op = registered[who % registered.length];
        uint8 role = uint8(1 << (roleIndex % 4));
        if (roleIndex % 2 == 0) (op, role) = _heldAllocation(who, op, role); // a lowered allocation still held
        wad = bound(wad, 0, 0.6e18);
        if (registry.slashableAllocation(op, role) > registry.allocationOf(op, role)) ++slashesOfHeldAllocation;
        if (registry.poolOf(op).pendingAmount != 0) ++slashesOfPending;
        uint256 before = token.balanceOf(address(this));
        (bool ok, bytes memory ret) =
            _call(address(this), address(registry), abi.encodeCall(registry.slash, (op, role, wad, bytes32("fuzz"))));
        if (!ok) {
            _expect(ret, 0, 0, 0);
            return;
        }
        ++slashes;
        uint256 got = token.balanceOf(address(this)) - before;
        if (got != 0) token.transfer(BURN, got);
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 2 days));
    }

    function roll(uint256 blocks) external {
        vm.roll(block.number + bound(blocks, 1, 30));
    }

    // ------------------------------------------------------------ end of a run

    /// @notice Ends every obligation, exits every operator and withdraws every staker's everything, so an
    ///         invariant test can check that nothing is stuck. Returns the refusals met on the way.
    function drain() external returns (uint256 refusals) {
        for (uint256 i; i < registered.length; ++i) {
            address op = registered[i];
            uint64[] memory open = ghostOpenSeqs(op);
            for (uint256 k; k < open.length; ++k) {
                (bool ok,) =
                    _call(address(this), address(registry), abi.encodeCall(registry.closeObligation, (op, open[k])));
                if (!ok) ++refusals;
            }
        }
        for (uint256 i; i < registered.length; ++i) {
            address op = registered[i];
            if (registry.getOperator(op).status == StakeRegistry.Status.Active) {
                (bool ok,) = _call(op, address(registry), abi.encodeCall(registry.deregister, ()));
                if (!ok) ++refusals;
            }
            _queueAll(op, op);
            for (uint256 k; k < delegators.length; ++k) {
                _queueAll(op, delegators[k]);
            }
        }
        vm.warp(block.timestamp + registry.withdrawalDelay());
        for (uint256 i; i < registered.length; ++i) {
            address op = registered[i];
            refusals += _completeIfQueued(op, op);
            for (uint256 k; k < delegators.length; ++k) {
                refusals += _completeIfQueued(op, delegators[k]);
            }
        }
    }

    // ------------------------------------------------------------ views

    function registeredCount() external view returns (uint256) {
        return registered.length;
    }

    function delegatorCount() external view returns (uint256) {
        return delegators.length;
    }

    function candidateCount() external view returns (uint256) {
        return candidates.length;
    }

    /// @notice The fraction of `operator`'s pool the rules say a `role` slash must still reach: its
    ///         allocation, or more while a lowered allocation's obligations are open.
    function requiredSlashable(address operator, uint8 role) external view returns (uint256 wad) {
        wad = registry.allocationOf(operator, role);
        Hold[] storage hs = _holds[operator][role];
        for (uint256 i; i < hs.length; ++i) {
            if (hs[i].wad <= wad) continue;
            uint64[] storage seqs = hs[i].seqs;
            for (uint256 k; k < seqs.length; ++k) {
                if (ghostObligation[operator][seqs[k]] == OPEN) {
                    wad = hs[i].wad;
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------ internal

    /// @dev The active operator with the smallest active pool, and that pool.
    function _smallestActive() internal view returns (address smallest, uint256 least) {
        least = type(uint256).max;
        for (uint256 i; i < registered.length; ++i) {
            address op = registered[i];
            if (registry.getOperator(op).status != StakeRegistry.Status.Active) continue;
            uint256 amount = registry.stakeOf(op);
            if (amount < least) (smallest, least) = (op, amount);
        }
    }

    /// @dev Mostly an active operator (scanning from `who`); one time in four any registered account, which
    ///      may have exited (its calls are refused).
    function _pickOperator(uint256 who) internal view returns (address) {
        uint256 n = registered.length;
        address first = registered[who % n];
        if (who % 4 == 0) return first;
        for (uint256 k; k < n; ++k) {
            address op = registered[(who % n + k) % n];
            if (registry.getOperator(op).status == StakeRegistry.Status.Active) return op;
        }
        return first;
    }

    /// @dev An (operator, role) whose slashable allocation is above its allocation (a lowering still held
    ///      by obligations), scanning from `who`; (op, role) if there is none.
    function _heldAllocation(uint256 who, address op, uint8 role) internal view returns (address, uint8) {
        uint256 n = registered.length;
        for (uint256 k; k < n; ++k) {
            address c = registered[(who % n + k) % n];
            for (uint8 r = 1; r <= 8; r <<= 1) {
                if (registry.slashableAllocation(c, r) > registry.allocationOf(c, r)) return (c, r);
            }
        }
        return (op, role);
    }

    /// @dev A registered operator with an open obligation, scanning from `seed` (0 if none).
    function _busyOperator(uint256 seed) internal view returns (address) {
        return _busyAmong(registered, seed);
    }

    function _hold(address op, uint8 role, uint64 wad) internal {
        uint64[] memory open = ghostOpenSeqs(op);
        if (open.length == 0 || wad == 0) return;
        Hold storage h = _holds[op][role].push();
        h.wad = wad;
        for (uint256 i; i < open.length; ++i) {
            h.seqs.push(open[i]);
        }
    }

    function _queueAll(address op, address staker) internal {
        if (registry.sharesOf(op, staker) == 0) return;
        (bool ok,) = _call(staker, address(registry), abi.encodeCall(registry.queueWithdrawal, (op, type(uint256).max)));
        if (ok && !_isPending[op][staker]) {
            _isPending[op][staker] = true;
            _pending.push(Pair(op, staker));
        }
    }

    function _completeIfQueued(address op, address staker) internal returns (uint256 refused) {
        (StakeRegistry.Withdrawal memory w,) = registry.withdrawalOf(op, staker);
        if (w.shares == 0) return 0;
        (bool ok,) = _call(staker, address(registry), abi.encodeCall(registry.completeWithdrawal, (op)));
        return ok ? 0 : 1;
    }

    function _signerOf(address a) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("signer", a)))));
    }

    function _mint(address to, uint256 amount) internal {
        vm.prank(minter);
        token.mint(to, amount);
        ghostMinted += amount;
    }

    function _approve(address a) internal {
        vm.prank(a);
        token.approve(address(registry), type(uint256).max);
    }
}
