// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {JobFixture} from "./JobManager.t.sol";
import {JobManager} from "../src/JobManager.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";

/// @notice IntersubjectiveCourt v2: snapshot weights, quorum and majority, resolution through
///         JobManager, and the Schelling settlement of each vote. VERIFIERs v1/v2/v3 hold 500/200/300
///         (total snapshot weight 1000e18; quorum 30%).
contract IntersubjectiveCourtTest is JobFixture {
    bytes32 internal opC;
    bytes32 internal chC;
    bytes32 internal thirdC;

    function setUp() public override {
        super.setUp();
        opC = expectedCommitment(OUT);
        chC = expectedCommitment(WRONG_OUT);
        thirdC = expectedCommitment(THIRD_OUT);
    }

    function voteAs(address voter, uint256 disputeId, bytes32 c) internal {
        vm.prank(voter);
        court.vote(disputeId, c);
    }

    function afterVoting(uint256 disputeId) internal {
        vm.warp(court.getDispute(disputeId).deadline + 1);
    }

    function resolveNow(uint256 disputeId) internal {
        afterVoting(disputeId);
        court.resolve(disputeId);
    }

    function settle(uint256 disputeId, address voter) internal returns (uint256 reward, uint256 penalty) {
        (reward, penalty) = court.settleVote(disputeId, voter);
    }

    function verdict(uint256 disputeId) internal view returns (uint8) {
        return uint8(court.verdictOf(disputeId));
    }

    // ------------------------------------------------------------ constructor

    function test_constructor_validatesAndStores() public {
        vm.expectRevert(IntersubjectiveCourt.ZeroAddress.selector);
        new IntersubjectiveCourt(StakeRegistry(address(0)), jobs, 1, 1, 0);
        vm.expectRevert(IntersubjectiveCourt.ZeroAddress.selector);
        new IntersubjectiveCourt(registry, JobManager(address(0)), 1, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.InvalidConfig.selector, "votingPeriod is 0"));
        new IntersubjectiveCourt(registry, jobs, 0, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.InvalidConfig.selector, "quorumBps"));
        new IntersubjectiveCourt(registry, jobs, 1, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.InvalidConfig.selector, "quorumBps"));
        new IntersubjectiveCourt(registry, jobs, 1, 10_001, 0);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.InvalidConfig.selector, "voterPenaltyWad >= 1e18"));
        new IntersubjectiveCourt(registry, jobs, 1, 10_000, 1e18);
        IntersubjectiveCourt c = new IntersubjectiveCourt(registry, jobs, 1, 10_000, 1e18 - 1);
        assertEq(c.quorumBps(), 10_000);

        assertEq(address(court.registry()), address(registry));
        assertEq(address(court.jobs()), address(jobs));
        assertEq(address(court.token()), address(token), "the token comes from JobManager");
        assertEq(court.votingPeriod(), VOTING_PERIOD);
        assertEq(court.quorumBps(), QUORUM_BPS);
        assertEq(court.voterPenaltyWad(), VOTER_PENALTY);
        assertEq(court.BURN_ADDRESS(), BURN);
        assertEq(court.REASON_VOTE(), bytes32("vote"));
    }

    // ------------------------------------------------------------ openDispute

    function test_openDispute_recordsSnapshot() public {
        (uint256 jobId, address a, uint256 d) = disputedJob();
        IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
        assertEq(cd.jobId, jobId);
        assertEq(cd.operator, a);
        assertEq(cd.challenger, watcher);
        assertEq(cd.operatorCommitment, opC);
        assertEq(cd.challengerCommitment, chC);
        assertEq(cd.snapshotBlock, block.number - 1, "the block before the challenge");
        assertEq(cd.deadline, block.timestamp + VOTING_PERIOD);
        assertEq(cd.totalWeight, 1_000e18);
        assertEq(cd.totalWeight, registry.snapshotTotalWeight(VERIFIER, block.number - 1));
        assertEq(cd.castWeight, 0);
        assertEq(cd.verdict, 0);
        assertFalse(cd.moot);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.NoQuorum), "no votes yet");
    }

    function test_openDispute_onlyJobManagerAndOnce() public {
        (uint256 jobId, address a, uint256 d) = disputedJob();
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotJobManager.selector, address(this)));
        court.openDispute(2, jobId, opC, chC, a, watcher);
        vm.prank(address(jobs));
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.DisputeExists.selector, d));
        court.openDispute(d, jobId, opC, thirdC, a, watcher2);
    }

    /// Stake that arrives within activationDelayBlocks of the snapshot neither votes nor counts in
    /// the quorum's denominator.
    function test_openDispute_lateVerifierStakeDoesNotCount() public {
        (uint256 jobId,) = newJob();
        submitResultOf(jobId);
        address fresh = operator("fresh", VERIFIER, 5_000e18);
        vm.prank(address(timelock));
        token.mint(v2, 1_000e18);
        vm.prank(v2);
        registry.deposit(1_000e18);
        mine(1);
        uint256 d = challengeAs(watcher, jobId, WRONG_OUT);
        assertEq(court.getDispute(d).totalWeight, 1_000e18);
        assertEq(court.voteWeight(d, fresh), 0);
        assertEq(court.voteWeight(d, v2), 200e18, "the top-up does not count");
        vm.prank(fresh);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, fresh, 0));
        court.vote(d, chC);
    }

    // ------------------------------------------------------------ vote

    function test_vote_recordsWeightTallyAndObligation() public {
        (,, uint256 d) = disputedJob();
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.Voted(d, v1, chC, 500e18);
        voteAs(v1, d, chC);
        IntersubjectiveCourt.Vote memory v = court.voteOf(d, v1);
        assertEq(v.commitment, chC);
        assertEq(v.weight, 500e18);
        assertEq(v.obligationSeq, 0);
        assertFalse(v.settled);
        assertEq(registry.openObligations(v1), 1, "a vote is an obligation");

        voteAs(v2, d, opC);
        voteAs(v3, d, thirdC); // any commitment may be voted
        IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
        assertEq(cd.castWeight, 1_000e18);
        assertEq(cd.challengerWeight, 500e18);
        assertEq(cd.operatorWeight, 200e18);
        assertEq(cd.leading, chC);
        assertEq(cd.leadingWeight, 500e18);
        assertEq(court.tally(d, chC), 500e18);
        assertEq(court.tally(d, opC), 200e18);
        assertEq(court.tally(d, thirdC), 300e18);
        assertEq(court.voteOf(d, watcher).weight, 0);
    }

    function test_vote_errors() public {
        (, address a, uint256 d) = disputedJob();
        voteAs(v1, d, chC);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.AlreadyVoted.selector, d, v1));
        court.vote(d, opC);

        address computeOnly = a == op1 ? op2 : op1;
        vm.prank(computeOnly);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, computeOnly, 0));
        court.vote(d, opC);
        vm.prank(watcher2);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, watcher2, 0));
        court.vote(d, chC);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 99));
        court.vote(99, chC);

        uint64 deadline = court.getDispute(d).deadline;
        vm.warp(deadline); // the last second is open
        voteAs(v3, d, opC);
        vm.warp(deadline + 1);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VotingClosed.selector, d, deadline));
        court.vote(d, opC);
    }

    function test_vote_partiesMayNotVote() public {
        // the result operator also holds VERIFIER (well before the dispute): it still may not judge
        onlyOp3();
        vm.prank(op3);
        registry.updateOperator(COMPUTE | VERIFIER, makeAddr("op3-signer"), "");
        activate();
        // v1 challenges, so v1 is a party too
        (uint256 jobId,) = newJob();
        submitResultOf(jobId);
        fund(v1, CHALLENGE_BOND);
        uint256 d = challengeAs(v1, jobId, WRONG_OUT);
        assertGt(court.voteWeight(d, op3), 0, "op3 has VERIFIER weight");
        vm.prank(op3);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.PartyCannotVote.selector, d, op3));
        court.vote(d, opC);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.PartyCannotVote.selector, d, v1));
        court.vote(d, chC);
    }

    function test_vote_belowMinStakeIsNotVerifier() public {
        (,, uint256 d) = disputedJob();
        setMinStake(VERIFIER, 250e18);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, v2, 200e18));
        court.vote(d, opC);
        voteAs(v3, d, opC); // 300 >= 250
        assertEq(court.voteOf(d, v3).weight, 300e18);
    }

    /// voteWeight = min(snapshotWeight at the dispute's snapshot, weight now).
    function test_voteWeight_minOfSnapshotAndNow() public {
        // v3 adds 300 just before the dispute: within the activation delay, only its old 300 counts
        vm.prank(address(timelock));
        token.mint(v3, 300e18);
        vm.prank(v3);
        registry.deposit(300e18);
        (,, uint256 d) = disputedJob();
        // after the snapshot: v1 queues 300 for withdrawal, v2 adds 800
        vm.prank(v1);
        registry.queueWithdrawal(v1, 300e18);
        vm.prank(address(timelock));
        token.mint(v2, 800e18);
        vm.prank(v2);
        registry.deposit(800e18);

        assertEq(court.voteWeight(d, v1), 200e18, "stake that left does not vote");
        assertEq(court.voteWeight(d, v2), 200e18, "stake added later does not vote");
        assertEq(court.voteWeight(d, v3), 300e18, "stake added within the delay does not vote");
        assertEq(court.getDispute(d).totalWeight, 1_000e18);
        voteAs(v1, d, opC);
        assertEq(court.voteOf(d, v1).weight, 200e18);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 9));
        court.voteWeight(9, v1);
    }

    // ------------------------------------------------------------ verdictOf

    function test_verdict_noQuorum() public {
        (,, uint256 d) = disputedJob();
        voteAs(v2, d, chC); // 200 of 1000 < 30%
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.NoQuorum));
    }

    function test_verdict_quorumExactlyAtQuorumBps() public {
        (,, uint256 d) = disputedJob();
        voteAs(v3, d, opC); // 300 of 1000 = exactly 30%
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.OperatorWins));
    }

    function test_verdict_oneWeiBelowQuorum() public {
        (,, uint256 d) = disputedJob();
        vm.prank(v3);
        registry.queueWithdrawal(v3, 1); // weight now 300e18 - 1
        voteAs(v3, d, opC);
        assertEq(court.voteOf(d, v3).weight, 300e18 - 1);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.NoQuorum));
    }

    function test_verdict_tieIsNoMajority() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, chC); // 500
        voteAs(v2, d, opC); // 200
        voteAs(v3, d, opC); // 300: 500 each
        IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
        assertEq(cd.operatorWeight, cd.challengerWeight);
        assertEq(cd.leading, chC, "the first to reach the weight leads");
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.NoMajority));
    }

    function test_verdict_exactlyHalfIsNoMajority() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, thirdC); // 500 of 1000
        voteAs(v2, d, opC);
        voteAs(v3, d, chC);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.NoMajority));
    }

    function test_verdict_operatorWins() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, opC);
        voteAs(v3, d, chC);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.OperatorWins));
    }

    function test_verdict_challengerWins() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, chC);
        voteAs(v2, d, opC);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.ChallengerWins));
    }

    function test_verdict_bothWrong() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, thirdC);
        voteAs(v2, d, opC);
        assertEq(verdict(d), uint8(IDisputeCourt.Verdict.BothWrong));
    }

    function test_verdictOf_unknownDispute() public {
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 3));
        court.verdictOf(3);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 3));
        court.getDispute(3);
    }

    // ------------------------------------------------------------ resolve

    function test_resolve_errors() public {
        (,, uint256 d) = disputedJob();
        uint64 deadline = court.getDispute(d).deadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VotingOpen.selector, d, deadline));
        court.resolve(d);
        vm.warp(deadline + 1);
        court.resolve(d);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.AlreadyResolved.selector, d));
        court.resolve(d);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 5));
        court.resolve(5);
    }

    function test_resolve_challengerWinsThroughJobManager() public {
        onlyOp3();
        (uint256 jobId,, uint256 d) = disputedJob();
        voteAs(v1, d, chC);
        voteAs(v2, d, chC);
        voteAs(v3, d, opC);
        afterVoting(d);
        uint256 watcherBefore = token.balanceOf(watcher);
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.DisputeSettled(
            d, jobId, uint8(IDisputeCourt.Verdict.ChallengerWins), 1_000e18, 700e18, false
        );
        court.resolve(d);

        IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
        assertEq(cd.verdict, uint8(IDisputeCourt.Verdict.ChallengerWins));
        assertFalse(cd.moot);
        assertEq(cd.voterPool, 300e18 * VOTER_REWARD / 1e18, "20% of the 300 slashed");
        assertEq(token.balanceOf(address(court)), cd.voterPool, "the pool is held here");
        assertEq(registry.stakeOf(op3), 300e18);
        assertEq(status(jobId), uint8(4), "Finalized");
        assertEq(jobs.getJob(jobId).outputHash, WRONG_OUT);
        assertEq(token.balanceOf(watcher) - watcherBefore, CHALLENGE_BOND + CHALLENGE_BOND + FEE);
    }

    function test_resolve_noQuorumDropsTheResultWithoutSlash() public {
        (uint256 jobId, address a, uint256 d) = disputedJob();
        uint256 stakeBefore = registry.stakeOf(a);
        uint256 watcherBefore = token.balanceOf(watcher);
        resolveNow(d);
        assertEq(court.getDispute(d).verdict, uint8(IDisputeCourt.Verdict.NoQuorum));
        assertEq(court.getDispute(d).voterPool, 0);
        assertEq(token.balanceOf(watcher) - watcherBefore, CHALLENGE_BOND, "bond back");
        assertEq(registry.stakeOf(a), stakeBefore, "nobody slashed");
        assertEq(status(jobId), uint8(6), "Queued: an undecided result never finalizes");
        assertTrue(jobs.hasFailed(jobId, a));
    }

    // ------------------------------------------------------------ settleVote

    function test_settleVote_errors() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, opC);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotResolved.selector, d));
        court.settleVote(d, v1);
        resolveNow(d);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NoVote.selector, d, v2));
        court.settleVote(d, v2);
        settle(d, v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VoteSettledAlready.selector, d, v1));
        court.settleVote(d, v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 8));
        court.settleVote(8, v1);
    }

    function test_settleVote_majorityRewardedMinorityPenalised() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, opC); // 500
        voteAs(v3, d, opC); // 300
        voteAs(v2, d, chC); // 200: minority
        resolveNow(d);
        uint256 pool = CHALLENGE_BOND * VOTER_REWARD / 1e18; // 20e18, from the forfeited bond
        assertEq(court.getDispute(d).voterPool, pool);

        uint256 before = token.balanceOf(v1);
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.VoteSettled(d, v1, pool * 500 / 800, 0);
        (uint256 r1, uint256 p1) = settle(d, v1);
        assertEq(r1, 12.5e18);
        assertEq(p1, 0);
        assertEq(token.balanceOf(v1) - before, 12.5e18);
        (uint256 r3,) = settle(d, v3);
        assertEq(r3, 7.5e18);

        uint256 burnBefore = token.balanceOf(BURN);
        uint256 penalty = 200e18 * VOTER_PENALTY / 1e18; // 10e18
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Slashed(v2, VERIFIER, penalty, penalty, 0, "vote", address(court));
        (uint256 r2, uint256 p2) = settle(d, v2);
        assertEq(r2, 0);
        assertEq(p2, penalty);
        assertEq(registry.stakeOf(v2), 200e18 - penalty);
        assertEq(token.balanceOf(BURN) - burnBefore, penalty, "the penalty is burned");
        assertEq(token.balanceOf(address(court)), 0, "the pool is paid out exactly");
        assertTrue(court.voteOf(d, v2).settled);
        assertEq(registry.openObligations(v1), 0);
        assertEq(registry.openObligations(v2), 0);
        assertEq(registry.openObligations(v3), 0);
    }

    function test_settleVote_rewardRoundsDown() public {
        onlyOp3();
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, chC); // 500
        voteAs(v2, d, chC); // 200
        voteAs(v3, d, opC); // 300: minority
        resolveNow(d);
        uint256 pool = 60e18; // 20% of the 300 slashed from op3
        assertEq(court.getDispute(d).voterPool, pool);
        (uint256 r1,) = settle(d, v1);
        (uint256 r2,) = settle(d, v2);
        assertEq(r1, 42857142857142857142, "floor(60e18 * 500 / 700)");
        assertEq(r2, 17142857142857142857, "floor(60e18 * 200 / 700)");
        assertEq(token.balanceOf(address(court)), pool - r1 - r2, "dust stays in the court");
        assertEq(pool - r1 - r2, 1);
        (, uint256 p3) = settle(d, v3);
        assertEq(p3, 15e18, "5% of 300");
    }

    function test_settleVote_bothWrongPaysTheThirdCommitment() public {
        onlyOp3();
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, thirdC); // 500
        voteAs(v2, d, opC); // 200
        resolveNow(d);
        assertEq(court.getDispute(d).verdict, uint8(IDisputeCourt.Verdict.BothWrong));
        uint256 pool = (300e18 + CHALLENGE_BOND) * VOTER_REWARD / 1e18; // 80e18
        assertEq(court.getDispute(d).voterPool, pool);
        (uint256 r1,) = settle(d, v1);
        assertEq(r1, pool, "the only majority voter takes the pool");
        (, uint256 p2) = settle(d, v2);
        assertEq(p2, 10e18);
    }

    function test_settleVote_noDecisionNeitherPaysNorSlashes() public {
        (,, uint256 d) = disputedJob();
        voteAs(v2, d, chC); // no quorum
        resolveNow(d);
        (uint256 r, uint256 p) = settle(d, v2);
        assertEq(r, 0);
        assertEq(p, 0);
        assertEq(registry.stakeOf(v2), 200e18);
        assertEq(registry.openObligations(v2), 0, "the obligation still ends");

        (uint256 jobId2,) = newJob();
        submitResultOf(jobId2);
        uint256 d2 = challengeAs(watcher2, jobId2, WRONG_OUT);
        voteAs(v1, d2, chC);
        voteAs(v2, d2, opC);
        voteAs(v3, d2, opC); // a tie: no majority
        resolveNow(d2);
        assertEq(court.getDispute(d2).verdict, uint8(IDisputeCourt.Verdict.NoMajority));
        (r, p) = settle(d2, v1);
        assertEq(r + p, 0);
        (r, p) = settle(d2, v2);
        assertEq(r + p, 0);
        assertEq(registry.stakeOf(v1), 500e18);
        assertEq(registry.openObligations(v1), 0);
    }

    function test_settleVote_mootDisputePaysNobody() public {
        onlyOp3();
        (uint256 jobId,, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        voteAs(v1, d1, chC);
        voteAs(v2, d1, chC);
        voteAs(v1, d2, opC); // 500: would be a majority
        voteAs(v3, d2, thirdC); // 300: would be penalised
        afterVoting(d1);
        court.resolve(d1); // the challenger wins: d2 no longer matters
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.DisputeSettled(
            d2, jobId, uint8(IDisputeCourt.Verdict.OperatorWins), 800e18, 500e18, true
        );
        court.resolve(d2);
        assertTrue(court.getDispute(d2).moot);
        assertEq(court.getDispute(d2).voterPool, 0);
        (uint256 r, uint256 p) = settle(d2, v3);
        assertEq(r + p, 0, "no penalty in a moot dispute");
        (r, p) = settle(d2, v1);
        assertEq(r + p, 0, "no reward either");
        assertEq(registry.stakeOf(v3), 300e18);
        settle(d1, v1);
        assertEq(registry.openObligations(v1), 0, "both of v1's votes settled");
    }

    /// A voter that drops VERIFIER (or its allocation) after voting is still penalised in full: the
    ///         vote's obligation keeps the old allocation slashable.
    function test_settleVote_droppedRoleStillPenalised() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, opC);
        voteAs(v2, d, chC); // minority
        vm.prank(v2);
        registry.updateOperator(COMPUTE, makeAddr("v2-signer"), "");
        assertEq(registry.weightOf(v2, VERIFIER), 0);
        assertEq(registry.slashableAllocation(v2, VERIFIER), 1e18);
        resolveNow(d);
        (, uint256 p2) = settle(d, v2);
        assertEq(p2, 200e18 * VOTER_PENALTY / 1e18);
        assertEq(registry.slashableAllocation(v2, VERIFIER), 0, "released once the vote settled");
    }

    function test_settleVote_voterStakeLockedUntilSettled() public {
        (,, uint256 d) = disputedJob();
        voteAs(v1, d, opC);
        vm.prank(v1);
        registry.queueWithdrawal(v1, 300e18);
        resolveNow(d);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, v1, uint64(0), uint64(1)));
        registry.completeWithdrawal(v1);
        settle(d, v1); // anyone may settle it
        vm.prank(v1);
        assertEq(registry.completeWithdrawal(v1), 300e18);
    }
}
