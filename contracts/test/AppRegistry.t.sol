// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract AppRegistryTest is SettlementFixture {
    address internal dev;
    address internal stranger;
    bytes32 internal constant DIGEST = keccak256("guest-v1");
    bytes32 internal constant DIGEST_2 = keccak256("guest-v2");

    function setUp() public override {
        super.setUp();
        dev = makeAddr("dev");
        stranger = makeAddr("stranger");
        vm.expectEmit(false, false, false, true, address(apps));
        emit AppRegistry.AllowlistSet(dev, true);
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, true);
    }

    function test_createApp_storesAppWithIdsFromOne() public {
        vm.expectEmit(true, true, false, true, address(apps));
        emit AppRegistry.AppCreated(1, dev, MODE_INTERSUBJECTIVE, DIGEST);
        vm.prank(dev);
        uint256 id = apps.createApp(MODE_INTERSUBJECTIVE, DIGEST, hex"c0ffee");
        assertEq(id, 1);
        vm.prank(dev);
        assertEq(apps.createApp(MODE_TEE, DIGEST, ""), 2);
        assertEq(apps.appCount(), 2);

        AppRegistry.App memory app = apps.getApp(1);
        assertEq(app.owner, dev);
        assertEq(app.mode, MODE_INTERSUBJECTIVE);
        assertEq(app.programDigest, DIGEST);
        assertEq(app.policy, hex"c0ffee");
        assertEq(app.version, 1);
        assertEq(apps.modeOf(2), MODE_TEE);
        assertTrue(apps.appExists(2));
        assertFalse(apps.appExists(3));
        (uint8 mode, bytes32 digest, uint32 version, address signer, address config) = apps.releaseOf(1);
        assertEq(mode, MODE_INTERSUBJECTIVE);
        assertEq(digest, DIGEST);
        assertEq(version, 1);
        assertEq(signer, address(0));
        assertEq(config, address(0));
    }

    /// REEXEC_OBJECTIVE apps are refused until governance enables mode 2 (with its court: ObjectiveCourtTest). ZK apps
    /// are proven (zk.md): the deployment enabled mode 3; mode 4 is nobody's until governance enables it.
    function test_createApp_onlyAvailableModes() public {
        vm.startPrank(dev);
        assertEq(apps.modeOf(apps.createApp(MODE_TEE, DIGEST, "")), MODE_TEE);
        assertEq(apps.modeOf(apps.createApp(MODE_INTERSUBJECTIVE, DIGEST, "")), MODE_INTERSUBJECTIVE);
        assertEq(apps.modeOf(apps.createApp(MODE_ZK, DIGEST, "")), MODE_ZK);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, DIGEST, "");
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, uint8(4)));
        apps.createApp(4, DIGEST, "");
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, uint8(255)));
        apps.createApp(255, DIGEST, "");
        vm.stopPrank();
        assertEq(apps.appCount(), 3);
    }

    function test_createApp_errors() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAllowlisted.selector, stranger));
        apps.createApp(MODE_TEE, DIGEST, "");

        vm.startPrank(dev);
        vm.expectRevert(AppRegistry.ZeroDigest.selector);
        apps.createApp(MODE_TEE, bytes32(0), "");
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.PolicyTooLarge.selector, 4097, 4096));
        apps.createApp(MODE_TEE, DIGEST, new bytes(4097));
        apps.createApp(MODE_TEE, DIGEST, new bytes(4096)); // exactly at the limit
        vm.stopPrank();
        assertEq(apps.appCount(), 1);
    }

    function test_permissionless_opensCreation() public {
        vm.expectEmit(false, false, false, true, address(apps));
        emit AppRegistry.PermissionlessSet(true);
        vm.prank(address(timelock));
        apps.setPermissionless(true);
        assertTrue(apps.permissionless());
        vm.prank(stranger);
        assertEq(apps.createApp(MODE_INTERSUBJECTIVE, DIGEST, ""), 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, DIGEST, "");

        governance(address(apps), abi.encodeCall(AppRegistry.setPermissionless, (false)));
        assertFalse(apps.permissionless());
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAllowlisted.selector, stranger));
        apps.createApp(MODE_TEE, DIGEST, "");
    }

    function test_allowlistRemoval() public {
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, false);
        assertFalse(apps.isAllowlisted(dev));
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAllowlisted.selector, dev));
        apps.createApp(MODE_TEE, DIGEST, "");
    }

    function test_upgradeApp_keepsIdAndBumpsVersion() public {
        vm.prank(dev);
        uint256 id = apps.createApp(MODE_INTERSUBJECTIVE, DIGEST, hex"01");
        vm.expectEmit(true, false, false, true, address(apps));
        emit AppRegistry.AppUpgraded(id, 2, DIGEST_2);
        vm.prank(dev);
        apps.upgradeApp(id, DIGEST_2, hex"0202");

        AppRegistry.App memory app = apps.getApp(id);
        assertEq(app.version, 2);
        assertEq(app.programDigest, DIGEST_2);
        assertEq(app.policy, hex"0202");
        assertEq(app.mode, MODE_INTERSUBJECTIVE, "mode is fixed");
        assertEq(apps.appCount(), 1);
        (, bytes32 digest, uint32 version,,) = apps.releaseOf(id);
        assertEq(digest, DIGEST_2);
        assertEq(version, 2);
        vm.prank(dev);
        apps.upgradeApp(id, DIGEST, "");
        assertEq(apps.getApp(id).version, 3);
    }

    function test_upgradeApp_errors() public {
        vm.prank(dev);
        uint256 id = apps.createApp(MODE_TEE, DIGEST, "");
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 9));
        apps.upgradeApp(9, DIGEST_2, "");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, id, stranger));
        apps.upgradeApp(id, DIGEST_2, "");
        vm.startPrank(dev);
        vm.expectRevert(AppRegistry.ZeroDigest.selector);
        apps.upgradeApp(id, bytes32(0), "");
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.PolicyTooLarge.selector, 5000, 4096));
        apps.upgradeApp(id, DIGEST_2, new bytes(5000));
        vm.stopPrank();
        assertEq(apps.getApp(id).version, 1, "unchanged");
    }

    function test_transferApp_movesOwnership() public {
        vm.prank(dev);
        uint256 id = apps.createApp(MODE_TEE, DIGEST, "");
        vm.expectEmit(true, true, true, true, address(apps));
        emit AppRegistry.AppTransferred(id, dev, stranger);
        vm.prank(dev);
        apps.transferApp(id, stranger);
        assertEq(apps.getApp(id).owner, stranger);

        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, id, dev));
        apps.upgradeApp(id, DIGEST_2, "");
        vm.prank(stranger);
        apps.upgradeApp(id, DIGEST_2, "");
        assertEq(apps.getApp(id).version, 2);
    }

    function test_transferApp_errors() public {
        vm.prank(dev);
        uint256 id = apps.createApp(MODE_TEE, DIGEST, "");
        vm.prank(dev);
        vm.expectRevert(AppRegistry.ZeroAddress.selector);
        apps.transferApp(id, address(0));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, id, stranger));
        apps.transferApp(id, stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 0));
        apps.transferApp(0, stranger);
    }

    function test_views_unknownApp() public {
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 1));
        apps.getApp(1);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 1));
        apps.modeOf(1);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 1));
        apps.releaseOf(1);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 1));
        apps.teeSignerOf(1);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 1));
        apps.appConfigOf(1);
        assertFalse(apps.appExists(1));
        assertEq(apps.appCount(), 0);
        assertEq(apps.MAX_POLICY_BYTES(), 4096);
    }

    function test_admin_onlyOwner() public {
        assertEq(apps.owner(), address(timelock));
        vm.startPrank(admin); // the deployer gave ownership away
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        apps.setAllowlisted(stranger, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        apps.setPermissionless(true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        apps.setModeEnabled(4, true);
        vm.stopPrank();
        vm.prank(address(timelock));
        vm.expectRevert(AppRegistry.ZeroAddress.selector);
        apps.setAllowlisted(address(0), true);
    }

    function test_setTeeSigner_ownerOfATeeAppOnly() public {
        vm.startPrank(dev);
        uint256 tee = apps.createApp(MODE_TEE, keccak256("artifact"), hex"01");
        uint256 reexec = apps.createApp(MODE_INTERSUBJECTIVE, keccak256("elf"), "");
        assertEq(apps.teeSignerOf(tee), address(0));
        vm.expectEmit(true, false, false, true, address(apps));
        emit AppRegistry.TeeSignerSet(tee, address(0xCAFE));
        apps.setTeeSigner(tee, address(0xCAFE));
        assertEq(apps.teeSignerOf(tee), address(0xCAFE));
        (,,, address signer,) = apps.releaseOf(tee);
        assertEq(signer, address(0xCAFE), "releaseOf carries the signer");
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotTeeApp.selector, reexec));
        apps.setTeeSigner(reexec, address(0xCAFE));
        // an upgrade keeps the signer: the KMS derives the wallet from the app id, not the release
        apps.upgradeApp(tee, keccak256("artifact v2"), hex"02");
        assertEq(apps.teeSignerOf(tee), address(0xCAFE));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 99));
        apps.setTeeSigner(99, address(0xCAFE));
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, tee, stranger));
        apps.setTeeSigner(tee, address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 99));
        apps.teeSignerOf(99);
    }
}
