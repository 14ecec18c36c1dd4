// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ZERO_HASHES} from "./ZeroHashes.sol";

/// @title InputOracle
/// @notice Job inputs onchain (docs/spec/objective.md §3), ownerless and append-only (posting again is a no-op):
///         - as calldata: anyone posts a job's whole TDJOBIN1 envelope (docs/spec/job-input.md) and the oracle records,
///           under the envelope's keccak256 (a job's inputDigest), the vm.md §4.1 inputRoot and inputLength of its
///           input, computed here. The bytes stay retrievable from the posting transaction's calldata.
///         - as EIP-4844 blobs (§3.2): anyone posts the DA blob header of a job's envelope (da.md §4) in a type-3
///           transaction carrying that blob's sub-blobs as its blobs; the oracle checks each blob's versioned hash
///           against the header's KZG commitment and records, under the DA blob key (keccak256 of the header, a job's
///           inputBlobKey), the vm.md §4.1.1 blob-form inputRoot and the inputLength. A `read_input` step is then
///           proven with the point-evaluation precompile against those versioned hashes.
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
    mapping(bytes32 blobKey => Entry) private _blobEntries;

    /// @notice Most blobs one input may use (EIP-7594's per-transaction blob cap).
    uint256 public constant MAX_INPUT_BLOBS = 6;
    /// @notice DA payload bytes per blob (4096 field elements x 31 bytes; da.md §2).
    uint256 public constant PAYLOAD_PER_BLOB = 126_976;
    /// @notice The fixed part of a DA blob header: version(1) size(4) referenceBlock(8) expiry(8) count(2).
    uint256 public constant DA_HEADER_FIXED = 23;

    /// @notice The envelope is longer than MAX_ENVELOPE.
    error EnvelopeTooLarge(uint256 length, uint256 max);
    /// @notice Not a TDJOBIN1 envelope: shorter than the header, another magic, or an inputLength field that is not
    ///         the number of bytes after the header.
    error BadEnvelope();
    /// @notice No envelope with this digest was posted.
    error InputNotPosted(bytes32 digest);

    /// @notice Not a version-1 DA blob header of 1..MAX_INPUT_BLOBS sub-blobs holding a whole TDJOBIN1 envelope: bad
    ///         version or length, a count that is not S(size), or a size below the 52-byte envelope header.
    error BadBlobHeader();
    /// @notice The header's expiry has passed: DA nodes may have deleted the blob.
    error BlobHeaderExpired(uint64 expiry);
    /// @notice Blob `index` of the transaction is missing, or its versioned hash is not that of the header's
    ///         commitment `index` (for index = count: the transaction carries more blobs than the header names).
    error BlobMismatch(uint256 index);
    /// @notice No blob input with this DA blob key was posted.
    error BlobInputNotPosted(bytes32 blobKey);

    event InputPosted(bytes32 indexed digest, bytes32 inputRoot, uint32 inputLength, address indexed poster);
    event InputBlobsPosted(bytes32 indexed blobKey, bytes32 inputRoot, uint32 inputLength, uint8 blobs, address indexed poster);

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

    /// @notice Records the input whose envelope is the DA blob with header `header` (da.md §4), carried by this
    ///         type-3 transaction's blobs in order, under the blob key keccak256(header); a no-op (no event) when it
    ///         was posted before.
    function postInputBlobs(bytes calldata header) external returns (bytes32 blobKey) {
        if (header.length < DA_HEADER_FIXED || uint8(header[0]) != 1) revert BadBlobHeader();
        uint256 size = uint32(bytes4(header[1:5]));
        uint256 count = uint16(bytes2(header[21:23]));
        if (
            count == 0 || count > MAX_INPUT_BLOBS || header.length != DA_HEADER_FIXED + 48 * count || size < HEADER_BYTES
                || count != (4 + size + PAYLOAD_PER_BLOB - 1) / PAYLOAD_PER_BLOB
        ) revert BadBlobHeader();
        uint64 expiry = uint64(bytes8(header[13:21]));
        if (expiry <= block.timestamp) revert BlobHeaderExpired(expiry);
        bytes32[] memory hashes = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            uint256 at = DA_HEADER_FIXED + 48 * i;
            bytes32 h = sha256(header[at:at + 48]);
            h = (h & bytes32(type(uint256).max >> 8)) | bytes32(uint256(1) << 248);
            if (_blobHash(i) != h) revert BlobMismatch(i);
            hashes[i] = h;
        }
        if (_blobHash(count) != bytes32(0)) revert BlobMismatch(count);
        blobKey = keccak256(header);
        Entry storage e = _blobEntries[blobKey];
        if (e.postedBlock != 0) return blobKey;
        uint32 length = uint32(size - HEADER_BYTES);
        bytes32 root = blobInputRootOf(length, hashes);
        e.inputRoot = root;
        e.inputLength = length;
        e.postedBlock = uint64(block.number);
        emit InputBlobsPosted(blobKey, root, length, uint8(count), msg.sender);
    }

    /// @dev BLOBHASH(i) of this transaction (0 past its last blob). Virtual only so that forge tests, whose
    ///      gas-report mode runs each call as its own transaction without the test's blob hashes, can supply them;
    ///      the real opcode is exercised on anvil by the Java ITs (ObjectiveGameIT, ObjectiveCliIT).
    function _blobHash(uint256 i) internal view virtual returns (bytes32) {
        return blobhash(i);
    }

    /// @notice The blob input posted under DA blob key `blobKey`, or BlobInputNotPosted.
    function blobInputOf(bytes32 blobKey)
        external
        view
        returns (bytes32 inputRoot, uint32 inputLength, uint64 postedBlock)
    {
        Entry storage e = _blobEntries[blobKey];
        if (e.postedBlock == 0) revert BlobInputNotPosted(blobKey);
        return (e.inputRoot, e.inputLength, e.postedBlock);
    }

    function isBlobInputPosted(bytes32 blobKey) external view returns (bool) {
        return _blobEntries[blobKey].postedBlock != 0;
    }

    /// @notice vm.md §4.1.1: keccak256("TDVMBLOB" || u32 inputLength || u8 k || versionedHashes).
    function blobInputRootOf(uint32 inputLength, bytes32[] memory versionedHashes) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes8("TDVMBLOB"), inputLength, uint8(versionedHashes.length), versionedHashes));
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
