// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

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
    /// @dev Z0 .. Z27 (vm.md §2: Z0 = 32 zero bytes, Z(k+1) = keccak256(Z(k) || Z(k))), 32 bytes each.
    bytes internal constant ZERO_HASHES =
        hex"0000000000000000000000000000000000000000000000000000000000000000"
        hex"ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"
        hex"b4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"
        hex"21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85"
        hex"e58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344"
        hex"0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d"
        hex"887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968"
        hex"ffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83"
        hex"9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af"
        hex"cefad4e508c098b9a7e1d8feb19955fb02ba9675585078710969d3440f5054e0"
        hex"f9dc3e7fe016e050eff260334f18a5d4fe391d82092319f5964f2e2eb7c1c3a5"
        hex"f8b13a49e282f609c317a833fb8d976d11517c571d1221a265d25af778ecf892"
        hex"3490c6ceeb450aecdc82e28293031d10c7d73bf85e57bf041a97360aa2c5d99c"
        hex"c1df82d9c4b87413eae2ef048f94b4d3554cea73d92b0f7af96e0271c691e2bb"
        hex"5c67add7c6caf302256adedf7ab114da0acfe870d449a3a489f781d659e8becc"
        hex"da7bce9f4e8618b6bd2f4132ce798cdc7a60e7e1460a7299e3c6342a579626d2"
        hex"2733e50f526ec2fa19a22b31e8ed50f23cd1fdf94c9154ed3a7609a2f1ff981f"
        hex"e1d3b5c807b281e4683cc6d6315cf95b9ade8641defcb32372f1c126e398ef7a"
        hex"5a2dce0a8a7f68bb74560f8f71837c2c2ebbcbf7fffb42ae1896f13f7c7479a0"
        hex"b46a28b6f55540f89444f63de0378e3d121be09e06cc9ded1c20e65876d36aa0"
        hex"c65e9645644786b620e2dd2ad648ddfcbf4a7e5b1a3a4ecfe7f64667a3f0b7e2"
        hex"f4418588ed35a2458cffeb39b93d26f18d2ab13bdce6aee58e7b99359ec2dfd9"
        hex"5a9c16dc00d6ef18b7933a6f8dc65ccb55667138776f7dea101070dc8796e377"
        hex"4df84f40ae0c8229d0d6069e5c8f39a7c299677a09d367fc7b05e3bc380ee652"
        hex"cdc72595f74c7b1043d0e1ffbab734648c838dfb0527d971b602bc216c9619ef"
        hex"0abf5ac974a1ed57f4050aa510dd9c74f508277b39d7973bb2dfccc5eeb0618d"
        hex"b8cd74046ff337f0a7bf2c8e03e10f642c1886798d71806ab1e888d9e5ee87d0"
        hex"838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e";

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
