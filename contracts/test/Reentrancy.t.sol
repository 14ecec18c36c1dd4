// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";

/// @notice An ERC20 whose transfers call back into a chosen contract, like an ERC777-style hook.
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

/// @notice Payouts are guarded: a token that calls back during a transfer cannot re-enter.
contract ReentrancyTest is Test {
    HookToken internal token;
    StakeRegistry internal registry;
    JobManager internal jobs;
    address internal admin = address(0xAD);
    address internal op = address(0x0F);

    function setUp() public {
        token = new HookToken();
        registry = new StakeRegistry(admin, token, 1 days, 0.5e18);
        AppRegistry apps = new AppRegistry(admin);
        jobs = new JobManager(
            admin,
            registry,
            apps,
            token,
            JobManager.Params({
                heartbeatWindow: 60,
                challengeWindow: 60,
                livenessSlashWad: 0.1e18,
                disputeSlashWad: 0.5e18,
                challengeBond: 1e18,
                maxStepsLimit: 1000
            })
        );
        vm.startPrank(admin);
        registry.setSlasher(address(jobs), true);
        apps.setPermissionless(true);
        vm.stopPrank();
        token.mint(op, 100e18);
        vm.startPrank(op);
        token.approve(address(registry), type(uint256).max);
        token.approve(address(jobs), type(uint256).max);
        registry.register(1, address(0x51), "");
        registry.deposit(10e18);
        apps.createApp(1, keccak256("p"), "");
        vm.stopPrank();
    }

    function test_completeWithdrawal_cannotBeReentered() public {
        vm.prank(op);
        registry.requestWithdrawal(10e18);
        vm.warp(block.timestamp + 1 days);
        // the payout transfer calls registry.completeWithdrawal() again, from the registry's side
        token.setHook(address(registry), abi.encodeCall(StakeRegistry.completeWithdrawal, ()));
        vm.prank(op);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        registry.completeWithdrawal();
    }

    function test_finalize_cannotBeReentered() public {
        vm.prank(op);
        uint256 jobId = jobs.submitJob(1, keccak256("in"), bytes32(0), 10, 5e18);
        vm.prank(op);
        jobs.submitResult(jobId, keccak256("out"), bytes32(0), 10, bytes32(0), bytes32(0));
        vm.warp(block.timestamp + 61);
        token.setHook(address(jobs), abi.encodeCall(JobManager.finalize, (jobId)));
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        jobs.finalize(jobId);
    }
}
