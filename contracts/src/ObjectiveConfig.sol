// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ObjectiveConfig
/// @notice The per-app parameters of a REEXEC_OBJECTIVE app (docs/spec/objective.md §1), named by the app as its
///         `appConfig` (AppRegistry.setAppConfig) and pinned by each job: the program, its absolute prestate
///         (entry pc, memRoot of the loaded image, vm.md §3) under the app parameters `ramEnd` and `outputLimit`,
///         and the trace commitment's stride `2^strideLog2`. Immutable: a new release is a new contract.
contract ObjectiveConfig {
    /// @notice The lowest address of the RAM window (vm.md §2).
    uint32 public constant RAM_BASE = 0x00010000;
    /// @notice The largest ramEnd (vm.md §2).
    uint32 public constant MAX_RAM_END = 0x80000000;
    /// @notice The largest strideLog2 (objective.md §1).
    uint8 public constant MAX_STRIDE_LOG2 = 40;

    struct Params {
        bytes32 programDigest;
        uint32 entryPc;
        bytes32 imageRoot;
        uint32 ramEnd;
        uint32 outputLimit;
        uint8 strideLog2;
        bool blobInputs;
    }

    bytes32 public immutable programDigest;
    uint32 public immutable entryPc;
    bytes32 public immutable imageRoot;
    uint32 public immutable ramEnd;
    uint32 public immutable outputLimit;
    uint8 public immutable strideLog2;
    /// @notice Whether the app's job inputs go onchain as EIP-4844 blobs (InputOracle.postInputBlobs, keyed by the
    ///         job's DA blob key; vm.md §4.1.1) instead of as calldata (InputOracle.postInput, keyed by inputDigest).
    bool public immutable blobInputs;

    error ZeroDigest();
    /// @notice ramEnd is not a multiple of 4096 in (RAM_BASE, MAX_RAM_END].
    error BadRamEnd(uint32 ramEnd);
    /// @notice strideLog2 is above MAX_STRIDE_LOG2.
    error BadStrideLog2(uint8 strideLog2);

    constructor(
        bytes32 programDigest_,
        uint32 entryPc_,
        bytes32 imageRoot_,
        uint32 ramEnd_,
        uint32 outputLimit_,
        uint8 strideLog2_,
        bool blobInputs_
    ) {
        if (programDigest_ == bytes32(0)) revert ZeroDigest();
        if (ramEnd_ % 4096 != 0 || ramEnd_ <= RAM_BASE || ramEnd_ > MAX_RAM_END) revert BadRamEnd(ramEnd_);
        if (strideLog2_ > MAX_STRIDE_LOG2) revert BadStrideLog2(strideLog2_);
        programDigest = programDigest_;
        entryPc = entryPc_;
        imageRoot = imageRoot_;
        ramEnd = ramEnd_;
        outputLimit = outputLimit_;
        strideLog2 = strideLog2_;
        blobInputs = blobInputs_;
    }

    /// @notice Every field in one call (what the court reads).
    function params() external view returns (Params memory) {
        return Params(programDigest, entryPc, imageRoot, ramEnd, outputLimit, strideLog2, blobInputs);
    }
}
