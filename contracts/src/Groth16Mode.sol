// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IResultMode} from "./IResultMode.sol";

/// @title Groth16Mode
/// @notice The ZK mode (code 3) as a result-mode adapter: a job's input and output are words (32-byte big-endian
///         integers), the public signals are the output words then the input words, and the app's config is the
///         Groth16 verifier snarkjs exported for its circuit (docs/spec/zk.md §1, §2, §4). Malformed words and a
///         malformed proof are reverted with a specific error; a well-formed proof the verifier does not accept
///         is `false`. Stateless and ownerless: one deployment serves every ZK app.
contract Groth16Mode is IResultMode {
    /// @notice Most public signals (input words + output words) of a job (docs/spec/zk.md §1).
    uint256 public constant MAX_ZK_SIGNALS = 64;
    /// @notice Gas the verifier call may use at most (snarkjs's Groth16 verifier needs about 0.2M plus about 7k
    ///         per public signal: under 0.7M at MAX_ZK_SIGNALS). Below JobManager.MODE_CHECK_GAS with room for
    ///         the checks and the calldata built here.
    uint256 public constant ZK_VERIFY_GAS = 1_500_000;
    /// @notice The evidence: the proof's 8 words in the verifier's order, abi.encode(uint256[8]) (256 bytes).
    uint256 public constant PROOF_BYTES = 256;
    /// @dev The BN254 scalar field order: every output word is below it.
    uint256 internal constant FIELD_ORDER =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The input or the output is not whole words, the output is empty, there are more than
    ///         MAX_ZK_SIGNALS words, or an output word is not below the field order.
    error BadZkWords(uint256 inputWords, uint256 outputWords);
    /// @notice The evidence is not PROOF_BYTES long.
    error BadZkProofLength(uint256 length);

    /// @inheritdoc IResultMode
    function modeName() external pure returns (string memory) {
        return "groth16-snarkjs";
    }

    /// @notice zk.md §4 steps 3–5: checks the words, then asks `verifier` (the app's config) whether `evidence`
    ///         proves the public signals `output ‖ input`. The verifier is called with staticcall, at most
    ///         ZK_VERIFY_GAS and the calldata selector(N) ‖ proof ‖ output words ‖ input words; it accepts iff the
    ///         call succeeds and returns exactly 32 bytes holding 1. `jobId` and `programDigest` are not used:
    ///         the verifier is the circuit.
    function checkResult(
        uint256,
        bytes32,
        address verifier,
        bytes calldata input,
        bytes calldata output,
        bytes calldata evidence
    ) external view returns (bool accepted) {
        uint256 n = signals(input, output);
        if (evidence.length != PROOF_BYTES) revert BadZkProofLength(evidence.length);
        // The verifier snarkjs exports takes static arguments only: its calldata is the words in order.
        bytes memory data = abi.encodePacked(zkSelector(n), evidence, output, input);
        assembly ("memory-safe") {
            // Only 32 bytes of return data are copied, whatever the verifier returns.
            accepted := staticcall(ZK_VERIFY_GAS, verifier, add(data, 0x20), mload(data), 0, 0x20)
            accepted := and(accepted, and(eq(returndatasize(), 0x20), eq(mload(0), 1)))
        }
    }

    /// @notice The number of public signals of (input, output), or BadZkWords (zk.md §1, §4 steps 3 and 4).
    function signals(bytes calldata input, bytes calldata output) public pure returns (uint256) {
        uint256 inputWords = input.length / 32;
        uint256 outputWords = output.length / 32;
        if (
            input.length % 32 != 0 || output.length % 32 != 0 || outputWords == 0
                || inputWords + outputWords > MAX_ZK_SIGNALS
        ) revert BadZkWords(inputWords, outputWords);
        for (uint256 i; i < output.length; i += 32) {
            if (uint256(bytes32(output[i:i + 32])) >= FIELD_ORDER) revert BadZkWords(inputWords, outputWords);
        }
        return inputWords + outputWords;
    }

    /// @notice The selector of snarkjs's Groth16 verifier for `n` public signals:
    ///         bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[<n>])")).
    function zkSelector(uint256 n) public pure returns (bytes4) {
        return bytes4(
            keccak256(
                abi.encodePacked("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", Strings.toString(n), "])")
            )
        );
    }
}
