// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What JobManager needs from a dispute court. Each challenge of a job's result is its own
///         dispute (several may be open against one result); the court decides each one and calls
///         JobManager.resolveDispute(disputeId, verdict).
interface IDisputeCourt {
    /// @dev uint8 in the ABI (docs/spec/settlement.md §5). OperatorWins, BothWrong and OperatorRefuted are also the
    ///      verdicts of the objective court (ObjectiveCourt), where they come from a bisection game, not a vote.
    enum Verdict {
        None,
        OperatorWins, // a majority of the votes cast confirmed the operator's commitment
        ChallengerWins, // ... the challenger's commitment
        BothWrong, // ... a third commitment: neither party computed the job right
        NoQuorum, // too little snapshot stake voted: nobody is slashed, and the result is dropped (job re-queued)
        NoMajority, // no commitment won more than half of the votes cast (ties included): same as NoQuorum
        OperatorRefuted // the objective court proved a step of the operator's trace wrong (docs/spec/objective.md §4.5)
    }

    function openDispute(
        uint256 disputeId,
        uint256 jobId,
        bytes32 operatorCommitment,
        bytes32 challengerCommitment,
        address operator,
        address challenger
    ) external;
}
