// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract StakeRegistryTest is SettlementFixture {
    address internal alice;
    address internal aliceSigner;
    address internal slasher;
    address internal reporter;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        aliceSigner = makeAddr("alice-signer");
        slasher = makeAddr("slasher");
        reporter = makeAddr("reporter");
        vm.prank(admin);
        registry.setSlasher(slasher, true);
        fund(alice, 1_000e18);
    }

    function registerAlice() internal {
        vm.prank(alice);
        registry.register(COMPUTE | VERIFIER, aliceSigner, "http://alice.test");
    }

    function stakeAlice(uint256 amount) internal {
        registerAlice();
        vm.prank(alice);
        registry.deposit(amount);
    }

    // ------------------------------------------------------------ constructor

    function test_constructor_rejectsZeroToken() public {
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        new StakeRegistry(admin, IERC20(address(0)), 1, 0);
    }

    function test_constructor_rejectsShareAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidWad.selector, 1e18 + 1));
        new StakeRegistry(admin, token, 1, 1e18 + 1);
    }

    // ------------------------------------------------------------ register / update

    function test_register_storesProfileAndEmits() public {
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.OperatorRegistered(alice, COMPUTE | VERIFIER, aliceSigner, "http://alice.test");
        registerAlice();

        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertTrue(op.registered);
        assertEq(op.roles, COMPUTE | VERIFIER);
        assertEq(op.signer, aliceSigner);
        assertEq(op.endpoint, "http://alice.test");
        assertEq(op.stake, 0);
        assertEq(registry.operatorCount(), 1);
        assertEq(registry.operatorAt(0), alice);
        assertEq(registry.signerOf(alice), aliceSigner);
        assertEq(registry.operatorOfSigner(aliceSigner), alice);
    }

    function test_register_twiceReverts() public {
        registerAlice();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.AlreadyRegistered.selector, alice));
        registry.register(COMPUTE, makeAddr("other"), "");
    }

    function test_register_rejectsRoles() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(0)));
        registry.register(0, aliceSigner, "");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(16)));
        registry.register(16, aliceSigner, "");
        vm.stopPrank();
    }

    function test_register_rejectsZeroSigner() public {
        vm.prank(alice);
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.register(COMPUTE, address(0), "");
    }

    function test_register_endpointLimit() public {
        bytes memory max = new bytes(256);
        bytes memory tooLong = new bytes(257);
        vm.prank(makeAddr("bob"));
        registry.register(COMPUTE, makeAddr("bob-signer"), string(max));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.EndpointTooLong.selector, 257, 256));
        registry.register(COMPUTE, aliceSigner, string(tooLong));
    }

    function test_register_signerMustBeUnique() public {
        registerAlice();
        address bob = makeAddr("bob");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.SignerInUse.selector, aliceSigner, alice));
        registry.register(COMPUTE, aliceSigner, "");
    }

    function test_register_operatorLimit() public {
        uint256 max = registry.MAX_OPERATORS();
        for (uint256 i = 1; i <= max; ++i) {
            vm.prank(vm.addr(0x10000 + i));
            registry.register(COMPUTE, vm.addr(0x20000 + i), "");
        }
        assertEq(registry.operatorCount(), max);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.TooManyOperators.selector, max));
        registry.register(COMPUTE, aliceSigner, "");
    }

    function test_updateOperator_replacesProfileAndSigner() public {
        registerAlice();
        address newSigner = makeAddr("alice-signer-2");
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.OperatorUpdated(alice, DA, newSigner, "http://alice2.test");
        vm.prank(alice);
        registry.updateOperator(DA, newSigner, "http://alice2.test");

        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(op.roles, DA);
        assertEq(op.signer, newSigner);
        assertEq(op.endpoint, "http://alice2.test");
        assertEq(registry.operatorOfSigner(newSigner), alice);
        assertEq(registry.operatorOfSigner(aliceSigner), address(0), "old signer released");
        assertEq(registry.operatorCount(), 1, "an update does not add to the list");
    }

    function test_updateOperator_keepSameSigner() public {
        registerAlice();
        vm.prank(alice);
        registry.updateOperator(COMPUTE, aliceSigner, "http://x");
        assertEq(registry.operatorOfSigner(aliceSigner), alice);
    }

    function test_updateOperator_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.updateOperator(COMPUTE, aliceSigner, "");

        registerAlice();
        address bob = makeAddr("bob");
        vm.prank(bob);
        registry.register(COMPUTE, makeAddr("bob-signer"), "");
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.SignerInUse.selector, makeAddr("bob-signer"), bob));
        registry.updateOperator(COMPUTE, makeAddr("bob-signer"), "");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(0)));
        registry.updateOperator(0, aliceSigner, "");
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.updateOperator(COMPUTE, address(0), "");
        vm.stopPrank();
    }

    // ------------------------------------------------------------ deposit

    function test_deposit_movesTokensAndEmits() public {
        registerAlice();
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.StakeDeposited(alice, 300e18, 300e18);
        vm.prank(alice);
        registry.deposit(300e18);
        vm.prank(alice);
        registry.deposit(200e18);

        assertEq(registry.getOperator(alice).stake, 500e18);
        assertEq(registry.totalStaked(), 500e18);
        assertEq(registry.totalDeposited(), 500e18);
        assertEq(token.balanceOf(address(registry)), 500e18);
        assertEq(token.balanceOf(alice), 500e18);
    }

    function test_deposit_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.deposit(1);
        registerAlice();
        vm.prank(alice);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        registry.deposit(0);
        vm.prank(alice);
        vm.expectRevert(); // ERC20InsufficientBalance from the token
        registry.deposit(1_000e18 + 1);
    }

    // ------------------------------------------------------------ withdrawal

    function test_withdrawal_waitsForDelay() public {
        stakeAlice(500e18);
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.WithdrawalRequested(alice, 200e18, uint64(block.timestamp) + WITHDRAWAL_DELAY);
        vm.prank(alice);
        registry.requestWithdrawal(200e18);

        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(op.stake, 300e18);
        assertEq(op.pendingWithdrawal, 200e18);
        assertEq(op.withdrawableAt, block.timestamp + WITHDRAWAL_DELAY);
        assertEq(registry.slashableStake(alice), 500e18, "pending stays slashable");
        assertEq(registry.totalStaked(), 300e18);
        assertEq(registry.totalPending(), 200e18);

        vm.warp(block.timestamp + WITHDRAWAL_DELAY - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.WithdrawalNotReady.selector, op.withdrawableAt));
        registry.completeWithdrawal();

        vm.warp(block.timestamp + 1);
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.WithdrawalCompleted(alice, 200e18);
        vm.prank(alice);
        registry.completeWithdrawal();
        assertEq(token.balanceOf(alice), 700e18);
        assertEq(registry.getOperator(alice).pendingWithdrawal, 0);
        assertEq(registry.totalWithdrawn(), 200e18);
    }

    function test_withdrawal_secondRequestAddsAndRestartsDelay() public {
        stakeAlice(500e18);
        vm.prank(alice);
        registry.requestWithdrawal(100e18);
        vm.warp(block.timestamp + 1000);
        vm.prank(alice);
        registry.requestWithdrawal(50e18);
        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(op.pendingWithdrawal, 150e18);
        assertEq(op.withdrawableAt, block.timestamp + WITHDRAWAL_DELAY);
    }

    function test_withdrawal_errors() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.requestWithdrawal(1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.completeWithdrawal();
        vm.stopPrank();

        stakeAlice(10e18);
        vm.startPrank(alice);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        registry.requestWithdrawal(0);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InsufficientStake.selector, 10e18, 10e18 + 1));
        registry.requestWithdrawal(10e18 + 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NoPendingWithdrawal.selector, alice));
        registry.completeWithdrawal();
        vm.stopPrank();
    }

    // ------------------------------------------------------------ slash

    function test_slash_takesFractionOfActiveAndPending() public {
        stakeAlice(1_000e18);
        vm.prank(alice);
        registry.requestWithdrawal(400e18);

        vm.expectEmit(true, true, false, true, address(registry));
        // 25% of 600 active + 25% of 400 pending = 250; half to the reporter, half burned
        emit StakeRegistry.Slashed(alice, 250e18, "liveness", reporter, 125e18, 125e18);
        vm.prank(slasher);
        uint256 slashed = registry.slash(alice, 0.25e18, "liveness", reporter);

        assertEq(slashed, 250e18);
        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(op.stake, 450e18);
        assertEq(op.pendingWithdrawal, 300e18);
        assertEq(token.balanceOf(reporter), 125e18);
        assertEq(token.balanceOf(registry.BURN_ADDRESS()), 125e18);
        assertEq(registry.totalBurned(), 125e18);
        assertEq(registry.totalPaidOut(), 125e18);
        assertEq(token.balanceOf(address(registry)), 750e18);

        // the slashed operator can withdraw only what is left of its pending amount
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(alice);
        registry.completeWithdrawal();
        assertEq(token.balanceOf(alice), 300e18);
    }

    /// Rounding vector S2 of docs/spec/settlement.md: each part rounds down, the burn takes the dust.
    function test_slash_roundingVector() public {
        StakeRegistry reg = new StakeRegistry(admin, token, WITHDRAWAL_DELAY, 0.3e18);
        vm.prank(admin);
        reg.setSlasher(slasher, true);
        vm.startPrank(alice);
        token.approve(address(reg), type(uint256).max);
        reg.register(COMPUTE, aliceSigner, "");
        reg.deposit(1006);
        reg.requestWithdrawal(7);
        vm.stopPrank();

        vm.expectEmit(true, true, false, true, address(reg));
        emit StakeRegistry.Slashed(alice, 334, "dispute", reporter, 100, 234);
        vm.prank(slasher);
        assertEq(reg.slash(alice, 333333333333333333, "dispute", reporter), 334);
        assertEq(reg.getOperator(alice).stake, 999 - 332);
        assertEq(reg.getOperator(alice).pendingWithdrawal, 7 - 2);
    }

    function test_slash_withoutBeneficiaryBurnsAll() public {
        stakeAlice(100e18);
        vm.prank(slasher);
        uint256 slashed = registry.slash(alice, 1e18, "x", address(0));
        assertEq(slashed, 100e18);
        assertEq(registry.totalBurned(), 100e18);
        assertEq(registry.totalPaidOut(), 0);
        assertEq(registry.slashableStake(alice), 0);
        assertFalse(registry.isEligible(alice, COMPUTE), "zero stake is never eligible");
    }

    function test_slash_fullSlashEmptiesPendingWithdrawal() public {
        stakeAlice(100e18);
        vm.prank(alice);
        registry.requestWithdrawal(100e18);
        vm.prank(slasher);
        registry.slash(alice, 1e18, "x", reporter);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NoPendingWithdrawal.selector, alice));
        registry.completeWithdrawal();
    }

    function test_slash_errors() public {
        stakeAlice(100e18);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, address(this)));
        registry.slash(alice, 1, "x", reporter);
        vm.startPrank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidWad.selector, 1e18 + 1));
        registry.slash(alice, 1e18 + 1, "x", reporter);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, reporter));
        registry.slash(reporter, 1, "x", reporter);
        vm.stopPrank();
    }

    function test_slash_revokedSlasherCannotSlash() public {
        stakeAlice(100e18);
        vm.expectEmit(false, false, false, true, address(registry));
        emit StakeRegistry.SlasherSet(slasher, false);
        vm.prank(admin);
        registry.setSlasher(slasher, false);
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, slasher));
        registry.slash(alice, 1, "x", reporter);
    }

    // ------------------------------------------------------------ eligibility and admin

    function test_isEligible_followsRolesAndMinStake() public {
        stakeAlice(100e18);
        assertTrue(registry.isEligible(alice, COMPUTE));
        assertTrue(registry.isEligible(alice, VERIFIER));
        assertFalse(registry.isEligible(alice, DA), "role not held");
        assertFalse(registry.isEligible(reporter, COMPUTE), "not registered");

        vm.expectEmit(false, false, false, true, address(registry));
        emit StakeRegistry.MinStakeSet(COMPUTE, 100e18 + 1);
        vm.prank(admin);
        registry.setMinStake(COMPUTE, 100e18 + 1);
        assertEq(registry.minStake(COMPUTE), 100e18 + 1);
        assertFalse(registry.isEligible(alice, COMPUTE), "below min stake");
        assertTrue(registry.isEligible(alice, VERIFIER), "min stake is per role");
    }

    function test_eligibleOperators_inRegistrationOrder() public {
        address a = operator("a", COMPUTE, 10e18);
        operator("b", VERIFIER, 20e18);
        address c = operator("c", COMPUTE | DA, 30e18);
        operator("d", COMPUTE, 0);
        (address[] memory ops, uint256[] memory stakes) = registry.eligibleOperators(COMPUTE);
        assertEq(ops.length, 2);
        assertEq(stakes.length, 2);
        assertEq(ops[0], a);
        assertEq(stakes[0], 10e18);
        assertEq(ops[1], c);
        assertEq(stakes[1], 30e18);
    }

    function test_roleArguments_mustBeSingleRole() public {
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(3)));
        registry.isEligible(alice, 3);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(0)));
        registry.minStake(0);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(16)));
        registry.eligibleOperators(16);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(6)));
        registry.setMinStake(6, 1);
    }

    function test_views_errors() public {
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.UnknownOperatorIndex.selector, 0, 0));
        registry.operatorAt(0);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.signerOf(alice);
        assertEq(registry.stakeOf(alice), 0);
        assertEq(registry.operatorOfSigner(aliceSigner), address(0));
    }

    function test_admin_onlyOwner() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        registry.setSlasher(alice, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        registry.setMinStake(COMPUTE, 1);
        vm.stopPrank();
        vm.prank(admin);
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.setSlasher(address(0), true);
    }

    // ------------------------------------------------------------ fuzz: stake arithmetic

    /// Any deposit / withdraw / slash sequence keeps per-operator and global books exact.
    function testFuzz_stakeArithmetic(
        uint96 deposit,
        uint96 withdraw,
        uint64 wad1,
        uint64 wad2,
        bool withBeneficiary,
        bool completeFirst
    ) public {
        uint256 dep = bound(deposit, 1, 1_000e18);
        uint256 wd = bound(withdraw, 0, dep);
        uint256 w1 = bound(wad1, 0, 1e18);
        uint256 w2 = bound(wad2, 0, 1e18);
        address beneficiary = withBeneficiary ? reporter : address(0);
        stakeAlice(dep);
        if (wd != 0) {
            vm.prank(alice);
            registry.requestWithdrawal(wd);
        }

        uint256 active = dep - wd;
        uint256 pending = wd;
        vm.prank(slasher);
        uint256 s1 = registry.slash(alice, w1, "a", beneficiary);
        assertEq(s1, active * w1 / 1e18 + pending * w1 / 1e18, "first slash amount");
        active -= active * w1 / 1e18;
        pending -= pending * w1 / 1e18;

        uint256 withdrawn;
        if (completeFirst && pending != 0) {
            vm.warp(block.timestamp + WITHDRAWAL_DELAY);
            vm.prank(alice);
            registry.completeWithdrawal();
            withdrawn = pending;
            pending = 0;
        }
        vm.prank(slasher);
        uint256 s2 = registry.slash(alice, w2, "b", beneficiary);
        assertEq(s2, active * w2 / 1e18 + pending * w2 / 1e18, "second slash amount");
        active -= active * w2 / 1e18;
        pending -= pending * w2 / 1e18;

        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(op.stake, active, "active");
        assertEq(op.pendingWithdrawal, pending, "pending");
        assertLe(withdrawn + op.pendingWithdrawal, wd, "never withdraws more than requested");
        uint256 slashedTotal = s1 + s2;
        assertEq(registry.totalBurned() + registry.totalPaidOut(), slashedTotal, "slashed = burned + paid");
        assertEq(
            registry.totalStaked() + registry.totalPending() + registry.totalWithdrawn() + registry.totalBurned()
                + registry.totalPaidOut(),
            registry.totalDeposited(),
            "conservation"
        );
        assertEq(token.balanceOf(address(registry)), registry.totalStaked() + registry.totalPending(), "balance");
        if (!withBeneficiary) assertEq(registry.totalPaidOut(), 0, "no beneficiary, no payout");
        else assertEq(token.balanceOf(reporter), registry.totalPaidOut(), "beneficiary got the payout");
    }
}

contract StakeTokenTest is SettlementFixture {
    function test_metadata() public view {
        assertEq(token.name(), "TrustDial Stake");
        assertEq(token.symbol(), "TDS");
        assertEq(token.decimals(), 18);
        assertEq(token.owner(), admin);
    }

    function test_mint_byOwnerAndMinter() public {
        address faucet = makeAddr("faucet");
        address user = makeAddr("user");
        vm.prank(admin);
        token.mint(user, 5);
        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(StakeToken.NotMinter.selector, faucet));
        token.mint(user, 5);

        vm.expectEmit(true, false, false, true, address(token));
        emit StakeToken.MinterSet(faucet, true);
        vm.prank(admin);
        token.setMinter(faucet, true);
        vm.prank(faucet);
        token.mint(user, 7);
        assertEq(token.balanceOf(user), 12);
        assertEq(token.totalSupply(), 12);

        vm.prank(user);
        token.burn(2);
        assertEq(token.totalSupply(), 10);
    }

    function test_setMinter_errors() public {
        vm.prank(admin);
        vm.expectRevert(StakeToken.ZeroAddress.selector);
        token.setMinter(address(0), true);
        address user = makeAddr("user");
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, user));
        token.setMinter(user, true);
    }
}
