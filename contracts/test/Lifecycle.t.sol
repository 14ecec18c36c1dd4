// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";

/// @notice Whole lifecycles through the v2 rules: queue -> assign -> result -> finalize, and a dispute
///         that overturns a wrong result with voters paid from the slash.
contract LifecycleTest is SettlementFixture {
    address internal op1;
    address internal op2;
    address internal v1;
    address internal v2;
    address internal dev;
    uint256 internal appId;

    function setUp() public override {
        super.setUp();
        op1 = operator("op1", COMPUTE, 1_000e18);
        op2 = operator("op2", COMPUTE, 1_000e18);
        v1 = operator("v1", VERIFIER, 500e18);
        v2 = operator("v2", VERIFIER, 500e18);
        dev = makeAddr("dev");
        appId = createApp(dev, MODE_INTERSUBJECTIVE);
        activate();
    }

    function test_happyPath_finalizesAndPays() public {
        (uint256 jobId, address a) = submitAndAssign(dev, appId);
        assertTrue(a == op1 || a == op2, "assigned to a compute operator");
        assertEq(registry.openObligations(a), 1);
        postResult(jobId, bytes32(uint256(1)));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        uint256 before = token.balanceOf(a);
        jobs.finalize(jobId);
        assertEq(token.balanceOf(a) - before, MIN_FEE);
        assertEq(token.balanceOf(dev), SUBMITTER_DEPOSIT, "deposit back");
        assertEq(registry.openObligations(a), 0);
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_wrongResult_overturnedByVote() public {
        (uint256 jobId, address a) = submitAndAssign(dev, appId);
        postResult(jobId, bytes32(uint256(666)));
        address watcher = makeAddr("watcher");
        uint256 d = challengeWith(watcher, jobId, bytes32(uint256(1)));
        bytes32 right = commitment(bytes32(uint256(1)));
        vm.prank(v1);
        court.vote(d, right);
        vm.prank(v2);
        court.vote(d, right);
        vm.warp(block.timestamp + VOTING_PERIOD + 1);
        uint256 stakeBefore = registry.stakeOf(a);
        court.resolve(d);
        assertEq(court.getDispute(d).verdict, uint8(IDisputeCourt.Verdict.ChallengerWins));
        assertEq(registry.stakeOf(a), stakeBefore / 2, "half slashed");
        assertEq(uint8(jobs.getJob(jobId).status), uint8(JobManager.JobStatus.Finalized));
        (uint256 r1,) = court.settleVote(d, v1);
        (uint256 r2,) = court.settleVote(d, v2);
        assertEq(r1 + r2, stakeBefore / 2 * VOTER_REWARD / 1e18);
        assertEq(registry.openObligations(v1), 0);
        assertEq(jobs.totalEscrow(), 0);
    }
}
