// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {InputOracle} from "../src/InputOracle.sol";
import {BlobHashOracle} from "./BlobHashOracle.sol";

/// @notice InputOracle (docs/spec/objective.md §3): the onchain inputRoot equals a plain reference implementation of
///         vm.md §4.1 (a full depth-27 tree over zero-padded 32-byte chunks, zero subtrees from Z(k)), the envelope
///         checks, the size limit and idempotence.
contract InputOracleTest is Test {
    InputOracle internal oracle;
    bytes32[28] internal z;

    event InputPosted(bytes32 indexed digest, bytes32 inputRoot, uint32 inputLength, address indexed poster);

    function setUp() public {
        oracle = new BlobHashOracle();
        for (uint256 l; l < 27; ++l) {
            z[l + 1] = keccak256(abi.encodePacked(z[l], z[l]));
        }
    }

    function envelope(bytes memory input) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes8("TDJOBIN1"), bytes32(uint256(0x11)), uint64(1), uint32(input.length), input);
    }

    function data(uint256 n) internal pure returns (bytes memory b) {
        b = new bytes(n);
        for (uint256 i; i < n; ++i) {
            b[i] = bytes1(uint8(uint256(keccak256(abi.encode(i))) % 255 + 1));
        }
    }

    /// @dev vm.md §4.1 the long way: the chunks padded to a power of two with zero leaves, hashed up, then hashed with
    ///      zero subtrees up to depth 27.
    function refRoot(bytes memory input) internal view returns (bytes32) {
        uint256 n = (input.length + 31) / 32;
        if (n == 0) return z[27];
        uint256 width = 1;
        uint256 depth;
        while (width < n) {
            width *= 2;
            ++depth;
        }
        bytes32[] memory level = new bytes32[](width);
        for (uint256 c; c < n; ++c) {
            bytes32 chunk;
            for (uint256 i; i < 32 && c * 32 + i < input.length; ++i) {
                chunk |= bytes32(input[c * 32 + i]) >> (8 * i);
            }
            level[c] = chunk;
        }
        for (uint256 w = width; w > 1; w /= 2) {
            for (uint256 i; i < w / 2; ++i) {
                level[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
            }
        }
        bytes32 root = level[0];
        for (uint256 l = depth; l < 27; ++l) {
            root = keccak256(abi.encodePacked(root, z[l]));
        }
        return root;
    }

    function test_inputRoot_matchesReference() public {
        uint256[7] memory sizes = [uint256(0), 1, 31, 32, 33, 1000, 65_536];
        for (uint256 k; k < sizes.length; ++k) {
            bytes memory input = data(sizes[k]);
            bytes memory env = envelope(input);
            bytes32 digest = oracle.postInput(env);
            assertEq(digest, keccak256(env));
            (bytes32 root, uint32 len, uint64 posted) = oracle.inputOf(digest);
            assertEq(root, refRoot(input), string.concat("root of ", vm.toString(sizes[k]), " bytes"));
            assertEq(len, sizes[k]);
            assertEq(posted, block.number);
        }
        assertEq(oracle.inputRootOf(""), oracle.EMPTY_ROOT());
        assertEq(oracle.EMPTY_ROOT(), z[27]);
        for (uint256 l; l <= 27; ++l) {
            assertEq(oracle.zeroHash(l), z[l]);
        }
    }

    function testFuzz_inputRoot(bytes memory input) public view {
        assertEq(oracle.inputRootOf(input), refRoot(input));
    }

    /// A single chunk: the chunk itself climbed with Z0..Z26 (vm.md §4.1 by hand).
    function test_inputRoot_singleChunkByHand() public view {
        bytes32 node = bytes32(bytes3(0x010203));
        for (uint256 l; l < 27; ++l) {
            node = keccak256(abi.encodePacked(node, z[l]));
        }
        assertEq(oracle.inputRootOf(hex"010203"), node);
    }

    function test_postInput_refusals() public {
        bytes memory big = envelope(new bytes(65_537));
        vm.expectRevert(abi.encodeWithSelector(InputOracle.EnvelopeTooLarge.selector, big.length, 65_588));
        oracle.postInput(big);
        vm.expectRevert(InputOracle.BadEnvelope.selector);
        oracle.postInput(new bytes(51));
        bytes memory bad = envelope(hex"0102");
        bad[0] = "X";
        vm.expectRevert(InputOracle.BadEnvelope.selector);
        oracle.postInput(bad);
        bytes memory lying = abi.encodePacked(bytes8("TDJOBIN1"), bytes32(0), uint64(1), uint32(3), hex"0102");
        vm.expectRevert(InputOracle.BadEnvelope.selector);
        oracle.postInput(lying);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.InputNotPosted.selector, keccak256("x")));
        oracle.inputOf(keccak256("x"));
        assertFalse(oracle.isPosted(keccak256("x")));
    }

    function test_postInput_idempotent() public {
        bytes memory env = envelope(hex"abcdef");
        vm.expectEmit(true, true, false, true, address(oracle));
        emit InputPosted(keccak256(env), refRoot(hex"abcdef"), 3, address(this));
        oracle.postInput(env);
        vm.roll(block.number + 5);
        vm.recordLogs();
        assertEq(oracle.postInput(env), keccak256(env));
        assertEq(vm.getRecordedLogs().length, 0, "no event the second time");
        (,, uint64 posted) = oracle.inputOf(keccak256(env));
        assertEq(posted, block.number - 5, "the first posting stays");
        assertTrue(oracle.isPosted(keccak256(env)));
    }

    // ---------------------------------------------------------------- blob inputs (objective.md §3.2)

    event InputBlobsPosted(bytes32 indexed blobKey, bytes32 inputRoot, uint32 inputLength, uint8 blobs, address indexed poster);

    /// @dev A version-1 DA blob header (da.md §4) for an envelope of `size` bytes with made-up commitments.
    function daHeader(uint32 size, uint64 expiry, uint16 count) internal pure returns (bytes memory h) {
        h = abi.encodePacked(uint8(1), size, uint64(7), expiry, count);
        for (uint256 i; i < count; ++i) {
            h = abi.encodePacked(h, keccak256(abi.encode("c", i)), bytes16(keccak256(abi.encode("d", i))));
        }
    }

    function versionedHashes(bytes memory header) internal pure returns (bytes32[] memory hs) {
        uint256 count = (header.length - 23) / 48;
        hs = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            bytes memory c = new bytes(48);
            for (uint256 j; j < 48; ++j) c[j] = header[23 + 48 * i + j];
            hs[i] = (sha256(c) & bytes32(type(uint256).max >> 8)) | bytes32(uint256(1) << 248);
        }
    }

    function test_postInputBlobs_recordsTheBlobFormRoot() public {
        vm.warp(1000);
        bytes memory h = daHeader(200_000, 5000, 2); // 4 + 200,000 payload bytes: two blobs
        bytes32[] memory hs = versionedHashes(h);
        BlobHashOracle(address(oracle)).setBlobHashes(hs);
        bytes32 root = keccak256(abi.encodePacked(bytes8("TDVMBLOB"), uint32(200_000 - 52), uint8(2), hs[0], hs[1]));
        assertEq(oracle.blobInputRootOf(200_000 - 52, hs), root);
        vm.expectEmit(true, true, false, true, address(oracle));
        emit InputBlobsPosted(keccak256(h), root, 200_000 - 52, 2, address(this));
        assertEq(oracle.postInputBlobs(h), keccak256(h));
        (bytes32 r, uint32 len, uint64 posted) = oracle.blobInputOf(keccak256(h));
        assertEq(r, root);
        assertEq(len, 200_000 - 52);
        assertEq(posted, block.number);
        vm.recordLogs();
        oracle.postInputBlobs(h);
        assertEq(vm.getRecordedLogs().length, 0, "posting again is a no-op");
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobInputNotPosted.selector, bytes32(uint256(1))));
        oracle.blobInputOf(bytes32(uint256(1)));
    }

    /// @notice Attacks: blobs that are not the header's (another blob, one missing, one extra), a header naming more
    ///         or fewer blobs than its size fills, a malformed or expired header. Each fails and records nothing.
    function test_postInputBlobs_refusals() public {
        vm.warp(1000);
        bytes memory h = daHeader(200_000, 5000, 2);
        bytes32[] memory hs = versionedHashes(h);
        bytes32[] memory wrong = new bytes32[](2);
        wrong[0] = hs[0];
        wrong[1] = hs[0];
        BlobHashOracle(address(oracle)).setBlobHashes(wrong);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobMismatch.selector, 1));
        oracle.postInputBlobs(h);
        bytes32[] memory one = new bytes32[](1);
        one[0] = hs[0];
        BlobHashOracle(address(oracle)).setBlobHashes(one);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobMismatch.selector, 1));
        oracle.postInputBlobs(h);
        bytes32[] memory three = new bytes32[](3);
        three[0] = hs[0];
        three[1] = hs[1];
        three[2] = hs[1];
        BlobHashOracle(address(oracle)).setBlobHashes(three);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobMismatch.selector, 2));
        oracle.postInputBlobs(h);
        BlobHashOracle(address(oracle)).setBlobHashes(hs);
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(daHeader(100_000, 5000, 2)); // fits one blob: count != S(size)
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(daHeader(51, 5000, 1)); // shorter than an envelope header
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(daHeader(900_000, 5000, 8)); // beyond six blobs
        bytes memory v2 = daHeader(200_000, 5000, 2);
        v2[0] = 0x02;
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(v2);
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(abi.encodePacked(h, uint8(0))); // a trailing byte
        vm.expectRevert(InputOracle.BadBlobHeader.selector);
        oracle.postInputBlobs(hex"01");
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobHeaderExpired.selector, uint64(1000)));
        oracle.postInputBlobs(daHeader(200_000, 1000, 2));
        assertFalse(oracle.isBlobInputPosted(keccak256(h)));
    }
}
