// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What JobManager asks the REEXEC_OBJECTIVE court (mode 2) when an assignee submits a result
///         (docs/spec/objective.md §5): a view that checks the result and derives the commitment recorded.
interface IObjectiveCourt {
    /// @notice Checks a mode-2 result of `jobId` (the app config is an ObjectiveConfig for the pinned program, the
    ///         input is posted, `finalState` is a valid terminal vm.md §5 state of this job with step <= maxSteps,
    ///         `finalLeafProof` proves its hash as the rightmost stride leaf of `traceRoot`), reverting with the
    ///         court's own error otherwise.
    /// @return outputHash the vm.md §4.2 output digest of `finalState`
    /// @return finalStateHash keccak256(finalState)
    /// @return stepCount the final state's `step`
    function checkResult(
        uint256 jobId,
        bytes calldata finalState,
        bytes32 traceRoot,
        bytes32[] calldata finalLeafProof
    ) external view returns (bytes32 outputHash, bytes32 finalStateHash, uint64 stepCount);
}
