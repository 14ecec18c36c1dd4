// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {BlobRegistry, IDaStakeView} from "../src/BlobRegistry.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @notice BlobRegistry against a real StakeRegistry: valid certificates, the docs/spec/da.md
///         vectors produced by the Java implementation, and every refusal path.
contract BlobRegistryTest is SettlementFixture {
    uint16 internal constant THRESHOLD = 6667;
    uint64 internal constant MAX_AGE = 100;

    BlobRegistry internal blobs;
    uint256[] internal keys;
    bytes internal commitment = abi.encodePacked(bytes1(0xc0), new bytes(47));

    // docs/spec/da-vectors.json: header "hello" (size 5, referenceBlock 42, expiry 1800000000)
    bytes internal constant VECTOR_HEADER =
        hex"0100000005000000000000002a000000006b49d2000001aafc074b87d80562509ddc1a97fd37bf7fdb035fa195980f9178e6f5eb1a4d2f829f377cddd24fa288a04e9b922838d6";
    bytes32 internal constant VECTOR_BLOB_KEY = 0xd9b8a52a10fd2b53c6f5cbf8be7d04f8a86e2e63fd887b91c143c927fea72f9d;
    bytes32 internal constant VECTOR_DIGEST = 0x527bab58fead8726c63f459b8f760c5c0ba84bdd582c14ac839b5613dd7b1ba9;
    // the vector certificate's signatures (keys 0x22..22 and 0x33..33), ascending by signer
    bytes internal constant VECTOR_SIGNATURES =
        hex"0db43c262436c74b96f583b2beac62a8830c95df96979966b04a9eac42ae337a6d9570f51f6a9927a140db115fe08398afbc37c18dd0932ff1d614b6d473d7471bbd9a9948f23ff8e89bdfb25283e89055fd3de1be607dfec3873fb748d5d1d03608fcf0c9cbb531b162ed328b80f6d349b36dd4afa72c40185297ec83e0ace88b1b";

    function setUp() public override {
        super.setUp();
        blobs = new BlobRegistry(IDaStakeView(address(registry)), THRESHOLD, MAX_AGE);
        // four DA operators with 10/10/10/70 stake; keys[3] is the heavy one
        uint256[4] memory stakes = [uint256(10e18), 10e18, 10e18, 70e18];
        for (uint256 i; i < 4; ++i) {
            keys.push(0xA11CE + i);
            daOperator(string.concat("da", vm.toString(i)), keys[i], stakes[i]);
        }
        vm.roll(1000);
    }

    function daOperator(string memory name, uint256 key, uint256 stake) internal returns (address op) {
        op = makeAddr(name);
        fund(op, stake);
        vm.startPrank(op);
        registry.register(DA, vm.addr(key), string.concat("http://", name, ".test"));
        registry.deposit(stake);
        vm.stopPrank();
    }

    function header(uint32 size, uint64 refBlock, uint64 expiry) internal view returns (bytes memory) {
        return abi.encodePacked(uint8(1), size, refBlock, expiry, uint16(1), commitment);
    }

    function sign(uint256 key, bytes32 blobKey) internal view returns (bytes memory) {
        bytes32 d = MessageHashUtils.toEthSignedMessageHash(blobs.attestationDigest(blobKey));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, d);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signatures by `signerKeys`, sorted by ascending signer address as the spec requires.
    function signAll(uint256[] memory signerKeys, bytes32 blobKey) internal view returns (bytes memory out) {
        uint256 n = signerKeys.length;
        for (uint256 i; i < n; ++i) {
            for (uint256 j = i + 1; j < n; ++j) {
                if (vm.addr(signerKeys[j]) < vm.addr(signerKeys[i])) {
                    (signerKeys[i], signerKeys[j]) = (signerKeys[j], signerKeys[i]);
                }
            }
        }
        for (uint256 i; i < n; ++i) {
            out = bytes.concat(out, sign(signerKeys[i], blobKey));
        }
    }

    function only(uint256 a, uint256 b, uint256 c) internal view returns (uint256[] memory k) {
        k = new uint256[](3);
        (k[0], k[1], k[2]) = (keys[a], keys[b], keys[c]);
    }

    function all() internal view returns (uint256[] memory k) {
        k = new uint256[](4);
        for (uint256 i; i < 4; ++i) k[i] = keys[i];
    }

    function validHeader() internal view returns (bytes memory) {
        return header(1000, uint64(block.number - 1), uint64(block.timestamp + 3600));
    }

    // ------------------------------------------------------------ acceptance

    function test_registersAValidCertificate() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        assertFalse(blobs.isAvailable(key));
        bytes32 got = blobs.register(h, signAll(all(), key));
        assertEq(got, key);
        assertTrue(blobs.isAvailable(key));
        BlobRegistry.Blob memory b = blobs.blob(key);
        assertEq(uint256(b.size), 1000);
        assertEq(uint256(b.commitmentCount), 1);
        assertEq(uint256(b.expiry), block.timestamp + 3600);
    }

    function test_heavyPlusOneLightIsEnough() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256[] memory k = new uint256[](2);
        (k[0], k[1]) = (keys[3], keys[0]);
        blobs.register(h, signAll(k, key));
        assertTrue(blobs.isAvailable(key));
    }

    function test_unavailableAfterExpiry() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        blobs.register(h, signAll(all(), key));
        vm.warp(block.timestamp + 3600);
        assertFalse(blobs.isAvailable(key));
    }

    /// @dev The Java implementation's vectors: same blob key, digest, and its signatures verify here.
    function test_specVectorsFromTheJavaImplementation() public {
        assertEq(keccak256(VECTOR_HEADER), VECTOR_BLOB_KEY);
        assertEq(blobs.attestationDigest(VECTOR_BLOB_KEY), VECTOR_DIGEST);
        BlobRegistry fresh = vectorNetwork();
        vm.roll(50); // the vector header references block 42
        bytes32 key = fresh.register(VECTOR_HEADER, VECTOR_SIGNATURES);
        assertEq(key, VECTOR_BLOB_KEY);
        assertTrue(fresh.isAvailable(key));
    }

    /// @dev The vector operator set (keys 0x11.., 0x22.., 0x33.. with stake 100/200/700) alone.
    function vectorNetwork() internal returns (BlobRegistry) {
        SettlementFixture.setUp();
        daOperator("v1", uint256(0x1111111111111111111111111111111111111111111111111111111111111111), 100e18);
        daOperator("v2", uint256(0x2222222222222222222222222222222222222222222222222222222222222222), 200e18);
        daOperator("v3", uint256(0x3333333333333333333333333333333333333333333333333333333333333333), 700e18);
        return new BlobRegistry(IDaStakeView(address(registry)), THRESHOLD, MAX_AGE);
    }

    // ------------------------------------------------------------ refusals

    function test_refusesReplay() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(all(), key);
        blobs.register(h, sigs);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.AlreadyRegistered.selector, key));
        blobs.register(h, sigs);
    }

    function test_refusesInsufficientStake() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory signedA = signAll(only(0, 1, 2), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientStake.selector, 30e18, 100e18));
        blobs.register(h, signedA);
    }

    function test_refusesSignersWhoseChunksCannotReconstruct() public {
        BlobRegistry lax = new BlobRegistry(IDaStakeView(address(registry)), 2500, MAX_AGE);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        // 3 x floor(128 * 10 / 100) = 36 chunks < 64
        bytes memory signedB = signAll(only(0, 1, 2), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientChunks.selector, 36));
        lax.register(h, signedB);
    }

    function test_refusesForgedSignature() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(all(), key);
        sigs[10] ^= 0x01; // r of the first signature: recovers to some other address, or to none
        vm.expectRevert();
        blobs.register(h, sigs);
    }

    function test_refusesSignatureOverAnotherBlob() public {
        bytes memory h = validHeader();
        bytes32 other = keccak256("another blob");
        bytes memory sig = sign(keys[3], other);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(keys[3], MessageHashUtils.toEthSignedMessageHash(blobs.attestationDigest(other)));
        address wrongSigner =
            ecrecover(MessageHashUtils.toEthSignedMessageHash(blobs.attestationDigest(keccak256(h))), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, wrongSigner));
        blobs.register(h, sig);
    }

    function test_refusesUnregisteredSigner() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256 stranger = 0xBAD;
        uint256[] memory k = new uint256[](5);
        for (uint256 i; i < 4; ++i) k[i] = keys[i];
        k[4] = stranger;
        bytes memory signedC = signAll(k, key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, vm.addr(stranger)));
        blobs.register(h, signedC);
    }

    function test_refusesOperatorWithoutTheDaRole() public {
        uint256 computeKey = 0xC0FFEE;
        address op = makeAddr("compute");
        fund(op, 500e18);
        vm.startPrank(op);
        registry.register(COMPUTE, vm.addr(computeKey), "http://compute.test");
        registry.deposit(500e18);
        vm.stopPrank();
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256[] memory k = new uint256[](2);
        (k[0], k[1]) = (keys[3], computeKey);
        bytes memory signedD = signAll(k, key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, vm.addr(computeKey)));
        blobs.register(h, signedD);
    }

    function test_refusesDuplicateOrUnsortedSigners() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory s = sign(keys[3], key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.SignersNotAscending.selector, 1));
        blobs.register(h, bytes.concat(s, s));
    }

    function test_refusesMalformedSignatures() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(all(), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.MalformedSignatures.selector, 64));
        blobs.register(h, new bytes(64));
        sigs[64] = bytes1(uint8(30)); // v of the first signature
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.BadSignature.selector, 0));
        blobs.register(h, sigs);
    }

    function test_refusesExpiredAndBadReferenceBlocks() public {
        bytes memory expired = header(1000, uint64(block.number - 1), uint64(block.timestamp));
        bytes memory signedE = signAll(all(), keccak256(expired));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.Expired.selector, uint64(block.timestamp), block.timestamp));
        blobs.register(expired, signedE);

        bytes memory future = header(1000, uint64(block.number + 1), uint64(block.timestamp + 60));
        bytes memory signedF = signAll(all(), keccak256(future));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.ReferenceBlockInFuture.selector, uint64(block.number + 1), block.number)
        );
        blobs.register(future, signedF);

        bytes memory old = header(1000, uint64(block.number - MAX_AGE - 1), uint64(block.timestamp + 60));
        bytes memory signedG = signAll(all(), keccak256(old));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.ReferenceBlockTooOld.selector, uint64(block.number - MAX_AGE - 1), block.number)
        );
        blobs.register(old, signedG);
    }

    function test_refusesMalformedHeaders() public {
        bytes memory h = validHeader();
        bytes memory badVersion = bytes.concat(h);
        badVersion[0] = 0x02;
        bytes memory signedH = signAll(all(), keccak256(badVersion));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "version"));
        blobs.register(badVersion, signedH);

        // 200000 bytes need two sub-blob commitments; the header carries one
        bytes memory wrongCount = header(200000, uint64(block.number - 1), uint64(block.timestamp + 60));
        bytes memory signedI = signAll(all(), keccak256(wrongCount));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "commitment count does not match size")
        );
        blobs.register(wrongCount, signedI);

        bytes memory trailing = bytes.concat(h, hex"00");
        bytes memory signedJ = signAll(all(), keccak256(trailing));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "length does not match commitment count")
        );
        blobs.register(trailing, signedJ);

        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "shorter than 23 bytes"));
        blobs.register(hex"01", "");
    }

    function testFuzz_anyThreeOfFourWithTheHeavyOnePass(uint8 skip) public {
        uint256 skipped = bound(skip, 0, 2);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256[] memory k = new uint256[](3);
        uint256 m;
        for (uint256 i; i < 4; ++i) {
            if (i != skipped) k[m++] = keys[i];
        }
        blobs.register(h, signAll(k, key));
        assertTrue(blobs.isAvailable(key));
    }
}
