// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ZERO_HASHES} from "./ZeroHashes.sol";

/// @title InputOracle
/// @notice Job inputs onchain as calldata (docs/spec/objective.md §3): anyone posts a job's whole TDJOBIN1 envelope
///         (docs/spec/job-input.md) and the oracle records, under the envelope's keccak256 (a job's inputDigest),
///         the vm.md §4.1 inputRoot and inputLength of its input, computed here. The bytes stay retrievable from the
///         posting transaction's calldata, which is what makes a `read_input` step provable by anyone. Ownerless,
///         append-only: posting an envelope again is a no-op.
contract InputOracle {
    /// @notice The longest envelope: 64 KiB of input plus the 52-byte header.
    uint256 public constant MAX_ENVELOPE = 65_588;
    /// @notice The TDJOBIN1 header: magic(8) programBlobKey(32) checkpointStride(8) inputLength(4).
    uint256 public constant HEADER_BYTES = 52;
    /// @notice The depth of the input chunk tree (vm.md §2, §4.1).
    uint256 public constant TREE_DEPTH = 27;
    /// @notice The empty input's root: Z27 (vm.md §2).
    bytes32 public constant EMPTY_ROOT = 0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e;
    bytes8 internal constant MAGIC = "TDJOBIN1";

    struct Entry {
        bytes32 inputRoot;
        uint32 inputLength;
        uint64 postedBlock; // 0: not posted
    }

    mapping(bytes32 digest => Entry) private _entries;

    /// @notice The envelope is longer than MAX_ENVELOPE.
    error EnvelopeTooLarge(uint256 length, uint256 max);
    /// @notice Not a TDJOBIN1 envelope: shorter than the header, another magic, or an inputLength field that is not
    ///         the number of bytes after the header.
    error BadEnvelope();
    /// @notice No envelope with this digest was posted.
    error InputNotPosted(bytes32 digest);

    event InputPosted(bytes32 indexed digest, bytes32 inputRoot, uint32 inputLength, address indexed poster);

    /// @notice Records `envelope` (checked, at most MAX_ENVELOPE bytes) under its keccak256; a no-op (no event) when
    ///         it was posted before.
    function postInput(bytes calldata envelope) external returns (bytes32 digest) {
        if (envelope.length > MAX_ENVELOPE) revert EnvelopeTooLarge(envelope.length, MAX_ENVELOPE);
        if (
            envelope.length < HEADER_BYTES || bytes8(envelope[:8]) != MAGIC
                || uint256(uint32(bytes4(envelope[48:52]))) != envelope.length - HEADER_BYTES
        ) revert BadEnvelope();
        digest = keccak256(envelope);
        Entry storage e = _entries[digest];
        if (e.postedBlock != 0) return digest;
        bytes32 root = inputRootOf(envelope[HEADER_BYTES:]);
        uint32 length = uint32(envelope.length - HEADER_BYTES);
        e.inputRoot = root;
        e.inputLength = length;
        e.postedBlock = uint64(block.number);
        emit InputPosted(digest, root, length, msg.sender);
    }

    /// @notice The entry of the envelope with keccak256 `digest`, or InputNotPosted.
    function inputOf(bytes32 digest) external view returns (bytes32 inputRoot, uint32 inputLength, uint64 postedBlock) {
        Entry storage e = _entries[digest];
        if (e.postedBlock == 0) revert InputNotPosted(digest);
        return (e.inputRoot, e.inputLength, e.postedBlock);
    }

    function isPosted(bytes32 digest) external view returns (bool) {
        return _entries[digest].postedBlock != 0;
    }

    /// @notice vm.md §4.1: the root of the depth-27 tree whose leaf c is the c-th 32-byte chunk of `input` (the last
    ///         one zero-padded; absent chunks are zero subtrees). Hashes only the chunks present and, per level, one
    ///         precomputed zero hash where a level has an odd number of nodes.
    function inputRootOf(bytes calldata input) public pure returns (bytes32 root) {
        uint256 n = (input.length + 31) / 32;
        if (n == 0) return EMPTY_ROOT;
        bytes memory zeros = ZERO_HASHES;
        assembly ("memory-safe") {
            // Temporary memory past the free memory pointer: n chunks and one spare slot for the odd node's sibling.
            let buf := mload(0x40)
            let len := input.length
            calldatacopy(buf, input.offset, len)
            mstore(add(buf, len), 0) // zero-pads the last chunk
            for { let level := 0 } lt(level, 27) { level := add(level, 1) } {
                if and(n, 1) {
                    mstore(add(buf, shl(5, n)), mload(add(zeros, shl(5, add(level, 1)))))
                    n := add(n, 1)
                }
                n := shr(1, n)
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    mstore(add(buf, shl(5, i)), keccak256(add(buf, shl(6, i)), 64))
                }
            }
            root := mload(buf)
        }
    }

    /// @notice Z`level` (vm.md §2), 0 <= level <= 27.
    function zeroHash(uint256 level) external pure returns (bytes32 z) {
        require(level <= TREE_DEPTH);
        bytes memory zeros = ZERO_HASHES;
        assembly ("memory-safe") {
            z := mload(add(zeros, shl(5, add(level, 1))))
        }
    }
}
