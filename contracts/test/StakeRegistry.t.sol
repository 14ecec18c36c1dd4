// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice An ERC20 that keeps `feeBps` of every transfer (to check that deposits credit what arrived).
contract FeeToken is ERC20 {
    uint256 public feeBps;

    constructor() ERC20("Fee", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFee(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && feeBps != 0) {
            uint256 fee = value * feeBps / 10_000;
            super._update(from, address(0xFEE), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// @notice Per-function unit tests of StakeRegistry v2: registration, pools and shares, queued
///         withdrawals held by obligations, slash arithmetic, allocations, checkpointed weights and
///         snapshots, exit and churn. `slasher` is an ordinary account made a slasher through the
///         timelock, so obligations and slashes are driven directly.
contract StakeRegistryTest is SettlementFixture {
    address internal alice;
    address internal aliceSigner;
    address internal bob;
    address internal carol;
    address internal slasher;

    uint8 internal constant STATUS_NONE = 0;
    uint8 internal constant STATUS_ACTIVE = 1;
    uint8 internal constant STATUS_EXITED = 2;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        aliceSigner = makeAddr("alice-signer");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        slasher = makeAddr("slasher");
        governance(address(registry), abi.encodeCall(StakeRegistry.setSlasher, (slasher, true)));
        fund(alice, 1_000e18);
        fund(bob, 1_000e18);
        fund(carol, 1_000e18);
    }

    // ------------------------------------------------------------ helpers

    function registerAlice(uint256 stake) internal {
        vm.prank(alice);
        registry.register(COMPUTE | VERIFIER, aliceSigner, "http://alice.test", stake);
    }

    function delegateTo(address staker, address op, uint256 amount) internal {
        vm.prank(staker);
        registry.delegate(op, amount);
    }

    function queue(address staker, address op, uint256 amount) internal returns (uint256 moved) {
        vm.prank(staker);
        moved = registry.queueWithdrawal(op, amount);
    }

    function complete(address staker, address op) internal returns (uint256 amount) {
        vm.prank(staker);
        amount = registry.completeWithdrawal(op);
    }

    function slashAs(address op, uint8 role, uint256 wad) internal returns (uint256) {
        vm.prank(slasher);
        return registry.slash(op, role, wad, "test");
    }

    function openAs(address op) internal returns (uint64) {
        vm.prank(slasher);
        return registry.openObligation(op);
    }

    function closeAs(address op, uint64 seq) internal {
        vm.prank(slasher);
        registry.closeObligation(op, seq);
    }

    function config(uint256 minSelf, uint16 maxOps, uint16 churn) internal pure returns (StakeRegistry.Config memory) {
        return StakeRegistry.Config({
            withdrawalDelay: WITHDRAWAL_DELAY,
            activationDelayBlocks: ACTIVATION_DELAY,
            minSelfStake: minSelf,
            maxOperators: maxOps,
            churnBps: churn
        });
    }

    /// @dev A registry of our own (owned by the timelock) with `slasher` allowed.
    function localRegistry(uint256 minSelf, uint16 maxOps, uint16 churn) internal returns (StakeRegistry reg) {
        reg = new StakeRegistry(address(timelock), token, config(minSelf, maxOps, churn));
        vm.prank(address(timelock));
        reg.setSlasher(slasher, true);
    }

    function approveFor(StakeRegistry reg, address who) internal {
        vm.prank(who);
        token.approve(address(reg), type(uint256).max);
    }

    function registerOn(StakeRegistry reg, string memory name, uint256 stake) internal returns (address op) {
        op = makeAddr(name);
        fund(op, stake);
        approveFor(reg, op);
        vm.prank(op);
        reg.register(COMPUTE, makeAddr(string.concat(name, "-signer")), "", stake);
    }

    function assertBooks(StakeRegistry reg) internal view {
        assertEq(
            reg.totalDeposited(),
            reg.totalActive() + reg.totalPending() + reg.totalWithdrawn() + reg.totalSlashed(),
            "books: deposited = active + pending + withdrawn + slashed"
        );
        assertEq(token.balanceOf(address(reg)), reg.totalActive() + reg.totalPending(), "books: balance");
    }

    function pool(address op) internal view returns (StakeRegistry.Pool memory) {
        return registry.poolOf(op);
    }

    // ------------------------------------------------------------ constructor and config

    function test_constructor_storesConfig() public view {
        assertEq(address(registry.token()), address(token));
        assertEq(registry.owner(), address(timelock), "owned by the timelock");
        assertEq(registry.withdrawalDelay(), WITHDRAWAL_DELAY);
        assertEq(registry.activationDelayBlocks(), ACTIVATION_DELAY);
        assertEq(registry.minSelfStake(), MIN_SELF_STAKE);
        assertEq(registry.maxOperators(), MAX_OPERATORS);
        assertEq(registry.churnBps(), CHURN_BPS);
        assertEq(registry.MAX_OPERATORS_LIMIT(), 256);
        assertEq(registry.MAX_ENDPOINT_BYTES(), 256);
        assertEq(registry.ROLE_COMPUTE(), COMPUTE);
        assertEq(registry.ROLE_DA(), DA);
        assertEq(registry.ROLE_VERIFIER(), VERIFIER);
        assertEq(registry.ROLE_TEE(), TEE);
        assertTrue(registry.isSlasher(address(jobs)));
        assertTrue(registry.isSlasher(address(court)));
        assertTrue(registry.isSlasher(slasher));
    }

    function test_constructor_validatesConfig() public {
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        new StakeRegistry(admin, IERC20(address(0)), config(1, 1, 0));
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidConfig.selector, "minSelfStake is 0"));
        new StakeRegistry(admin, token, config(0, 1, 0));
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidConfig.selector, "maxOperators"));
        new StakeRegistry(admin, token, config(1, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidConfig.selector, "maxOperators"));
        new StakeRegistry(admin, token, config(1, 257, 0));
        StakeRegistry.Config memory c = config(1, 256, 0);
        c.withdrawalDelay = 0;
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidConfig.selector, "withdrawalDelay is 0"));
        new StakeRegistry(admin, token, c);
        // the limit itself is fine
        assertEq(new StakeRegistry(admin, token, config(1, 256, 0)).maxOperators(), 256);
    }

    // ------------------------------------------------------------ register

    function test_register_storesProfilePoolAndEmits() public {
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.OperatorRegistered(alice, COMPUTE | VERIFIER, aliceSigner, "http://alice.test");
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Delegated(alice, alice, 150e18, 150e18);
        registerAlice(150e18);

        StakeRegistry.Operator memory op = registry.getOperator(alice);
        assertEq(uint8(op.status), STATUS_ACTIVE);
        assertEq(op.roles, COMPUTE | VERIFIER);
        assertEq(op.signer, aliceSigner);
        assertEq(op.endpoint, "http://alice.test");
        StakeRegistry.Pool memory p = pool(alice);
        assertEq(p.activeAmount, 150e18);
        assertEq(p.activeShares, 150e18);
        assertEq(p.pendingAmount, 0);
        assertEq(p.pendingShares, 0);
        assertEq(registry.sharesOf(alice, alice), 150e18);
        assertEq(registry.delegatedStake(alice, alice), 150e18);
        assertEq(registry.stakeOf(alice), 150e18);
        assertEq(registry.slashableStake(alice), 150e18);
        assertEq(registry.allocationOf(alice, COMPUTE), 1e18, "held roles get 100%");
        assertEq(registry.allocationOf(alice, VERIFIER), 1e18);
        assertEq(registry.allocationOf(alice, DA), 0);
        assertEq(registry.weightOf(alice, COMPUTE), 150e18);
        assertEq(registry.weightOf(alice, VERIFIER), 150e18);
        assertEq(registry.weightOf(alice, DA), 0);
        assertEq(registry.operatorCount(), 1);
        assertEq(registry.activeOperators()[0], alice);
        assertEq(registry.signerOf(alice), aliceSigner);
        assertEq(registry.operatorOfSigner(aliceSigner), alice);
        assertEq(registry.totalActive(), 150e18);
        assertEq(registry.totalDeposited(), 150e18);
        assertEq(token.balanceOf(alice), 850e18, "self stake pulled with transferFrom");
        assertBooks(registry);
    }

    function test_register_needsMinSelfStake() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, MIN_SELF_STAKE - 1, MIN_SELF_STAKE)
        );
        registry.register(COMPUTE, aliceSigner, "", MIN_SELF_STAKE - 1);
        registerAlice(MIN_SELF_STAKE); // exactly the minimum is enough
        assertEq(registry.stakeOf(alice), MIN_SELF_STAKE);
    }

    function test_register_pullsTokensOrReverts() public {
        address poor = makeAddr("poor");
        vm.prank(address(timelock));
        token.mint(poor, 500e18);
        vm.prank(poor);
        vm.expectRevert(); // ERC20InsufficientAllowance: the registry was not approved
        registry.register(COMPUTE, makeAddr("poor-signer"), "", 200e18);
        vm.prank(poor);
        token.approve(address(registry), type(uint256).max);
        vm.prank(poor);
        vm.expectRevert(); // ERC20InsufficientBalance
        registry.register(COMPUTE, makeAddr("poor-signer"), "", 501e18);
        assertEq(uint8(registry.getOperator(poor).status), STATUS_NONE, "nothing recorded");
        assertEq(registry.operatorCount(), 0);
    }

    function test_register_twiceReverts() public {
        registerAlice(100e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.AlreadyRegistered.selector, alice));
        registry.register(COMPUTE, makeAddr("other"), "", 100e18);
    }

    function test_register_exitedAccountCannotRegisterAgain() public {
        registerAlice(100e18);
        vm.prank(alice);
        registry.deregister();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.AlreadyRegistered.selector, alice));
        registry.register(COMPUTE, makeAddr("fresh-signer"), "", 100e18);
    }

    function test_register_rejectsRoles() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(0)));
        registry.register(0, aliceSigner, "", 100e18);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(16)));
        registry.register(16, aliceSigner, "", 100e18);
        registry.register(COMPUTE | DA | VERIFIER | TEE, aliceSigner, "", 100e18); // all four is fine
        vm.stopPrank();
        for (uint8 role = 1; role <= TEE; role <<= 1) {
            assertEq(registry.allocationOf(alice, role), 1e18);
            assertEq(registry.weightOf(alice, role), 100e18);
        }
    }

    function test_register_rejectsZeroSigner() public {
        vm.prank(alice);
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.register(COMPUTE, address(0), "", 100e18);
    }

    function test_register_endpointLimit() public {
        bytes memory max = new bytes(256);
        bytes memory tooLong = new bytes(257);
        fund(makeAddr("bobop"), 100e18);
        vm.prank(makeAddr("bobop"));
        registry.register(COMPUTE, makeAddr("bobop-signer"), string(max), 100e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.EndpointTooLong.selector, 257, 256));
        registry.register(COMPUTE, aliceSigner, string(tooLong), 100e18);
    }

    function test_register_signerMustBeUnique() public {
        registerAlice(100e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.SignerInUse.selector, aliceSigner, alice));
        registry.register(COMPUTE, aliceSigner, "", 100e18);
    }

    // ------------------------------------------------------------ bounded active set and churn

    function test_churn_fullSetNeedsMoreThanChurnBpsOverTheSmallest() public {
        StakeRegistry reg = localRegistry(100e18, 2, 1_000);
        address a = registerOn(reg, "a", 200e18);
        address b = registerOn(reg, "b", 100e18);
        // the smallest pool counts delegations too: b's pool grows to 150
        approveFor(reg, carol);
        vm.prank(carol);
        reg.delegate(b, 50e18);
        address c = makeAddr("c");
        fund(c, 1_000e18);
        approveFor(reg, c);
        // exactly +10% is not enough
        vm.prank(c);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ActiveSetFull.selector, 2, b, 150e18, 165e18));
        reg.register(COMPUTE, makeAddr("c-signer"), "", 165e18);
        // one wei more ejects b
        vm.expectEmit(true, false, false, true, address(reg));
        emit StakeRegistry.OperatorExited(b, true);
        vm.prank(c);
        reg.register(COMPUTE, makeAddr("c-signer"), "", 165e18 + 1);

        assertEq(reg.operatorCount(), 2);
        address[] memory set = reg.activeOperators();
        assertEq(set[0], a);
        assertEq(set[1], c, "c takes b's slot");
        assertEq(uint8(reg.getOperator(b).status), STATUS_EXITED);
        assertEq(reg.weightOf(b, COMPUTE), 0, "an ejected operator weighs nothing");
        assertEq(reg.operatorOfSigner(makeAddr("b-signer")), address(0), "its signer is released");
        assertEq(reg.totalWeightAt(COMPUTE, block.number), 200e18 + 165e18 + 1);

        // b and its delegator withdraw everything
        vm.prank(b);
        reg.queueWithdrawal(b, type(uint256).max);
        vm.prank(carol);
        reg.queueWithdrawal(b, type(uint256).max);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(b);
        assertEq(reg.completeWithdrawal(b), 100e18);
        vm.prank(carol);
        assertEq(reg.completeWithdrawal(b), 50e18);
        assertBooks(reg);
    }

    function test_churn_smallestWithOpenObligationIsNotEjected() public {
        StakeRegistry reg = localRegistry(100e18, 1, 0);
        address a = registerOn(reg, "a", 100e18);
        vm.prank(slasher);
        uint64 seq = reg.openObligation(a);
        address c = makeAddr("c");
        fund(c, 1_000e18);
        approveFor(reg, c);
        vm.prank(c);
        // Nobody in the set is free: no one to eject.
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ActiveSetFull.selector, 1, address(0), 0, 1_000e18));
        reg.register(COMPUTE, makeAddr("c-signer"), "", 1_000e18);
        vm.prank(slasher);
        reg.closeObligation(a, seq);
        vm.prank(c);
        reg.register(COMPUTE, makeAddr("c-signer"), "", 1_000e18);
        assertEq(reg.activeOperators()[0], c);
        assertEq(uint8(reg.getOperator(a).status), STATUS_EXITED);
    }

    // ------------------------------------------------------------ updateOperator

    function test_updateOperator_replacesProfileAndSigner() public {
        registerAlice(100e18);
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
        assertEq(registry.operatorCount(), 1, "an update does not add to the set");
        assertEq(registry.weightOf(alice, DA), 100e18, "added role allocated 100%");
        assertEq(registry.allocationOf(alice, DA), 1e18);
        assertEq(registry.weightOf(alice, COMPUTE), 0, "dropped role weighs nothing");
        assertEq(registry.allocationOf(alice, COMPUTE), 0);
        // the released signer can be claimed by someone else
        vm.prank(bob);
        registry.register(COMPUTE, aliceSigner, "", 100e18);
        assertEq(registry.operatorOfSigner(aliceSigner), bob);
    }

    function test_updateOperator_keepSameSigner() public {
        registerAlice(100e18);
        vm.prank(alice);
        registry.updateOperator(COMPUTE, aliceSigner, "http://x");
        assertEq(registry.operatorOfSigner(aliceSigner), alice);
        assertEq(registry.getOperator(alice).endpoint, "http://x");
    }

    function test_updateOperator_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.updateOperator(COMPUTE, aliceSigner, "");

        registerAlice(100e18);
        address bobSigner = makeAddr("bob-signer");
        vm.prank(bob);
        registry.register(COMPUTE, bobSigner, "", 100e18);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.SignerInUse.selector, bobSigner, bob));
        registry.updateOperator(COMPUTE, bobSigner, "");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(0)));
        registry.updateOperator(0, aliceSigner, "");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRoles.selector, uint8(17)));
        registry.updateOperator(17, aliceSigner, "");
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.updateOperator(COMPUTE, address(0), "");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.EndpointTooLong.selector, 300, 256));
        registry.updateOperator(COMPUTE, aliceSigner, string(new bytes(300)));
        registry.deregister();
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, alice));
        registry.updateOperator(COMPUTE, aliceSigner, "");
        vm.stopPrank();
    }

    function test_updateOperator_droppedRoleStaysSlashableUntilObligationsEnd() public {
        registerAlice(1_000e18);
        uint64 seq = openAs(alice); // e.g. a vote
        vm.prank(alice);
        registry.updateOperator(COMPUTE, aliceSigner, "");
        assertEq(registry.weightOf(alice, VERIFIER), 0, "no weight at once");
        assertEq(registry.allocationOf(alice, VERIFIER), 0);
        assertEq(registry.slashableAllocation(alice, VERIFIER), 1e18, "still slashable");
        assertEq(slashAs(alice, VERIFIER, 0.1e18), 100e18);

        closeAs(alice, seq);
        assertEq(registry.slashableAllocation(alice, VERIFIER), 0);
        assertEq(slashAs(alice, VERIFIER, 0.1e18), 0, "nothing once the obligation ended");
        assertEq(registry.stakeOf(alice), 900e18);

        // an obligation opened after the drop does not revive it
        openAs(alice);
        assertEq(registry.slashableAllocation(alice, VERIFIER), 0);
        // adding a role back allocates it fully
        vm.prank(alice);
        registry.updateOperator(COMPUTE | VERIFIER | TEE, aliceSigner, "");
        assertEq(registry.allocationOf(alice, VERIFIER), 1e18);
        assertEq(registry.weightOf(alice, TEE), 900e18);
    }

    function test_updateOperator_dropWithoutObligationsIsImmediate() public {
        registerAlice(100e18);
        vm.prank(alice);
        registry.updateOperator(COMPUTE, aliceSigner, "");
        assertEq(registry.slashableAllocation(alice, VERIFIER), 0);
    }

    // ------------------------------------------------------------ setAllocation

    function test_setAllocation_scalesWeightAndEmits() public {
        registerAlice(400e18);
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.AllocationSet(alice, COMPUTE, 0.25e18);
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0.25e18);
        assertEq(registry.allocationOf(alice, COMPUTE), 0.25e18);
        assertEq(registry.weightOf(alice, COMPUTE), 100e18);
        assertEq(registry.weightOf(alice, VERIFIER), 400e18, "per role");
        assertEq(registry.totalWeightAt(COMPUTE, block.number), 100e18);
        assertEq(registry.stakeOf(alice), 400e18, "the pool is unchanged");

        vm.roll(block.number + 1);
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 1e18);
        assertEq(registry.weightOf(alice, COMPUTE), 400e18);
        assertEq(registry.weightAt(alice, COMPUTE, block.number - 1), 100e18, "history kept");
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0);
        assertEq(registry.weightOf(alice, COMPUTE), 0);
        assertFalse(registry.isEligible(alice, COMPUTE), "zero allocation is not eligible");
    }

    function test_setAllocation_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.setAllocation(COMPUTE, 1);
        registerAlice(100e18);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(3)));
        registry.setAllocation(3, 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.RoleNotHeld.selector, alice, DA));
        registry.setAllocation(DA, 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidWad.selector, 1e18 + 1));
        registry.setAllocation(COMPUTE, 1e18 + 1);
        registry.deregister();
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, alice));
        registry.setAllocation(COMPUTE, 1);
        vm.stopPrank();
    }

    function test_setAllocation_loweredStaysSlashableUntilObligationsEnd() public {
        registerAlice(1_000e18);
        uint64 seq = openAs(alice);
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0.5e18);
        assertEq(registry.slashableAllocation(alice, COMPUTE), 1e18, "old fraction held");
        // lowering again while held keeps the highest fraction
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0.2e18);
        assertEq(registry.slashableAllocation(alice, COMPUTE), 1e18);
        assertEq(registry.weightOf(alice, COMPUTE), 200e18);
        // 10% of everything while held
        assertEq(slashAs(alice, COMPUTE, 0.1e18), 100e18);
        closeAs(alice, seq);
        assertEq(registry.slashableAllocation(alice, COMPUTE), 0.2e18);
        // 10% of the 20% allocated now: 900 * 0.2 * 0.1 = 18
        assertEq(slashAs(alice, COMPUTE, 0.1e18), 18e18);
        // raising never needs obligations
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0.8e18);
        assertEq(registry.slashableAllocation(alice, COMPUTE), 0.8e18);
    }

    // ------------------------------------------------------------ deregister

    function test_deregister_exitsAndFreesEverything() public {
        registerAlice(300e18);
        delegateTo(bob, alice, 100e18);
        vm.roll(block.number + 1);
        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.OperatorExited(alice, false);
        vm.prank(alice);
        registry.deregister();

        assertEq(uint8(registry.getOperator(alice).status), STATUS_EXITED);
        assertEq(registry.operatorCount(), 0);
        assertEq(registry.weightOf(alice, COMPUTE), 0);
        assertEq(registry.totalWeightAt(COMPUTE, block.number), 0);
        assertEq(registry.totalWeightAt(COMPUTE, block.number - 1), 400e18, "history kept");
        assertEq(registry.operatorOfSigner(aliceSigner), address(0));
        assertEq(registry.signerOf(alice), aliceSigner, "the record stays");
        assertFalse(registry.isEligible(alice, COMPUTE));
        assertEq(registry.stakeOf(alice), 400e18, "stake stays until withdrawn");

        // an exited operator withdraws everything: no self-stake floor
        assertEq(queue(alice, alice, type(uint256).max), 300e18);
        assertEq(queue(bob, alice, type(uint256).max), 100e18);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        assertEq(complete(alice, alice), 300e18);
        assertEq(complete(bob, alice), 100e18);
        assertEq(token.balanceOf(alice), 1_000e18);
        assertEq(registry.slashableStake(alice), 0);
        assertBooks(registry);

        // no new stake into an exited pool
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, alice));
        registry.deposit(1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, alice));
        registry.delegate(alice, 1);
    }

    function test_deregister_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.deregister();
        registerAlice(100e18);
        openAs(alice);
        openAs(alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, alice, uint64(0), uint64(2)));
        registry.deregister();
        closeAs(alice, 1);
        closeAs(alice, 0);
        vm.prank(alice);
        registry.deregister();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotActive.selector, alice));
        registry.deregister();
    }

    // ------------------------------------------------------------ deposit and delegate

    function test_deposit_addsToOwnPoolAndEmits() public {
        registerAlice(100e18);
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Delegated(alice, alice, 300e18, 300e18);
        vm.prank(alice);
        registry.deposit(300e18);
        assertEq(registry.stakeOf(alice), 400e18);
        assertEq(registry.sharesOf(alice, alice), 400e18);
        assertEq(registry.weightOf(alice, COMPUTE), 400e18);
        assertEq(registry.totalActive(), 400e18);
        assertEq(registry.totalDeposited(), 400e18);
        assertEq(token.balanceOf(alice), 600e18);
        assertBooks(registry);
    }

    function test_deposit_errors() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.deposit(1);
        registerAlice(100e18);
        vm.prank(alice);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        registry.deposit(0);
        vm.prank(alice);
        vm.expectRevert(); // ERC20InsufficientBalance
        registry.deposit(900e18 + 1);
    }

    function test_delegate_sharesProRataAfterSlash() public {
        registerAlice(100e18);
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Delegated(alice, bob, 100e18, 100e18);
        delegateTo(bob, alice, 100e18);
        assertEq(registry.sharesOf(alice, bob), 100e18);
        assertEq(registry.stakeOf(alice), 200e18);
        assertEq(registry.weightOf(alice, COMPUTE), 200e18, "delegated stake backs the operator's roles");

        // a 50% slash halves everyone's value; shares stay
        assertEq(slashAs(alice, COMPUTE, 0.5e18), 100e18);
        assertEq(registry.delegatedStake(alice, alice), 50e18);
        assertEq(registry.delegatedStake(alice, bob), 50e18);
        assertEq(registry.sharesOf(alice, bob), 100e18);

        // a later delegator buys at the new price: 100 tokens -> 200 shares
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Delegated(alice, carol, 100e18, 200e18);
        delegateTo(carol, alice, 100e18);
        assertEq(registry.delegatedStake(alice, carol), 100e18);
        assertEq(registry.delegatedStake(alice, bob), 50e18, "nobody else's value moved");
        assertEq(pool(alice).activeShares, 400e18);
        assertEq(pool(alice).activeAmount, 200e18);
        assertBooks(registry);
    }

    function test_delegate_errors() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.delegate(alice, 1);
        registerAlice(100e18);
        vm.prank(bob);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        registry.delegate(alice, 0);
        vm.prank(bob);
        vm.expectRevert(); // ERC20InsufficientBalance
        registry.delegate(alice, 1_000e18 + 1);
    }

    function test_delegate_creditsWhatArrives() public {
        FeeToken ft = new FeeToken();
        StakeRegistry reg = new StakeRegistry(address(timelock), IERC20(address(ft)), config(1, 4, 0));
        ft.mint(alice, 1_000);
        ft.mint(bob, 1_000);
        vm.prank(alice);
        ft.approve(address(reg), type(uint256).max);
        vm.prank(bob);
        ft.approve(address(reg), type(uint256).max);
        vm.prank(alice);
        reg.register(COMPUTE, aliceSigner, "", 100);
        ft.setFee(1_000); // 10%
        vm.expectEmit(true, true, false, true, address(reg));
        emit StakeRegistry.Delegated(alice, bob, 180, 180);
        vm.prank(bob);
        reg.delegate(alice, 200);
        assertEq(reg.stakeOf(alice), 280);
        assertEq(reg.totalDeposited(), 280);
        assertEq(ft.balanceOf(address(reg)), 280);
        // a token that delivers nothing is refused
        ft.setFee(10_000);
        vm.prank(bob);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        reg.delegate(alice, 100);
    }

    // ------------------------------------------------------------ queueWithdrawal

    function test_queueWithdrawal_movesToPendingHalf() public {
        registerAlice(500e18);
        delegateTo(bob, alice, 300e18);
        uint64 availableAt = uint64(block.timestamp) + WITHDRAWAL_DELAY;
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.WithdrawalQueued(alice, bob, 100e18, 100e18, availableAt, 0);
        assertEq(queue(bob, alice, 100e18), 100e18);

        StakeRegistry.Pool memory p = pool(alice);
        assertEq(p.activeAmount, 700e18);
        assertEq(p.activeShares, 700e18);
        assertEq(p.pendingAmount, 100e18);
        assertEq(p.pendingShares, 100e18);
        assertEq(registry.sharesOf(alice, bob), 200e18);
        assertEq(registry.delegatedStake(alice, bob), 200e18);
        (StakeRegistry.Withdrawal memory w, uint256 amount) = registry.withdrawalOf(alice, bob);
        assertEq(w.shares, 100e18);
        assertEq(w.availableAt, availableAt);
        assertEq(w.obligationSeq, 0);
        assertEq(amount, 100e18);
        assertEq(registry.stakeOf(alice), 700e18, "pending stops counting at once");
        assertEq(registry.weightOf(alice, COMPUTE), 700e18);
        assertEq(registry.slashableStake(alice), 800e18, "pending stays slashable");
        assertEq(registry.totalActive(), 700e18);
        assertEq(registry.totalPending(), 100e18);
        assertBooks(registry);
    }

    function test_queueWithdrawal_maxTakesEverything() public {
        registerAlice(500e18);
        delegateTo(bob, alice, 300e18);
        assertEq(queue(bob, alice, type(uint256).max), 300e18);
        assertEq(registry.sharesOf(alice, bob), 0);
        (, uint256 amount) = registry.withdrawalOf(alice, bob);
        assertEq(amount, 300e18);
    }

    function test_queueWithdrawal_secondRequestAddsAndRestartsDelay() public {
        registerAlice(500e18);
        delegateTo(bob, alice, 300e18);
        queue(bob, alice, 100e18);
        vm.warp(block.timestamp + 1_000);
        openAs(alice); // seq 0 is open when the second request is made
        queue(bob, alice, 50e18);
        (StakeRegistry.Withdrawal memory w, uint256 amount) = registry.withdrawalOf(alice, bob);
        assertEq(amount, 150e18);
        assertEq(w.availableAt, block.timestamp + WITHDRAWAL_DELAY, "delay restarts");
        assertEq(w.obligationSeq, 1, "and so does the obligation horizon");
    }

    function test_queueWithdrawal_operatorKeepsMinSelfStake() public {
        registerAlice(500e18);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, 100e18 - 1, MIN_SELF_STAKE));
        registry.queueWithdrawal(alice, 400e18 + 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, 0, MIN_SELF_STAKE));
        registry.queueWithdrawal(alice, type(uint256).max);
        assertEq(queue(alice, alice, 400e18), 400e18, "down to exactly the minimum");
        assertEq(registry.delegatedStake(alice, alice), MIN_SELF_STAKE);
        // delegators have no floor
        delegateTo(bob, alice, 10e18);
        assertEq(queue(bob, alice, type(uint256).max), 10e18);
    }

    function test_queueWithdrawal_errors() public {
        vm.prank(bob);
        vm.expectRevert(StakeRegistry.ZeroAmount.selector);
        registry.queueWithdrawal(alice, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.queueWithdrawal(alice, 1);
        registerAlice(500e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InsufficientShares.selector, 0, 5));
        registry.queueWithdrawal(alice, 5);
        delegateTo(bob, alice, 300e18);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InsufficientShares.selector, 300e18, 300e18 + 1));
        registry.queueWithdrawal(alice, 300e18 + 1);
    }

    /// Amount requests round shares up and the moved amount down: the staker gets at least what it
    /// asked for, never more than its shares are worth.
    function test_queueWithdrawal_rounding() public {
        StakeRegistry reg = localRegistry(1, 8, 0);
        approveFor(reg, alice);
        approveFor(reg, bob);
        vm.prank(alice);
        reg.register(COMPUTE, aliceSigner, "", 10);
        vm.prank(slasher);
        assertEq(reg.slash(alice, COMPUTE, 0.35e18, "r"), 3); // floor(3.5): 7 tokens, 10 shares
        vm.prank(bob);
        reg.delegate(alice, 7); // 7 * 10 / 7 = 10 shares
        assertEq(reg.sharesOf(alice, bob), 10);
        // 3 tokens: ceil(3 * 20 / 14) = 5 shares, worth floor(5 * 14 / 20) = 3
        vm.expectEmit(true, true, false, true, address(reg));
        emit StakeRegistry.WithdrawalQueued(alice, bob, 3, 3, uint64(block.timestamp) + WITHDRAWAL_DELAY, 0);
        vm.prank(bob);
        assertEq(reg.queueWithdrawal(alice, 3), 3);
        assertEq(reg.sharesOf(alice, bob), 5);
        StakeRegistry.Pool memory p = reg.poolOf(alice);
        assertEq(p.activeAmount, 11);
        assertEq(p.activeShares, 15);
        assertEq(reg.delegatedStake(alice, bob), 3); // floor(5 * 11 / 15)
        assertEq(reg.delegatedStake(alice, alice), 7); // floor(10 * 11 / 15)
        // 4 more would need ceil(4 * 15 / 11) = 6 shares; bob has 5
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InsufficientShares.selector, 5, 6));
        reg.queueWithdrawal(alice, 4);
    }

    /// @dev Dust can always leave (found by the invariant campaign: before, a staker holding only shares worth 0
    ///      could never withdraw, so its pool never emptied): asking for everything burns them and queues nothing.
    function test_queueWithdrawal_dustSharesAreBurnedOnExit() public {
        StakeRegistry reg = localRegistry(1, 8, 0);
        approveFor(reg, alice);
        approveFor(reg, bob);
        vm.prank(alice);
        reg.register(COMPUTE, aliceSigner, "", 10);
        vm.prank(slasher);
        reg.slash(alice, COMPUTE, 0.35e18, "r"); // 7 tokens, 10 shares
        vm.prank(bob);
        reg.delegate(alice, 1); // floor(1 * 10 / 7) = 1 share, worth floor(8 / 11) = 0
        assertEq(reg.sharesOf(alice, bob), 1);
        vm.prank(bob);
        vm.expectEmit(true, true, false, true, address(reg));
        emit StakeRegistry.DustSharesBurned(alice, bob, 1);
        assertEq(reg.queueWithdrawal(alice, type(uint256).max), 0, "nothing queued");
        assertEq(reg.sharesOf(alice, bob), 0, "bob has left the pool");
        (StakeRegistry.Withdrawal memory w,) = reg.withdrawalOf(alice, bob);
        assertEq(w.shares, 0, "no withdrawal to complete");
        assertEq(reg.stakeOf(alice), 8, "the pool keeps the dust's value");
        // An active operator's own dust would take it below its minimum self stake: refused.
        vm.prank(slasher);
        reg.slash(alice, COMPUTE, 0.99e18, "r");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, 0, 1));
        reg.queueWithdrawal(alice, type(uint256).max);
    }

    // ------------------------------------------------------------ completeWithdrawal

    function test_completeWithdrawal_waitsForDelay() public {
        registerAlice(500e18);
        queue(alice, alice, 200e18);
        (StakeRegistry.Withdrawal memory w,) = registry.withdrawalOf(alice, alice);
        vm.warp(w.availableAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.WithdrawalNotReady.selector, w.availableAt));
        registry.completeWithdrawal(alice);

        vm.warp(w.availableAt); // exactly at availableAt
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.WithdrawalCompleted(alice, alice, 200e18);
        assertEq(complete(alice, alice), 200e18);
        assertEq(token.balanceOf(alice), 700e18);
        (StakeRegistry.Withdrawal memory after_, uint256 amount) = registry.withdrawalOf(alice, alice);
        assertEq(after_.shares, 0);
        assertEq(amount, 0);
        assertEq(registry.totalWithdrawn(), 200e18);
        assertEq(registry.totalPending(), 0);
        assertEq(pool(alice).pendingShares, 0);
        assertBooks(registry);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NoPendingWithdrawal.selector, alice, alice));
        registry.completeWithdrawal(alice);
    }

    function test_completeWithdrawal_noPending() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NoPendingWithdrawal.selector, alice, bob));
        registry.completeWithdrawal(alice);
    }

    function test_completeWithdrawal_heldByObligationsOpenWhenQueued() public {
        registerAlice(500e18);
        delegateTo(bob, alice, 300e18);
        uint64 seq = openAs(alice);
        queue(bob, alice, 300e18); // needs every obligation below seq 1 to end
        uint64 later = openAs(alice); // opened after queueing: does not hold the withdrawal
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, alice, uint64(0), uint64(1)));
        registry.completeWithdrawal(alice);
        closeAs(alice, seq);
        assertEq(registry.obligationLowWater(alice), 1);
        assertEq(registry.openObligations(alice), 1);
        assertEq(complete(bob, alice), 300e18);
        closeAs(alice, later);
    }

    function test_obligations_outOfOrderClosesAdvanceLowWater() public {
        registerAlice(500e18);
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.ObligationOpened(alice, 0, slasher);
        assertEq(openAs(alice), 0);
        assertEq(openAs(alice), 1);
        assertEq(openAs(alice), 2);
        assertEq(registry.nextObligationSeq(alice), 3);
        assertEq(registry.openObligations(alice), 3);
        queue(alice, alice, 100e18); // obligationSeq 3
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);

        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.ObligationClosed(alice, 1, 0);
        closeAs(alice, 1);
        assertEq(registry.obligationLowWater(alice), 0, "0 still open");
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.UnknownObligation.selector, alice, uint64(1)));
        registry.closeObligation(alice, 1); // closed twice
        closeAs(alice, 2);
        assertEq(registry.obligationLowWater(alice), 0);
        assertEq(registry.openObligations(alice), 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, alice, uint64(0), uint64(3)));
        registry.completeWithdrawal(alice);

        vm.expectEmit(true, false, false, true, address(registry));
        emit StakeRegistry.ObligationClosed(alice, 0, 3);
        closeAs(alice, 0);
        assertEq(registry.obligationLowWater(alice), 3, "jumps over the closed ones");
        assertEq(registry.openObligations(alice), 0);
        assertEq(complete(alice, alice), 100e18);

        vm.startPrank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.UnknownObligation.selector, alice, uint64(0)));
        registry.closeObligation(alice, 0); // below the low-water mark
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.UnknownObligation.selector, alice, uint64(3)));
        registry.closeObligation(alice, 3); // never opened
        vm.stopPrank();
        // later obligations keep counting from 3
        assertEq(openAs(alice), 3);
        closeAs(alice, 3);
        assertEq(registry.obligationLowWater(alice), 4);
    }

    function test_obligations_errors() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, bob));
        registry.openObligation(alice);
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.openObligation(alice);
        registerAlice(100e18);
        openAs(alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, bob));
        registry.closeObligation(alice, 0);
    }

    // ------------------------------------------------------------ slash

    function test_slash_takesFractionOfActiveAndPending() public {
        registerAlice(1_000e18);
        queue(alice, alice, 400e18);
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Slashed(alice, COMPUTE, 250e18, 150e18, 100e18, "liveness", slasher);
        vm.prank(slasher);
        uint256 slashed = registry.slash(alice, COMPUTE, 0.25e18, "liveness");

        assertEq(slashed, 250e18);
        assertEq(token.balanceOf(slasher), 250e18, "tokens go to the slasher");
        StakeRegistry.Pool memory p = pool(alice);
        assertEq(p.activeAmount, 450e18);
        assertEq(p.pendingAmount, 300e18);
        assertEq(p.activeShares, 600e18, "shares untouched");
        assertEq(registry.weightOf(alice, COMPUTE), 450e18);
        assertEq(registry.weightOf(alice, VERIFIER), 450e18, "one pool backs every role");
        assertEq(registry.totalSlashed(), 250e18);
        assertEq(registry.totalActive(), 450e18);
        assertEq(registry.totalPending(), 300e18);
        assertBooks(registry);

        // the slashed staker withdraws only what is left of its pending amount
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        assertEq(complete(alice, alice), 300e18);
        assertBooks(registry);
    }

    /// Each half rounds down on its own: 999 active, 7 pending, a third.
    function test_slash_roundingDown() public {
        StakeRegistry reg = localRegistry(1, 8, 0);
        approveFor(reg, alice);
        vm.startPrank(alice);
        reg.register(COMPUTE, aliceSigner, "", 1006);
        reg.queueWithdrawal(alice, 7);
        vm.stopPrank();
        vm.expectEmit(true, true, false, true, address(reg));
        emit StakeRegistry.Slashed(alice, COMPUTE, 334, 332, 2, "dispute", slasher);
        vm.prank(slasher);
        assertEq(reg.slash(alice, COMPUTE, 333333333333333333, "dispute"), 334);
        assertEq(reg.stakeOf(alice), 999 - 332);
        assertEq(reg.poolOf(alice).pendingAmount, 7 - 2);
        assertBooks(reg);
    }

    function test_slash_allocationFraction() public {
        registerAlice(1_000e18);
        vm.prank(alice);
        registry.setAllocation(COMPUTE, 0.5e18);
        // 20% of the 50% allocated = 10% of the pool
        assertEq(slashAs(alice, COMPUTE, 0.2e18), 100e18);
        // the VERIFIER allocation is still 100%
        assertEq(slashAs(alice, VERIFIER, 0.2e18), 180e18);
        // a role without allocation takes nothing and moves no tokens
        vm.expectEmit(true, true, false, true, address(registry));
        emit StakeRegistry.Slashed(alice, DA, 0, 0, 0, "test", slasher);
        assertEq(slashAs(alice, DA, 0.5e18), 0);
        assertEq(token.balanceOf(slasher), 280e18);
        assertBooks(registry);
    }

    function test_slash_delegatorsLoseProRata() public {
        registerAlice(100e18);
        delegateTo(bob, alice, 300e18);
        queue(bob, alice, 100e18);
        slashAs(alice, COMPUTE, 0.5e18);
        assertEq(registry.delegatedStake(alice, alice), 50e18);
        assertEq(registry.delegatedStake(alice, bob), 100e18);
        (, uint256 pendingBob) = registry.withdrawalOf(alice, bob);
        assertEq(pendingBob, 50e18, "the pending half is slashed too");
    }

    function test_slash_nearlyEverythingKeepsSharesValued() public {
        registerAlice(1_000e18);
        assertEq(slashAs(alice, COMPUTE, 1e18 - 1), 1_000e18 - 1_000);
        assertEq(registry.stakeOf(alice), 1_000);
        // further delegation still prices shares
        delegateTo(bob, alice, 1e18);
        assertEq(registry.sharesOf(alice, bob), 1e18 * 1_000e18 / 1_000);
        assertEq(registry.delegatedStake(alice, bob), 1e18);
    }

    function test_slash_exitedOperatorStaysSlashable() public {
        registerAlice(500e18);
        vm.prank(alice);
        registry.deregister();
        queue(alice, alice, type(uint256).max);
        assertEq(slashAs(alice, COMPUTE, 0.1e18), 50e18);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        assertEq(complete(alice, alice), 450e18);
    }

    function test_slash_errors() public {
        registerAlice(100e18);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, address(this)));
        registry.slash(alice, COMPUTE, 1, "x");
        vm.startPrank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidWad.selector, 1e18));
        registry.slash(alice, COMPUTE, 1e18, "x");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidWad.selector, 1e18 + 1));
        registry.slash(alice, COMPUTE, 1e18 + 1, "x");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(5)));
        registry.slash(alice, 5, 1, "x");
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, bob));
        registry.slash(bob, COMPUTE, 1, "x");
        vm.stopPrank();
    }

    function test_setSlasher_revokeThroughTimelock() public {
        registerAlice(100e18);
        bytes memory data = abi.encodeCall(StakeRegistry.setSlasher, (slasher, false));
        bytes32 salt = keccak256("revoke");
        vm.prank(admin);
        timelock.schedule(address(registry), 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        vm.prank(admin);
        vm.expectRevert(); // TimelockUnexpectedOperationState: not ready before the delay
        timelock.execute(address(registry), 0, data, bytes32(0), salt);
        assertTrue(registry.isSlasher(slasher), "unchanged until the delay has passed");
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.expectEmit(false, false, false, true, address(registry));
        emit StakeRegistry.SlasherSet(slasher, false);
        vm.prank(admin);
        timelock.execute(address(registry), 0, data, bytes32(0), salt);
        assertFalse(registry.isSlasher(slasher));
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, slasher));
        registry.slash(alice, COMPUTE, 1, "x");
        vm.prank(slasher);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotSlasher.selector, slasher));
        registry.openObligation(alice);
    }

    // ------------------------------------------------------------ weights, checkpoints, snapshots

    function test_weightAt_readsPastBlocks() public {
        uint256 b0 = block.number;
        registerAlice(100e18);
        vm.roll(b0 + 5);
        vm.prank(alice);
        registry.deposit(200e18);
        vm.roll(b0 + 8);
        queue(alice, alice, 50e18);
        vm.roll(b0 + 12);

        assertEq(registry.weightAt(alice, COMPUTE, b0 - 1), 0);
        assertEq(registry.weightAt(alice, COMPUTE, b0), 100e18);
        assertEq(registry.weightAt(alice, COMPUTE, b0 + 4), 100e18);
        assertEq(registry.weightAt(alice, COMPUTE, b0 + 5), 300e18);
        assertEq(registry.weightAt(alice, COMPUTE, b0 + 7), 300e18);
        assertEq(registry.weightAt(alice, COMPUTE, b0 + 8), 250e18);
        assertEq(registry.weightAt(alice, COMPUTE, block.number), 250e18);
        assertEq(registry.weightAt(alice, DA, b0 + 8), 0);
        assertEq(registry.totalWeightAt(COMPUTE, b0 + 4), 100e18);
        assertEq(registry.totalWeightAt(COMPUTE, b0 + 8), 250e18);
        assertEq(registry.totalWeightAt(VERIFIER, b0 + 5), 300e18);

        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.FutureBlock.selector, block.number + 1, block.number));
        registry.weightAt(alice, COMPUTE, block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.FutureBlock.selector, block.number + 1, block.number));
        registry.totalWeightAt(COMPUTE, block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.FutureBlock.selector, block.number + 1, block.number));
        registry.snapshotWeight(alice, COMPUTE, block.number + 1);
    }

    function test_totalWeight_sumsOperators() public {
        registerAlice(100e18);
        vm.prank(bob);
        registry.register(COMPUTE | DA, makeAddr("bob-signer"), "", 300e18);
        assertEq(registry.totalWeightAt(COMPUTE, block.number), 400e18);
        assertEq(registry.totalWeightAt(DA, block.number), 300e18);
        assertEq(registry.totalWeightAt(VERIFIER, block.number), 100e18);
        slashAs(bob, DA, 0.5e18);
        assertEq(registry.totalWeightAt(COMPUTE, block.number), 250e18, "a slash lowers every role of the pool");
    }

    /// snapshotWeight(b) = min(weightAt(b), weightAt(b - activationDelayBlocks)).
    function test_snapshotWeight_minRule() public {
        uint256 b0 = block.number;
        registerAlice(100e18);
        vm.roll(b0 + 5);
        delegateTo(bob, alice, 200e18); // 300 from b0+5
        vm.roll(b0 + 20);
        queue(bob, alice, 150e18); // 150 from b0+20
        vm.roll(b0 + 25);

        assertEq(registry.snapshotWeight(alice, COMPUTE, b0), 0, "new stake waits activationDelayBlocks");
        assertEq(registry.snapshotWeight(alice, COMPUTE, b0 + 9), 0);
        assertEq(registry.snapshotWeight(alice, COMPUTE, b0 + 10), 100e18);
        assertEq(registry.snapshotWeight(alice, COMPUTE, b0 + 12), 100e18, "the delegation is not active yet");
        assertEq(registry.snapshotWeight(alice, COMPUTE, b0 + 15), 300e18);
        assertEq(registry.snapshotWeight(alice, COMPUTE, b0 + 20), 150e18, "stake that left counts at once");
        assertEq(registry.snapshotTotalWeight(COMPUTE, b0 + 12), 100e18, "total ACTIVATION_DELAY earlier");
        assertEq(registry.snapshotTotalWeight(COMPUTE, b0 + 20), 300e18);
        assertTrue(registry.isEligibleAt(alice, COMPUTE, b0 + 10));
        assertFalse(registry.isEligibleAt(alice, COMPUTE, b0 + 9));
        // blocks within the first activationDelayBlocks have no earlier snapshot
        assertEq(registry.snapshotWeight(alice, COMPUTE, ACTIVATION_DELAY), 0);
        assertEq(registry.snapshotTotalWeight(COMPUTE, ACTIVATION_DELAY), 0);
    }

    function test_snapshotWeight_zeroActivationDelay() public {
        StakeRegistry.Config memory c = config(1, 8, 0);
        c.activationDelayBlocks = 0;
        StakeRegistry reg = new StakeRegistry(address(timelock), token, c);
        approveFor(reg, alice);
        vm.prank(alice);
        reg.register(COMPUTE, aliceSigner, "", 10);
        assertEq(reg.snapshotWeight(alice, COMPUTE, block.number), 10);
        assertEq(reg.snapshotTotalWeight(COMPUTE, block.number), 10);
    }

    function test_eligibleAt_snapshotCandidatesInActiveSetOrder() public {
        uint256 b0 = block.number;
        address a = operator("a", COMPUTE, 100e18);
        address b = operator("b", VERIFIER, 200e18);
        address c = operator("c", COMPUTE | DA, 300e18);
        address d = operator("d", COMPUTE, 150e18);
        vm.roll(b0 + 15);
        address late = operator("late", COMPUTE, 900e18); // after the snapshot's activation window
        vm.prank(d);
        registry.deregister(); // exited: not a candidate even with snapshot weight
        vm.roll(b0 + 20);

        (address[] memory ops, uint256[] memory ws) = registry.eligibleAt(COMPUTE, b0 + 12);
        assertEq(ops.length, 2);
        assertEq(ws.length, 2);
        assertEq(ops[0], a);
        assertEq(ws[0], 100e18);
        assertEq(ops[1], c);
        assertEq(ws[1], 300e18);

        vm.prank(address(timelock));
        registry.setMinStake(COMPUTE, 150e18);
        (ops, ws) = registry.eligibleAt(COMPUTE, b0 + 12);
        assertEq(ops.length, 1, "minStake applies");
        assertEq(ops[0], c);
        (ops,) = registry.eligibleAt(DA, b0 + 12);
        assertEq(ops.length, 1);
        assertEq(ops[0], c);
        assertFalse(registry.isEligibleAt(late, COMPUTE, b0 + 19));
        assertFalse(registry.isEligibleAt(b, COMPUTE, b0 + 12), "role not held");
    }

    function test_eligibleOperators_now() public {
        address a = operator("a", COMPUTE, 100e18);
        operator("b", VERIFIER, 200e18);
        address c = operator("c", COMPUTE | DA, 300e18);
        address d = operator("d", COMPUTE, 100e18);
        vm.prank(d);
        registry.setAllocation(COMPUTE, 0);
        (address[] memory ops, uint256[] memory ws) = registry.eligibleOperators(COMPUTE);
        assertEq(ops.length, 2);
        assertEq(ws.length, 2);
        assertEq(ops[0], a);
        assertEq(ws[0], 100e18);
        assertEq(ops[1], c);
        assertEq(ws[1], 300e18);
    }

    function test_isEligible_followsRolesAndMinStake() public {
        registerAlice(100e18);
        assertTrue(registry.isEligible(alice, COMPUTE));
        assertTrue(registry.isEligible(alice, VERIFIER));
        assertFalse(registry.isEligible(alice, DA), "role not held");
        assertFalse(registry.isEligible(bob, COMPUTE), "not registered");

        vm.expectEmit(false, false, false, true, address(registry));
        emit StakeRegistry.MinStakeSet(COMPUTE, 100e18 + 1);
        vm.prank(address(timelock));
        registry.setMinStake(COMPUTE, 100e18 + 1);
        assertEq(registry.minStake(COMPUTE), 100e18 + 1);
        assertFalse(registry.isEligible(alice, COMPUTE), "below min stake");
        assertTrue(registry.isEligible(alice, VERIFIER), "min stake is per role");
    }

    function test_roleArguments_mustBeSingleRole() public {
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(3)));
        registry.isEligible(alice, 3);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(0)));
        registry.minStake(0);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(16)));
        registry.eligibleOperators(16);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(12)));
        registry.weightOf(alice, 12);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(3)));
        registry.weightAt(alice, 3, 1);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(3)));
        registry.totalWeightAt(3, 1);
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.InvalidRole.selector, uint8(6)));
        registry.setMinStake(6, 1);
    }

    function test_views_unknownOperator() public {
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.NotRegistered.selector, alice));
        registry.signerOf(alice);
        assertEq(registry.stakeOf(alice), 0);
        assertEq(registry.slashableStake(alice), 0);
        assertEq(registry.delegatedStake(alice, bob), 0);
        assertEq(registry.operatorOfSigner(aliceSigner), address(0));
        assertEq(uint8(registry.getOperator(alice).status), STATUS_NONE);
        (StakeRegistry.Withdrawal memory w, uint256 amount) = registry.withdrawalOf(alice, bob);
        assertEq(w.shares, 0);
        assertEq(amount, 0);
        assertEq(registry.activeOperators().length, 0);
    }

    function test_admin_onlyOwner() public {
        // the deployer handed ownership to the timelock: it has no power left
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        registry.setSlasher(admin, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        registry.setMinStake(COMPUTE, 1);
        vm.stopPrank();
        vm.prank(address(timelock));
        vm.expectRevert(StakeRegistry.ZeroAddress.selector);
        registry.setSlasher(address(0), true);
    }

    // ------------------------------------------------------------ fuzz: share and pool arithmetic

    /// A slash never raises anyone's value, the stakers' values never add up to more than the pool,
    /// and the books stay exact.
    function testFuzz_slashNeverIncreasesValues(uint96 self_, uint96 bobAmt, uint96 carolAmt, uint64 wad, uint96 q)
        public
    {
        uint256 s = bound(self_, MIN_SELF_STAKE, 1_000e18);
        uint256 b = bound(bobAmt, 1, 1_000e18);
        uint256 c = bound(carolAmt, 1, 1_000e18);
        uint256 w = bound(wad, 0, 1e18 - 1);
        registerAlice(s);
        delegateTo(bob, alice, b);
        delegateTo(carol, alice, c);
        uint256 qb = bound(q, 0, b);
        if (qb != 0) queue(bob, alice, qb);

        uint256 va = registry.delegatedStake(alice, alice);
        uint256 vb = registry.delegatedStake(alice, bob);
        uint256 vc = registry.delegatedStake(alice, carol);
        (, uint256 pb) = registry.withdrawalOf(alice, bob);
        uint256 slashableBefore = registry.slashableStake(alice);

        uint256 slashed = slashAs(alice, COMPUTE, w);
        assertEq(registry.slashableStake(alice), slashableBefore - slashed);
        assertLe(slashed, slashableBefore * w / 1e18, "never more than the fraction");

        uint256 va2 = registry.delegatedStake(alice, alice);
        uint256 vb2 = registry.delegatedStake(alice, bob);
        uint256 vc2 = registry.delegatedStake(alice, carol);
        (, uint256 pb2) = registry.withdrawalOf(alice, bob);
        assertLe(va2, va, "alice");
        assertLe(vb2, vb, "bob");
        assertLe(vc2, vc, "carol");
        assertLe(pb2, pb, "bob pending");
        assertLe(va2 + vb2 + vc2, pool(alice).activeAmount, "values <= active pool");
        assertLe(pb2, pool(alice).pendingAmount, "pending values <= pending pool");
        assertBooks(registry);
    }

    /// Delegations, withdrawals and two slashes in any amounts: what is paid out never exceeds what
    /// the pool held, and every token is accounted for.
    function testFuzz_withdrawalsNeverPayMoreThanThePool(
        uint96 bobAmt,
        uint96 carolAmt,
        uint96 qBob,
        uint96 qCarol,
        uint64 wad1,
        uint64 wad2
    ) public {
        registerAlice(MIN_SELF_STAKE);
        uint256 b = bound(bobAmt, 1, 1_000e18);
        uint256 c = bound(carolAmt, 1, 1_000e18);
        delegateTo(bob, alice, b);
        slashAs(alice, COMPUTE, bound(wad1, 0, 1e18 - 1));
        delegateTo(carol, alice, c);

        uint256 mb = _queueSome(bob, qBob);
        uint256 mc = _queueSome(carol, qCarol);
        assertLe(mb, b, "bob never moves more than he put in");
        slashAs(alice, COMPUTE, bound(wad2, 0, 1e18 - 1));

        uint256 pendingPool = pool(alice).pendingAmount;
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        uint256 paid;
        if (mb != 0) paid += complete(bob, alice);
        if (mc != 0) paid += complete(carol, alice);
        assertLe(paid, pendingPool, "never more than the pending pool");
        assertLe(paid, mb + mc, "never more than was queued");
        assertBooks(registry);
        assertEq(registry.totalWithdrawn(), paid);
    }

    function _queueSome(address staker, uint96 seed) internal returns (uint256 moved) {
        uint256 v = registry.delegatedStake(alice, staker);
        if (v == 0) return 0;
        uint256 amount = bound(seed, 1, v);
        moved = queue(staker, alice, amount);
        assertGe(moved, amount, "at least the amount asked");
        assertLe(moved, v, "at most the value held");
    }

    /// Shares minted for a delegation are worth at most what was paid (no free value), and the
    /// earlier stakers keep at least their value.
    function testFuzz_delegateNeverDilutes(uint96 bobAmt, uint64 wad, uint96 carolAmt) public {
        registerAlice(MIN_SELF_STAKE);
        delegateTo(bob, alice, bound(bobAmt, 1, 1_000e18));
        slashAs(alice, COMPUTE, bound(wad, 0, 1e18 - 1));
        uint256 va = registry.delegatedStake(alice, alice);
        uint256 vb = registry.delegatedStake(alice, bob);
        uint256 c = bound(carolAmt, 1, 1_000e18);
        vm.prank(carol);
        try registry.delegate(alice, c) {
            assertLe(registry.delegatedStake(alice, carol), c, "carol gets no more than she paid");
            assertGe(registry.delegatedStake(alice, alice), va, "alice not diluted");
            assertGe(registry.delegatedStake(alice, bob), vb, "bob not diluted");
        } catch (bytes memory reason) {
            // only a delegation too small to buy one share is refused
            assertEq(bytes4(reason), StakeRegistry.ZeroAmount.selector, "unexpected revert");
        }
        assertLe(
            registry.delegatedStake(alice, alice) + registry.delegatedStake(alice, bob)
                + registry.delegatedStake(alice, carol),
            pool(alice).activeAmount,
            "values <= pool"
        );
        assertBooks(registry);
    }
}
