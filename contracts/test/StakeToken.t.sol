// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice StakeToken supply rules: the owner (the timelock) or a minter it names mints until
///         finishMinting; afterwards the supply can only shrink.
contract StakeTokenTest is SettlementFixture {
    address internal faucet;
    address internal user;

    function setUp() public override {
        super.setUp();
        faucet = makeAddr("faucet");
        user = makeAddr("user");
    }

    function test_metadata() public view {
        assertEq(token.name(), "TrustDial Stake");
        assertEq(token.symbol(), "TDS");
        assertEq(token.decimals(), 18);
        assertEq(token.owner(), address(timelock), "handed to the timelock");
        assertEq(token.totalSupply(), 0);
        assertFalse(token.mintingFinished());
    }

    function test_mint_byOwnerAndMinters() public {
        vm.prank(address(timelock));
        token.mint(user, 5);
        assertEq(token.balanceOf(user), 5);

        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(StakeToken.NotMinter.selector, faucet));
        token.mint(user, 5);
        vm.prank(admin); // the deployer is no longer the owner
        vm.expectRevert(abi.encodeWithSelector(StakeToken.NotMinter.selector, admin));
        token.mint(user, 5);

        vm.expectEmit(true, false, false, true, address(token));
        emit StakeToken.MinterSet(faucet, true);
        vm.prank(address(timelock));
        token.setMinter(faucet, true);
        assertTrue(token.isMinter(faucet));
        vm.prank(faucet);
        token.mint(user, 7);
        assertEq(token.balanceOf(user), 12);
        assertEq(token.totalSupply(), 12);

        governance(address(token), abi.encodeCall(StakeToken.setMinter, (faucet, false)));
        assertFalse(token.isMinter(faucet));
        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(StakeToken.NotMinter.selector, faucet));
        token.mint(user, 1);
    }

    function test_burn_andBurnFrom() public {
        vm.prank(address(timelock));
        token.mint(user, 10);
        vm.prank(user);
        token.burn(2);
        assertEq(token.totalSupply(), 8);
        vm.prank(user);
        token.approve(faucet, 3);
        vm.prank(faucet);
        token.burnFrom(user, 3);
        assertEq(token.balanceOf(user), 5);
        assertEq(token.totalSupply(), 5);
        vm.prank(faucet);
        vm.expectRevert(); // ERC20InsufficientAllowance
        token.burnFrom(user, 1);
    }

    function test_finishMinting_endsMintingForGood() public {
        vm.prank(address(timelock));
        token.setMinter(faucet, true);
        vm.prank(address(timelock));
        token.mint(user, 100);

        vm.expectEmit(false, false, false, true, address(token));
        emit StakeToken.MintingClosed();
        vm.prank(address(timelock));
        token.finishMinting();
        assertTrue(token.mintingFinished());

        vm.prank(address(timelock));
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(user, 1);
        vm.prank(faucet);
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(user, 1);
        // naming a new minter changes nothing
        vm.prank(address(timelock));
        token.setMinter(user, true);
        vm.prank(user);
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(user, 1);
        // finishing twice is harmless; the supply only shrinks
        vm.prank(address(timelock));
        token.finishMinting();
        vm.prank(user);
        token.burn(40);
        assertEq(token.totalSupply(), 60);
    }

    function test_finishMinting_throughTheTimelock() public {
        governance(address(token), abi.encodeCall(StakeToken.finishMinting, ()));
        assertTrue(token.mintingFinished());
    }

    function test_admin_onlyOwner() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        token.setMinter(admin, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin));
        token.finishMinting();
        vm.stopPrank();
        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, faucet));
        token.setMinter(faucet, true);
        vm.prank(address(timelock));
        vm.expectRevert(StakeToken.ZeroAddress.selector);
        token.setMinter(address(0), true);
        assertFalse(token.mintingFinished());
    }

    function test_minterCannotAdminister() public {
        vm.prank(address(timelock));
        token.setMinter(faucet, true);
        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, faucet));
        token.finishMinting();
        vm.prank(faucet);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, faucet));
        token.setMinter(user, true);
    }
}
