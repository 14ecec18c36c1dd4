// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "../base/Test.sol";
import {StakeToken} from "../../src/StakeToken.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {StakeHandler} from "./StakeHandler.sol";

contract StakeInvariantsTest is Test {
    StakeToken internal token;
    StakeRegistry internal registry;
    StakeHandler internal handler;

    function setUp() public {
        address admin = makeAddr("admin");
        vm.startPrank(admin);
        token = new StakeToken(admin);
        registry = new StakeRegistry(admin, token, 1 days, 0.3e18);
        registry.setSlasher(admin, true);
        vm.stopPrank();
        handler = new StakeHandler(token, registry, admin);
        targetContract(address(handler));
    }

    /// total stake + pending + withdrawn + burned + paid out == total deposited
    function invariant_tokenConservation() public view {
        uint256 accounted = registry.totalStaked() + registry.totalPending() + registry.totalWithdrawn()
            + registry.totalBurned() + registry.totalPaidOut();
        assertEq(accounted, registry.totalDeposited(), "registry books");
        assertEq(registry.totalDeposited(), handler.ghostTotalDeposited(), "deposits seen by the handler");
        assertEq(token.balanceOf(address(registry)), registry.totalStaked() + registry.totalPending(), "escrow");
        assertEq(token.balanceOf(registry.BURN_ADDRESS()), registry.totalBurned(), "burned");
        assertEq(token.balanceOf(handler.BENEFICIARY()), registry.totalPaidOut(), "paid out");
    }

    /// per operator: deposited - slashed == active + pending + withdrawn, so nobody withdraws more than remains
    function invariant_perOperatorBooks() public view {
        uint256 sumActive;
        uint256 sumPending;
        for (uint256 i; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            StakeRegistry.Operator memory o = registry.getOperator(op);
            sumActive += o.stake;
            sumPending += o.pendingWithdrawal;
            assertEq(
                o.stake + o.pendingWithdrawal + handler.ghostWithdrawn(op),
                handler.ghostDeposited(op) - handler.ghostSlashed(op),
                "operator books"
            );
            assertLe(handler.ghostWithdrawn(op), handler.ghostDeposited(op) - handler.ghostSlashed(op), "over-withdrawal");
        }
        assertEq(sumActive, registry.totalStaked(), "sum of active stake");
        assertEq(sumPending, registry.totalPending(), "sum of pending withdrawals");
    }

    /// the burn/payout split never gives a beneficiary more than its share of what was slashed
    function invariant_payoutShare() public view {
        uint256 slashed = registry.totalBurned() + registry.totalPaidOut();
        assertLe(registry.totalPaidOut(), slashed * 0.3e18 / 1e18, "payout share");
    }
}
