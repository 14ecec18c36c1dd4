// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementFixture} from "../SettlementFixture.sol";
import {JobManager} from "../../src/JobManager.sol";
import {JobHandler} from "./JobHandler.sol";

contract JobInvariantsTest is SettlementFixture {
    JobHandler internal handler;
    address[] internal computeOps;

    function setUp() public override {
        super.setUp();
        computeOps.push(operator("c1", COMPUTE, 100e18));
        computeOps.push(operator("c2", COMPUTE, 250e18));
        computeOps.push(operator("c3", COMPUTE | VERIFIER, 400e18));
        address[] memory verifiers = new address[](3);
        verifiers[0] = operator("v1", VERIFIER, 300e18);
        verifiers[1] = operator("v2", VERIFIER, 200e18);
        verifiers[2] = computeOps[2];
        uint256 appId = createApp(makeAddr("dev"), MODE_INTERSUBJECTIVE);
        handler = new JobHandler(token, registry, jobs, court, admin, appId, verifiers);
        targetContract(address(handler));
    }

    /// JobManager holds exactly the fees and bonds of unsettled jobs.
    function invariant_escrowMatchesOpenJobs() public view {
        uint256 open;
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.Job memory job = jobs.getJob(id);
            if (
                job.status == JobManager.JobStatus.Assigned || job.status == JobManager.JobStatus.Submitted
                    || job.status == JobManager.JobStatus.Disputed
            ) open += job.fee;
            if (job.status == JobManager.JobStatus.Disputed) open += job.bond;
        }
        assertEq(jobs.totalEscrow(), open, "escrow books");
        assertEq(token.balanceOf(address(jobs)), open, "escrow balance");
    }

    /// An operator that missed a job's deadline is never that job's assignee again, and a live
    /// assignment always points at a COMPUTE operator.
    function invariant_assignmentsRespectFailures() public view {
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.Job memory job = jobs.getJob(id);
            if (job.status == JobManager.JobStatus.Assigned) {
                assertFalse(jobs.hasFailed(id, job.assignee), "reassigned to a failed operator");
                assertTrue((registry.getOperator(job.assignee).roles & COMPUTE) != 0, "assignee lacks COMPUTE");
                assertLe(job.lastStep, job.maxSteps, "step bound");
            }
        }
    }

    /// Slashing through jobs and the court keeps the registry's token books closed.
    function invariant_registryConservation() public view {
        assertEq(
            registry.totalStaked() + registry.totalPending() + registry.totalWithdrawn() + registry.totalBurned()
                + registry.totalPaidOut(),
            registry.totalDeposited(),
            "registry books"
        );
        assertEq(token.balanceOf(address(registry)), registry.totalStaked() + registry.totalPending(), "registry balance");
    }
}
