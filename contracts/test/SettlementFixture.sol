// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";

/// @notice Deploys and wires the settlement contracts the way contracts/DEPLOY.md says.
abstract contract SettlementFixture is Test {
    uint64 internal constant WITHDRAWAL_DELAY = 1 days;
    uint256 internal constant BENEFICIARY_SHARE = 0.5e18;
    uint64 internal constant HEARTBEAT_WINDOW = 60;
    uint64 internal constant CHALLENGE_WINDOW = 120;
    uint256 internal constant LIVENESS_SLASH = 0.1e18;
    uint256 internal constant DISPUTE_SLASH = 0.5e18;
    uint256 internal constant CHALLENGE_BOND = 100e18;
    uint64 internal constant MAX_STEPS_LIMIT = 1e12;
    uint64 internal constant VOTING_PERIOD = 300;
    uint256 internal constant START_TIME = 1_700_000_000;

    uint8 internal constant COMPUTE = 1;
    uint8 internal constant DA = 2;
    uint8 internal constant VERIFIER = 4;
    uint8 internal constant TEE = 8;
    uint8 internal constant MODE_TEE = 0;
    uint8 internal constant MODE_INTERSUBJECTIVE = 1;
    uint8 internal constant MODE_OBJECTIVE = 2;

    address internal admin;
    StakeToken internal token;
    StakeRegistry internal registry;
    AppRegistry internal apps;
    JobManager internal jobs;
    IntersubjectiveCourt internal court;

    function setUp() public virtual {
        vm.warp(START_TIME);
        admin = makeAddr("admin");
        vm.startPrank(admin);
        token = new StakeToken(admin);
        registry = new StakeRegistry(admin, token, WITHDRAWAL_DELAY, BENEFICIARY_SHARE);
        apps = new AppRegistry(admin);
        jobs = new JobManager(admin, registry, apps, token, defaultParams());
        court = new IntersubjectiveCourt(admin, registry, jobs, VOTING_PERIOD);
        registry.setSlasher(address(jobs), true);
        jobs.setCourt(address(court));
        vm.stopPrank();
    }

    function defaultParams() internal pure returns (JobManager.Params memory) {
        return JobManager.Params({
            heartbeatWindow: HEARTBEAT_WINDOW,
            challengeWindow: CHALLENGE_WINDOW,
            livenessSlashWad: LIVENESS_SLASH,
            disputeSlashWad: DISPUTE_SLASH,
            challengeBond: CHALLENGE_BOND,
            maxStepsLimit: MAX_STEPS_LIMIT
        });
    }

    /// @dev Mints `amount` to `who` and approves both token spenders for it.
    function fund(address who, uint256 amount) internal {
        vm.prank(admin);
        token.mint(who, amount);
        vm.startPrank(who);
        token.approve(address(registry), type(uint256).max);
        token.approve(address(jobs), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev A registered operator with `stake` deposited; its signer is a separate derived key.
    function operator(string memory name, uint8 roles, uint256 stake) internal returns (address op) {
        op = makeAddr(name);
        fund(op, stake);
        vm.startPrank(op);
        registry.register(roles, makeAddr(string.concat(name, "-signer")), string.concat("http://", name, ".test"));
        if (stake != 0) registry.deposit(stake);
        vm.stopPrank();
    }

    function createApp(address owner_, uint8 mode) internal returns (uint256 appId) {
        vm.prank(admin);
        apps.setAllowlisted(owner_, true);
        vm.prank(owner_);
        appId = apps.createApp(mode, keccak256("program"), hex"");
    }
}
