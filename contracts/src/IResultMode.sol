// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IResultMode
/// @notice A trust mode whose results are checked by a contract (docs/spec/modes.md §2): governance registers an
///         adapter under a mode code >= 3 (`JobManager.setModeAdapter`), an app of that mode names its per-app
///         config (`AppRegistry.setAppConfig`, e.g. its Groth16 verifier), a job pins both at submission, and the
///         assignee's `JobManager.submitCheckedResult` hands the adapter the job's own input and the submitted
///         output: the statement is JobManager's, the adapter only says whether the evidence proves it. An
///         accepted result is final in the same transaction.
/// @dev JobManager calls `checkResult` with `staticcall` and at most `JobManager.MODE_CHECK_GAS` gas. It accepts iff
///      the call succeeds and returns exactly 32 bytes holding 1 (`true`). A revert whose data is 4 to 1 024 bytes is
///      re-thrown by JobManager unchanged (so an adapter can say why: malformed words, a proof of the wrong length);
///      any other failure and any other return is `JobManager.ResultRefused(jobId)`.
interface IResultMode {
    /// @notice Checks a result of a job of this mode.
    /// @param jobId the job (an adapter may read it from JobManager, its caller; it changes nothing)
    /// @param programDigest the app's program digest pinned for the job (for a zkVM: the image id / program key)
    /// @param appConfig the per-app contract the app owner named, pinned for the job (e.g. its Groth16 verifier)
    /// @param input the job's input bytes: JobManager took them from the TDJOBIN1 envelope whose keccak256 is the
    ///        job's inputDigest (docs/spec/job-input.md)
    /// @param output the submitted output bytes; keccak256(output) becomes the job's outputHash
    /// @param evidence whatever the mode needs (e.g. a proof)
    /// @return accepted true to accept: the job is then final at once
    function checkResult(
        uint256 jobId,
        bytes32 programDigest,
        address appConfig,
        bytes calldata input,
        bytes calldata output,
        bytes calldata evidence
    ) external view returns (bool accepted);

    /// @notice A short name for UIs and logs, e.g. "groth16-snarkjs".
    function modeName() external view returns (string memory);
}
