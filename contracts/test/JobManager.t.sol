// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Shared setup for job tests: three COMPUTE operators, two VERIFIERs, a submitter and a watcher.
abstract contract JobFixture is SettlementFixture {
    address internal op1;
    address internal op2;
    address internal op3;
    address internal v1;
    address internal v2;
    address internal user;
    address internal watcher;
    uint256 internal appId;
    uint256 internal teeAppId;

    bytes32 internal constant INPUT_KEY = keccak256("input-blob");
    bytes32 internal constant INPUT_DIGEST = keccak256("input");
    uint64 internal constant MAX_STEPS = 1 << 24;
    uint256 internal constant FEE = 50e18;

    bytes32 internal constant OUT = keccak256("output");
    bytes32 internal constant FINAL_STATE = keccak256("final-state");
    uint64 internal constant STEPS = 777_000;
    bytes32 internal constant CP_ROOT = keccak256("checkpoint-root");
    bytes32 internal constant OUT_KEY = keccak256("output-blob");

    function setUp() public virtual override {
        super.setUp();
        op1 = operator("op1", COMPUTE, 100e18);
        op2 = operator("op2", COMPUTE | DA, 300e18);
        op3 = operator("op3", COMPUTE, 600e18);
        v1 = operator("v1", VERIFIER, 500e18);
        v2 = operator("v2", VERIFIER, 200e18);
        user = makeAddr("user");
        watcher = makeAddr("watcher");
        fund(user, 1_000e18);
        fund(watcher, 1_000e18);
        appId = createApp(makeAddr("dev"), MODE_INTERSUBJECTIVE);
        teeAppId = createApp(makeAddr("dev"), MODE_TEE);
    }

    function submit(uint256 app, uint256 fee) internal returns (uint256 jobId) {
        vm.prank(user);
        jobId = jobs.submitJob(app, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, fee);
    }

    function submitResult(uint256 jobId) internal returns (address assignee) {
        assignee = jobs.getJob(jobId).assignee;
        vm.prank(assignee);
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
    }

    function status(uint256 jobId) internal view returns (JobManager.JobStatus) {
        return jobs.getJob(jobId).status;
    }

    /// @dev Second, independent rendering of the assignment rule in JobManager's NatSpec: walks the
    ///      registry's operator list itself instead of using eligibleOperators().
    function expectedAssignee(uint256 jobId, uint32 attempt, address[] memory excluded)
        internal
        view
        returns (address)
    {
        uint256 n = registry.operatorCount();
        uint256 total;
        for (uint256 i; i < n; ++i) {
            address a = registry.operatorAt(i);
            if (registry.isEligible(a, COMPUTE) && !contains(excluded, a)) total += registry.stakeOf(a);
        }
        if (total == 0) return address(0);
        uint256 r = uint256(keccak256(abi.encode(jobId, attempt))) % total;
        for (uint256 i; i < n; ++i) {
            address a = registry.operatorAt(i);
            if (!registry.isEligible(a, COMPUTE) || contains(excluded, a)) continue;
            uint256 s = registry.stakeOf(a);
            if (r < s) return a;
            r -= s;
        }
        revert("unreachable");
    }

    function contains(address[] memory list, address a) internal pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == a) return true;
        }
        return false;
    }

    function none() internal pure returns (address[] memory) {
        return new address[](0);
    }

    function one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }
}

contract JobManagerTest is JobFixture {
    // ------------------------------------------------------------ submit and assignment

    function test_submitJob_escrowsFeeAndAssigns() public {
        address expected = expectedAssignee(1, 0, none());
        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.JobSubmitted(1, appId, user, INPUT_KEY, MAX_STEPS, FEE);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobAssigned(1, expected, 0, uint64(block.timestamp) + HEARTBEAT_WINDOW, bytes32(0));
        uint256 jobId = submit(appId, FEE);

        assertEq(jobId, 1);
        assertEq(jobs.jobCount(), 1);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.appId, appId);
        assertEq(job.submitter, user);
        assertEq(job.inputBlobKey, INPUT_KEY);
        assertEq(job.inputDigest, INPUT_DIGEST);
        assertEq(job.maxSteps, MAX_STEPS);
        assertEq(job.fee, FEE);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Assigned));
        assertEq(job.assignee, expected);
        assertEq(job.attempt, 0);
        assertEq(job.deadline, block.timestamp + HEARTBEAT_WINDOW);
        assertEq(token.balanceOf(address(jobs)), FEE);
        assertEq(jobs.totalEscrow(), FEE);
        assertEq(token.balanceOf(user), 1_000e18 - FEE);
    }

    function test_submitJob_zeroFeeMovesNoTokens() public {
        uint256 jobId = submit(appId, 0);
        assertEq(jobs.getJob(jobId).fee, 0);
        assertEq(token.balanceOf(address(jobs)), 0);
    }

    /// Many jobs: every assignment matches the reference rule, and heavier stake is picked more often.
    function test_assignment_matchesReferenceRuleAndStakeWeights() public {
        uint256[3] memory hits;
        for (uint256 i = 1; i <= 60; ++i) {
            uint256 jobId = submit(appId, 0);
            address got = jobs.getJob(jobId).assignee;
            assertEq(got, expectedAssignee(jobId, 0, none()), "assignment rule");
            if (got == op1) hits[0]++;
            else if (got == op2) hits[1]++;
            else if (got == op3) hits[2]++;
            else fail("assigned to a non-COMPUTE operator");
        }
        // stakes 100:300:600; with 60 draws these orderings hold for this fixed keccak sequence
        assertGt(hits[2], hits[0], "op3 (600) picked more than op1 (100)");
        assertEq(hits[0] + hits[1] + hits[2], 60);
    }

    /// For arbitrary stakes (some zero, some below the minimum) the contract and the reference agree,
    /// and a reassignment never lands on an operator that failed the job.
    function testFuzz_assignmentMatchesReference(uint96[5] memory stakes, uint96 minStake, uint8 jobsToRun) public {
        vm.prank(admin);
        registry.setMinStake(COMPUTE, bound(minStake, 0, 200e18));
        for (uint256 i; i < stakes.length; ++i) {
            operator(string.concat("f", vm.toString(i)), COMPUTE, bound(stakes[i], 0, 1_000e18));
        }
        uint256 n = bound(jobsToRun, 1, 6);
        for (uint256 k; k < n; ++k) {
            uint256 jobId = jobs.jobCount() + 1;
            address expected = expectedAssignee(jobId, 0, none());
            vm.prank(user);
            jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 0);
            assertEq(jobs.getJob(jobId).assignee, expected, "first assignment");

            address first = expected;
            vm.warp(jobs.getJob(jobId).deadline + 1);
            address successor = expectedAssignee(jobId, 1, one(first));
            jobs.reportMissed(jobId);
            JobManager.Job memory job = jobs.getJob(jobId);
            if (successor == address(0)) {
                assertEq(uint8(job.status), uint8(JobManager.JobStatus.Failed), "nobody left");
            } else {
                assertEq(job.assignee, successor, "reassignment");
                assertNotEq(job.assignee, first, "never the failed operator");
            }
        }
    }

    /// Assignment test vector shared with the Java client (docs/spec/settlement.md); the numbers were
    /// computed independently (BouncyCastle keccak in Java). Stakes in registration order:
    /// op1 100e18, op2 300e18, op3 600e18 (COMPUTE); v1, v2 are VERIFIER only.
    function test_assignment_vector() public {
        uint256 seed0 = uint256(keccak256(abi.encode(uint256(1), uint32(0))));
        assertEq(seed0, 0xada5013122d395ba3c54772283fb069b10426056ef8ca54750cb9bb552a59e7d, "seed(1,0)");
        assertEq(seed0 % 1000e18, 446442989268089806461, "r(1,0) >= 400e18 -> op3");
        uint256 jobId = submit(appId, FEE);
        assertEq(jobs.getJob(jobId).assignee, op3, "job 1 attempt 0");

        // op3 misses; attempt 1 over op1+op2 = 400e18: r = 369818930235769911599 >= 100e18 -> op2
        uint256 seed1 = uint256(keccak256(abi.encode(uint256(1), uint32(1))));
        assertEq(seed1, 0xcc69885fda6bcc1a4ace058b4a62bf5e179ea78fd58a1ccd71c22cc9b688792f, "seed(1,1)");
        assertEq(seed1 % 400e18, 369818930235769911599, "r(1,1)");
        vm.warp(jobs.getJob(jobId).deadline + 1);
        jobs.reportMissed(jobId);
        assertEq(jobs.getJob(jobId).assignee, op2, "job 1 attempt 1");

        // job 2 attempt 0: op3 was slashed 10% to 540e18, so W = 940e18 and
        // seed(2,0) mod 940e18 = 133933387271373890921, in [100e18, 400e18) -> op2
        assertEq(uint256(keccak256(abi.encode(uint256(2), uint32(0)))) % 940e18, 133933387271373890921, "r(2,0)");
        assertEq(jobs.getJob(submit(appId, FEE)).assignee, op2, "job 2 attempt 0");
    }

    function test_submitJob_errors() public {
        vm.startPrank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownApp.selector, 99));
        jobs.submitJob(99, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 0);
        vm.expectRevert(JobManager.ZeroBlobKey.selector);
        jobs.submitJob(appId, bytes32(0), INPUT_DIGEST, MAX_STEPS, 0);
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidMaxSteps.selector, 0, MAX_STEPS_LIMIT));
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(JobManager.InvalidMaxSteps.selector, MAX_STEPS_LIMIT + 1, MAX_STEPS_LIMIT)
        );
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS_LIMIT + 1, 0);
        vm.expectRevert(); // ERC20InsufficientBalance: the fee cannot be escrowed
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 1_000e18 + 1);
        vm.stopPrank();
        assertEq(jobs.jobCount(), 0, "nothing recorded");
    }

    /// MAX_OPERATORS bounds the assignment walk: with every slot taken by a staked COMPUTE operator,
    /// submitJob and reportMissed still fit in one transaction under EIP-7825's 2^24 gas cap.
    function test_assignment_worstCaseFitsTxGasCap() public {
        uint256 room = registry.MAX_OPERATORS() - registry.operatorCount();
        for (uint256 i; i < room; ++i) {
            address op = vm.addr(0x40000 + i);
            fund(op, 1e18);
            vm.startPrank(op);
            registry.register(COMPUTE, vm.addr(0x80000 + i), "");
            registry.deposit(1e18);
            vm.stopPrank();
        }
        assertEq(registry.operatorCount(), registry.MAX_OPERATORS());

        vm.prank(user);
        uint256 before = gasleft();
        uint256 jobId = jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        uint256 submitGas = before - gasleft();
        assertLt(submitGas, 1 << 24, "submitJob over the per-transaction gas cap");

        vm.warp(jobs.getJob(jobId).deadline + 1);
        before = gasleft();
        jobs.reportMissed(jobId);
        assertLt(before - gasleft(), 1 << 24, "reportMissed over the per-transaction gas cap");
    }

    function test_submitJob_noEligibleOperator() public {
        vm.prank(admin);
        registry.setMinStake(COMPUTE, 10_000e18);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoEligibleOperator.selector, 1));
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        assertEq(token.balanceOf(user), 1_000e18, "fee not taken");
    }

    // ------------------------------------------------------------ TEE results signed by the app wallet

    uint256 internal constant APP_WALLET_KEY = 0xA11CE;

    function _teeJobWithSigner() internal returns (uint256 jobId, address assignee) {
        operator("tee1", TEE, 100e18);
        vm.prank(makeAddr("dev"));
        apps.setTeeSigner(teeAppId, vm.addr(APP_WALLET_KEY));
        jobId = submit(teeAppId, FEE);
        assignee = jobs.getJob(jobId).assignee;
    }

    function _sign(uint256 key, uint256 jobId, bytes32 outputHash) internal view returns (bytes memory) {
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", jobs.teeResultDigest(jobId, outputHash)));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function test_teeResult_needsTheAppWalletsSignature() public {
        (uint256 jobId, address a) = _teeJobWithSigner();
        vm.startPrank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.TeeSignatureRequired.selector, jobId, vm.addr(APP_WALLET_KEY)));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        // Signed by another key (the operator's own, say): refused, naming who signed.
        vm.stopPrank();
        bytes memory forged = _sign(0xB0B, jobId, OUT);
        bytes memory other = _sign(APP_WALLET_KEY, jobId, keccak256("other output"));
        bytes memory good = _sign(APP_WALLET_KEY, jobId, OUT);
        vm.startPrank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, vm.addr(0xB0B), vm.addr(APP_WALLET_KEY)));
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, forged);
        // The app's signature over another output does not carry over.
        vm.expectRevert();
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, other);
        vm.expectRevert();
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, hex"1234");
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, good);
        vm.stopPrank();
        assertEq(uint8(status(jobId)), uint8(JobManager.JobStatus.Submitted));
        assertEq(jobs.getJob(jobId).outputHash, OUT);
    }

    function test_teeResult_withoutSignerUsesThePlainPath() public {
        operator("tee1", TEE, 100e18);
        uint256 jobId = submit(teeAppId, FEE);
        address a = jobs.getJob(jobId).assignee;
        bytes memory sig = _sign(APP_WALLET_KEY, jobId, OUT);
        vm.startPrank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoTeeSigner.selector, teeAppId));
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, sig);
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.stopPrank();
    }

    function test_teeResultDigest_bindsChainContractJobAndOutput() public {
        // settlement.md §1: the tag's value, computed independently with js-sha3.
        assertEq(jobs.TEE_RESULT_TAG(), 0x875da37da3a879da2dea799a1427ccdf80f8efb145854a6b186fb1864634b887);
        bytes32 d = jobs.teeResultDigest(7, OUT);
        assertEq(d, keccak256(abi.encode(keccak256("TrustDial TEE result v1"), block.chainid, address(jobs), uint256(7), OUT)));
        assertTrue(d != jobs.teeResultDigest(8, OUT));
        JobManager other = new JobManager(admin, registry, apps, token, defaultParams());
        assertTrue(d != other.teeResultDigest(7, OUT));
    }

    function test_declineJob_reassignsWithoutSlashAndFailsWhenNobodyIsLeft() public {
        address t1 = operator("tee1", TEE, 100e18);
        address t2 = operator("tee2", TEE, 300e18);
        uint256 jobId = submit(teeAppId, FEE);
        address first = jobs.getJob(jobId).assignee;
        address second = first == t1 ? t2 : t1;
        vm.prank(second);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, second));
        jobs.declineJob(jobId);

        uint256 stakeBefore = registry.getOperator(first).stake;
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobDeclined(jobId, first);
        vm.prank(first);
        jobs.declineJob(jobId);
        assertEq(registry.getOperator(first).stake, stakeBefore, "declining is not slashed");
        assertEq(jobs.getJob(jobId).assignee, second);
        assertEq(jobs.getJob(jobId).attempt, 1);
        assertTrue(jobs.hasFailed(jobId, first));

        uint256 userBefore = token.balanceOf(user);
        vm.prank(second);
        jobs.declineJob(jobId);
        assertEq(uint8(status(jobId)), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user), userBefore + FEE, "fee refunded");

        // Past its deadline an assignee cannot decline: the miss is reported and slashed as before.
        uint256 late = submit(teeAppId, FEE);
        address a = jobs.getJob(late).assignee;
        uint64 deadline = jobs.getJob(late).deadline;
        vm.warp(deadline + 1);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, late, deadline));
        jobs.declineJob(late);
    }

    function test_submitJob_teeAppNeedsATeeOperator() public {
        // op1..op3 hold COMPUTE but not TEE: nobody can take a TEE app's job.
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoEligibleOperator.selector, 1));
        jobs.submitJob(teeAppId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
    }

    function test_assignment_teeJobsGoOnlyToTeeOperators() public {
        address t1 = operator("tee1", TEE, 100e18);
        address t2 = operator("tee2", COMPUTE | TEE, 300e18);
        bool sawT1;
        bool sawT2;
        for (uint256 i; i < 24; ++i) {
            address tee = jobs.getJob(submit(teeAppId, 0)).assignee;
            assertTrue(tee == t1 || tee == t2, "a TEE job went to an operator without the TEE role");
            sawT1 = sawT1 || tee == t1;
            sawT2 = sawT2 || tee == t2;
            address reexec = jobs.getJob(submit(appId, 0)).assignee;
            assertTrue(reexec != t1, "a REEXEC job went to a TEE-only operator");
        }
        assertTrue(sawT1 && sawT2, "both TEE operators take TEE jobs by stake weight");
        // The reference rule with the TEE candidates gives the same assignee.
        (address[] memory ops, uint256[] memory stakes) = registry.eligibleOperators(TEE);
        assertEq(ops.length, 2);
        uint256 next = jobs.jobCount() + 1;
        uint256 r = uint256(keccak256(abi.encode(next, uint256(0)))) % (stakes[0] + stakes[1]);
        address expected = r < stakes[0] ? ops[0] : ops[1];
        assertEq(jobs.getJob(submit(teeAppId, 0)).assignee, expected);
    }

    // ------------------------------------------------------------ heartbeat

    function test_heartbeat_recordsCheckpointAndExtendsDeadline() public {
        uint256 jobId = submit(appId, FEE);
        address a = jobs.getJob(jobId).assignee;
        vm.warp(block.timestamp + 50);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.HeartbeatPosted(jobId, a, 1 << 20, keccak256("s1"), keccak256("cp1"));
        vm.prank(a);
        jobs.heartbeat(jobId, 1 << 20, keccak256("s1"), keccak256("cp1"));

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.lastStep, 1 << 20);
        assertEq(job.lastStateHash, keccak256("s1"));
        assertEq(job.lastCheckpointBlobKey, keccak256("cp1"));
        assertEq(job.deadline, block.timestamp + HEARTBEAT_WINDOW);

        vm.prank(a);
        jobs.heartbeat(jobId, 1 << 20, keccak256("s1"), keccak256("cp1")); // same step is allowed
    }

    function test_heartbeat_errors() public {
        uint256 jobId = submit(appId, FEE);
        address a = jobs.getJob(jobId).assignee;
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, watcher));
        jobs.heartbeat(jobId, 1, bytes32(0), bytes32(0));

        vm.startPrank(a);
        jobs.heartbeat(jobId, 10, keccak256("s"), keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, 10, 9));
        jobs.heartbeat(jobId, 9, keccak256("s"), keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepsExceeded.selector, MAX_STEPS + 1, MAX_STEPS));
        jobs.heartbeat(jobId, MAX_STEPS + 1, keccak256("s"), keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 42));
        jobs.heartbeat(42, 11, keccak256("s"), keccak256("c"));

        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline));
        jobs.heartbeat(jobId, 11, keccak256("s"), keccak256("c"));
        vm.stopPrank();
    }

    function test_heartbeat_atDeadlineIsOnTime() public {
        uint256 jobId = submit(appId, FEE);
        JobManager.Job memory job = jobs.getJob(jobId);
        vm.warp(job.deadline);
        vm.prank(job.assignee);
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c"));
    }

    // ------------------------------------------------------------ missed heartbeat

    function test_reportMissed_slashesReassignsAndKeepsCheckpoint() public {
        uint256 jobId = submit(appId, FEE);
        address first = jobs.getJob(jobId).assignee;
        vm.prank(first);
        jobs.heartbeat(jobId, 3 << 20, keccak256("s3"), keccak256("cp3"));
        uint64 deadline = jobs.getJob(jobId).deadline;
        uint256 stakeBefore = registry.stakeOf(first);
        uint256 slashAmount = stakeBefore * LIVENESS_SLASH / 1e18;

        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlineNotPassed.selector, jobId, deadline));
        jobs.reportMissed(jobId);

        vm.warp(deadline + 1);
        address successor = expectedAssignee(jobId, 1, one(first));
        assertNotEq(successor, first, "a failed operator is never reassigned the same job");
        vm.expectEmit(true, true, true, true, address(registry));
        emit StakeRegistry.Slashed(first, slashAmount, "liveness", watcher, slashAmount / 2, slashAmount / 2);
        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.HeartbeatMissed(jobId, first, watcher, slashAmount);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobAssigned(jobId, successor, 1, uint64(block.timestamp) + HEARTBEAT_WINDOW, keccak256("cp3"));
        vm.prank(watcher);
        jobs.reportMissed(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.assignee, successor);
        assertEq(job.attempt, 1);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Assigned));
        assertEq(job.lastStep, 3 << 20, "checkpoint kept for the successor");
        assertEq(job.lastCheckpointBlobKey, keccak256("cp3"));
        assertEq(registry.stakeOf(first), stakeBefore - slashAmount);
        assertEq(token.balanceOf(watcher), 1_000e18 + slashAmount / 2, "reporter rewarded");
        assertTrue(jobs.hasFailed(jobId, first));

        vm.prank(first);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, first));
        jobs.heartbeat(jobId, 4 << 20, keccak256("s4"), keccak256("cp4"));
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, 3 << 20, 1));
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c"));
        vm.prank(successor);
        jobs.heartbeat(jobId, 4 << 20, keccak256("s4"), keccak256("cp4"));
    }

    function test_reportMissed_allFailedRefundsFee() public {
        uint256 jobId = submit(appId, FEE);
        for (uint32 attempt = 0; attempt < 3; ++attempt) {
            vm.warp(jobs.getJob(jobId).deadline + 1);
            if (attempt < 2) {
                vm.prank(watcher);
                jobs.reportMissed(jobId);
            }
        }
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId);
        vm.prank(watcher);
        jobs.reportMissed(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Failed));
        assertEq(job.assignee, address(0));
        assertEq(job.attempt, 3);
        assertTrue(jobs.hasFailed(jobId, op1) && jobs.hasFailed(jobId, op2) && jobs.hasFailed(jobId, op3));
        assertEq(token.balanceOf(user), 1_000e18, "fee refunded");
        assertEq(jobs.totalEscrow(), 0);

        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Failed));
        jobs.reportMissed(jobId);
    }

    function test_reportMissed_needsSlasherRole() public {
        uint256 jobId = submit(appId, FEE);
        vm.prank(admin);
        registry.setSlasher(address(jobs), false);
        vm.warp(jobs.getJob(jobId).deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, address(jobs)));
        jobs.reportMissed(jobId);
    }

    // ------------------------------------------------------------ result

    function test_submitResult_opensChallengeWindow() public {
        uint256 jobId = submit(appId, FEE);
        address a = jobs.getJob(jobId).assignee;
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.ResultSubmitted(jobId, a, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        submitResult(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Submitted));
        assertEq(job.outputHash, OUT);
        assertEq(job.finalStateHash, FINAL_STATE);
        assertEq(job.stepCount, STEPS);
        assertEq(job.checkpointRoot, CP_ROOT);
        assertEq(job.outputBlobKey, OUT_KEY);
        assertEq(job.resultOperator, a);
        assertEq(job.challengeDeadline, block.timestamp + CHALLENGE_WINDOW);
        (address operator_, address challenger_) = jobs.partiesOf(jobId);
        assertEq(operator_, a);
        assertEq(challenger_, address(0));

        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Submitted));
        jobs.heartbeat(jobId, STEPS, bytes32(0), bytes32(0));
    }

    function test_submitResult_errors() public {
        uint256 jobId = submit(appId, FEE);
        address a = jobs.getJob(jobId).assignee;
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, watcher));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.startPrank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepsExceeded.selector, MAX_STEPS + 1, MAX_STEPS));
        jobs.submitResult(jobId, OUT, FINAL_STATE, MAX_STEPS + 1, CP_ROOT, OUT_KEY);
        jobs.heartbeat(jobId, 500, keccak256("s"), keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, 500, 499));
        jobs.submitResult(jobId, OUT, FINAL_STATE, 499, CP_ROOT, OUT_KEY);
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.stopPrank();
        assertEq(uint8(status(jobId)), uint8(JobManager.JobStatus.Assigned), "nothing changed");
    }

    // ------------------------------------------------------------ finalize

    function test_finalize_paysFeeAfterWindow() public {
        uint256 jobId = submit(appId, FEE);
        address a = submitResult(jobId);
        uint64 cd = jobs.getJob(jobId).challengeDeadline;
        vm.expectRevert(abi.encodeWithSelector(JobManager.ChallengeWindowOpen.selector, jobId, cd));
        jobs.finalize(jobId);

        vm.warp(cd + 1);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, a, OUT, FEE);
        jobs.finalize(jobId);
        assertEq(token.balanceOf(a), FEE);
        assertEq(uint8(status(jobId)), uint8(JobManager.JobStatus.Finalized));
        assertEq(jobs.totalEscrow(), 0);

        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.finalize(jobId);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 7));
        jobs.finalize(7);
    }

    // ------------------------------------------------------------ challenge

    function test_challenge_bondsAndOpensDispute() public {
        uint256 jobId = submit(appId, FEE);
        submitResult(jobId);
        bytes32 opC = jobs.commitmentOf(OUT, FINAL_STATE, STEPS, CP_ROOT);
        bytes32 chC = jobs.commitmentOf(keccak256("other"), FINAL_STATE, STEPS, CP_ROOT);

        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobChallenged(jobId, watcher, chC, CHALLENGE_BOND);
        vm.expectEmit(true, false, false, true, address(court));
        emit IntersubjectiveCourt.DisputeOpened(jobId, opC, chC, uint64(block.timestamp) + VOTING_PERIOD);
        vm.prank(watcher);
        jobs.challenge(jobId, keccak256("other"), FINAL_STATE, STEPS, CP_ROOT);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Disputed));
        assertEq(job.challenger, watcher);
        assertEq(job.bond, CHALLENGE_BOND);
        assertEq(token.balanceOf(address(jobs)), FEE + CHALLENGE_BOND);
        assertEq(jobs.disputeCourtOf(jobId), address(court));
        JobManager.Claim memory claim = jobs.challengerClaimOf(jobId);
        assertEq(claim.outputHash, keccak256("other"));
        assertEq(claim.stepCount, STEPS);
        IntersubjectiveCourt.Dispute memory d = court.getDispute(jobId);
        assertEq(d.operatorCommitment, opC);
        assertEq(d.challengerCommitment, chC);

        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Disputed));
        jobs.challenge(jobId, keccak256("third"), FINAL_STATE, STEPS, CP_ROOT);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);
    }

    function test_challenge_errors() public {
        uint256 jobId = submit(appId, FEE);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Assigned));
        jobs.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);

        address a = submitResult(jobId);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SelfChallenge.selector, jobId, a));
        jobs.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);

        vm.startPrank(watcher);
        bytes32 same = jobs.commitmentOf(OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SameCommitment.selector, same));
        jobs.challenge(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepsExceeded.selector, MAX_STEPS + 1, MAX_STEPS));
        jobs.challenge(jobId, OUT, FINAL_STATE, MAX_STEPS + 1, CP_ROOT);

        uint64 cd = jobs.getJob(jobId).challengeDeadline;
        vm.warp(cd + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ChallengeWindowClosed.selector, jobId, cd));
        jobs.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);
        vm.stopPrank();
    }

    function test_challenge_otherModesUnsupported() public {
        operator("tee1", TEE, 100e18);
        uint256 jobId = submit(teeAppId, FEE);
        submitResult(jobId);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnsupportedMode.selector, MODE_TEE));
        jobs.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_challenge_withoutCourt() public {
        JobManager bare = new JobManager(admin, registry, apps, token, defaultParams());
        vm.prank(admin);
        registry.setSlasher(address(bare), true);
        vm.prank(user);
        uint256 jobId = bare.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 0);
        address a = bare.getJob(jobId).assignee;
        vm.prank(a);
        bare.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.prank(watcher);
        vm.expectRevert(JobManager.CourtNotSet.selector);
        bare.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_resolveDispute_onlyTheOpeningCourt() public {
        uint256 jobId = submit(appId, FEE);
        submitResult(jobId);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, watcher));
        jobs.resolveDispute(jobId, false);

        vm.prank(watcher);
        jobs.challenge(jobId, keccak256("x"), FINAL_STATE, STEPS, CP_ROOT);
        address newCourt = makeAddr("new-court");
        vm.prank(admin);
        jobs.setCourt(newCourt);
        vm.prank(newCourt);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, newCourt));
        jobs.resolveDispute(jobId, false);

        vm.prank(address(court));
        jobs.resolveDispute(jobId, true);
        vm.prank(address(court));
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.resolveDispute(jobId, true);
    }

    // ------------------------------------------------------------ views, params, admin

    /// Job commitment test vector shared with the Java client (docs/spec/settlement.md).
    function test_commitmentOf_vector() public view {
        bytes32 c = jobs.commitmentOf(bytes32(uint256(1)), bytes32(uint256(2)), 3, bytes32(uint256(4)));
        assertEq(c, keccak256(abi.encode(bytes32(uint256(1)), bytes32(uint256(2)), uint64(3), bytes32(uint256(4)))));
        assertEq(c, 0x392791df626408017a264f53fde61065d5a93a32b60171df9d8a46afdf82992d, "commitment vector");
    }

    function test_views_unknownJob() public {
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.getJob(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.challengerClaimOf(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.partiesOf(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.reportMissed(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.challenge(1, OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_setParams_validatesAndEmits() public {
        JobManager.Params memory p = defaultParams();
        p.challengeBond = 7;
        vm.expectEmit(false, false, false, true, address(jobs));
        emit JobManager.ParamsSet(p);
        vm.prank(admin);
        jobs.setParams(p);
        assertEq(jobs.params().challengeBond, 7);
        assertEq(jobs.params().heartbeatWindow, HEARTBEAT_WINDOW);

        vm.startPrank(admin);
        p = defaultParams();
        p.heartbeatWindow = 0;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "heartbeatWindow is 0"));
        jobs.setParams(p);
        p = defaultParams();
        p.challengeWindow = 0;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "challengeWindow is 0"));
        jobs.setParams(p);
        p = defaultParams();
        p.livenessSlashWad = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "livenessSlashWad > 1e18"));
        jobs.setParams(p);
        p = defaultParams();
        p.disputeSlashWad = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "disputeSlashWad > 1e18"));
        jobs.setParams(p);
        p = defaultParams();
        p.maxStepsLimit = 0;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "maxStepsLimit is 0"));
        jobs.setParams(p);
        vm.expectRevert(JobManager.ZeroAddress.selector);
        jobs.setCourt(address(0));
        vm.stopPrank();
    }

    function test_admin_onlyOwner() public {
        vm.startPrank(user);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, user));
        jobs.setParams(defaultParams());
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, user));
        jobs.setCourt(user);
        vm.stopPrank();
    }

    function test_constructor_rejectsZeroAddresses() public {
        vm.expectRevert(JobManager.ZeroAddress.selector);
        new JobManager(admin, StakeRegistry(address(0)), apps, token, defaultParams());
    }
}
