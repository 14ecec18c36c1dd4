// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";

/// @notice Ghost books that invariant handlers keep of a StakeRegistry, mirrored from the events of the
///         calls that succeeded (`_call` records each call's logs and drops those of a reverted call, whose
///         events forge would otherwise still report). What the ghost tracks on its own, independently of
///         the registry's own sequence numbers and low-water mark:
///         - every obligation (operator, seq) with its state (open, closed), so its own low-water mark;
///         - for every queued withdrawal, the obligations that were open when it was queued (the union over
///           every queueing into the same withdrawal); completing the withdrawal while any of them is still
///           open counts as a violation: stake behind an open obligation left;
///         - deposits, withdrawals and slashes per operator, and in total.
abstract contract RegistryGhost is Test {
    StakeRegistry internal immutable registry;

    uint8 internal constant OPEN = 1;
    uint8 internal constant CLOSED = 2;

    mapping(address operator => uint64) public ghostNextSeq;
    mapping(address operator => uint64) public ghostLowWater;
    mapping(address operator => uint64) public ghostOpen;
    mapping(address operator => mapping(uint64 seq => uint8 state)) public ghostObligation;
    /// @dev The obligations open when (operator, staker)'s pending withdrawal was queued.
    mapping(address operator => mapping(address staker => uint64[] seqs)) internal _blockers;

    /// @dev The (operator, staker) pairs with a queued withdrawal, as the handlers track them.
    struct Pair {
        address operator;
        address staker;
    }

    Pair[] internal _pending;
    mapping(address operator => mapping(address staker => bool)) internal _isPending;

    mapping(address operator => uint256) public ghostSlashedOf;
    uint256 public ghostDeposited;
    uint256 public ghostWithdrawn;
    uint256 public ghostSlashed;

    /// @notice Completed withdrawals that paid stake while an obligation open at queue time was still open.
    uint256 public withdrawalViolations;
    /// @notice Obligation events that contradict the ghost (unknown seq closed, wrong low-water mark).
    uint256 public obligationMismatches;
    /// @notice Completed withdrawals that had been held by at least one obligation (the rule was exercised).
    uint256 public withdrawalsHeldThenPaid;
    uint256 public withdrawalsCompleted;
    uint256 public obligationsOpened;
    uint256 public obligationsClosed;
    uint256 public slashEvents;
    uint256 public ejections;
    uint256 public exits;
    /// @notice Operators that left the active set (deregistered or ejected) with an obligation open.
    uint256 public exitViolations;

    /// @notice Reverts no rule explains (a handler lists the errors it expects from each call).
    uint256 public unexpectedReverts;
    bytes public lastUnexpected;

    /// @dev Starts from the registry's books as they are (stake registered before the handler existed).
    constructor(StakeRegistry registry_) {
        registry = registry_;
        ghostDeposited = registry_.totalDeposited();
        ghostWithdrawn = registry_.totalWithdrawn();
        ghostSlashed = registry_.totalSlashed();
    }

    // ------------------------------------------------------------ calls

    /// @dev Calls `target` as `who`, absorbing the events if it succeeded. The prank is set right before the
    ///      call, after every argument is evaluated.
    function _call(address who, address target, bytes memory data) internal returns (bool ok, bytes memory ret) {
        vm.recordLogs();
        vm.prank(who);
        (ok, ret) = target.call(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (ok) _absorbAll(logs);
    }

    /// @dev The custom error selector of revert data (0 for an empty revert).
    function _selector(bytes memory ret) internal pure returns (bytes4 sel) {
        if (ret.length >= 4) {
            assembly ("memory-safe") {
                sel := mload(add(ret, 32))
            }
        }
    }

    /// @dev Records `ret` as unexpected unless its selector is one of the expected ones (0 = unused slot).
    function _expect(bytes memory ret, bytes4 a, bytes4 b, bytes4 c) internal returns (bytes4 sel) {
        return _expect(ret, a, b, c, 0);
    }

    function _expect(bytes memory ret, bytes4 a, bytes4 b, bytes4 c, bytes4 d) internal returns (bytes4 sel) {
        sel = _selector(ret);
        if (sel == bytes4(0) || (sel != a && sel != b && sel != c && sel != d)) {
            ++unexpectedReverts;
            lastUnexpected = ret;
        }
    }

    function _absorbAll(Vm.Log[] memory logs) internal {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(registry)) _absorbRegistry(logs[i]);
            else _absorbOther(logs[i]);
        }
    }

    /// @dev Events of other contracts (JobManager, court) for the handler that drives them.
    function _absorbOther(Vm.Log memory log) internal virtual {}

    function _absorbRegistry(Vm.Log memory log) internal {
        bytes32 sig = log.topics[0];
        if (sig == StakeRegistry.ObligationOpened.selector) {
            address op = _topicAddress(log, 1);
            uint64 seq = abi.decode(log.data, (uint64));
            if (seq != ghostNextSeq[op]) ++obligationMismatches;
            ghostObligation[op][seq] = OPEN;
            ghostNextSeq[op] = seq + 1;
            ++ghostOpen[op];
            ++obligationsOpened;
        } else if (sig == StakeRegistry.ObligationClosed.selector) {
            address op = _topicAddress(log, 1);
            (uint64 seq, uint64 lowWater) = abi.decode(log.data, (uint64, uint64));
            if (ghostObligation[op][seq] != OPEN) ++obligationMismatches;
            ghostObligation[op][seq] = CLOSED;
            --ghostOpen[op];
            ++obligationsClosed;
            uint64 low = ghostLowWater[op];
            uint64 next = ghostNextSeq[op];
            while (low < next && ghostObligation[op][low] == CLOSED) ++low;
            ghostLowWater[op] = low;
            if (low != lowWater) ++obligationMismatches;
        } else if (sig == StakeRegistry.WithdrawalQueued.selector) {
            address op = _topicAddress(log, 1);
            address staker = _topicAddress(log, 2);
            uint64[] storage held = _blockers[op][staker];
            uint64 next = ghostNextSeq[op];
            for (uint64 s = ghostLowWater[op]; s < next; ++s) {
                if (ghostObligation[op][s] == OPEN) held.push(s);
            }
        } else if (sig == StakeRegistry.WithdrawalCompleted.selector) {
            address op = _topicAddress(log, 1);
            address staker = _topicAddress(log, 2);
            uint256 amount = abi.decode(log.data, (uint256));
            uint64[] storage held = _blockers[op][staker];
            for (uint256 i; i < held.length; ++i) {
                if (ghostObligation[op][held[i]] != CLOSED) ++withdrawalViolations;
            }
            if (held.length != 0) ++withdrawalsHeldThenPaid;
            delete _blockers[op][staker];
            ghostWithdrawn += amount;
            ++withdrawalsCompleted;
        } else if (sig == StakeRegistry.Delegated.selector) {
            (uint256 amount,) = abi.decode(log.data, (uint256, uint256));
            ghostDeposited += amount;
        } else if (sig == StakeRegistry.Slashed.selector) {
            address op = _topicAddress(log, 1);
            (, uint256 amount,,,) = abi.decode(log.data, (uint8, uint256, uint256, uint256, bytes32));
            ghostSlashedOf[op] += amount;
            ghostSlashed += amount;
            ++slashEvents;
            _onSlashed(op, amount);
        } else if (sig == StakeRegistry.OperatorExited.selector) {
            bool ejected = abi.decode(log.data, (bool));
            if (ghostOpen[_topicAddress(log, 1)] != 0) ++exitViolations;
            if (ejected) ++ejections;
            else ++exits;
        }
    }

    /// @dev Hook for a handler that judges who may be slashed.
    function _onSlashed(address operator, uint256 amount) internal virtual {}

    function _topicAddress(Vm.Log memory log, uint256 i) internal pure returns (address) {
        return address(uint160(uint256(log.topics[i])));
    }

    // ------------------------------------------------------------ views for the invariants

    /// @dev One of `accounts` with an open obligation, scanning from `seed` (0 if none).
    function _busyAmong(address[] storage accounts, uint256 seed) internal view returns (address) {
        uint256 n = accounts.length;
        for (uint256 k; k < n; ++k) {
            address op = accounts[(seed % n + k) % n];
            if (ghostOpen[op] != 0) return op;
        }
        return address(0);
    }

    /// @dev Tries to complete pending withdrawal `i` as its staker: on success it leaves the list and this returns
    ///      0, otherwise the refusal (WithdrawalNotReady or ObligationsOpen; any other revert fails the run).
    function _completePending(uint256 i) internal returns (bytes4 refusal) {
        Pair memory p = _pending[i];
        (bool ok, bytes memory ret) =
            _call(p.staker, address(registry), abi.encodeCall(registry.completeWithdrawal, (p.operator)));
        if (!ok) return _expect(ret, StakeRegistry.WithdrawalNotReady.selector, StakeRegistry.ObligationsOpen.selector, 0);
        _isPending[p.operator][p.staker] = false;
        _pending[i] = _pending[_pending.length - 1];
        _pending.pop();
    }

    /// @dev A pending withdrawal, mostly one that obligations held when it was queued.
    function _pickPending(uint256 which) internal view returns (uint256) {
        uint256 n = _pending.length;
        for (uint256 k; k < n && which % 3 != 0; ++k) {
            uint256 i = (which % n + k) % n;
            if (_blockers[_pending[i].operator][_pending[i].staker].length != 0) return i;
        }
        return which % n;
    }

    function blockersOf(address operator, address staker) external view returns (uint64[] memory) {
        return _blockers[operator][staker];
    }

    /// @notice The obligations open for `operator` per the ghost, in sequence order.
    function ghostOpenSeqs(address operator) public view returns (uint64[] memory seqs) {
        seqs = new uint64[](ghostOpen[operator]);
        uint256 n;
        uint64 next = ghostNextSeq[operator];
        for (uint64 s = ghostLowWater[operator]; s < next && n < seqs.length; ++s) {
            if (ghostObligation[operator][s] == OPEN) seqs[n++] = s;
        }
    }
}
