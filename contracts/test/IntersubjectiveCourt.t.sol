// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {JobFixture} from "./JobManager.t.sol";
import {JobManager} from "../src/JobManager.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";

contract IntersubjectiveCourtTest is JobFixture {
    uint256 internal jobId;
    address internal resultOp;
    bytes32 internal opC;
    bytes32 internal chC;
    bytes32 internal constant WRONG_OUT = keccak256("challenger-output");
    address internal v3;

    function setUp() public override {
        super.setUp();
        v3 = operator("v3", VERIFIER, 300e18);
        jobId = submit(appId, FEE);
        resultOp = submitResult(jobId);
        opC = jobs.commitmentOf(OUT, FINAL_STATE, STEPS, CP_ROOT);
        chC = jobs.commitmentOf(WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.prank(watcher);
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    function vote(address voter, bytes32 commitment) internal {
        vm.prank(voter);
        court.vote(jobId, commitment);
    }

    function test_openDispute_recordsDispute() public view {
        IntersubjectiveCourt.Dispute memory d = court.getDispute(jobId);
        assertEq(d.operatorCommitment, opC);
        assertEq(d.challengerCommitment, chC);
        assertEq(d.deadline, block.timestamp + VOTING_PERIOD);
        assertEq(d.operatorStake, 0);
        assertEq(d.challengerStake, 0);
        assertFalse(d.resolved);
    }

    function test_openDispute_onlyJobManagerAndOnce() public {
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotJobManager.selector, address(this)));
        court.openDispute(jobId, opC, chC);
        vm.prank(address(jobs));
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.DisputeExists.selector, jobId));
        court.openDispute(jobId, opC, chC);
    }

    function test_vote_weighsByActiveStake() public {
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.Voted(jobId, v1, chC, 500e18);
        vote(v1, chC);
        vote(v2, opC);
        vote(v3, keccak256("neither")); // recorded, counts for nobody

        IntersubjectiveCourt.Dispute memory d = court.getDispute(jobId);
        assertEq(d.challengerStake, 500e18);
        assertEq(d.operatorStake, 200e18);
        assertTrue(court.hasVoted(jobId, v1));
        assertTrue(court.hasVoted(jobId, v3));
        assertFalse(court.hasVoted(jobId, op1));
    }

    function test_vote_errors() public {
        vote(v1, chC);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.AlreadyVoted.selector, jobId, v1));
        court.vote(jobId, opC);

        vm.prank(op1); // COMPUTE only
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, op1));
        court.vote(jobId, opC);
        vm.prank(watcher); // not registered
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, watcher));
        court.vote(jobId, chC);

        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 99));
        court.vote(99, chC);

        uint64 deadline = court.getDispute(jobId).deadline;
        vm.warp(deadline + 1);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VotingClosed.selector, jobId, deadline));
        court.vote(jobId, opC);
    }

    function test_vote_partiesMayNotVote() public {
        // the accused operator also holds the VERIFIER role: it still may not judge its own result
        vm.prank(resultOp);
        registry.updateOperator(COMPUTE | VERIFIER, makeAddr("new-signer"), "");
        assertTrue(registry.isEligible(resultOp, VERIFIER));
        vm.prank(resultOp);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.PartyCannotVote.selector, jobId, resultOp));
        court.vote(jobId, opC);
    }

    function test_vote_challengerMayNotVote() public {
        uint256 job2 = submit(appId, FEE);
        submitResult(job2);
        fund(v1, CHALLENGE_BOND);
        vm.prank(v1);
        jobs.challenge(job2, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.PartyCannotVote.selector, job2, v1));
        court.vote(job2, chC);
    }

    function test_vote_belowMinStakeIsNotVerifier() public {
        vm.prank(admin);
        registry.setMinStake(VERIFIER, 250e18);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, v2));
        court.vote(jobId, opC);
    }

    function test_resolve_tieKeepsOperator() public {
        vote(v1, chC); // 500
        vote(v2, opC); // 200
        vote(v3, opC); // 300 -> operator side 500: a tie keeps the operator
        vm.warp(court.getDispute(jobId).deadline + 1);
        assertEq(court.getDispute(jobId).operatorStake, court.getDispute(jobId).challengerStake);
        court.resolve(jobId);
        assertTrue(court.getDispute(jobId).operatorWins, "tie -> operator");
    }

    function test_resolve_challengerWins_slashesOperatorAndReplacesResult() public {
        vote(v1, chC); // 500
        vote(v2, opC); // 200
        uint256 opStake = registry.slashableStake(resultOp);
        uint256 slash = opStake * DISPUTE_SLASH / 1e18;
        uint256 watcherBefore = token.balanceOf(watcher);

        uint64 deadline = court.getDispute(jobId).deadline;
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VotingOpen.selector, jobId, deadline));
        court.resolve(jobId);
        vm.warp(deadline + 1);

        vm.expectEmit(true, false, false, true, address(court));
        emit IntersubjectiveCourt.DisputeSettled(jobId, false, 200e18, 500e18);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.DisputeResolved(jobId, false);
        vm.expectEmit(true, true, true, true, address(registry));
        emit StakeRegistry.Slashed(resultOp, slash, "dispute", watcher, slash / 2, slash - slash / 2);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, watcher, WRONG_OUT, FEE);
        court.resolve(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Finalized));
        assertEq(job.outputHash, WRONG_OUT, "challenger's result replaces the operator's");
        assertEq(job.outputBlobKey, bytes32(0));
        assertEq(registry.slashableStake(resultOp), opStake - slash);
        assertEq(token.balanceOf(watcher), watcherBefore + CHALLENGE_BOND + FEE + slash / 2, "bond + fee + reward");
        assertEq(jobs.totalEscrow(), 0);
        assertEq(token.balanceOf(address(jobs)), 0);

        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.AlreadyResolved.selector, jobId));
        court.resolve(jobId);
    }

    function test_resolve_operatorWins_takesBondAndFee() public {
        vote(v2, opC);
        vm.warp(court.getDispute(jobId).deadline + 1);
        uint256 stakeBefore = registry.slashableStake(resultOp);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, resultOp, OUT, FEE);
        court.resolve(jobId);

        IntersubjectiveCourt.Dispute memory d = court.getDispute(jobId);
        assertTrue(d.resolved);
        assertTrue(d.operatorWins);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.outputHash, OUT);
        assertEq(job.outputBlobKey, OUT_KEY);
        assertEq(token.balanceOf(resultOp), FEE + CHALLENGE_BOND, "fee + the challenger's bond");
        assertEq(registry.slashableStake(resultOp), stakeBefore, "winner not slashed");
    }

    function test_resolve_nobodyVotedKeepsOperator() public {
        vm.warp(court.getDispute(jobId).deadline + 1);
        court.resolve(jobId);
        assertTrue(court.getDispute(jobId).operatorWins);
    }

    function test_resolve_unknownDispute() public {
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 5));
        court.resolve(5);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, 5));
        court.getDispute(5);
    }

    function test_constructor_errors() public {
        vm.expectRevert(IntersubjectiveCourt.ZeroAddress.selector);
        new IntersubjectiveCourt(admin, StakeRegistry(address(0)), jobs, 1);
        vm.expectRevert(IntersubjectiveCourt.InvalidVotingPeriod.selector);
        new IntersubjectiveCourt(admin, registry, jobs, 0);
    }
}
