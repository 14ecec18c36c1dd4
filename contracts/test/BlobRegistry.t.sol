// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {BlobRegistry, IDaStakeView} from "../src/BlobRegistry.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @notice BlobRegistry v2 against a real StakeRegistry: attestations over the v2 digest (tag, chain
///         id, registry address, blob key), stake read at the header's referenceBlock, and every
///         refusal path.
contract BlobRegistryTest is SettlementFixture {
    uint16 internal constant THRESHOLD = 6667;
    uint64 internal constant MAX_AGE = 100;

    BlobRegistry internal blobs;
    uint256[] internal keys;
    address[] internal daOps;
    bytes internal subBlobCommitment = abi.encodePacked(bytes1(0xc0), new bytes(47));

    // docs/spec/da-vectors.json: header "hello" (size 5, referenceBlock 42, expiry 1800000000)
    bytes internal constant VECTOR_HEADER =
        hex"0100000005000000000000002a000000006b49d2000001aafc074b87d80562509ddc1a97fd37bf7fdb035fa195980f9178e6f5eb1a4d2f829f377cddd24fa288a04e9b922838d6";
    bytes32 internal constant VECTOR_BLOB_KEY = 0xd9b8a52a10fd2b53c6f5cbf8be7d04f8a86e2e63fd887b91c143c927fea72f9d;
    /// The v1 attestation digest: keccak256("trustdial-da-attestation-v1" || blobKey).
    bytes32 internal constant VECTOR_V1_DIGEST = 0x527bab58fead8726c63f459b8f760c5c0ba84bdd582c14ac839b5613dd7b1ba9;
    uint256 internal constant VECTOR_KEY_1 = 0x1111111111111111111111111111111111111111111111111111111111111111;
    uint256 internal constant VECTOR_KEY_2 = 0x2222222222222222222222222222222222222222222222222222222222222222;
    uint256 internal constant VECTOR_KEY_3 = 0x3333333333333333333333333333333333333333333333333333333333333333;
    // the v2 attestation domain of the vectors (attestation v2 in da-vectors.json)
    uint256 internal constant VECTOR_CHAIN_ID = 31337;
    address internal constant VECTOR_VERIFIER = 0xB1B1B1B1b1B1b1b1b1B1B1B1B1b1b1B1b1b1B1B1;
    bytes32 internal constant VECTOR_DIGEST = 0x83a444bc805e1fd25bc9872f8b681d6914d9cba80373e711cf5ae9ae4b2fdfdc;
    address internal constant VECTOR_SIGNER = 0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A;
    bytes internal constant VECTOR_SIGNATURE =
        hex"ec6172407954043e064f27292dce0934832dba480b3dd4f6f9634625f01566f45542da46514ef149fcc238705d66d3b6e9b944fcf483d9681c06c6e3302069741c";
    // the certificate's two signatures (operator indices 0 and 2: keys 0x22.., 0x33..), in signer order
    bytes internal constant VECTOR_CERT_SIGNATURES =
        hex"411b0a2df2058cd2ffc671953e67416d3013d89eb7a0d365b6aa1a7d84f90a24638f61d9643bb00d6f183eb1f3ec2afdedee597804242fbacdb27397c9a11e491b58d71c75e0620653691f91a9804e06ac360b7414ff40cf36281296b8328161956a1afa82ee4317407d9eee1557a0fa4ee3706f9f296737665fdec1af0624f4851b";

    function setUp() public override {
        super.setUp();
        blobs = new BlobRegistry(IDaStakeView(address(registry)), THRESHOLD, MAX_AGE);
        // four DA operators with 100/100/100/700 stake; keys[3] is the heavy one
        uint256[4] memory stakes = [uint256(100e18), 100e18, 100e18, 700e18];
        for (uint256 i; i < 4; ++i) {
            keys.push(0xA11CE + i);
            daOps.push(daOperator(registry, string.concat("da", vm.toString(i)), keys[i], stakes[i]));
        }
        mine(2);
    }

    function daOperator(StakeRegistry reg, string memory name, uint256 key, uint256 stake)
        internal
        returns (address op)
    {
        op = makeAddr(name);
        fund(op, stake);
        vm.startPrank(op);
        token.approve(address(reg), type(uint256).max);
        reg.register(DA, vm.addr(key), string.concat("http://", name, ".test"), stake);
        vm.stopPrank();
    }

    function header(uint32 size, uint64 refBlock, uint64 expiry) internal view returns (bytes memory) {
        return abi.encodePacked(uint8(1), size, refBlock, expiry, uint16(1), subBlobCommitment);
    }

    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, MessageHashUtils.toEthSignedMessageHash(digest));
        return abi.encodePacked(r, s, v);
    }

    function sign(BlobRegistry reg, uint256 key, bytes32 blobKey) internal view returns (bytes memory) {
        return signDigest(key, reg.attestationDigest(blobKey));
    }

    /// @dev Signatures by `signerKeys` over `reg`'s digest, sorted by ascending signer address.
    function signAllFor(BlobRegistry reg, uint256[] memory signerKeys, bytes32 blobKey)
        internal
        view
        returns (bytes memory out)
    {
        sortBySigner(signerKeys);
        for (uint256 i; i < signerKeys.length; ++i) {
            out = bytes.concat(out, sign(reg, signerKeys[i], blobKey));
        }
    }

    function signAll(uint256[] memory signerKeys, bytes32 blobKey) internal view returns (bytes memory) {
        return signAllFor(blobs, signerKeys, blobKey);
    }

    function sortBySigner(uint256[] memory k) internal pure {
        for (uint256 i; i < k.length; ++i) {
            for (uint256 j = i + 1; j < k.length; ++j) {
                if (vm.addr(k[j]) < vm.addr(k[i])) (k[i], k[j]) = (k[j], k[i]);
            }
        }
    }

    function pick(uint256 a, uint256 b, uint256 c) internal view returns (uint256[] memory k) {
        k = new uint256[](3);
        (k[0], k[1], k[2]) = (keys[a], keys[b], keys[c]);
    }

    function pair(uint256 a, uint256 b) internal pure returns (uint256[] memory k) {
        k = new uint256[](2);
        (k[0], k[1]) = (a, b);
    }

    function all() internal view returns (uint256[] memory k) {
        k = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            k[i] = keys[i];
        }
    }

    function validHeader() internal view returns (bytes memory) {
        return header(1000, uint64(block.number - 1), uint64(block.timestamp + 3600));
    }

    function recoverFrom(bytes32 digest, bytes memory sig) internal pure returns (address) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        return ecrecover(MessageHashUtils.toEthSignedMessageHash(digest), v, r, s);
    }

    // ------------------------------------------------------------ constructor and digest

    function test_constructor_validatesThreshold() public {
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InvalidThreshold.selector, uint16(0)));
        new BlobRegistry(IDaStakeView(address(registry)), 0, MAX_AGE);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InvalidThreshold.selector, uint16(10_001)));
        new BlobRegistry(IDaStakeView(address(registry)), 10_001, MAX_AGE);
        BlobRegistry full = new BlobRegistry(IDaStakeView(address(registry)), 10_000, MAX_AGE);
        assertEq(full.thresholdBps(), 10_000);
        assertEq(address(blobs.stakes()), address(registry));
        assertEq(blobs.thresholdBps(), THRESHOLD);
        assertEq(blobs.maxReferenceAge(), MAX_AGE);
    }

    function test_attestationDigest_bindsChainAndRegistry() public {
        bytes32 key = keccak256("blob");
        assertEq(blobs.ATTESTATION_TAG(), bytes27("trustdial-da-attestation-v2"));
        bytes32 d = blobs.attestationDigest(key);
        assertEq(d, keccak256(abi.encodePacked("trustdial-da-attestation-v2", block.chainid, address(blobs), key)));
        // 27 + 32 + 20 + 32 bytes
        assertEq(
            abi.encodePacked("trustdial-da-attestation-v2", block.chainid, address(blobs), key).length, 111, "packed"
        );
        BlobRegistry other = new BlobRegistry(IDaStakeView(address(registry)), THRESHOLD, MAX_AGE);
        assertNotEq(other.attestationDigest(key), d, "another registry, another digest");
        vm.chainId(block.chainid + 1);
        assertNotEq(blobs.attestationDigest(key), d, "another chain, another digest");
    }

    // ------------------------------------------------------------ acceptance

    function test_registersAValidCertificate() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        assertFalse(blobs.isAvailable(key));
        bytes memory sigs = signAll(all(), key);
        vm.expectEmit(true, false, false, true, address(blobs));
        emit BlobRegistry.BlobCertified(key, h, 1_000e18, 1_000e18);
        bytes32 got = blobs.register(h, sigs);
        assertEq(got, key);
        assertTrue(blobs.isAvailable(key));
        BlobRegistry.Blob memory b = blobs.blob(key);
        assertEq(uint256(b.size), 1000);
        assertEq(uint256(b.referenceBlock), block.number - 1);
        assertEq(uint256(b.commitmentCount), 1);
        assertEq(uint256(b.expiry), block.timestamp + 3600);
        assertTrue(b.registered);
        assertFalse(blobs.blob(keccak256("unknown")).registered);
    }

    function test_heavyPlusOneLightIsEnough() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        blobs.register(h, signAll(pair(keys[3], keys[0]), key));
        assertTrue(blobs.isAvailable(key));
    }

    function test_unavailableAfterExpiry() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        blobs.register(h, signAll(all(), key));
        vm.warp(block.timestamp + 3599);
        assertTrue(blobs.isAvailable(key));
        vm.warp(block.timestamp + 1);
        assertFalse(blobs.isAvailable(key));
    }

    // ------------------------------------------------------------ replay across deployments

    function test_refusesAttestationsForAnotherChain() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        // the heavy operator signs the digest this registry would have on another chain
        bytes32 foreign = keccak256(abi.encodePacked(blobs.ATTESTATION_TAG(), block.chainid + 1, address(blobs), key));
        bytes memory sig = signDigest(keys[3], foreign);
        address recovered = recoverFrom(blobs.attestationDigest(key), sig);
        assertNotEq(recovered, vm.addr(keys[3]), "does not recover to the signer here");
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, recovered));
        blobs.register(h, sig);

        // a whole certificate made on this chain does not verify after a chain split
        bytes memory sigs = signAll(all(), key);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(); // NotDaOperator (some recovered address) or SignersNotAscending
        blobs.register(h, sigs);
    }

    function test_refusesAttestationsForAnotherRegistry() public {
        BlobRegistry other = new BlobRegistry(IDaStakeView(address(registry)), THRESHOLD, MAX_AGE);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sig = sign(other, keys[3], key);
        address recovered = recoverFrom(blobs.attestationDigest(key), sig);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, recovered));
        blobs.register(h, sig);
        // the same certificate is good where it was made
        bytes memory sigs = signAllFor(other, all(), key);
        assertEq(other.register(h, sigs), key);
        assertFalse(blobs.isAvailable(key));
    }

    // ------------------------------------------------------------ stake at the reference block

    function test_stakeAddedAfterTheReferenceBlockDoesNotCount() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        // the three light operators triple up after the reference block: 3 x 300 of 1200 now
        for (uint256 i; i < 3; ++i) {
            fund(daOps[i], 200e18);
            vm.prank(daOps[i]);
            registry.deposit(200e18);
        }
        assertEq(registry.totalWeightAt(DA, block.number), 1_600e18);
        bytes memory sigs = signAll(pick(0, 1, 2), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientStake.selector, 300e18, 1_000e18));
        blobs.register(h, sigs);
        // a header with a later reference block sees the new stake: 900 of 1600 is still short
        mine(1);
        bytes memory h2 = validHeader();
        bytes memory sigs2 = signAll(pick(0, 1, 2), keccak256(h2));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientStake.selector, 900e18, 1_600e18));
        blobs.register(h2, sigs2);
    }

    function test_stakeRemovedAfterTheReferenceBlockStillCounts() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        vm.prank(daOps[3]);
        registry.queueWithdrawal(daOps[3], 600e18); // the heavy operator leaves after the reference block
        assertEq(registry.weightOf(daOps[3], DA), 100e18);
        bytes memory sigs = signAll(pair(keys[3], keys[0]), key);
        vm.expectEmit(true, false, false, true, address(blobs));
        emit BlobRegistry.BlobCertified(key, h, 800e18, 1_000e18);
        blobs.register(h, sigs);
        assertTrue(blobs.isAvailable(key));
    }

    function test_operatorRegisteredAfterTheReferenceBlockDoesNotCount() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256 lateKey = 0x1A7E;
        daOperator(registry, "late-da", lateKey, 5_000e18);
        bytes memory sigs = signAll(pair(keys[3], lateKey), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, vm.addr(lateKey)));
        blobs.register(h, sigs);
    }

    function test_refusesWithoutDaStakeAtTheReferenceBlock() public {
        // every DA operator registered at START_BLOCK: nothing was staked the block before
        bytes memory h = header(1000, uint64(START_BLOCK - 1), uint64(block.timestamp + 60));
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(all(), key);
        vm.expectRevert(BlobRegistry.NoDaStake.selector);
        blobs.register(h, sigs);
    }

    function test_refusesSignersBelowTheDaMinimum() public {
        vm.prank(address(timelock));
        registry.setMinStake(DA, 150e18);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(all(), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, firstLightSigner()));
        blobs.register(h, sigs);
        // the heavy operator alone still qualifies: 700 of 1000 and 89 chunks
        bytes memory heavy = sign(blobs, keys[3], key);
        vm.expectEmit(true, false, false, true, address(blobs));
        emit BlobRegistry.BlobCertified(key, h, 700e18, 1_000e18);
        blobs.register(h, heavy);
    }

    /// @dev The light operator (100) whose signer comes first in ascending address order.
    function firstLightSigner() internal view returns (address first) {
        for (uint256 i; i < 3; ++i) {
            address s = vm.addr(keys[i]);
            if (first == address(0) || s < first) first = s;
        }
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
        bytes memory sigs = signAll(pick(0, 1, 2), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientStake.selector, 300e18, 1_000e18));
        blobs.register(h, sigs);
    }

    function test_refusesSignersWhoseChunksCannotReconstruct() public {
        BlobRegistry lax = new BlobRegistry(IDaStakeView(address(registry)), 2500, MAX_AGE);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        // 3 x floor(128 * 100 / 1000) = 36 chunks < 64
        bytes memory sigs = signAllFor(lax, pick(0, 1, 2), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientChunks.selector, 36));
        lax.register(h, sigs);
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
        bytes memory sig = sign(blobs, keys[3], other);
        address wrongSigner = recoverFrom(blobs.attestationDigest(keccak256(h)), sig);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, wrongSigner));
        blobs.register(h, sig);
    }

    function test_refusesUnregisteredSigner() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        uint256 stranger = 0xBAD;
        uint256[] memory k = new uint256[](5);
        for (uint256 i; i < 4; ++i) {
            k[i] = keys[i];
        }
        k[4] = stranger;
        bytes memory sigs = signAll(k, key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, vm.addr(stranger)));
        blobs.register(h, sigs);
    }

    function test_refusesOperatorWithoutTheDaRole() public {
        uint256 computeKey = 0xC0FFEE;
        address op = makeAddr("compute");
        fund(op, 500e18);
        vm.prank(op);
        registry.register(COMPUTE, vm.addr(computeKey), "http://compute.test", 500e18);
        mine(1);
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory sigs = signAll(pair(keys[3], computeKey), key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, vm.addr(computeKey)));
        blobs.register(h, sigs);
    }

    function test_refusesDuplicateOrUnsortedSigners() public {
        bytes memory h = validHeader();
        bytes32 key = keccak256(h);
        bytes memory s = sign(blobs, keys[3], key);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.SignersNotAscending.selector, 1));
        blobs.register(h, bytes.concat(s, s));
        bytes memory sorted = signAll(pair(keys[3], keys[0]), key);
        bytes memory first = new bytes(65);
        bytes memory second = new bytes(65);
        for (uint256 i; i < 65; ++i) {
            first[i] = sorted[i];
            second[i] = sorted[65 + i];
        }
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.SignersNotAscending.selector, 1));
        blobs.register(h, bytes.concat(second, first));
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

    function test_refusesEmptySignatureList() public {
        bytes memory h = validHeader();
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.InsufficientStake.selector, 0, 1_000e18));
        blobs.register(h, "");
    }

    function test_refusesExpiredAndBadReferenceBlocks() public {
        bytes memory expired = header(1000, uint64(block.number - 1), uint64(block.timestamp));
        bytes memory sigsE = signAll(all(), keccak256(expired));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.Expired.selector, uint64(block.timestamp), block.timestamp));
        blobs.register(expired, sigsE);

        // referenceBlock must be a past block: the current one is refused too
        bytes memory current = header(1000, uint64(block.number), uint64(block.timestamp + 60));
        bytes memory sigsC = signAll(all(), keccak256(current));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.ReferenceBlockInFuture.selector, uint64(block.number), block.number)
        );
        blobs.register(current, sigsC);

        bytes memory future = header(1000, uint64(block.number + 1), uint64(block.timestamp + 60));
        bytes memory sigsF = signAll(all(), keccak256(future));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.ReferenceBlockInFuture.selector, uint64(block.number + 1), block.number)
        );
        blobs.register(future, sigsF);

        mine(MAX_AGE);
        bytes memory old = header(1000, uint64(block.number - MAX_AGE - 1), uint64(block.timestamp + 60));
        bytes memory sigsG = signAll(all(), keccak256(old));
        vm.expectRevert(
            abi.encodeWithSelector(
                BlobRegistry.ReferenceBlockTooOld.selector, uint64(block.number - MAX_AGE - 1), block.number
            )
        );
        blobs.register(old, sigsG);
        // exactly maxReferenceAge old is fine
        bytes memory oldest = header(1000, uint64(block.number - MAX_AGE), uint64(block.timestamp + 60));
        blobs.register(oldest, signAll(all(), keccak256(oldest)));
        assertTrue(blobs.isAvailable(keccak256(oldest)));
    }

    function test_refusesMalformedHeaders() public {
        bytes memory h = validHeader();
        bytes memory badVersion = bytes.concat(h);
        badVersion[0] = 0x02;
        bytes memory sigs1 = signAll(all(), keccak256(badVersion));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "version"));
        blobs.register(badVersion, sigs1);

        // 200000 bytes need two sub-blob commitments; the header carries one
        bytes memory wrongCount = header(200000, uint64(block.number - 1), uint64(block.timestamp + 60));
        bytes memory sigs2 = signAll(all(), keccak256(wrongCount));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "commitment count does not match size")
        );
        blobs.register(wrongCount, sigs2);

        bytes memory trailing = bytes.concat(h, hex"00");
        bytes memory sigs3 = signAll(all(), keccak256(trailing));
        vm.expectRevert(
            abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "length does not match commitment count")
        );
        blobs.register(trailing, sigs3);

        bytes memory huge = header(16 * 1024 * 1024 + 1, uint64(block.number - 1), uint64(block.timestamp + 60));
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.MalformedHeader.selector, "size over 16 MiB"));
        blobs.register(huge, "");

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

    // ------------------------------------------------------------ docs/spec/da-vectors.json

    /// The vector operator set (keys 0x11.., 0x22.., 0x33.. with stake 100/200/700, staked at block 40)
    /// in a registry of its own, and a BlobRegistry over it placed at the vectors' verifier address.
    function vectorNetwork() internal returns (BlobRegistry reg) {
        vm.roll(40);
        StakeRegistry stakes = new StakeRegistry(
            address(timelock),
            token,
            StakeRegistry.Config({
                withdrawalDelay: WITHDRAWAL_DELAY,
                activationDelayBlocks: ACTIVATION_DELAY,
                minSelfStake: MIN_SELF_STAKE,
                maxOperators: MAX_OPERATORS,
                churnBps: CHURN_BPS
            })
        );
        daOperator(stakes, "vec1", VECTOR_KEY_1, 100e18);
        daOperator(stakes, "vec2", VECTOR_KEY_2, 200e18);
        daOperator(stakes, "vec3", VECTOR_KEY_3, 700e18);
        BlobRegistry deployed = new BlobRegistry(IDaStakeView(address(stakes)), THRESHOLD, MAX_AGE);
        vm.etch(VECTOR_VERIFIER, address(deployed).code); // immutables live in the runtime code
        reg = BlobRegistry(VECTOR_VERIFIER);
        vm.roll(50); // the vector header references block 42
    }

    function test_specVector_headerAndBlobKey() public pure {
        assertEq(keccak256(VECTOR_HEADER), VECTOR_BLOB_KEY, "blob key of the vector header");
    }

    /// The vectors' attestation: domain (chain id 31337, verifier VECTOR_VERIFIER), its digest and the
    /// signature of key 0x11.. over it; the v1 digest no longer verifies.
    function test_specVector_attestation() public {
        assertEq(block.chainid, VECTOR_CHAIN_ID);
        BlobRegistry reg = vectorNetwork();
        bytes32 digest = reg.attestationDigest(VECTOR_BLOB_KEY);
        assertEq(digest, VECTOR_DIGEST, "v2 attestation digest");
        assertEq(recoverFrom(digest, VECTOR_SIGNATURE), VECTOR_SIGNER, "signature of key 0x11..");
        assertEq(vm.addr(VECTOR_KEY_1), VECTOR_SIGNER);
        assertNotEq(digest, VECTOR_V1_DIGEST, "the v1 digest no longer applies");
        bytes memory v1Sig = signDigest(VECTOR_KEY_1, VECTOR_V1_DIGEST);
        vm.expectRevert(abi.encodeWithSelector(BlobRegistry.NotDaOperator.selector, recoverFrom(digest, v1Sig)));
        reg.register(VECTOR_HEADER, v1Sig);
    }

    /// The vectors' certificate (keys 0x22.., 0x33..: 900 of 1000) registers at the vectors' verifier,
    /// and the same signatures are worthless at any other address.
    function test_specVector_certificate() public {
        BlobRegistry reg = vectorNetwork();
        BlobRegistry elsewhere = new BlobRegistry(reg.stakes(), THRESHOLD, MAX_AGE);
        vm.expectRevert(); // NotDaOperator: another verifier address, another digest
        elsewhere.register(VECTOR_HEADER, VECTOR_CERT_SIGNATURES);
        vm.expectEmit(true, false, false, true, address(reg));
        emit BlobRegistry.BlobCertified(VECTOR_BLOB_KEY, VECTOR_HEADER, 900e18, 1_000e18);
        assertEq(reg.register(VECTOR_HEADER, VECTOR_CERT_SIGNATURES), VECTOR_BLOB_KEY);
        BlobRegistry.Blob memory b = reg.blob(VECTOR_BLOB_KEY);
        assertEq(uint256(b.size), 5);
        assertEq(uint256(b.referenceBlock), 42);
        assertEq(uint256(b.expiry), 1_800_000_000);
        assertEq(uint256(b.commitmentCount), 1);
        // in-test signatures over the same digest agree with the vectors' (RFC 6979: deterministic)
        assertEq(signAllFor(reg, pair(VECTOR_KEY_2, VECTOR_KEY_3), VECTOR_BLOB_KEY), VECTOR_CERT_SIGNATURES);
    }
}
