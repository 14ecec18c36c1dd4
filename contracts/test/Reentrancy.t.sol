// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";

/// @notice A malicious ERC20 whose transfers call back into a chosen contract (an ERC777-style hook):
///         when `hookTarget` sends tokens, the token calls it with `hookData` before returning.
contract HookToken is ERC20 {
    address public hookTarget;
    bytes public hookData;

    constructor() ERC20("Hook", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = hookTarget;
        if (target != address(0) && from == target) {
            hookTarget = address(0); // one shot
            (bool ok, bytes memory ret) = target.call(hookData);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }
}

/// @notice Every path that sends tokens is guarded: a token that calls back during a transfer cannot
///         re-enter the sending contract (registry payouts and slashes, job payouts and refunds,
///         dispute resolution, vote rewards).
contract ReentrancyTest is Test {
    HookToken internal token;
    StakeRegistry internal registry;
    AppRegistry internal apps;
    JobManager internal jobs;
    IntersubjectiveCourt internal court;
    address internal op = address(0x0F);
    address internal voterA = address(0xA1);
    address internal voterB = address(0xB1);
    address internal user = address(0x05E2);
    address internal challenger = address(0xC4);
    uint256 internal appId;

    bytes32 internal constant OUT = keccak256("out");
    bytes32 internal constant WRONG = keccak256("wrong");

    function params(address court_) internal pure returns (JobManager.Params memory) {
        return JobManager.Params({
            heartbeatWindow: 60,
            challengeWindow: 60,
            maxJobDuration: 3600,
            maxStepsLimit: 1000,
            livenessSlashCooldown: 600,
            maxActiveJobs: 4,
            livenessSlashWad: 0.1e18,
            disputeSlashWad: 0.5e18,
            challengeBond: 1e18,
            minFee: 1e18,
            submitterDeposit: 1e18,
            reporterShareWad: 0.5e18,
            partyRewardWad: 0.5e18,
            voterRewardWad: 0.2e18,
            court: court_
        });
    }

    function setUp() public {
        vm.warp(1_700_000_000);
        vm.roll(100);
        token = new HookToken();
        registry = new StakeRegistry(
            address(this),
            token,
            StakeRegistry.Config({
                withdrawalDelay: 1 days, activationDelayBlocks: 2, minSelfStake: 10e18, maxOperators: 16, churnBps: 0
            })
        );
        apps = new AppRegistry(address(this));
        jobs = new JobManager(address(this), registry, apps, token, params(address(0)));
        court = new IntersubjectiveCourt(registry, jobs, 60, 3_000, 0.05e18);
        jobs.setParams(params(address(court)));
        registry.setSlasher(address(jobs), true);
        registry.setSlasher(address(court), true);
        apps.setPermissionless(true);
        appId = apps.createApp(1, keccak256("p"), "");

        _join(op, 1, address(0x51));
        _join(voterA, 4, address(0x52));
        _join(voterB, 4, address(0x53));
        address[2] memory payers = [user, challenger];
        for (uint256 i; i < 2; ++i) {
            token.mint(payers[i], 100e18);
            vm.prank(payers[i]);
            token.approve(address(jobs), type(uint256).max);
        }
        vm.roll(block.number + 5);
    }

    function _join(address who, uint8 roles, address signer) internal {
        token.mint(who, 100e18);
        vm.startPrank(who);
        token.approve(address(registry), type(uint256).max);
        registry.register(roles, signer, "", 100e18);
        vm.stopPrank();
    }

    function _assignedJob() internal returns (uint256 jobId) {
        vm.prank(user);
        jobId = jobs.submitJob(appId, keccak256("in"), bytes32(0), 10, 1e18);
        vm.roll(block.number + 2);
        assertTrue(jobs.assign(jobId));
        assertEq(jobs.getJob(jobId).assignee, op);
    }

    function _submittedJob() internal returns (uint256 jobId) {
        jobId = _assignedJob();
        vm.prank(op);
        jobs.submitResult(jobId, OUT, bytes32(0), 10, bytes32(0), bytes32(0));
    }

    // ------------------------------------------------------------ StakeRegistry

    function test_completeWithdrawal_cannotBeReentered() public {
        vm.prank(op);
        registry.queueWithdrawal(op, 50e18);
        vm.warp(block.timestamp + 1 days);
        // the payout calls registry.completeWithdrawal again, from the registry's transfer
        token.setHook(address(registry), abi.encodeCall(StakeRegistry.completeWithdrawal, (op)));
        vm.prank(op);
        vm.expectRevert(reentrant());
        registry.completeWithdrawal(op);
        // without the hook the same call pays once
        token.setHook(address(0), "");
        vm.prank(op);
        assertEq(registry.completeWithdrawal(op), 50e18);
        assertEq(token.balanceOf(op), 50e18);
    }

    function test_slash_cannotBeReenteredFromItsTransfer() public {
        uint256 jobId = _assignedJob();
        vm.warp(jobs.getJob(jobId).deadline + 1);
        // the slash sends tokens to JobManager; the hook tries to deposit into the registry meanwhile
        token.setHook(address(registry), abi.encodeCall(StakeRegistry.deposit, (1)));
        vm.expectRevert(reentrant());
        jobs.reportMissed(jobId);
        assertEq(registry.stakeOf(op), 100e18, "nothing happened");
        token.setHook(address(0), "");
        jobs.reportMissed(jobId);
        assertEq(registry.stakeOf(op), 90e18);
    }

    // ------------------------------------------------------------ JobManager

    function test_finalize_cannotBeReentered() public {
        uint256 jobId = _submittedJob();
        vm.warp(block.timestamp + 61);
        token.setHook(address(jobs), abi.encodeCall(JobManager.finalize, (jobId)));
        vm.expectRevert(reentrant());
        jobs.finalize(jobId);
        token.setHook(address(0), "");
        jobs.finalize(jobId);
        assertEq(token.balanceOf(op), 1e18, "the fee is paid once");
    }

    function test_expireRefund_cannotBeReentered() public {
        vm.prank(user);
        uint256 jobId = jobs.submitJob(appId, keccak256("in"), bytes32(0), 10, 1e18);
        vm.warp(jobs.getJob(jobId).expiresAt + 1);
        // the refund to the submitter tries to expire (and so refund) the job again
        token.setHook(address(jobs), abi.encodeCall(JobManager.expire, (jobId)));
        vm.expectRevert(reentrant());
        jobs.expire(jobId);
        token.setHook(address(0), "");
        uint256 before = token.balanceOf(user);
        jobs.expire(jobId);
        assertEq(token.balanceOf(user) - before, 2e18, "fee and deposit refunded once");
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_resolveDispute_cannotBeReentered() public {
        uint256 jobId = _submittedJob();
        vm.prank(challenger);
        uint256 d = jobs.challenge(jobId, WRONG, bytes32(0), 10, bytes32(0));
        bytes32 wrongC = jobs.commitmentOf(WRONG, bytes32(0), 10, bytes32(0));
        vm.prank(voterA);
        court.vote(d, wrongC);
        vm.warp(block.timestamp + 61);
        // the challenger's payout tries to finalize the job from inside the resolution
        token.setHook(address(jobs), abi.encodeCall(JobManager.finalize, (jobId)));
        vm.expectRevert(reentrant());
        court.resolve(d);
        token.setHook(address(0), "");
        court.resolve(d);
        assertEq(jobs.getJob(jobId).resultOperator, challenger);
    }

    // ------------------------------------------------------------ IntersubjectiveCourt

    function test_settleVote_cannotBeReentered() public {
        uint256 jobId = _submittedJob();
        vm.prank(challenger);
        uint256 d = jobs.challenge(jobId, WRONG, bytes32(0), 10, bytes32(0));
        bytes32 wrongC = jobs.commitmentOf(WRONG, bytes32(0), 10, bytes32(0));
        vm.prank(voterA);
        court.vote(d, wrongC);
        vm.prank(voterB);
        court.vote(d, wrongC);
        vm.warp(block.timestamp + 61);
        court.resolve(d);
        uint256 pool = court.getDispute(d).voterPool;
        assertGt(pool, 0, "voters are paid from the slash");
        // voterA's reward transfer tries to settle voterB's vote meanwhile
        token.setHook(address(court), abi.encodeCall(IntersubjectiveCourt.settleVote, (d, voterB)));
        vm.expectRevert(reentrant());
        court.settleVote(d, voterA);
        token.setHook(address(0), "");
        (uint256 ra,) = court.settleVote(d, voterA);
        (uint256 rb,) = court.settleVote(d, voterB);
        assertEq(ra + rb, pool, "each vote paid once");
    }

    function reentrant() internal pure returns (bytes4) {
        return ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector;
    }
}
