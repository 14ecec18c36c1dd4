// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";
import {Groth16Mode} from "../src/Groth16Mode.sol";

/// @notice Deploys and wires the settlement contracts the way contracts/DEPLOY.md says: the deployer
///         wires everything (the ZK mode included: Groth16Mode registered under mode 3 and enabled), then
///         hands every contract to a TimelockController (`timelock`), so later governance calls wait
///         TIMELOCK_DELAY. Helpers drive jobs through queueing and assignment.
abstract contract SettlementFixture is Test {
    uint64 internal constant WITHDRAWAL_DELAY = 1 days;
    uint48 internal constant ACTIVATION_DELAY = 10; // blocks
    uint256 internal constant MIN_SELF_STAKE = 100e18;
    uint16 internal constant MAX_OPERATORS = 64;
    uint16 internal constant CHURN_BPS = 1_000;
    uint64 internal constant HEARTBEAT_WINDOW = 60;
    uint64 internal constant CHALLENGE_WINDOW = 120;
    uint64 internal constant MAX_JOB_DURATION = 1 hours;
    uint64 internal constant MAX_STEPS_LIMIT = 1e12;
    uint64 internal constant LIVENESS_COOLDOWN = 10 minutes;
    uint32 internal constant MAX_ACTIVE_JOBS = 4;
    uint256 internal constant LIVENESS_SLASH = 0.1e18;
    uint256 internal constant DISPUTE_SLASH = 0.5e18;
    uint256 internal constant CHALLENGE_BOND = 100e18;
    uint256 internal constant MIN_FEE = 1e18;
    uint256 internal constant SUBMITTER_DEPOSIT = 5e18;
    uint256 internal constant REPORTER_SHARE = 0.5e18;
    uint256 internal constant PARTY_REWARD = 0.5e18;
    uint256 internal constant VOTER_REWARD = 0.2e18;
    uint64 internal constant VOTING_PERIOD = 300;
    uint16 internal constant QUORUM_BPS = 3_000;
    uint256 internal constant VOTER_PENALTY = 0.05e18;
    uint256 internal constant TIMELOCK_DELAY = 2 days;
    uint256 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant START_BLOCK = 1_000;

    uint8 internal constant COMPUTE = 1;
    uint8 internal constant DA = 2;
    uint8 internal constant VERIFIER = 4;
    uint8 internal constant TEE = 8;
    uint8 internal constant MODE_TEE = 0;
    uint8 internal constant MODE_INTERSUBJECTIVE = 1;
    uint8 internal constant MODE_OBJECTIVE = 2;
    uint8 internal constant MODE_ZK = 3;

    address internal admin;
    TimelockController internal timelock;
    StakeToken internal token;
    StakeRegistry internal registry;
    AppRegistry internal apps;
    JobManager internal jobs;
    IntersubjectiveCourt internal court;
    Groth16Mode internal groth16;

    function setUp() public virtual {
        vm.warp(START_TIME);
        vm.roll(START_BLOCK);
        admin = makeAddr("admin");
        vm.startPrank(admin);
        token = new StakeToken(admin);
        registry = new StakeRegistry(admin, token, registryConfig());
        apps = new AppRegistry(admin);
        jobs = new JobManager(admin, registry, apps, token, defaultParams(address(0)));
        court = new IntersubjectiveCourt(registry, jobs, VOTING_PERIOD, QUORUM_BPS, VOTER_PENALTY);
        jobs.setParams(defaultParams(address(court)));
        registry.setSlasher(address(jobs), true);
        registry.setSlasher(address(court), true);
        groth16 = new Groth16Mode();
        jobs.setModeAdapter(MODE_ZK, address(groth16));
        apps.setModeEnabled(MODE_ZK, true);
        address[] memory proposers = new address[](1);
        proposers[0] = admin;
        address[] memory executors = new address[](1);
        executors[0] = admin;
        timelock = new TimelockController(TIMELOCK_DELAY, proposers, executors, address(0));
        // The devnet faucet keeps minting through the admin: the timelock owns the token too, so tests
        // mint by pranking the timelock (fund()).
        token.transferOwnership(address(timelock));
        registry.transferOwnership(address(timelock));
        apps.transferOwnership(address(timelock));
        jobs.transferOwnership(address(timelock));
        vm.stopPrank();
    }

    function registryConfig() internal pure returns (StakeRegistry.Config memory) {
        return StakeRegistry.Config({
            withdrawalDelay: WITHDRAWAL_DELAY,
            activationDelayBlocks: ACTIVATION_DELAY,
            minSelfStake: MIN_SELF_STAKE,
            maxOperators: MAX_OPERATORS,
            churnBps: CHURN_BPS
        });
    }

    function defaultParams(address court_) internal pure returns (JobManager.Params memory) {
        return JobManager.Params({
            heartbeatWindow: HEARTBEAT_WINDOW,
            challengeWindow: CHALLENGE_WINDOW,
            maxJobDuration: MAX_JOB_DURATION,
            maxStepsLimit: MAX_STEPS_LIMIT,
            livenessSlashCooldown: LIVENESS_COOLDOWN,
            maxActiveJobs: MAX_ACTIVE_JOBS,
            livenessSlashWad: LIVENESS_SLASH,
            disputeSlashWad: DISPUTE_SLASH,
            challengeBond: CHALLENGE_BOND,
            minFee: MIN_FEE,
            submitterDeposit: SUBMITTER_DEPOSIT,
            reporterShareWad: REPORTER_SHARE,
            partyRewardWad: PARTY_REWARD,
            voterRewardWad: VOTER_REWARD,
            court: court_
        });
    }

    /// @dev Runs `data` on `target` through the timelock (schedule, wait TIMELOCK_DELAY, execute).
    function governance(address target, bytes memory data) internal {
        bytes32 salt = keccak256(abi.encode(target, data, block.timestamp));
        vm.prank(admin);
        timelock.schedule(target, 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.prank(admin);
        timelock.execute(target, 0, data, bytes32(0), salt);
    }

    /// @dev Mints `amount` to `who` and approves all three token spenders for it.
    function fund(address who, uint256 amount) internal {
        vm.prank(address(timelock));
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(registry), type(uint256).max);
        token.approve(address(jobs), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev A registered operator with `stake` of its own; its signer is a separate derived key.
    function operator(string memory name, uint8 roles, uint256 stake) internal returns (address op) {
        op = makeAddr(name);
        fund(op, stake);
        vm.prank(op);
        registry.register(roles, makeAddr(string.concat(name, "-signer")), string.concat("http://", name, ".test"), stake);
    }

    /// @dev Mines enough blocks that stake registered so far counts in snapshots.
    function activate() internal {
        mine(ACTIVATION_DELAY + 1);
    }

    /// @dev Advances `blocks` blocks (12 s each) with a distinct hash for each.
    function mine(uint256 blocks) internal {
        for (uint256 i; i < blocks; ++i) {
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 12);
        }
    }

    function createApp(address owner_, uint8 mode) internal returns (uint256 appId) {
        vm.prank(address(timelock));
        apps.setAllowlisted(owner_, true);
        vm.prank(owner_);
        appId = apps.createApp(mode, keccak256("program"), hex"");
    }

    /// @dev Submits a job (fee MIN_FEE) as `submitter`, mines past its seed block and assigns it.
    function submitAndAssign(address submitter, uint256 appId) internal returns (uint256 jobId, address assignee) {
        jobId = submit(submitter, appId);
        assignee = assignNow(jobId);
    }

    function submit(address submitter, uint256 appId) internal returns (uint256 jobId) {
        jobId = submitWithDigest(submitter, appId, keccak256("digest"));
    }

    /// @dev Submits a job (fee MIN_FEE, 1 000 steps) whose input envelope hashes to `inputDigest`.
    function submitWithDigest(address submitter, uint256 appId, bytes32 inputDigest) internal returns (uint256 jobId) {
        fund(submitter, MIN_FEE + SUBMITTER_DEPOSIT);
        bytes32 inputKey = keccak256(abi.encode("input", jobs.jobCount()));
        vm.prank(submitter);
        jobId = jobs.submitJob(appId, inputKey, inputDigest, 1_000, MIN_FEE);
    }

    /// @dev Mines past the job's seed block (setting its hash) and calls assign; returns the assignee.
    function assignNow(uint256 jobId) internal returns (address) {
        JobManager.Job memory j = jobs.getJob(jobId);
        while (block.number <= j.seedBlock) mine(1);
        jobs.assign(jobId);
        return jobs.getJob(jobId).assignee;
    }

    /// @dev The assignee posts the commitment (outputHash, 0x02, 3, 0x04).
    function postResult(uint256 jobId, bytes32 outputHash) internal {
        address a = jobs.getJob(jobId).assignee;
        vm.prank(a);
        jobs.submitResult(jobId, outputHash, bytes32(uint256(2)), 3, bytes32(uint256(4)), keccak256("out"));
    }

    function commitment(bytes32 outputHash) internal view returns (bytes32) {
        return jobs.commitmentOf(outputHash, bytes32(uint256(2)), 3, bytes32(uint256(4)));
    }

    /// @dev `who` challenges `jobId` with the commitment of (outputHash, 0x02, 3, 0x04).
    function challengeWith(address who, uint256 jobId, bytes32 outputHash) internal returns (uint256 disputeId) {
        fund(who, CHALLENGE_BOND);
        vm.prank(who);
        disputeId = jobs.challenge(jobId, outputHash, bytes32(uint256(2)), 3, bytes32(uint256(4)));
    }
}
