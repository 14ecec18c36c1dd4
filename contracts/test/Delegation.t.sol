// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";

/// @notice Delegated stake (issue #13, "Delegated stake"): two delegators in one operator's pool share its
///         slashes pro rata, withdraw through the same delay, stay slashable while obligations made during
///         their stake's allocation are open, and a lowered allocation stays slashable until those end.
contract DelegationTest is SettlementFixture {
    address internal op;
    address internal d1;
    address internal d2;
    address internal v1;
    address internal v2;
    address internal dev;
    uint256 internal appId;

    bytes32 internal constant WRONG = bytes32(uint256(0x666));
    bytes32 internal constant RIGHT = bytes32(uint256(0x1));

    function setUp() public override {
        super.setUp();
        op = operator("op", COMPUTE, 1_000e18); // the only COMPUTE operator: it gets every job
        v1 = operator("v1", VERIFIER, 500e18);
        v2 = operator("v2", VERIFIER, 500e18);
        d1 = makeAddr("delegator-1");
        d2 = makeAddr("delegator-2");
        dev = makeAddr("dev");
        appId = createApp(dev, MODE_INTERSUBJECTIVE);
    }

    function delegateFrom(address who, uint256 amount) internal {
        fund(who, amount);
        vm.prank(who);
        registry.delegate(op, amount);
    }

    function assertBooks() internal view {
        assertEq(
            registry.totalDeposited(),
            registry.totalActive() + registry.totalPending() + registry.totalWithdrawn() + registry.totalSlashed(),
            "books balance"
        );
        assertEq(token.balanceOf(address(registry)), registry.totalActive() + registry.totalPending(), "registry holds the pools");
    }

    /// @dev `op` posts WRONG, a watchtower challenges with RIGHT, both verifiers vote RIGHT: ChallengerWins.
    function loseDispute(uint256 jobId) internal returns (uint256 slashed) {
        postResult(jobId, WRONG);
        uint256 d = challengeWith(makeAddr(string.concat("watch-", vm.toString(jobId))), jobId, RIGHT);
        bytes32 c = commitment(RIGHT);
        vm.prank(v1);
        court.vote(d, c);
        vm.prank(v2);
        court.vote(d, c);
        vm.warp(uint256(court.getDispute(d).deadline) + 1);
        uint256 before = registry.totalSlashed();
        court.resolve(d);
        assertEq(uint256(court.getDispute(d).verdict), uint256(uint8(IDisputeCourt.Verdict.ChallengerWins)));
        slashed = registry.totalSlashed() - before;
    }

    function missDeadline(uint256 jobId) internal returns (uint256 slashed) {
        vm.warp(uint256(jobs.getJob(jobId).deadline) + 1);
        uint256 before = registry.totalSlashed();
        vm.prank(makeAddr("reporter"));
        jobs.reportMissed(jobId);
        slashed = registry.totalSlashed() - before;
    }

    // ------------------------------------------------------------------ delegation basics

    function test_delegate_sharesWeightAndActivationDelay() public {
        activate();
        delegateFrom(d1, 300e18);
        delegateFrom(d2, 600e18);
        assertEq(registry.sharesOf(op, d1), 300e18, "1:1 in an unslashed pool");
        assertEq(registry.sharesOf(op, d2), 600e18);
        assertEq(registry.delegatedStake(op, op), 1_000e18);
        assertEq(registry.delegatedStake(op, d1), 300e18);
        assertEq(registry.delegatedStake(op, d2), 600e18);
        assertEq(registry.stakeOf(op), 1_900e18, "one pool");
        assertEq(registry.weightOf(op, COMPUTE), 1_900e18, "weight now");
        // New delegated stake counts in snapshots only after the activation delay.
        assertEq(registry.snapshotWeight(op, COMPUTE, block.number), 1_000e18, "not yet in snapshots");
        mine(ACTIVATION_DELAY);
        assertEq(registry.snapshotWeight(op, COMPUTE, block.number), 1_900e18, "after the delay");

        address nobody = makeAddr("nobody");
        fund(d1, 1e18);
        vm.prank(d1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, nobody));
        registry.delegate(nobody, 1e18);
        // A delegator cannot take out more than its shares.
        vm.prank(d1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InsufficientShares.selector, 300e18, 300e18 + 1));
        registry.queueWithdrawal(op, 300e18 + 1);
        assertBooks();
    }

    // ------------------------------------------------------------------ slashing pro rata

    function test_slash_hitsOperatorAndDelegatorsProRata() public {
        delegateFrom(d1, 300e18);
        delegateFrom(d2, 600e18);
        activate();

        // A missed deadline: livenessSlashWad (10%) of the whole pool, 1,900 -> 1,710.
        (uint256 job1, address a) = submitAndAssign(dev, appId);
        assertEq(a, op);
        uint256 s1 = missDeadline(job1);
        assertEq(s1, 190e18, "10% of 1,900");
        assertEq(registry.stakeOf(op), 1_710e18);
        assertEq(registry.delegatedStake(op, op), 900e18, "operator 1,000 -> 900");
        assertEq(registry.delegatedStake(op, d1), 270e18, "delegator 1: 300 -> 270");
        assertEq(registry.delegatedStake(op, d2), 540e18, "delegator 2: 600 -> 540");
        assertEq(token.balanceOf(makeAddr("reporter")), 95e18, "reporter share");
        assertEq(token.balanceOf(jobs.BURN_ADDRESS()), 95e18, "rest burned");
        assertEq(registry.sharesOf(op, d1), 300e18, "shares unchanged, their value fell");

        // An overturned result: disputeSlashWad (50%), 1,710 -> 855.
        (uint256 job2,) = submitAndAssign(dev, appId);
        uint256 s2 = loseDispute(job2);
        assertEq(s2, 855e18, "50% of 1,710");
        assertEq(registry.delegatedStake(op, op), 450e18, "operator 900 -> 450");
        assertEq(registry.delegatedStake(op, d1), 135e18, "delegator 1: 270 -> 135");
        assertEq(registry.delegatedStake(op, d2), 270e18, "delegator 2: 540 -> 270");

        // A newcomer buys shares at the slashed price: 171 for 171 x 1,900 / 855 = 380 shares.
        address d3 = makeAddr("delegator-3");
        delegateFrom(d3, 171e18);
        assertEq(registry.sharesOf(op, d3), 380e18, "shares at the new price");
        assertEq(registry.delegatedStake(op, d3), 171e18, "worth what it paid");
        assertEq(registry.delegatedStake(op, d1), 135e18, "others unchanged");
        assertBooks();
    }

    // ------------------------------------------------------------------ withdrawals

    function test_delegatorWithdrawal_respectsDelayAndObligations() public {
        // Jobs that can outlive the withdrawal delay, so that only the obligation holds the stake.
        JobManager.Params memory p = defaultParams(address(court));
        p.heartbeatWindow = 2 hours;
        p.maxJobDuration = 3 days;
        governance(address(jobs), abi.encodeCall(JobManager.setParams, (p)));
        delegateFrom(d1, 300e18);
        delegateFrom(d2, 600e18);
        activate();

        // Delegator 2 leaves while no obligation is open: it waits the delay only.
        vm.prank(d2);
        assertEq(registry.queueWithdrawal(op, type(uint256).max), 600e18);
        assertEq(registry.weightOf(op, COMPUTE), 1_300e18, "queued stake stops counting at once");
        (StakeRegistry.Withdrawal memory w2, uint256 amount2) = registry.withdrawalOf(op, d2);
        assertEq(amount2, 600e18);
        assertEq(uint256(w2.availableAt), block.timestamp + WITHDRAWAL_DELAY);
        assertEq(uint256(w2.obligationSeq), 0, "nothing open");
        vm.prank(d2);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.WithdrawalNotReady.selector, w2.availableAt));
        registry.completeWithdrawal(op);

        // A job opens an obligation; delegator 1 queues during it.
        uint256 jobId = submit(dev, appId);
        mine(ACTIVATION_DELAY + 1);
        assertEq(assignNow(jobId), op);
        vm.prank(d1);
        assertEq(registry.queueWithdrawal(op, type(uint256).max), 300e18);
        (StakeRegistry.Withdrawal memory w1,) = registry.withdrawalOf(op, d1);
        assertEq(uint256(w1.obligationSeq), 1, "must wait for obligation 0");

        // Past the delay, with the job kept alive: delegator 2 goes, delegator 1 is held.
        uint256 until = uint256(w1.availableAt) + 1;
        while (block.timestamp < until) {
            vm.warp(block.timestamp + 1 hours);
            vm.prank(op);
            jobs.heartbeat(jobId, 0, bytes32(0), bytes32(0));
        }
        vm.prank(d2);
        assertEq(registry.completeWithdrawal(op), 600e18, "queued before the obligation: free after the delay");
        vm.prank(d1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, op, uint64(0), uint64(1)));
        registry.completeWithdrawal(op);

        // The operator's wrong result is slashed: 50% of active 1,000 and of delegator 1's queued 300.
        assertEq(loseDispute(jobId), 650e18, "50% of 1,300 (active + pending)");
        (, uint256 amount1) = registry.withdrawalOf(op, d1);
        assertEq(amount1, 150e18, "delegator 1's queued stake was slashed too");
        vm.prank(d1);
        assertEq(registry.completeWithdrawal(op), 150e18, "obligation ended: it leaves with what is left");
        assertEq(token.balanceOf(d1), 150e18);
        assertEq(token.balanceOf(d2), 600e18);
        vm.prank(d1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NoPendingWithdrawal.selector, op, d1));
        registry.completeWithdrawal(op);
        assertBooks();
    }

    function test_delegatorsLeaveAnExitedOperator() public {
        delegateFrom(d1, 300e18);
        vm.prank(op);
        registry.deregister();
        assertEq(registry.weightOf(op, COMPUTE), 0, "no weight after exit");
        fund(d2, 1e18);
        vm.prank(d2);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, op));
        registry.delegate(op, 1e18);
        vm.prank(d1);
        registry.queueWithdrawal(op, type(uint256).max);
        vm.prank(op);
        registry.queueWithdrawal(op, type(uint256).max); // below minSelfStake is fine once exited
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(d1);
        assertEq(registry.completeWithdrawal(op), 300e18);
        vm.prank(op);
        assertEq(registry.completeWithdrawal(op), 1_000e18);
        assertEq(registry.slashableStake(op), 0, "pool empty");
        assertBooks();
    }

    // ------------------------------------------------------------------ allocations

    function test_allocationLowering_keepsOldFractionSlashableUntilObligationsEnd() public {
        delegateFrom(d1, 1_000e18);
        activate();
        (uint256 job1, address a) = submitAndAssign(dev, appId);
        assertEq(a, op);

        // Lowering the allocation during the job drops the weight at once, not the slashable fraction.
        vm.prank(op);
        registry.setAllocation(COMPUTE, 0.5e18);
        assertEq(uint256(registry.allocationOf(op, COMPUTE)), 0.5e18);
        assertEq(registry.weightOf(op, COMPUTE), 1_000e18, "weight: half of 2,000");
        assertEq(registry.slashableAllocation(op, COMPUTE), 1e18, "still fully slashable");
        assertEq(missDeadline(job1), 200e18, "10% of the whole 2,000");
        assertEq(registry.slashableAllocation(op, COMPUTE), 0.5e18, "obligation ended: the lower fraction");

        // The next job (after the liveness cooldown) is backed by the lowered fraction only.
        vm.warp(block.timestamp + LIVENESS_COOLDOWN);
        (uint256 job2, address a2) = submitAndAssign(dev, appId);
        assertEq(a2, op);
        assertEq(missDeadline(job2), 90e18, "10% of half of 1,800");
        assertEq(registry.stakeOf(op), 1_710e18);
        assertEq(registry.delegatedStake(op, op), 855e18, "operator and delegator lose alike");
        assertEq(registry.delegatedStake(op, d1), 855e18);

        // Raising it again (once the lowered weight has settled) counts in snapshots only after the delay.
        mine(ACTIVATION_DELAY);
        vm.prank(op);
        registry.setAllocation(COMPUTE, 1e18);
        assertEq(registry.weightOf(op, COMPUTE), 1_710e18);
        assertEq(registry.snapshotWeight(op, COMPUTE, block.number), 855e18, "raise not yet counted");
        mine(ACTIVATION_DELAY);
        assertEq(registry.snapshotWeight(op, COMPUTE, block.number), 1_710e18, "raise counted");
        assertBooks();
    }
}
