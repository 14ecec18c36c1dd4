// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "../base/Test.sol";
import {StakeToken} from "../../src/StakeToken.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {JobManager} from "../../src/JobManager.sol";
import {IntersubjectiveCourt} from "../../src/IntersubjectiveCourt.sol";

/// @notice Drives whole job lifecycles in random order: submit, heartbeat, miss, result, challenge,
///         vote, resolve, finalize, time passing. Each action picks a job whose status allows it.
contract JobHandler is Test {
    StakeToken internal immutable token;
    StakeRegistry internal immutable registry;
    JobManager internal immutable jobs;
    IntersubjectiveCourt internal immutable court;
    address internal immutable admin;
    uint256 internal immutable appId;

    address[] public verifiers;
    address public constant SUBMITTER = address(0x5000);
    address public constant WATCHER = address(0x5001);
    uint256 public ghostFeesIn;
    /// @notice How often each outcome was reached, so a reviewer can check the runs get deep.
    uint256 public challengerWins;
    uint256 public operatorWins;
    uint256 public jobsFailed;
    uint256 public jobsFinalizedUnchallenged;
    uint256 public withdrawalsCompleted;

    constructor(
        StakeToken token_,
        StakeRegistry registry_,
        JobManager jobs_,
        IntersubjectiveCourt court_,
        address admin_,
        uint256 appId_,
        address[] memory verifiers_
    ) {
        token = token_;
        registry = registry_;
        jobs = jobs_;
        court = court_;
        admin = admin_;
        appId = appId_;
        verifiers = verifiers_;
        vm.prank(SUBMITTER);
        token.approve(address(jobs_), type(uint256).max);
        vm.prank(WATCHER);
        token.approve(address(jobs_), type(uint256).max);
    }

    function _pick(uint256 seed, JobManager.JobStatus want) internal view returns (uint256) {
        uint256 n = jobs.jobCount();
        if (n == 0) return 0;
        uint256 start = seed % n;
        for (uint256 k; k < n; ++k) {
            uint256 id = (start + k) % n + 1;
            if (jobs.getJob(id).status == want) return id;
        }
        return 0;
    }

    function submit(uint256 fee) external {
        if (jobs.jobCount() >= 24) return;
        fee = bound(fee, 0, 1_000e18);
        vm.prank(admin);
        token.mint(SUBMITTER, fee);
        vm.prank(SUBMITTER);
        try jobs.submitJob(appId, keccak256("in"), keccak256("d"), 1 << 20, fee) {
            ghostFeesIn += fee;
        } catch (bytes memory reason) {
            // the only acceptable failure: every compute operator has been slashed to zero
            // forge-lint: disable-next-line(unsafe-typecast)
            require(reason.length >= 4 && bytes4(reason) == JobManager.NoEligibleOperator.selector, "unexpected submit revert");
        }
    }

    function heartbeat(uint256 seed, uint64 step) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Assigned);
        if (id == 0) return;
        JobManager.Job memory job = jobs.getJob(id);
        if (block.timestamp > job.deadline) return;
        step = uint64(bound(step, job.lastStep, job.maxSteps));
        vm.prank(job.assignee);
        jobs.heartbeat(id, step, keccak256(abi.encode(step)), keccak256(abi.encode("cp", step)));
    }

    function miss(uint256 seed) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Assigned);
        if (id == 0) return;
        JobManager.Job memory job = jobs.getJob(id);
        if (block.timestamp <= job.deadline) vm.warp(job.deadline + 1);
        vm.prank(WATCHER);
        jobs.reportMissed(id);
        if (jobs.getJob(id).status == JobManager.JobStatus.Failed) ++jobsFailed;
    }

    function result(uint256 seed, bool honest) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Assigned);
        if (id == 0) return;
        JobManager.Job memory job = jobs.getJob(id);
        if (block.timestamp > job.deadline) return;
        vm.prank(job.assignee);
        jobs.submitResult(id, honest ? keccak256("good") : keccak256("bad"), bytes32(0), job.lastStep, bytes32(0), bytes32(0));
    }

    function challenge(uint256 seed) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Submitted);
        if (id == 0) return;
        JobManager.Job memory job = jobs.getJob(id);
        if (block.timestamp > job.challengeDeadline) return;
        bytes32 other = job.outputHash == keccak256("good") ? keccak256("bad") : keccak256("good");
        uint256 bond = jobs.params().challengeBond; // read first: a prank applies to the very next call
        vm.prank(admin);
        token.mint(WATCHER, bond);
        vm.prank(WATCHER);
        jobs.challenge(id, other, bytes32(0), job.stepCount, bytes32(0));
    }

    function vote(uint256 seed, uint256 voter, bool forGood) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Disputed);
        if (id == 0) return;
        address v = verifiers[voter % verifiers.length];
        if (court.hasVoted(id, v) || block.timestamp > court.getDispute(id).deadline) return;
        if (!registry.isEligible(v, registry.ROLE_VERIFIER())) return;
        (address operator, address challenger) = jobs.partiesOf(id);
        if (v == operator || v == challenger) return; // parties may not judge their own dispute
        JobManager.Job memory job = jobs.getJob(id);
        bytes32 out = forGood ? keccak256("good") : keccak256("bad");
        bytes32 commitment = jobs.commitmentOf(out, bytes32(0), job.stepCount, bytes32(0));
        vm.prank(v);
        court.vote(id, commitment);
    }

    function resolve(uint256 seed) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Disputed);
        if (id == 0) return;
        uint64 deadline = court.getDispute(id).deadline;
        if (block.timestamp <= deadline) vm.warp(deadline + 1);
        court.resolve(id);
        if (court.getDispute(id).operatorWins) ++operatorWins;
        else ++challengerWins;
    }

    function finalize(uint256 seed) external {
        uint256 id = _pick(seed, JobManager.JobStatus.Submitted);
        if (id == 0) return;
        uint64 cd = jobs.getJob(id).challengeDeadline;
        if (block.timestamp <= cd) vm.warp(cd + 1);
        jobs.finalize(id);
        ++jobsFinalizedUnchallenged;
    }

    /// Operators move stake out while they hold jobs; pending stake must stay slashable.
    function requestWithdrawal(uint256 who, uint256 amount) external {
        address op = registry.operatorAt(who % registry.operatorCount());
        uint256 active = registry.stakeOf(op);
        if (active == 0) return;
        vm.prank(op);
        registry.requestWithdrawal(bound(amount, 1, active));
    }

    function completeWithdrawal(uint256 who, bool wait) external {
        address op = registry.operatorAt(who % registry.operatorCount());
        StakeRegistry.Operator memory o = registry.getOperator(op);
        if (o.pendingWithdrawal == 0) return;
        if (block.timestamp < o.withdrawableAt) {
            if (!wait) return;
            vm.warp(o.withdrawableAt); // every open deadline passes too: misses become reportable
        }
        ++withdrawalsCompleted;
        vm.prank(op);
        registry.completeWithdrawal();
    }

    function passTime(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 200));
    }
}
