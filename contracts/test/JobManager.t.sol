// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Shared setup for job and court tests: three COMPUTE operators (100/300/600, in that
///         registration order), three VERIFIERs (500/200/300), a submitter and watchers, one
///         intersubjective app and one TEE app; all stake active in snapshots.
abstract contract JobFixture is SettlementFixture {
    event log_named_uint(string key, uint256 val);
    event log_named_bytes32(string key, bytes32 val);

    address internal op1;
    address internal op2;
    address internal op3;
    address internal v1;
    address internal v2;
    address internal v3;
    address internal user;
    address internal watcher;
    address internal watcher2;
    address internal dev;
    uint256 internal appId;
    uint256 internal teeAppId;

    bytes32 internal constant INPUT_KEY = keccak256("input-blob");
    bytes32 internal constant INPUT_DIGEST = keccak256("input");
    uint64 internal constant MAX_STEPS = 1 << 24;
    uint256 internal constant FEE = 50e18;

    bytes32 internal constant OUT = keccak256("output");
    bytes32 internal constant WRONG_OUT = keccak256("challenger-output");
    bytes32 internal constant THIRD_OUT = keccak256("third-output");
    bytes32 internal constant FINAL_STATE = keccak256("final-state");
    uint64 internal constant STEPS = 777_000;
    bytes32 internal constant CP_ROOT = keccak256("checkpoint-root");
    bytes32 internal constant OUT_KEY = keccak256("output-blob");

    uint8 internal constant OPERATOR_WINS = 1;
    uint8 internal constant CHALLENGER_WINS = 2;
    uint8 internal constant BOTH_WRONG = 3;
    uint8 internal constant NO_QUORUM = 4;
    uint8 internal constant NO_MAJORITY = 5;

    address internal constant BURN = 0x000000000000000000000000000000000000dEaD;

    function setUp() public virtual override {
        super.setUp();
        op1 = operator("op1", COMPUTE, 100e18);
        op2 = operator("op2", COMPUTE | DA, 300e18);
        op3 = operator("op3", COMPUTE, 600e18);
        v1 = operator("v1", VERIFIER, 500e18);
        v2 = operator("v2", VERIFIER, 200e18);
        v3 = operator("v3", VERIFIER, 300e18);
        user = makeAddr("user");
        watcher = makeAddr("watcher");
        watcher2 = makeAddr("watcher2");
        fund(user, 10_000e18);
        fund(watcher, 10_000e18);
        fund(watcher2, 10_000e18);
        dev = makeAddr("dev");
        appId = createApp(dev, MODE_INTERSUBJECTIVE);
        teeAppId = createApp(dev, MODE_TEE);
        activate();
    }

    function queueJob(uint256 app, uint256 fee) internal returns (uint256 jobId) {
        vm.prank(user);
        jobId = jobs.submitJob(app, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, fee);
    }

    /// @dev A queued-then-assigned job of the intersubjective app.
    function newJob() internal returns (uint256 jobId, address assignee) {
        jobId = queueJob(appId, FEE);
        assignee = assignNow(jobId);
    }

    function submitResultOf(uint256 jobId) internal returns (address assignee) {
        assignee = jobs.getJob(jobId).assignee;
        vm.prank(assignee);
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
    }

    function challengeAs(address who, uint256 jobId, bytes32 out) internal returns (uint256 disputeId) {
        vm.prank(who);
        disputeId = jobs.challenge(jobId, out, FINAL_STATE, STEPS, CP_ROOT);
    }

    /// @dev A job with a result (OUT) and one dispute by `watcher` (WRONG_OUT).
    function disputedJob() internal returns (uint256 jobId, address a, uint256 disputeId) {
        (jobId, a) = newJob();
        submitResultOf(jobId);
        disputeId = challengeAs(watcher, jobId, WRONG_OUT);
    }

    function status(uint256 jobId) internal view returns (uint8) {
        return uint8(jobs.getJob(jobId).status);
    }

    function setMinStake(uint8 role, uint256 amount) internal {
        vm.prank(address(timelock));
        registry.setMinStake(role, amount);
    }

    /// @dev Only op3 (600) qualifies for COMPUTE jobs: deterministic assignments.
    function onlyOp3() internal {
        setMinStake(COMPUTE, 500e18);
    }

    function setParams(JobManager.Params memory p) internal {
        vm.prank(address(timelock));
        jobs.setParams(p);
    }

    function courtResolves(uint256 disputeId, uint8 verdict) internal returns (uint256 pool, bool moot) {
        vm.prank(address(court));
        (pool, moot) = jobs.resolveDispute(disputeId, verdict);
    }

    function expectedCommitment(bytes32 out) internal view returns (bytes32) {
        return jobs.commitmentOf(out, FINAL_STATE, STEPS, CP_ROOT);
    }

    /// @dev Second rendering of the assignment rule (JobManager._pick, settlement.md §2), from the
    ///      registry's active set and snapshotWeight instead of eligibleAt.
    function expectedAssignee(uint256 jobId) internal view returns (address) {
        JobManager.Job memory j = jobs.getJob(jobId);
        uint8 role = jobs.pinOf(jobId).role;
        uint32 cap = jobs.paramsAt(j.paramsVersion).maxActiveJobs;
        address[] memory set = registry.activeOperators();
        uint256[] memory w = new uint256[](set.length);
        uint256 total;
        for (uint256 i; i < set.length; ++i) {
            uint256 s = registry.snapshotWeight(set[i], role, j.snapshotBlock);
            if (s == 0 || s < registry.minStake(role)) continue;
            if (jobs.hasFailed(jobId, set[i]) || jobs.activeJobs(set[i]) >= cap) continue;
            w[i] = s;
            total += s;
        }
        if (total == 0) return address(0);
        uint256 r = uint256(keccak256(abi.encode(blockhash(j.seedBlock), jobId, uint256(j.attempt)))) % total;
        for (uint256 i; i < set.length; ++i) {
            if (r < w[i]) return set[i];
            r -= w[i];
        }
        revert("unreachable");
    }

    function assertEscrowBacked() internal view {
        assertEq(token.balanceOf(address(jobs)), jobs.totalEscrow(), "JobManager holds exactly its escrow");
    }
}

contract JobManagerTest is JobFixture {
    struct Balances {
        uint256 op;
        uint256 watcher;
        uint256 user;
        uint256 court;
        uint256 burn;
    }

    function balancesOf(address op) internal view returns (Balances memory b) {
        b.op = token.balanceOf(op);
        b.watcher = token.balanceOf(watcher);
        b.user = token.balanceOf(user);
        b.court = token.balanceOf(address(court));
        b.burn = token.balanceOf(BURN);
    }

    // ------------------------------------------------------------ constructor and params

    function test_constructor_rejectsZeroAddresses() public {
        JobManager.Params memory p = defaultParams(address(0));
        vm.expectRevert(JobManager.ZeroAddress.selector);
        new JobManager(admin, StakeRegistry(address(0)), apps, token, p);
        vm.expectRevert(JobManager.ZeroAddress.selector);
        new JobManager(admin, registry, AppRegistry(address(0)), token, p);
        vm.expectRevert(JobManager.ZeroAddress.selector);
        new JobManager(admin, registry, apps, IERC20(address(0)), p);
        p.heartbeatWindow = 0;
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, "heartbeatWindow is 0"));
        new JobManager(admin, registry, apps, token, p);
    }

    function test_params_versioned() public {
        assertEq(jobs.owner(), address(timelock));
        assertEq(jobs.paramsVersion(), 1, "constructor set v0, wiring the court set v1");
        assertEq(jobs.paramsAt(0).court, address(0));
        assertEq(jobs.paramsAt(1).court, address(court));
        assertEq(jobs.params().court, address(court));
        assertEq(jobs.params().challengeBond, CHALLENGE_BOND);
        JobManager bare = new JobManager(admin, registry, apps, token, defaultParams(address(0)));
        assertEq(bare.paramsVersion(), 0, "the first version is 0");
    }

    function test_setParams_newVersionLeavesLiveJobsAlone() public {
        (uint256 oldJob,) = newJob();
        JobManager.Params memory p = defaultParams(address(court));
        p.challengeBond = 7;
        p.challengeWindow = 1_000;
        p.minFee = 2e18;
        vm.expectEmit(false, false, false, true, address(jobs));
        emit JobManager.ParamsSet(2, p);
        setParams(p);
        assertEq(jobs.paramsVersion(), 2);
        assertEq(jobs.params().challengeBond, 7);
        assertEq(jobs.paramsAt(1).challengeBond, CHALLENGE_BOND, "old versions are kept");
        assertEq(jobs.getJob(oldJob).paramsVersion, 1);

        // the live job keeps version 1: its window and bond
        submitResultOf(oldJob);
        assertEq(jobs.getJob(oldJob).challengeDeadline, block.timestamp + CHALLENGE_WINDOW);
        uint256 before = token.balanceOf(watcher);
        challengeAs(watcher, oldJob, WRONG_OUT);
        assertEq(before - token.balanceOf(watcher), CHALLENGE_BOND);

        // a new job takes version 2
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.FeeTooLow.selector, 1e18, 2e18));
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 1e18);
        (uint256 newJobId,) = newJob();
        assertEq(jobs.getJob(newJobId).paramsVersion, 2);
        submitResultOf(newJobId);
        assertEq(jobs.getJob(newJobId).challengeDeadline, block.timestamp + 1_000);
        before = token.balanceOf(watcher);
        challengeAs(watcher, newJobId, WRONG_OUT);
        assertEq(before - token.balanceOf(watcher), 7);
    }

    function test_setParams_throughTheTimelock() public {
        JobManager.Params memory p = defaultParams(address(court));
        p.minFee = 3e18;
        governance(address(jobs), abi.encodeCall(JobManager.setParams, (p)));
        assertEq(jobs.params().minFee, 3e18);
        assertEq(jobs.paramsVersion(), 2);
    }

    function test_setParams_validates() public {
        JobManager.Params memory p = defaultParams(address(court));
        p.heartbeatWindow = 0;
        _expectInvalid(p, "heartbeatWindow is 0");
        p = defaultParams(address(court));
        p.challengeWindow = 0;
        _expectInvalid(p, "challengeWindow is 0");
        p = defaultParams(address(court));
        p.maxJobDuration = HEARTBEAT_WINDOW - 1;
        _expectInvalid(p, "maxJobDuration < heartbeatWindow");
        p = defaultParams(address(court));
        p.livenessSlashWad = 1e18;
        _expectInvalid(p, "livenessSlashWad >= 1e18");
        p = defaultParams(address(court));
        p.disputeSlashWad = 1e18;
        _expectInvalid(p, "disputeSlashWad >= 1e18");
        p = defaultParams(address(court));
        p.maxStepsLimit = 0;
        _expectInvalid(p, "maxStepsLimit is 0");
        p = defaultParams(address(court));
        p.maxActiveJobs = 0;
        _expectInvalid(p, "maxActiveJobs is 0");
        p = defaultParams(address(court));
        p.reporterShareWad = 1e18;
        _expectInvalid(p, "reporterShareWad >= 1e18");
        p = defaultParams(address(court));
        p.partyRewardWad = 0.5e18;
        p.voterRewardWad = 0.5e18 + 1;
        _expectInvalid(p, "partyRewardWad + voterRewardWad > 1e18");
        assertEq(jobs.paramsVersion(), 1, "nothing was added");

        // the boundaries themselves are accepted
        p = defaultParams(address(court));
        p.maxJobDuration = HEARTBEAT_WINDOW;
        p.livenessSlashWad = 1e18 - 1;
        p.partyRewardWad = 0.5e18;
        p.voterRewardWad = 0.5e18;
        setParams(p);
        assertEq(jobs.paramsVersion(), 2);
    }

    function _expectInvalid(JobManager.Params memory p, string memory reason) internal {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidParams.selector, reason));
        jobs.setParams(p);
    }

    function test_setParams_onlyOwner() public {
        JobManager.Params memory p = defaultParams(address(court));
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        jobs.setParams(p);
    }

    // ------------------------------------------------------------ submitJob

    function test_submitJob_escrowsFeeAndDepositAndQueues() public {
        uint256 userBefore = token.balanceOf(user);
        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.JobSubmitted(1, appId, user, INPUT_KEY, MAX_STEPS, FEE);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobQueued(1, 0, uint64(block.number) + 1, uint64(block.number));
        uint256 jobId = queueJob(appId, FEE);

        assertEq(jobId, 1);
        assertEq(jobs.jobCount(), 1);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.appId, appId);
        assertEq(job.submitter, user);
        assertEq(job.inputBlobKey, INPUT_KEY);
        assertEq(job.inputDigest, INPUT_DIGEST);
        assertEq(job.maxSteps, MAX_STEPS);
        assertEq(job.fee, FEE);
        assertEq(job.deposit, SUBMITTER_DEPOSIT);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Queued));
        assertEq(job.assignee, address(0));
        assertEq(job.attempt, 0);
        assertEq(job.snapshotBlock, block.number);
        assertEq(job.seedBlock, block.number + jobs.SEED_DELAY_BLOCKS());
        assertEq(job.expiresAt, block.timestamp + MAX_JOB_DURATION);
        assertEq(job.paramsVersion, 1);
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(pin.programDigest, keccak256("program"));
        assertEq(pin.teeSigner, address(0));
        assertEq(pin.appVersion, 1);
        assertEq(pin.mode, MODE_INTERSUBJECTIVE);
        assertEq(pin.role, COMPUTE);
        assertEq(pin.appConfig, address(0));
        assertEq(pin.adapter, address(0), "a built-in mode pins no adapter");
        assertEq(userBefore - token.balanceOf(user), FEE + SUBMITTER_DEPOSIT);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT);
        assertEscrowBacked();
    }

    function test_submitJob_errors() public {
        vm.startPrank(user);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 99));
        jobs.submitJob(99, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        vm.expectRevert(JobManager.ZeroBlobKey.selector);
        jobs.submitJob(appId, bytes32(0), INPUT_DIGEST, MAX_STEPS, FEE);
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidMaxSteps.selector, 0, MAX_STEPS_LIMIT));
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, 0, FEE);
        vm.expectRevert(
            abi.encodeWithSelector(JobManager.InvalidMaxSteps.selector, MAX_STEPS_LIMIT + 1, MAX_STEPS_LIMIT)
        );
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS_LIMIT + 1, FEE);
        vm.expectRevert(abi.encodeWithSelector(JobManager.FeeTooLow.selector, MIN_FEE - 1, MIN_FEE));
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, MIN_FEE - 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoTeeSigner.selector, teeAppId));
        jobs.submitJob(teeAppId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        vm.expectRevert(); // ERC20InsufficientBalance: fee + deposit cannot be escrowed
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, 10_000e18);
        vm.stopPrank();
        address broke = makeAddr("broke");
        vm.prank(broke);
        vm.expectRevert(); // no allowance, no balance
        jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        assertEq(jobs.jobCount(), 0, "nothing recorded");
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_submitJob_minFeeExactlyAndMaxSteps() public {
        vm.prank(user);
        uint256 jobId = jobs.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS_LIMIT, MIN_FEE);
        assertEq(jobs.getJob(jobId).fee, MIN_FEE);
        assertEq(jobs.getJob(jobId).maxSteps, MAX_STEPS_LIMIT);
    }

    function test_submitJob_pinsReleaseAcrossUpgrades() public {
        uint256 before = queueJob(appId, FEE);
        vm.prank(dev);
        apps.upgradeApp(appId, keccak256("program v2"), hex"02");
        uint256 after_ = queueJob(appId, FEE);
        assertEq(jobs.pinOf(before).programDigest, keccak256("program"), "an upgrade does not touch a live job");
        assertEq(jobs.pinOf(before).appVersion, 1);
        assertEq(jobs.pinOf(after_).programDigest, keccak256("program v2"));
        assertEq(jobs.pinOf(after_).appVersion, 2);
    }

    // ------------------------------------------------------------ assign

    function test_assign_waitsForTheSeedBlock() public {
        uint256 jobId = queueJob(appId, FEE);
        uint64 seedBlock = jobs.getJob(jobId).seedBlock;
        vm.expectRevert(abi.encodeWithSelector(JobManager.SeedNotReady.selector, jobId, seedBlock));
        jobs.assign(jobId);
        vm.roll(seedBlock);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SeedNotReady.selector, jobId, seedBlock));
        jobs.assign(jobId);
        vm.roll(seedBlock + 1);
        assertTrue(jobs.assign(jobId));
    }

    function test_assign_picksByRuleAndOpensObligation() public {
        uint256 jobId = queueJob(appId, FEE);
        mine(2);
        address expected = expectedAssignee(jobId);
        assertTrue(expected != address(0));
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobAssigned(jobId, expected, 0, uint64(block.timestamp) + HEARTBEAT_WINDOW, bytes32(0));
        assertTrue(jobs.assign(jobId));

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.assignee, expected);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Assigned));
        assertEq(job.deadline, block.timestamp + HEARTBEAT_WINDOW);
        assertEq(jobs.activeJobs(expected), 1);
        assertEq(registry.openObligations(expected), 1);
        assertEq(jobs.pinOf(jobId).obligationSeq, 0);

        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Assigned));
        jobs.assign(jobId);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 99));
        jobs.assign(99);
    }

    /// Many jobs: every assignment follows the rule, only COMPUTE operators get them, and stake
    /// registered after a job was queued never takes it.
    function test_assign_matchesRuleOverSnapshotStake() public {
        uint256[] memory ids = new uint256[](12);
        for (uint256 i; i < ids.length; ++i) {
            ids[i] = queueJob(appId, MIN_FEE);
        }
        // a whale arrives after every job was queued, and op1 tops up
        address late = operator("late", COMPUTE, 5_000e18);
        vm.prank(address(timelock));
        token.mint(op1, 1_000e18);
        vm.prank(op1);
        registry.deposit(1_000e18);
        mine(2);
        uint256 hits3;
        for (uint256 i; i < ids.length; ++i) {
            address expected = expectedAssignee(ids[i]);
            jobs.assign(ids[i]);
            address got = jobs.getJob(ids[i]).assignee;
            assertEq(got, expected, "assignment rule");
            assertTrue(got == op1 || got == op2 || got == op3, "a COMPUTE operator");
            assertNotEq(got, late, "stake after the snapshot does not count");
            if (got == op3) ++hits3;
            // keep capacity free
            vm.prank(got);
            jobs.submitResult(ids[i], OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        }
        assertGt(hits3, 0, "the heaviest operator takes some");
    }

    function test_assign_staleSeedRequeues() public {
        uint256 jobId = queueJob(appId, FEE);
        uint64 seedBlock = jobs.getJob(jobId).seedBlock;
        vm.roll(seedBlock + 257);
        assertEq(blockhash(seedBlock), bytes32(0), "older than 256 blocks");
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobQueued(jobId, 0, uint64(block.number) + 1, uint64(block.number));
        assertFalse(jobs.assign(jobId));
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Queued));
        assertEq(job.attempt, 0, "the same attempt with a new seed");
        assertEq(job.seedBlock, block.number + 1);
        assertEq(job.snapshotBlock, block.number);
        assertTrue(assignNow(jobId) != address(0));
    }

    function test_assign_noOperatorFailsAndRefunds() public {
        uint256 jobId = queueJob(appId, FEE);
        setMinStake(COMPUTE, 10_000e18);
        mine(2);
        uint256 before = token.balanceOf(user);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "no-operator");
        assertFalse(jobs.assign(jobId));
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT, "fee and deposit refunded");
        assertEq(jobs.totalEscrow(), 0);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Failed));
        jobs.assign(jobId);
    }

    function test_assign_teeJobsNeedTeeOperators() public {
        vm.prank(dev);
        apps.setTeeSigner(teeAppId, vm.addr(APP_WALLET_KEY));
        uint256 jobId = queueJob(teeAppId, FEE);
        mine(2);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "no-operator");
        assertFalse(jobs.assign(jobId), "nobody holds TEE");
    }

    function test_assign_teeJobsGoOnlyToTeeOperators() public {
        address t1 = operator("tee1", TEE, 100e18);
        address t2 = operator("tee2", COMPUTE | TEE, 300e18);
        activate();
        vm.prank(dev);
        apps.setTeeSigner(teeAppId, vm.addr(APP_WALLET_KEY));
        bool sawT1;
        bool sawT2;
        for (uint256 i; i < 12; ++i) {
            uint256 teeJob = queueJob(teeAppId, MIN_FEE);
            uint256 plainJob = queueJob(appId, MIN_FEE);
            address tee = assignNow(teeJob);
            assertEq(tee, expectedAssignee(teeJob));
            assertTrue(tee == t1 || tee == t2, "a TEE job went to an operator without the TEE role");
            sawT1 = sawT1 || tee == t1;
            sawT2 = sawT2 || tee == t2;
            address plain = assignNow(plainJob);
            assertNotEq(plain, t1, "a REEXEC job went to a TEE-only operator");
            vm.prank(tee);
            jobs.declineJob(teeJob); // keep capacity free
            vm.prank(plain);
            jobs.declineJob(plainJob);
        }
        assertTrue(sawT1 && sawT2, "both TEE operators take TEE jobs");
    }

    /// For arbitrary extra stakes (some below the minimum) the contract and the reference agree on the
    /// first assignment and on the reassignment after a miss, which never picks the operator that missed.
    function testFuzz_assignmentMatchesReference(uint96[4] memory stakes, uint96 minStake) public {
        setMinStake(COMPUTE, bound(minStake, 0, 400e18));
        for (uint256 i; i < stakes.length; ++i) {
            operator(string.concat("f", vm.toString(i)), COMPUTE, bound(stakes[i], MIN_SELF_STAKE, 1_000e18));
        }
        activate();
        uint256 jobId = queueJob(appId, FEE);
        mine(2);
        address expected = expectedAssignee(jobId);
        jobs.assign(jobId);
        assertEq(jobs.getJob(jobId).assignee, expected, "first assignment");
        vm.warp(jobs.getJob(jobId).deadline + 1);
        jobs.reportMissed(jobId);
        mine(2);
        expected = expectedAssignee(jobId);
        jobs.assign(jobId);
        JobManager.Job memory job = jobs.getJob(jobId);
        if (expected == address(0)) {
            assertEq(uint8(job.status), uint8(JobManager.JobStatus.Failed), "nobody left");
        } else {
            assertEq(job.assignee, expected, "reassignment");
            assertFalse(jobs.hasFailed(jobId, job.assignee), "never the operator that missed");
        }
    }

    /// A mode without a way to check results is refused at submission even if an app registry reported it:
    /// REEXEC_OBJECTIVE without its court, and an adapter mode (ZK included) with no adapter registered in this
    /// JobManager.
    function test_submitJob_unsupportedModeFromTheAppRegistry() public {
        FakeApps fake = new FakeApps();
        JobManager odd = new JobManager(
            address(timelock), registry, AppRegistry(address(fake)), token, defaultParams(address(court))
        );
        vm.prank(user);
        token.approve(address(odd), type(uint256).max);
        fake.set(MODE_OBJECTIVE, address(0));
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ModeNotRegistered.selector, MODE_OBJECTIVE));
        odd.submitJob(1, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        fake.set(MODE_ZK, address(0));
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ModeNotRegistered.selector, MODE_ZK));
        odd.submitJob(1, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        fake.set(4, address(0));
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ModeNotRegistered.selector, uint8(4)));
        odd.submitJob(1, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        fake.set(MODE_INTERSUBJECTIVE, address(0));
        vm.prank(user);
        assertEq(odd.submitJob(1, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE), 1);
    }

    function test_assign_expiredFails() public {
        uint256 jobId = queueJob(appId, FEE);
        mine(2);
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        uint256 before = token.balanceOf(user);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "expired");
        assertFalse(jobs.assign(jobId));
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT);
    }

    function test_assign_capsActiveJobsPerOperator() public {
        JobManager.Params memory p = defaultParams(address(court));
        p.maxActiveJobs = 1;
        setParams(p);
        uint256[] memory ids = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            ids[i] = queueJob(appId, FEE);
        }
        mine(2);
        address[] memory got = new address[](3);
        for (uint256 i; i < 3; ++i) {
            assertTrue(jobs.assign(ids[i]));
            got[i] = jobs.getJob(ids[i]).assignee;
            assertEq(jobs.activeJobs(got[i]), 1);
        }
        assertTrue(got[0] != got[1] && got[1] != got[2] && got[0] != got[2], "one job each");
        assertFalse(jobs.assign(ids[3]), "everyone is at the cap");
        assertEq(status(ids[3]), uint8(JobManager.JobStatus.Failed));
        // a result frees capacity
        vm.prank(got[0]);
        jobs.submitResult(ids[0], OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        assertEq(jobs.activeJobs(got[0]), 0);
    }

    /// Assignment vector for docs/spec/settlement.md §7 (v2 rule). Inputs: seed = blockhash(seedBlock)
    /// = keccak256("trustdial assignment vector"), jobId 1, snapshot weights [100e18, 300e18, 600e18]
    /// (COMPUTE operators in active-set order). Attempt 0 picks index 2; it declines, so attempt 1
    /// draws over [100e18, 300e18, 0]. The numbers were also computed independently (js-sha3 + BigInt).
    bytes32 internal constant VECTOR_SEED = 0xbf8e5dad6fbe09145e02bf3452db5f9905efdcf97703538a5a25914f8597c549;
    bytes32 internal constant VECTOR_HASH_0 = 0x25f27306ba0e3eccdea34332f198c38c17733da121e096ca78831fbdaa778194;
    uint256 internal constant VECTOR_R_0 = 770643327552190906772; // mod 1000e18 -> index 2
    bytes32 internal constant VECTOR_HASH_1 = 0x059253d7101eb961c055a816b3a5fe7f5841f5ae6c2b210bbc6d6caa66f2dd87;
    uint256 internal constant VECTOR_R_1 = 383061698537139133831; // mod 400e18 (index 2 failed) -> index 1

    function test_assignment_vector() public {
        assertEq(keccak256("trustdial assignment vector"), VECTOR_SEED, "seed");
        uint256[3] memory w = [uint256(100e18), 300e18, 600e18];

        // attempt 0, computed here
        bytes32 h0 = keccak256(abi.encode(VECTOR_SEED, uint256(1), uint256(0)));
        uint256 r0 = uint256(h0) % (w[0] + w[1] + w[2]);
        assertEq(h0, VECTOR_HASH_0, "keccak256(abi.encode(seed, 1, 0))");
        assertEq(r0, VECTOR_R_0, "r0");
        assertEq(_pickIndex(r0, w), 2, "index 0");
        // attempt 1, index 2 failed: its weight is left out
        bytes32 h1 = keccak256(abi.encode(VECTOR_SEED, uint256(1), uint256(1)));
        uint256 r1 = uint256(h1) % (w[0] + w[1]);
        assertEq(h1, VECTOR_HASH_1, "keccak256(abi.encode(seed, 1, 1))");
        assertEq(r1, VECTOR_R_1, "r1");
        w[2] = 0;
        assertEq(_pickIndex(r1, w), 1, "index 1");
        emit log_named_bytes32("seed", VECTOR_SEED);
        emit log_named_bytes32("keccak(seed, 1, 0)", h0);
        emit log_named_uint("r(attempt 0) = mod 1000e18", r0);
        emit log_named_uint("index(attempt 0)", 2);
        emit log_named_bytes32("keccak(seed, 1, 1)", h1);
        emit log_named_uint("r(attempt 1) = mod 400e18", r1);
        emit log_named_uint("index(attempt 1)", 1);

        // the same through the contract, with exactly that seed
        uint256 jobId = queueJob(appId, FEE);
        assertEq(jobId, 1);
        JobManager.Job memory j = jobs.getJob(jobId);
        (address[] memory ops, uint256[] memory ws) = registry.eligibleAt(COMPUTE, j.snapshotBlock);
        assertEq(ops.length, 3);
        assertEq(ops[0], op1);
        assertEq(ops[1], op2);
        assertEq(ops[2], op3);
        assertEq(ws[0], 100e18);
        assertEq(ws[1], 300e18);
        assertEq(ws[2], 600e18);
        _assignWithSeed(j.seedBlock, jobId);
        assertEq(jobs.getJob(jobId).assignee, op3, "attempt 0 -> index 2");

        vm.prank(op3);
        jobs.declineJob(jobId);
        j = jobs.getJob(jobId);
        assertEq(j.attempt, 1);
        _assignWithSeed(j.seedBlock, jobId);
        assertEq(jobs.getJob(jobId).assignee, op2, "attempt 1 -> index 1");
    }

    function _assignWithSeed(uint64 seedBlock, uint256 jobId) internal {
        vm.roll(seedBlock + 1);
        vm.setBlockhash(seedBlock, VECTOR_SEED);
        assertEq(blockhash(seedBlock), VECTOR_SEED);
        assertTrue(jobs.assign(jobId));
    }

    function _pickIndex(uint256 r, uint256[3] memory w) internal pure returns (uint256) {
        uint256 cumulative;
        for (uint256 i; i < 3; ++i) {
            cumulative += w[i];
            if (r < cumulative) return i;
        }
        revert("no pick");
    }

    /// The assignment walk over a full active set (MAX_OPERATORS) stays far below the 2^24 gas cap
    /// of a transaction (EIP-7825).
    function test_assign_gasAtTheOperatorCap() public {
        uint256 room = MAX_OPERATORS - registry.operatorCount();
        for (uint256 i; i < room; ++i) {
            operator(string.concat("filler", vm.toString(i)), COMPUTE, 100e18);
        }
        assertEq(registry.operatorCount(), MAX_OPERATORS);
        activate();
        uint256 jobId = queueJob(appId, FEE);
        mine(2);
        uint256 before = gasleft();
        jobs.assign(jobId);
        uint256 used = before - gasleft();
        emit log_named_uint("assign gas at the operator cap", used);
        assertLt(used, 1 << 24, "assign over the per-transaction gas cap");

        vm.warp(jobs.getJob(jobId).deadline + 1);
        before = gasleft();
        jobs.reportMissed(jobId);
        used = before - gasleft();
        emit log_named_uint("reportMissed gas at the operator cap", used);
        assertLt(used, 1 << 24, "reportMissed over the per-transaction gas cap");
    }

    // ------------------------------------------------------------ heartbeat and restart

    function test_heartbeat_recordsCheckpointAndExtendsDeadline() public {
        (uint256 jobId, address a) = newJob();
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
        jobs.heartbeat(jobId, 1 << 20, keccak256("s1"), keccak256("cp1")); // same step: a keepalive
    }

    function test_heartbeat_deadlineNeverPastExpiry() public {
        JobManager.Params memory p = defaultParams(address(court));
        p.maxJobDuration = 100;
        setParams(p);
        (uint256 jobId, address a) = newJob();
        JobManager.Job memory job = jobs.getJob(jobId);
        assertLe(job.deadline, job.expiresAt, "deadline within expiry");
        assertGt(job.deadline + HEARTBEAT_WINDOW, job.expiresAt, "a heartbeat now would run past the expiry");
        vm.warp(job.deadline);
        vm.prank(a);
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c"));
        assertEq(jobs.getJob(jobId).deadline, job.expiresAt, "clamped to the expiry");
    }

    function test_heartbeat_atDeadlineIsOnTime() public {
        (uint256 jobId, address a) = newJob();
        vm.warp(jobs.getJob(jobId).deadline);
        vm.prank(a);
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c"));
        assertEq(jobs.getJob(jobId).lastStep, 1);
    }

    function test_heartbeat_errors() public {
        uint256 queued = queueJob(appId, FEE);
        vm.prank(op1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, queued, JobManager.JobStatus.Queued));
        jobs.heartbeat(queued, 1, bytes32(0), bytes32(0));

        (uint256 jobId, address a) = newJob();
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

    function test_restartJob_dropsTheCheckpoint() public {
        (uint256 jobId, address a) = newJob();
        vm.prank(a);
        jobs.heartbeat(jobId, 500, keccak256("s"), keccak256("cp"));
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.CheckpointDiscarded(jobId, a, 500, keccak256("cp"));
        vm.prank(a);
        jobs.restartJob(jobId);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(job.lastStep, 0);
        assertEq(job.lastStateHash, bytes32(0));
        assertEq(job.lastCheckpointBlobKey, bytes32(0));
        // a result below the dropped checkpoint's step is accepted again
        vm.prank(a);
        jobs.submitResult(jobId, OUT, FINAL_STATE, 100, CP_ROOT, OUT_KEY);
        assertEq(jobs.getJob(jobId).stepCount, 100);
    }

    function test_restartJob_errors() public {
        (uint256 jobId, address a) = newJob();
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, watcher));
        jobs.restartJob(jobId);
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(deadline + 1);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline));
        jobs.restartJob(jobId);
    }

    // ------------------------------------------------------------ declineJob

    function test_declineJob_requeuesWithoutSlashUntilNobodyIsLeft() public {
        uint256 jobId = queueJob(appId, FEE);
        address[] memory declined = new address[](3);
        for (uint32 attempt; attempt < 3; ++attempt) {
            address a = assignNow(jobId);
            for (uint256 k; k < attempt; ++k) {
                assertNotEq(a, declined[k], "a decliner never gets the job again");
            }
            declined[attempt] = a;
            uint256 stakeBefore = registry.stakeOf(a);
            vm.expectEmit(true, true, false, true, address(jobs));
            emit JobManager.JobDeclined(jobId, a);
            vm.expectEmit(true, false, false, true, address(jobs));
            emit JobManager.JobQueued(jobId, attempt + 1, uint64(block.number) + 1, uint64(block.number));
            vm.prank(a);
            jobs.declineJob(jobId);
            assertEq(registry.stakeOf(a), stakeBefore, "declining is not slashed");
            assertTrue(jobs.hasFailed(jobId, a));
            assertEq(jobs.activeJobs(a), 0);
            assertEq(registry.openObligations(a), 0, "the obligation ends");
            assertEq(jobs.getJob(jobId).attempt, attempt + 1);
            assertEq(status(jobId), uint8(JobManager.JobStatus.Queued));
        }
        uint256 before = token.balanceOf(user);
        mine(2);
        assertFalse(jobs.assign(jobId));
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT);
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_declineJob_errors() public {
        uint256 queued = queueJob(appId, FEE);
        vm.prank(op1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, queued, JobManager.JobStatus.Queued));
        jobs.declineJob(queued);
        (uint256 jobId, address a) = newJob();
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, watcher));
        jobs.declineJob(jobId);
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(deadline + 1);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline));
        jobs.declineJob(jobId);
    }

    // ------------------------------------------------------------ reportMissed

    function test_reportMissed_slashesRewardsAndRequeues() public {
        (uint256 jobId, address a) = newJob();
        vm.prank(a);
        jobs.heartbeat(jobId, 3 << 20, keccak256("s3"), keccak256("cp3"));
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlineNotPassed.selector, jobId, deadline));
        jobs.reportMissed(jobId);

        vm.warp(deadline + 1);
        uint256 stakeBefore = registry.stakeOf(a);
        uint256 slashAmount = stakeBefore * LIVENESS_SLASH / 1e18;
        uint256 reward = slashAmount * REPORTER_SHARE / 1e18;
        Balances memory b = balancesOf(a);
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Slashed(a, COMPUTE, slashAmount, slashAmount, 0, "liveness", address(jobs));
        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.HeartbeatMissed(jobId, a, watcher, slashAmount);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobQueued(jobId, 1, uint64(block.number) + 1, uint64(block.number));
        vm.prank(watcher);
        jobs.reportMissed(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Queued));
        assertEq(job.attempt, 1);
        assertEq(job.assignee, address(0));
        assertEq(job.lastStep, 3 << 20, "checkpoint kept for the successor");
        assertEq(job.lastCheckpointBlobKey, keccak256("cp3"));
        assertEq(registry.stakeOf(a), stakeBefore - slashAmount);
        assertEq(token.balanceOf(watcher) - b.watcher, reward, "reporter share");
        assertEq(token.balanceOf(BURN) - b.burn, slashAmount - reward, "the rest is burned");
        assertTrue(jobs.hasFailed(jobId, a));
        assertEq(jobs.activeJobs(a), 0);
        assertEq(registry.openObligations(a), 0);
        assertEq(jobs.lastLivenessSlashAt(a), block.timestamp);
        assertEscrowBacked();

        // the successor resumes from the checkpoint
        address successor = assignNow(jobId);
        assertNotEq(successor, a, "never the operator that missed");
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, 3 << 20, 1));
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c"));
    }

    function test_reportMissed_atMostOncePerCooldown() public {
        onlyOp3();
        uint256 first = queueJob(appId, FEE);
        uint256 second = queueJob(appId, FEE);
        assertEq(assignNow(first), op3);
        assertEq(assignNow(second), op3);
        vm.warp(jobs.getJob(second).deadline + 1);
        jobs.reportMissed(first);
        assertEq(registry.stakeOf(op3), 540e18, "10% of 600");
        uint256 t = block.timestamp;
        assertEq(jobs.lastLivenessSlashAt(op3), t);

        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.HeartbeatMissed(second, op3, address(this), 0);
        jobs.reportMissed(second);
        assertEq(registry.stakeOf(op3), 540e18, "not slashed again within the cooldown");
        assertTrue(jobs.hasFailed(second, op3), "but still excluded from the job");
        assertEq(jobs.lastLivenessSlashAt(op3), t);

        vm.warp(t + LIVENESS_COOLDOWN);
        uint256 third = queueJob(appId, FEE);
        assertEq(assignNow(third), op3);
        vm.warp(jobs.getJob(third).deadline + 1);
        jobs.reportMissed(third);
        assertEq(registry.stakeOf(op3), 486e18, "slashed again after the cooldown");
    }

    function test_reportMissed_pastExpiryFailsWithoutSlash() public {
        (uint256 jobId, address a) = newJob();
        uint256 stakeBefore = registry.stakeOf(a);
        uint256 userBefore = token.balanceOf(user);
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "expired");
        jobs.reportMissed(jobId);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(registry.stakeOf(a), stakeBefore, "nobody slashed");
        assertEq(token.balanceOf(user) - userBefore, FEE + SUBMITTER_DEPOSIT);
        assertEq(jobs.activeJobs(a), 0);
        assertEq(registry.openObligations(a), 0);
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_reportMissed_errors() public {
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.reportMissed(1);
        uint256 jobId = queueJob(appId, FEE);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Queued));
        jobs.reportMissed(jobId);
    }

    function test_reportMissed_needsTheSlasherRole() public {
        (uint256 jobId,) = newJob();
        vm.prank(address(timelock));
        registry.setSlasher(address(jobs), false);
        vm.warp(jobs.getJob(jobId).deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, address(jobs)));
        jobs.reportMissed(jobId);
    }

    // ------------------------------------------------------------ expire

    function test_expire_queuedJob() public {
        uint256 jobId = queueJob(appId, FEE);
        uint64 expiresAt = jobs.getJob(jobId).expiresAt;
        vm.warp(expiresAt);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotExpired.selector, jobId, expiresAt));
        jobs.expire(jobId);
        vm.warp(expiresAt + 1);
        uint256 before = token.balanceOf(user);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "expired");
        jobs.expire(jobId);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT);
        assertEq(jobs.totalEscrow(), 0);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Failed));
        jobs.expire(jobId);
    }

    function test_expire_assignedJobReleasesTheAssignee() public {
        JobManager.Params memory p = defaultParams(address(court));
        p.maxJobDuration = 100;
        setParams(p);
        (uint256 jobId, address a) = newJob();
        uint64 expiresAt = jobs.getJob(jobId).expiresAt;
        vm.warp(jobs.getJob(jobId).deadline);
        vm.prank(a);
        jobs.heartbeat(jobId, 1, keccak256("s"), keccak256("c")); // alive to the end
        uint256 stakeBefore = registry.stakeOf(a);
        vm.warp(expiresAt + 1);
        jobs.expire(jobId);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(registry.stakeOf(a), stakeBefore, "nobody slashed");
        assertEq(jobs.activeJobs(a), 0);
        assertEq(registry.openObligations(a), 0);
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_expire_errors() public {
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 5));
        jobs.expire(5);
        (uint256 jobId,) = newJob();
        submitResultOf(jobId);
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Submitted));
        jobs.expire(jobId);
    }

    // ------------------------------------------------------------ results

    function test_submitResult_opensChallengeWindow() public {
        (uint256 jobId, address a) = newJob();
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.ResultSubmitted(jobId, a, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        submitResultOf(jobId);

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Submitted));
        assertEq(job.outputHash, OUT);
        assertEq(job.finalStateHash, FINAL_STATE);
        assertEq(job.stepCount, STEPS);
        assertEq(job.checkpointRoot, CP_ROOT);
        assertEq(job.outputBlobKey, OUT_KEY);
        assertEq(job.resultOperator, a);
        assertEq(job.challengeDeadline, block.timestamp + CHALLENGE_WINDOW);
        assertEq(jobs.activeJobs(a), 0, "capacity freed");
        assertEq(registry.openObligations(a), 1, "the obligation stays until the result settles");

        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Submitted));
        jobs.heartbeat(jobId, STEPS, bytes32(0), bytes32(0));
    }

    function test_submitResult_errors() public {
        (uint256 jobId, address a) = newJob();
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, watcher));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.startPrank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepsExceeded.selector, MAX_STEPS + 1, MAX_STEPS));
        jobs.submitResult(jobId, OUT, FINAL_STATE, MAX_STEPS + 1, CP_ROOT, OUT_KEY);
        jobs.heartbeat(jobId, 500, keccak256("s"), keccak256("c"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, 500, 499));
        jobs.submitResult(jobId, OUT, FINAL_STATE, 499, CP_ROOT, OUT_KEY);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoTeeSigner.selector, appId));
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, hex"");
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.stopPrank();
        assertEq(status(jobId), uint8(JobManager.JobStatus.Assigned), "nothing changed");
    }

    // ------------------------------------------------------------ TEE results

    uint256 internal constant APP_WALLET_KEY = 0xA11CE;
    bytes32 internal constant TEE_TAG_V2 = 0x0b2482a90beaf3df30e209424fbae6ca5934f2bfa3ffa3d536ce9ee046088aa9;

    function _teeSetup() internal returns (address t1, address t2) {
        t1 = operator("tee1", TEE, 100e18);
        t2 = operator("tee2", TEE, 300e18);
        activate();
        vm.prank(dev);
        apps.setTeeSigner(teeAppId, vm.addr(APP_WALLET_KEY));
    }

    function _sign(uint256 key, uint256 jobId, bytes32 outputHash) internal view returns (bytes memory) {
        bytes32 digest =
            keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", jobs.teeResultDigest(jobId, outputHash)));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function test_teeResult_needsTheAppWalletsSignature() public {
        _teeSetup();
        uint256 jobId = queueJob(teeAppId, FEE);
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(pin.teeSigner, vm.addr(APP_WALLET_KEY));
        assertEq(pin.role, TEE);
        assertEq(pin.mode, MODE_TEE);
        address a = assignNow(jobId);
        address wallet = vm.addr(APP_WALLET_KEY);

        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.TeeSignatureRequired.selector, jobId, wallet));
        jobs.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        bytes memory forged = _sign(0xB0B, jobId, OUT);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, vm.addr(0xB0B), wallet));
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, forged);
        bytes memory otherOutput = _sign(APP_WALLET_KEY, jobId, keccak256("other output"));
        vm.prank(a);
        vm.expectRevert(); // recovers to some other address
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, otherOutput);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, address(0), wallet));
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, hex"1234");
        bytes memory good = _sign(APP_WALLET_KEY, jobId, OUT);
        vm.prank(a);
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, good);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Submitted));
        assertEq(jobs.getJob(jobId).outputHash, OUT);

        // TEE results are not challengeable here
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnsupportedMode.selector, MODE_TEE));
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_teeResultDigest_bindsAttemptAndAssignee() public {
        (address t1, address t2) = _teeSetup();
        uint256 jobId = queueJob(teeAppId, FEE);
        address first = assignNow(jobId);
        assertTrue(first == t1 || first == t2, "TEE jobs go to TEE operators");
        assertEq(jobs.TEE_RESULT_TAG(), TEE_TAG_V2, "keccak256(\"TrustDial TEE result v2\")");
        bytes32 d0 = jobs.teeResultDigest(jobId, OUT);
        assertEq(
            d0, keccak256(abi.encode(TEE_TAG_V2, block.chainid, address(jobs), jobId, uint256(0), first, OUT)), "digest"
        );
        bytes memory oldSig = _sign(APP_WALLET_KEY, jobId, OUT);

        // the first assignee declines; the next attempt has another assignee and another digest
        vm.prank(first);
        jobs.declineJob(jobId);
        address second = assignNow(jobId);
        assertEq(second, first == t1 ? t2 : t1);
        bytes32 d1 = jobs.teeResultDigest(jobId, OUT);
        assertEq(d1, keccak256(abi.encode(TEE_TAG_V2, block.chainid, address(jobs), jobId, uint256(1), second, OUT)));
        assertNotEq(d0, d1, "attempt and assignee are bound");
        vm.prank(second);
        vm.expectRevert(); // BadTeeSignature: the old attempt's signature recovers to another address
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, oldSig);
        bytes memory newSig = _sign(APP_WALLET_KEY, jobId, OUT);
        vm.prank(second);
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, newSig);
        assertEq(jobs.getJob(jobId).resultOperator, second);
    }

    function test_teeSigner_pinnedAtSubmission() public {
        _teeSetup();
        uint256 jobId = queueJob(teeAppId, FEE);
        vm.prank(dev);
        apps.setTeeSigner(teeAppId, vm.addr(0xD00D));
        address a = assignNow(jobId);
        assertEq(jobs.pinOf(jobId).teeSigner, vm.addr(APP_WALLET_KEY));
        bytes memory byNewWallet = _sign(0xD00D, jobId, OUT);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, vm.addr(0xD00D), vm.addr(APP_WALLET_KEY))
        );
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, byNewWallet);
        bytes memory byPinned = _sign(APP_WALLET_KEY, jobId, OUT);
        vm.prank(a);
        jobs.submitTeeResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY, byPinned);
        assertEq(jobs.pinOf(queueJob(teeAppId, FEE)).teeSigner, vm.addr(0xD00D), "new jobs pin the new signer");
    }

    // ------------------------------------------------------------ challenge

    function test_challenge_bondsAndOpensDispute() public {
        (uint256 jobId, address a) = newJob();
        submitResultOf(jobId);
        bytes32 opC = expectedCommitment(OUT);
        bytes32 chC = expectedCommitment(WRONG_OUT);
        uint256 before = token.balanceOf(watcher);
        vm.expectEmit(true, true, true, true, address(jobs));
        emit JobManager.JobChallenged(jobId, 1, watcher, chC, CHALLENGE_BOND);
        vm.expectEmit(true, true, false, true, address(court));
        emit IntersubjectiveCourt.DisputeOpened(
            1, jobId, opC, chC, uint64(block.number - 1), uint64(block.timestamp) + VOTING_PERIOD, 1_000e18
        );
        uint256 disputeId = challengeAs(watcher, jobId, WRONG_OUT);

        assertEq(disputeId, 1);
        assertEq(jobs.disputeCount(), 1);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Disputed));
        assertEq(job.openDisputes, 1);
        JobManager.Dispute memory d = jobs.getDispute(disputeId);
        assertEq(d.jobId, jobId);
        assertEq(d.challenger, watcher);
        assertEq(d.attempt, 0);
        assertFalse(d.resolved);
        assertEq(d.bond, CHALLENGE_BOND);
        assertEq(d.outputHash, WRONG_OUT);
        assertEq(d.finalStateHash, FINAL_STATE);
        assertEq(d.stepCount, STEPS);
        assertEq(d.checkpointRoot, CP_ROOT);
        assertTrue(jobs.hasChallenged(jobId, watcher));
        assertEq(before - token.balanceOf(watcher), CHALLENGE_BOND);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT + CHALLENGE_BOND);
        assertEscrowBacked();
        IntersubjectiveCourt.Dispute memory cd = court.getDispute(disputeId);
        assertEq(cd.operator, a);
        assertEq(cd.challenger, watcher);
    }

    function test_challenge_anyNumberOfChallengers() public {
        (uint256 jobId, address a) = newJob();
        submitResultOf(jobId);
        uint256 d1 = challengeAs(watcher, jobId, WRONG_OUT);
        uint256 d2 = challengeAs(watcher2, jobId, WRONG_OUT); // the same claim is fine for another account
        address third = a == op1 ? op2 : op1; // another operator may challenge too
        fund(third, CHALLENGE_BOND);
        uint256 d3 = challengeAs(third, jobId, THIRD_OUT);
        assertEq(d1, 1);
        assertEq(d2, 2);
        assertEq(d3, 3);
        assertEq(jobs.getJob(jobId).openDisputes, 3);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT + 3 * CHALLENGE_BOND);
    }

    function test_challenge_errors() public {
        (uint256 jobId, address a) = newJob();
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Assigned));
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
        submitResultOf(jobId);

        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SelfChallenge.selector, jobId, a));
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
        bytes32 same = expectedCommitment(OUT);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SameCommitment.selector, same));
        jobs.challenge(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepsExceeded.selector, MAX_STEPS + 1, MAX_STEPS));
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, MAX_STEPS + 1, CP_ROOT);
        address broke = makeAddr("broke");
        vm.prank(broke);
        vm.expectRevert(); // the bond cannot be escrowed
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);

        challengeAs(watcher, jobId, WRONG_OUT);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.AlreadyChallenged.selector, jobId, watcher));
        jobs.challenge(jobId, THIRD_OUT, FINAL_STATE, STEPS, CP_ROOT);

        uint64 cd = jobs.getJob(jobId).challengeDeadline;
        vm.warp(cd); // the last second is inside the window
        challengeAs(watcher2, jobId, THIRD_OUT);
        vm.warp(cd + 1);
        fund(makeAddr("late"), CHALLENGE_BOND);
        vm.prank(makeAddr("late"));
        vm.expectRevert(abi.encodeWithSelector(JobManager.ChallengeWindowClosed.selector, jobId, cd));
        jobs.challenge(jobId, THIRD_OUT, FINAL_STATE, STEPS, CP_ROOT);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 77));
        jobs.challenge(77, THIRD_OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_challenge_withoutCourt() public {
        JobManager bare = new JobManager(address(timelock), registry, apps, token, defaultParams(address(0)));
        vm.prank(address(timelock));
        registry.setSlasher(address(bare), true);
        vm.prank(user);
        token.approve(address(bare), type(uint256).max);
        vm.prank(user);
        uint256 jobId = bare.submitJob(appId, INPUT_KEY, INPUT_DIGEST, MAX_STEPS, FEE);
        mine(2);
        bare.assign(jobId);
        address a = bare.getJob(jobId).assignee;
        vm.prank(a);
        bare.submitResult(jobId, OUT, FINAL_STATE, STEPS, CP_ROOT, OUT_KEY);
        vm.prank(watcher);
        vm.expectRevert(JobManager.CourtNotSet.selector);
        bare.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    // ------------------------------------------------------------ finalize

    function test_finalize_paysFeeAndDepositAfterWindow() public {
        (uint256 jobId, address a) = newJob();
        submitResultOf(jobId);
        uint64 cd = jobs.getJob(jobId).challengeDeadline;
        vm.warp(cd);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ChallengeWindowOpen.selector, jobId, cd));
        jobs.finalize(jobId);

        vm.warp(cd + 1);
        Balances memory b = balancesOf(a);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, a, OUT, FEE);
        jobs.finalize(jobId);
        assertEq(token.balanceOf(a) - b.op, FEE);
        assertEq(token.balanceOf(user) - b.user, SUBMITTER_DEPOSIT);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Finalized));
        assertEq(registry.openObligations(a), 0, "the result settled");
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();

        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.finalize(jobId);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 7));
        jobs.finalize(7);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.challenge(jobId, WRONG_OUT, FINAL_STATE, STEPS, CP_ROOT);
    }

    function test_finalize_blockedWhileAnyDisputeIsOpen() public {
        (uint256 jobId,, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        vm.warp(jobs.getJob(jobId).challengeDeadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);
        courtResolves(d1, OPERATOR_WINS);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Disputed), "one dispute still open");
        assertEq(jobs.getJob(jobId).openDisputes, 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);
        courtResolves(d2, OPERATOR_WINS);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Submitted));
        jobs.finalize(jobId);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Finalized));
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();
    }

    /// @dev Issue #19: one undecided dispute is enough to keep a result from finalizing, even when another
    ///      dispute against it was decided for the operator; it is dropped when its last dispute closes.
    function test_finalize_neverAfterAnUndecidedDispute() public {
        (uint256 jobId, address a, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        uint256 stakeBefore = registry.stakeOf(a);
        courtResolves(d1, NO_MAJORITY);
        assertTrue(jobs.undecided(jobId), "the attempt is undecided");
        assertEq(status(jobId), uint8(JobManager.JobStatus.Disputed), "another dispute still open");
        courtResolves(d2, OPERATOR_WINS);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Queued), "dropped when the last dispute closed");
        assertFalse(jobs.undecided(jobId), "the new attempt starts decided");
        assertEq(jobs.getJob(jobId).attempt, 1);
        assertEq(jobs.getJob(jobId).resultOperator, address(0));
        assertTrue(jobs.hasFailed(jobId, a), "queued without that operator");
        assertEq(registry.stakeOf(a), stakeBefore, "nobody slashed");
        assertEq(registry.openObligations(a), 0, "the result's obligation ended");
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Queued));
        jobs.finalize(jobId);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT, "fee and deposit stay for the next attempt");
        assertEscrowBacked();
    }

    // ------------------------------------------------------------ resolveDispute

    function test_resolveDispute_onlyTheJobsCourt() public {
        (uint256 jobId,, uint256 d) = disputedJob();
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, watcher));
        jobs.resolveDispute(d, OPERATOR_WINS);
        vm.prank(address(court));
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownDispute.selector, 99));
        jobs.resolveDispute(99, OPERATOR_WINS);

        // a new parameter version names another court: it has no say over this job
        address newCourt = makeAddr("new-court");
        setParams(defaultParams(newCourt));
        vm.prank(newCourt);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, newCourt));
        jobs.resolveDispute(d, OPERATOR_WINS);

        courtResolves(d, OPERATOR_WINS);
        JobManager.Dispute memory rd = jobs.getDispute(d);
        assertTrue(rd.resolved);
        assertEq(rd.verdict, OPERATOR_WINS);
        vm.prank(address(court));
        vm.expectRevert(abi.encodeWithSelector(JobManager.DisputeResolvedAlready.selector, d));
        jobs.resolveDispute(d, CHALLENGER_WINS);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Submitted));
    }

    function test_resolveDispute_operatorWins_bondForfeited() public {
        (uint256 jobId, address a, uint256 d) = disputedJob();
        Balances memory b = balancesOf(a);
        uint256 stakeBefore = registry.slashableStake(a);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.DisputeResolved(d, jobId, OPERATOR_WINS, false, 0);
        (uint256 pool, bool moot) = courtResolves(d, OPERATOR_WINS);

        uint256 reward = CHALLENGE_BOND * PARTY_REWARD / 1e18;
        uint256 voters = CHALLENGE_BOND * VOTER_REWARD / 1e18;
        assertFalse(moot);
        assertEq(pool, voters);
        assertEq(token.balanceOf(a) - b.op, reward, "operator gets partyRewardWad of the bond");
        assertEq(token.balanceOf(address(court)) - b.court, voters, "voter pool sent to the court");
        assertEq(token.balanceOf(BURN) - b.burn, CHALLENGE_BOND - reward - voters, "the rest is burned");
        assertEq(token.balanceOf(watcher), b.watcher, "the challenger gets nothing back");
        assertEq(registry.slashableStake(a), stakeBefore, "winner not slashed");
        assertEq(status(jobId), uint8(JobManager.JobStatus.Submitted));
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT);
        assertEscrowBacked();

        vm.warp(jobs.getJob(jobId).challengeDeadline + 1);
        jobs.finalize(jobId);
        assertEq(token.balanceOf(a) - b.op, reward + FEE);
        assertEq(token.balanceOf(user) - b.user, SUBMITTER_DEPOSIT);
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_resolveDispute_challengerWins_rewardCappedByBond() public {
        onlyOp3();
        (uint256 jobId, address a, uint256 d) = disputedJob();
        assertEq(a, op3);
        Balances memory b = balancesOf(a);
        uint256 slashed = 600e18 * DISPUTE_SLASH / 1e18; // 300
        uint256 reward = CHALLENGE_BOND; // min(bond 100, 50% of 300)
        uint256 voters = slashed * VOTER_REWARD / 1e18; // 60
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, watcher, WRONG_OUT, FEE);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.DisputeResolved(d, jobId, CHALLENGER_WINS, false, slashed);
        (uint256 pool, bool moot) = courtResolves(d, CHALLENGER_WINS);

        assertFalse(moot);
        assertEq(pool, voters);
        assertEq(registry.stakeOf(op3), 600e18 - slashed);
        assertEq(token.balanceOf(watcher) - b.watcher, CHALLENGE_BOND + reward + FEE, "bond back + reward + fee");
        assertEq(token.balanceOf(user) - b.user, SUBMITTER_DEPOSIT);
        assertEq(token.balanceOf(address(court)) - b.court, voters);
        assertEq(token.balanceOf(BURN) - b.burn, slashed - reward - voters);
        assertEq(token.balanceOf(op3), b.op, "the loser gets nothing");

        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Finalized));
        assertEq(job.outputHash, WRONG_OUT, "the challenger's claim is the result");
        assertEq(job.resultOperator, watcher);
        assertEq(job.outputBlobKey, bytes32(0));
        assertEq(job.openDisputes, 0);
        assertEq(registry.openObligations(op3), 0);
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();
    }

    function test_resolveDispute_challengerWins_rewardFromSlash() public {
        onlyOp3();
        JobManager.Params memory p = defaultParams(address(court));
        p.challengeBond = 1_000e18;
        setParams(p);
        (uint256 jobId,, uint256 d) = disputedJob();
        uint256 watcherBefore = token.balanceOf(watcher);
        courtResolves(d, CHALLENGER_WINS);
        // min(bond 1000, 50% of the 300 slashed) = 150
        assertEq(token.balanceOf(watcher) - watcherBefore, 1_000e18 + 150e18 + FEE);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Finalized));
    }

    function test_resolveDispute_bothWrong_requeuesWithoutTheOperator() public {
        onlyOp3();
        uint256 jobId = queueJob(appId, FEE);
        assertEq(assignNow(jobId), op3);
        vm.prank(op3);
        jobs.heartbeat(jobId, 1_000, keccak256("s"), keccak256("cp"));
        submitResultOf(jobId);
        uint256 d = challengeAs(watcher, jobId, WRONG_OUT);
        Balances memory b = balancesOf(op3);
        uint256 slashed = 300e18;
        uint256 voters = (slashed + CHALLENGE_BOND) * VOTER_REWARD / 1e18; // 80
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobQueued(jobId, 1, uint64(block.number) + 1, uint64(block.number));
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.DisputeResolved(d, jobId, BOTH_WRONG, false, slashed);
        (uint256 pool, bool moot) = courtResolves(d, BOTH_WRONG);

        assertFalse(moot);
        assertEq(pool, voters);
        assertEq(token.balanceOf(address(court)) - b.court, voters);
        assertEq(token.balanceOf(BURN) - b.burn, slashed + CHALLENGE_BOND - voters);
        assertEq(token.balanceOf(watcher), b.watcher, "the bond is forfeited");
        assertEq(token.balanceOf(user), b.user, "the job goes on");
        assertEq(registry.stakeOf(op3), 300e18);
        JobManager.Job memory job = jobs.getJob(jobId);
        assertEq(uint8(job.status), uint8(JobManager.JobStatus.Queued));
        assertEq(job.attempt, 1);
        assertEq(job.outputHash, bytes32(0));
        assertEq(job.resultOperator, address(0));
        assertEq(job.challengeDeadline, 0);
        assertEq(job.openDisputes, 0);
        assertEq(job.lastStep, 0, "the wrong operator's checkpoints are dropped");
        assertEq(job.lastCheckpointBlobKey, bytes32(0));
        assertTrue(jobs.hasFailed(jobId, op3));
        assertEq(registry.openObligations(op3), 0);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT);
        assertEscrowBacked();

        setMinStake(COMPUTE, 0);
        address next = assignNow(jobId);
        assertTrue(next == op1 || next == op2, "never the operator that computed wrong");
    }

    function test_resolveDispute_bothWrongPastExpiryFailsTheJob() public {
        (uint256 jobId,, uint256 d) = disputedJob();
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        uint256 before = token.balanceOf(user);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.JobFailed(jobId, "expired");
        courtResolves(d, BOTH_WRONG);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT);
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();
    }

    function test_resolveDispute_noDecisionReturnsBond() public {
        (uint256 jobId, address a, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        uint256 stakeBefore = registry.stakeOf(a);
        uint256 w1 = token.balanceOf(watcher);
        uint256 w2 = token.balanceOf(watcher2);
        (uint256 pool, bool moot) = courtResolves(d1, NO_QUORUM);
        assertEq(pool, 0);
        assertFalse(moot);
        assertEq(token.balanceOf(watcher) - w1, CHALLENGE_BOND);
        (pool,) = courtResolves(d2, NO_MAJORITY);
        assertEq(pool, 0);
        assertEq(token.balanceOf(watcher2) - w2, CHALLENGE_BOND);
        assertEq(registry.stakeOf(a), stakeBefore, "no decision: nobody slashed");
        assertEq(status(jobId), uint8(JobManager.JobStatus.Queued), "no decision: the result is dropped");
        assertEq(jobs.getJob(jobId).attempt, 1, "a new attempt");
        assertEq(jobs.getJob(jobId).outputHash, bytes32(0));
        assertTrue(jobs.hasFailed(jobId, a), "without that operator");
        assertEq(registry.openObligations(a), 0);
        assertEq(jobs.totalEscrow(), FEE + SUBMITTER_DEPOSIT);
        assertEscrowBacked();
    }

    function test_resolveDispute_noDecisionPastExpiryFailsTheJob() public {
        (uint256 jobId, address a, uint256 d) = disputedJob();
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        uint256 before = token.balanceOf(user);
        uint256 opBefore = token.balanceOf(a);
        vm.expectEmit(address(jobs));
        emit JobManager.JobFailed(jobId, jobs.FAIL_EXPIRED());
        courtResolves(d, NO_QUORUM);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user) - before, FEE + SUBMITTER_DEPOSIT, "submitter refunded");
        assertEq(token.balanceOf(a), opBefore, "the undecided result is not paid");
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();
    }

    function test_resolveDispute_mootAfterTheResultWasOverturned() public {
        onlyOp3();
        (uint256 jobId,, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        courtResolves(d1, CHALLENGER_WINS);
        uint256 stakeAfter = registry.stakeOf(op3);
        uint256 before = token.balanceOf(watcher2);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.DisputeResolved(d2, jobId, CHALLENGER_WINS, true, 0);
        (uint256 pool, bool moot) = courtResolves(d2, CHALLENGER_WINS);
        assertTrue(moot);
        assertEq(pool, 0);
        assertEq(token.balanceOf(watcher2) - before, CHALLENGE_BOND, "bond back");
        assertEq(registry.stakeOf(op3), stakeAfter, "not slashed twice");
        assertEq(jobs.getJob(jobId).resultOperator, watcher, "the first decision stands");
        assertEq(jobs.totalEscrow(), 0);
        assertEscrowBacked();
    }

    function test_resolveDispute_mootForAnEarlierAttempt() public {
        onlyOp3();
        (uint256 jobId,, uint256 d1) = disputedJob();
        uint256 d2 = challengeAs(watcher2, jobId, THIRD_OUT);
        courtResolves(d1, BOTH_WRONG);
        setMinStake(COMPUTE, 0);
        address next = assignNow(jobId);
        submitResultOf(jobId);
        address w3 = makeAddr("watcher3");
        fund(w3, CHALLENGE_BOND);
        uint256 d3 = challengeAs(w3, jobId, WRONG_OUT);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Disputed));
        uint256 stakeBefore = registry.stakeOf(next);

        (, bool moot) = courtResolves(d2, CHALLENGER_WINS);
        assertTrue(moot, "d2 disputed attempt 0");
        assertEq(registry.stakeOf(next), stakeBefore, "the new result is untouched");
        assertEq(jobs.getJob(jobId).openDisputes, 1);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Disputed));
        (, moot) = courtResolves(d3, OPERATOR_WINS);
        assertFalse(moot);
        assertEq(status(jobId), uint8(JobManager.JobStatus.Submitted));
    }

    // ------------------------------------------------------------ views

    /// Job commitment vector C1 of docs/spec/settlement.md (unchanged in v2).
    function test_commitmentOf_vector() public view {
        bytes32 c = jobs.commitmentOf(bytes32(uint256(1)), bytes32(uint256(2)), 3, bytes32(uint256(4)));
        assertEq(c, keccak256(abi.encode(bytes32(uint256(1)), bytes32(uint256(2)), uint64(3), bytes32(uint256(4)))));
        assertEq(c, 0x392791df626408017a264f53fde61065d5a93a32b60171df9d8a46afdf82992d, "commitment vector");
    }

    function test_views_unknownIds() public {
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.getJob(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.pinOf(1);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownJob.selector, 1));
        jobs.teeResultDigest(1, OUT);
        vm.expectRevert(abi.encodeWithSelector(JobManager.UnknownDispute.selector, 1));
        jobs.getDispute(1);
        assertEq(jobs.jobCount(), 0);
        assertEq(jobs.disputeCount(), 0);
        assertEq(jobs.BURN_ADDRESS(), BURN);
        assertEq(jobs.SEED_DELAY_BLOCKS(), 1);
        assertEq(jobs.REASON_LIVENESS(), bytes32("liveness"));
        assertEq(jobs.REASON_DISPUTE(), bytes32("dispute"));
        assertEq(address(jobs.registry()), address(registry));
        assertEq(address(jobs.apps()), address(apps));
        assertEq(address(jobs.token()), address(token));
    }
}

/// @notice An app registry stub whose single app reports any mode (JobManager reads only releaseOf).
contract FakeApps {
    uint8 internal _mode;
    address internal _signer;

    function set(uint8 mode, address signer) external {
        _mode = mode;
        _signer = signer;
    }

    function releaseOf(uint256) external view returns (uint8, bytes32, uint32, address, address) {
        return (_mode, keccak256("program"), 1, _signer, address(0));
    }
}
