// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "../base/Test.sol";
import {StakeToken} from "../../src/StakeToken.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";

/// @notice Drives StakeRegistry with random deposit / withdraw / slash / time steps for a fixed set of
///         operators, and keeps ghost books of what each operator put in, took out and lost.
contract StakeHandler is Test {
    StakeToken internal immutable token;
    StakeRegistry internal immutable registry;
    address internal immutable admin;

    address[] public operators;
    address public constant BENEFICIARY = address(0xBEEF);

    mapping(address => uint256) public ghostDeposited;
    mapping(address => uint256) public ghostWithdrawn;
    mapping(address => uint256) public ghostSlashed;
    uint256 public ghostTotalDeposited;
    uint256 public calls;

    constructor(StakeToken token_, StakeRegistry registry_, address admin_) {
        token = token_;
        registry = registry_;
        admin = admin_;
        for (uint256 i; i < 4; ++i) {
            address op = vm.addr(0xA000 + i);
            operators.push(op);
            vm.prank(op);
            registry.register(1, vm.addr(0xB000 + i), "");
            vm.prank(op);
            token.approve(address(registry), type(uint256).max);
        }
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function deposit(uint256 who, uint256 amount) external {
        address op = operators[who % operators.length];
        amount = bound(amount, 1, 1e30);
        vm.prank(admin);
        token.mint(op, amount);
        vm.prank(op);
        registry.deposit(amount);
        ghostDeposited[op] += amount;
        ghostTotalDeposited += amount;
        ++calls;
    }

    function requestWithdrawal(uint256 who, uint256 amount) external {
        address op = operators[who % operators.length];
        uint256 active = registry.stakeOf(op);
        if (active == 0) return;
        amount = bound(amount, 1, active);
        vm.prank(op);
        registry.requestWithdrawal(amount);
        ++calls;
    }

    function completeWithdrawal(uint256 who) external {
        address op = operators[who % operators.length];
        StakeRegistry.Operator memory o = registry.getOperator(op);
        if (o.pendingWithdrawal == 0) return;
        if (block.timestamp < o.withdrawableAt) vm.warp(o.withdrawableAt);
        uint256 before = token.balanceOf(op);
        vm.prank(op);
        registry.completeWithdrawal();
        ghostWithdrawn[op] += token.balanceOf(op) - before;
        ++calls;
    }

    function slash(uint256 who, uint256 wad, bool withBeneficiary) external {
        address op = operators[who % operators.length];
        wad = bound(wad, 0, 1e18);
        vm.prank(admin); // the admin is a registered slasher in the invariant setup
        uint256 slashed = registry.slash(op, wad, "fuzz", withBeneficiary ? BENEFICIARY : address(0));
        ghostSlashed[op] += slashed;
        ++calls;
    }

    function passTime(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 0, 3 days));
    }
}
