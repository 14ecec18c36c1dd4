// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";

/// @notice The whole story the devnet demo tells, on the contracts alone: operators register and
///         stake, a developer creates an app, a job runs, its first operator goes silent and is
///         slashed, the successor resumes from the checkpoint and posts a wrong result, a watchtower
///         challenges, verifiers vote, and the dishonest operator is slashed.
contract LifecycleTest is SettlementFixture {
    function test_fullLifecycle() public {
        // operators register and stake
        address c1 = operator("compute-1", COMPUTE, 400e18);
        address c2 = operator("compute-2", COMPUTE, 400e18);
        address vA = operator("verifier-a", VERIFIER, 300e18);
        address vB = operator("verifier-b", VERIFIER, 200e18);
        address watchtower = makeAddr("watchtower");
        address dev = makeAddr("dev");
        fund(watchtower, CHALLENGE_BOND);
        fund(dev, 100e18);
        uint256 deposited = 1_300e18;
        assertEq(registry.totalStaked(), deposited);

        // the developer creates an intersubjective app and submits a job
        uint256 appId = createApp(dev, MODE_INTERSUBJECTIVE);
        vm.prank(dev);
        uint256 jobId = jobs.submitJob(appId, keccak256("input"), keccak256("input-digest"), 1 << 30, 100e18);
        address first = jobs.getJob(jobId).assignee;
        address second = first == c1 ? c2 : c1;

        // the first operator checkpoints once, then goes silent
        vm.warp(block.timestamp + 30);
        vm.prank(first);
        jobs.heartbeat(jobId, 1 << 20, keccak256("state@1M"), keccak256("checkpoint@1M"));
        vm.warp(jobs.getJob(jobId).deadline + 1);
        vm.prank(watchtower);
        jobs.reportMissed(jobId);
        uint256 livenessSlash = 400e18 * LIVENESS_SLASH / 1e18;
        assertEq(registry.stakeOf(first), 400e18 - livenessSlash, "liveness slash");
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.assignee, second, "reassigned to the only other compute operator");
        assertEq(job.lastCheckpointBlobKey, keccak256("checkpoint@1M"), "successor resumes from the checkpoint");

        // the successor resumes and posts a (wrong) result
        vm.startPrank(second);
        jobs.heartbeat(jobId, 2 << 20, keccak256("state@2M"), keccak256("checkpoint@2M"));
        jobs.submitResult(jobId, keccak256("bad-output"), keccak256("bad-final"), 3 << 20, keccak256("root"), keccak256("out"));
        vm.stopPrank();

        // the watchtower re-executes, disagrees and challenges with its own commitment
        vm.prank(watchtower);
        jobs.challenge(jobId, keccak256("good-output"), keccak256("good-final"), 3 << 20, keccak256("root"));
        bytes32 good = jobs.commitmentOf(keccak256("good-output"), keccak256("good-final"), 3 << 20, keccak256("root"));
        bytes32 bad = jobs.commitmentOf(keccak256("bad-output"), keccak256("bad-final"), 3 << 20, keccak256("root"));

        // verifiers vote what they re-computed: 300 for the challenger, 200 for the operator
        vm.prank(vA);
        court.vote(jobId, good);
        vm.prank(vB);
        court.vote(jobId, bad);
        vm.warp(court.getDispute(jobId).deadline + 1);
        court.resolve(jobId);

        IntersubjectiveCourt.Dispute memory d = court.getDispute(jobId);
        assertFalse(d.operatorWins);
        job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Finalized));
        assertEq(job.outputHash, keccak256("good-output"));
        uint256 disputeSlash = 400e18 * DISPUTE_SLASH / 1e18;
        assertEq(registry.stakeOf(second), 400e18 - disputeSlash, "dispute slash");
        assertEq(
            token.balanceOf(watchtower),
            CHALLENGE_BOND + 100e18 + livenessSlash / 2 + disputeSlash / 2,
            "bond back + fee + both reporter rewards"
        );

        // the books balance: every staked token is active, burned or paid out
        assertEq(registry.totalBurned(), (livenessSlash + disputeSlash) / 2);
        assertEq(registry.totalPaidOut(), (livenessSlash + disputeSlash) / 2);
        assertEq(registry.totalStaked() + registry.totalBurned() + registry.totalPaidOut(), deposited);
        assertEq(token.balanceOf(address(jobs)), 0);
    }
}
