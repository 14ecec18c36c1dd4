// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What JobManager needs from a dispute court: open a dispute between two job commitments.
///         The court later calls JobManager.resolveDispute(jobId, operatorWins).
interface IDisputeCourt {
    function openDispute(uint256 jobId, bytes32 operatorCommitment, bytes32 challengerCommitment) external;
}
