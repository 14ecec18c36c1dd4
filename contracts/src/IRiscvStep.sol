// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The onchain step function of the TrustDial VM (docs/spec/vm.md §6, §9.2): one RV32IM step of a valid
///         296-byte pre-state (vm.md §5), checked against the compressed memory/input proof. Every valid pre-state
///         with a good proof has an answer (the step function is total); a bad proof or an invalid pre-state reverts.
interface IRiscvStep {
    /// @return postStateHash keccak256 of the successor's vm.md §5 encoding
    /// @return status the successor's status: 0 running, 1 exited, 2 faulted
    function step(bytes calldata preState, bytes calldata proof)
        external
        view
        returns (bytes32 postStateHash, uint8 status);
}
