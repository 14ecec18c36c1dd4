// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SettlementTimelock
/// @notice The governance owner of StakeToken, StakeRegistry, AppRegistry and JobManager: OpenZeppelin's
///         TimelockController with no admin, so every privileged call is scheduled by a proposer, waits at
///         least `minDelay` in public, and is then executed (DEPLOY.md lists the calls). Changing the delay
///         or the proposers is itself a timelocked call.
contract SettlementTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors)
        TimelockController(minDelay, proposers, executors, address(0))
    {}
}
