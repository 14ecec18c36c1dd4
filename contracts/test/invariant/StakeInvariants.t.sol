// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "../SettlementFixture.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {StakeHandler} from "./StakeHandler.sol";

/// @notice StakeRegistry under an adversarial handler (StakeHandler) that is also its only slasher. A
///         registry of its own, behind the fixture's timelock, with a small active set so that churn is
///         reached from the first registration: 6 operators, all registered at the start, 24 candidates.
///         Invariants: token conservation and the registry's books; pools and shares (nobody can claim more
///         than a pool holds); stake behind an open obligation never leaves (withdrawals, exits and lowered
///         allocations); weights and the active set as the rules define them; and no revert other than the
///         refusals the rules give. After each run everything is unwound (`afterInvariant`): nothing stuck.
contract StakeInvariantsTest is SettlementFixture {
    uint16 internal constant SMALL_SET = 6;
    uint256 internal constant VERIFIER_MIN = 150e18;

    StakeRegistry internal stakes;
    StakeHandler internal handler;

    function setUp() public override {
        super.setUp();
        StakeRegistry.Config memory cfg = registryConfig();
        cfg.maxOperators = SMALL_SET;
        stakes = new StakeRegistry(address(timelock), token, cfg);
        handler = new StakeHandler(token, stakes, address(timelock), SMALL_SET);
        governance(address(stakes), abi.encodeCall(StakeRegistry.setSlasher, (address(handler), true)));
        governance(address(stakes), abi.encodeCall(StakeRegistry.setMinStake, (VERIFIER, VERIFIER_MIN)));

        bytes4[] memory selectors = new bytes4[](15);
        selectors[0] = StakeHandler.register.selector;
        selectors[1] = StakeHandler.deposit.selector;
        selectors[2] = StakeHandler.delegate.selector;
        selectors[3] = StakeHandler.queueWithdrawal.selector;
        selectors[4] = StakeHandler.completeWithdrawal.selector;
        selectors[5] = StakeHandler.deregister.selector;
        selectors[6] = StakeHandler.setAllocation.selector;
        selectors[7] = StakeHandler.updateRoles.selector;
        selectors[8] = StakeHandler.openObligation.selector;
        selectors[9] = StakeHandler.closeObligation.selector;
        selectors[10] = StakeHandler.slash.selector;
        selectors[11] = StakeHandler.warp.selector;
        selectors[12] = StakeHandler.roll.selector;
        selectors[13] = StakeHandler.openObligation.selector; // obligations twice as often: they are the point
        selectors[14] = StakeHandler.closeObligation.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ------------------------------------------------------------ invariants

    /// Every token minted is held by a known account; the registry's books close and its balance is
    /// exactly the active plus pending stake; the pools add up to the totals.
    function invariant_tokenConservation() public view {
        _checkConservation();
    }

    /// Shares add up to each pool's shares, and no set of stakers can claim more than the pool holds.
    function invariant_poolsAreSolvent() public view {
        _checkPools();
    }

    /// No withdrawal completed while an obligation open at queue time was open; no operator exited with
    /// an obligation open; a lowered allocation stays slashable while the obligations open at the time
    /// are; the registry's obligation books equal the ghost's.
    function invariant_stakeBehindObligationsNeverLeaves() public view {
        _checkObligations();
    }

    /// Weights are active pool x allocation of active operators, checkpoint totals add up, eligibility
    /// follows minStake, and the active set is bounded.
    function invariant_weightsAndActiveSet() public view {
        _checkWeights();
    }

    /// Every refusal met was one the rules give for that call.
    function invariant_onlyExpectedRefusals() public view {
        _checkRefusals();
    }

    /// After a run: close every obligation, exit every operator, withdraw every stake. Nothing may be
    /// refused, and the registry must end empty with its books closed.
    function afterInvariant() public {
        _drainAndCheck();
    }

    // ------------------------------------------------------------ every path is reached

    /// A fixed pseudo-random sequence of handler actions (the same actions the campaign calls) with the
    /// invariants checked every 6 steps; each outcome counter must be reached.
    function test_campaignReachesEveryPath() public {
        uint256 seed = 0x5eed;
        for (uint256 i; i < 800; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _step(seed);
            if (i % 6 == 5) this.checkAll(); // an external call, so each check's memory is freed
        }
        _checkAll();
        _logCounters();
        assertGt(handler.registrations(), 0, "registrations");
        assertGt(handler.sybilRegistrations(), 0, "sybil registrations at the minimum");
        assertGt(handler.registrationsRefusedBelowMin(), 0, "registration below the minimum refused");
        assertGt(handler.registrationsRefusedFull(), 0, "registration into a full set refused");
        assertGt(handler.registrationsRefusedExited(), 0, "re-registration refused");
        assertGt(handler.signerHijacksRefused(), 0, "signer hijack refused");
        assertGt(handler.ejections(), 0, "churn ejections");
        assertGt(handler.deposits(), 0, "deposits");
        assertGt(handler.delegations(), 0, "delegations");
        assertGt(handler.withdrawalsQueued(), 0, "withdrawals queued");
        assertGt(handler.withdrawalsRefusedSelfStake(), 0, "withdrawal below minSelfStake refused");
        assertGt(handler.withdrawalsRefusedShares(), 0, "withdrawal of more than held refused");
        assertGt(handler.withdrawalsRefusedEarly(), 0, "early withdrawal refused");
        assertGt(handler.withdrawalsRefusedForObligations(), 0, "withdrawal refused for open obligations");
        assertGt(handler.withdrawalsCompleted(), 0, "withdrawals completed");
        assertGt(handler.withdrawalsHeldThenPaid(), 0, "withdrawals held by obligations, then paid");
        assertGt(handler.deregistrations(), 0, "deregistrations");
        assertGt(handler.deregistersRefusedForObligations(), 0, "deregistration refused for open obligations");
        assertGt(handler.allocationsLowered(), 0, "allocations lowered");
        assertGt(handler.allocationsRaised(), 0, "allocations raised");
        assertGt(handler.rolesDropped(), 0, "roles dropped");
        assertGt(handler.obligationsOpened(), 0, "obligations opened");
        assertGt(handler.obligationsClosed(), 0, "obligations closed");
        assertGt(handler.slashes(), 0, "slashes");
        assertGt(handler.slashesOfHeldAllocation(), 0, "slashes reaching a held (lowered) allocation");
        assertGt(handler.slashesOfPending(), 0, "slashes reaching queued stake");
        _drainAndCheck();
    }

    function _step(uint256 r) internal {
        uint256 a = uint256(keccak256(abi.encode(r, 1)));
        uint256 b = uint256(keccak256(abi.encode(r, 2)));
        uint256 c = uint256(keccak256(abi.encode(r, 3)));
        uint256 which = r % 20;
        if (which <= 2) handler.register(a, b % 2 == 0 ? b % 3_000e18 : b, uint8(c), c % 5 == 0);
        else if (which == 3) handler.register(a, MIN_SELF_STAKE, uint8(b), c % 3 == 0);
        else if (which == 4) handler.deposit(a, b % 1_000e18);
        else if (which == 5) handler.delegate(a, b, c % 2_000e18);
        else if (which <= 7) handler.queueWithdrawal(a, b, c % 1_500e18, c % 4 == 0);
        else if (which == 8) handler.completeWithdrawal(a, b % 3 == 0);
        else if (which == 9) a % 2 == 0 ? handler.deregister(a / 2) : handler.completeWithdrawal(b, false);
        else if (which == 10) handler.setAllocation(a, uint8(b), c % 3 == 0 ? 1e18 : uint64(c % 1e18));
        else if (which == 11) handler.updateRoles(a, uint8(b));
        else if (which <= 13) handler.openObligation(a);
        else if (which <= 15) handler.closeObligation(a, b, c % 2 == 0);
        else if (which <= 17) handler.slash(a, uint8(b), c % 0.7e18);
        else if (which == 18) handler.warp(a % 3 == 0 ? a % 2 days : a % 1 hours);
        else handler.roll(a);
    }

    // ------------------------------------------------------------ checks

    /// @dev The checks as an external call (the campaign test's memory would otherwise grow with each).
    function checkAll() external view {
        _checkAll();
    }

    function _checkAll() internal view {
        _checkConservation();
        _checkPools();
        _checkObligations();
        _checkWeights();
        _checkRefusals();
    }

    function _checkConservation() internal view {
        uint256 active = stakes.totalActive();
        uint256 pending = stakes.totalPending();
        assertEq(
            stakes.totalDeposited(),
            active + pending + stakes.totalWithdrawn() + stakes.totalSlashed(),
            "registry books: deposited == active + pending + withdrawn + slashed"
        );
        assertEq(token.balanceOf(address(stakes)), active + pending, "registry balance == active + pending");
        assertEq(stakes.totalDeposited(), handler.ghostDeposited(), "deposits seen in events");
        assertEq(stakes.totalWithdrawn(), handler.ghostWithdrawn(), "withdrawals seen in events");
        assertEq(stakes.totalSlashed(), handler.ghostSlashed(), "slashes seen in events");

        uint256 held = token.balanceOf(address(stakes)) + token.balanceOf(address(handler))
            + token.balanceOf(handler.BURN()) + token.balanceOf(address(registry));
        for (uint256 i; i < handler.candidateCount(); ++i) {
            held += token.balanceOf(handler.candidates(i));
        }
        for (uint256 i; i < handler.delegatorCount(); ++i) {
            held += token.balanceOf(handler.delegators(i));
        }
        assertEq(token.totalSupply(), handler.ghostMinted(), "supply == minted");
        assertEq(held, token.totalSupply(), "every token is with a known holder");

        uint256 sumActive;
        uint256 sumPending;
        for (uint256 i; i < handler.registeredCount(); ++i) {
            StakeRegistry.Pool memory p = stakes.poolOf(handler.registered(i));
            sumActive += p.activeAmount;
            sumPending += p.pendingAmount;
        }
        assertEq(sumActive, active, "sum of active pools == totalActive");
        assertEq(sumPending, pending, "sum of pending pools == totalPending");
    }

    function _checkPools() internal view {
        for (uint256 i; i < handler.registeredCount(); ++i) {
            address op = handler.registered(i);
            StakeRegistry.Pool memory p = stakes.poolOf(op);
            uint256 shares = stakes.sharesOf(op, op);
            uint256 value = stakes.delegatedStake(op, op);
            (StakeRegistry.Withdrawal memory w, uint256 owed) = stakes.withdrawalOf(op, op);
            uint256 pendingShares = w.shares;
            for (uint256 k; k < handler.delegatorCount(); ++k) {
                address d = handler.delegators(k);
                shares += stakes.sharesOf(op, d);
                value += stakes.delegatedStake(op, d);
                (StakeRegistry.Withdrawal memory wd, uint256 amount) = stakes.withdrawalOf(op, d);
                pendingShares += wd.shares;
                owed += amount;
            }
            assertEq(shares, p.activeShares, "stakers' shares == pool's active shares");
            assertEq(pendingShares, p.pendingShares, "withdrawals' shares == pool's pending shares");
            assertLe(value, p.activeAmount, "stakers cannot claim more than the active pool");
            assertLe(owed, p.pendingAmount, "withdrawals cannot claim more than the pending pool");
            assertEq(p.activeShares == 0, p.activeAmount == 0, "active shares and amount vanish together");
            assertEq(p.pendingShares == 0, p.pendingAmount == 0, "pending shares and amount vanish together");
        }
    }

    function _checkObligations() internal view {
        assertEq(handler.withdrawalViolations(), 0, "a withdrawal paid stake behind an open obligation");
        assertEq(handler.exitViolations(), 0, "an operator left the active set with an obligation open");
        assertEq(handler.obligationMismatches(), 0, "obligation events contradict the ghost");
        for (uint256 i; i < handler.registeredCount(); ++i) {
            address op = handler.registered(i);
            assertEq(stakes.openObligations(op), handler.ghostOpen(op), "open obligations");
            assertEq(stakes.obligationLowWater(op), handler.ghostLowWater(op), "obligation low-water mark");
            assertEq(stakes.nextObligationSeq(op), handler.ghostNextSeq(op), "obligation sequence");
            for (uint8 role = 1; role <= TEE; role <<= 1) {
                assertGe(
                    stakes.slashableAllocation(op, role),
                    handler.requiredSlashable(op, role),
                    "a lowered allocation stopped being slashable while its obligations are open"
                );
            }
        }
    }

    function _checkWeights() internal view {
        uint256 activeCount;
        for (uint8 role = 1; role <= TEE; role <<= 1) {
            uint256 sum;
            for (uint256 i; i < handler.registeredCount(); ++i) {
                address op = handler.registered(i);
                StakeRegistry.Operator memory o = stakes.getOperator(op);
                uint256 expected = o.status == StakeRegistry.Status.Active && o.roles & role != 0
                    ? stakes.poolOf(op).activeAmount * stakes.allocationOf(op, role) / 1e18
                    : 0;
                uint256 w = stakes.weightOf(op, role);
                assertEq(w, expected, "weight == active pool x allocation of an active operator");
                sum += w;
                bool eligible = o.status == StakeRegistry.Status.Active && w != 0 && w >= stakes.minStake(role);
                assertEq(stakes.isEligible(op, role), eligible, "eligibility");
                if (role == COMPUTE && o.status == StakeRegistry.Status.Active) ++activeCount;
            }
            assertEq(sum, stakes.totalWeightAt(role, block.number), "sum of weights == total weight");
        }
        assertEq(activeCount, stakes.operatorCount(), "active set == active operators");
        assertLe(stakes.operatorCount(), SMALL_SET, "active set bounded");
    }

    function _checkRefusals() internal view {
        if (handler.unexpectedReverts() != 0) {
            fail(string.concat("unexpected revert: ", vm.toString(handler.lastUnexpected())));
        }
    }

    function _drainAndCheck() internal {
        uint256 refusals = handler.drain();
        assertEq(refusals, 0, "unwinding was refused: stake or an operator is stuck");
        _checkAll();
        assertEq(stakes.operatorCount(), 0, "every operator exited");
        assertEq(stakes.totalActive(), 0, "no active stake left");
        assertEq(stakes.totalPending(), 0, "no pending stake left");
        assertEq(token.balanceOf(address(stakes)), 0, "registry empty");
    }

    function _logCounters() internal view {
        logUint("registrations", handler.registrations());
        logUint("sybilRegistrations", handler.sybilRegistrations());
        logUint("registrationsRefusedBelowMin", handler.registrationsRefusedBelowMin());
        logUint("registrationsRefusedFull", handler.registrationsRefusedFull());
        logUint("registrationsRefusedExited", handler.registrationsRefusedExited());
        logUint("signerHijacksRefused", handler.signerHijacksRefused());
        logUint("ejections", handler.ejections());
        logUint("deposits", handler.deposits());
        logUint("delegations", handler.delegations());
        logUint("withdrawalsQueued", handler.withdrawalsQueued());
        logUint("withdrawalsRefusedSelfStake", handler.withdrawalsRefusedSelfStake());
        logUint("withdrawalsRefusedShares", handler.withdrawalsRefusedShares());
        logUint("withdrawalsRefusedEarly", handler.withdrawalsRefusedEarly());
        logUint("withdrawalsRefusedForObligations", handler.withdrawalsRefusedForObligations());
        logUint("withdrawalsCompleted", handler.withdrawalsCompleted());
        logUint("withdrawalsHeldThenPaid", handler.withdrawalsHeldThenPaid());
        logUint("deregistrations", handler.deregistrations());
        logUint("deregistersRefusedForObligations", handler.deregistersRefusedForObligations());
        logUint("allocationsLowered", handler.allocationsLowered());
        logUint("allocationsRaised", handler.allocationsRaised());
        logUint("rolesDropped", handler.rolesDropped());
        logUint("obligationsOpened", handler.obligationsOpened());
        logUint("obligationsClosed", handler.obligationsClosed());
        logUint("slashes", handler.slashes());
        logUint("slashesOfHeldAllocation", handler.slashesOfHeldAllocation());
        logUint("slashesOfPending", handler.slashesOfPending());
    }
}
