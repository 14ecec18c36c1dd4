// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @notice The StakeRegistry views the BlobRegistry reads.
interface IDaStakeView {
    function operatorOfSigner(address signer) external view returns (address);
    function weightAt(address operator, uint8 role, uint256 blockNumber) external view returns (uint256);
    function totalWeightAt(uint8 role, uint256 blockNumber) external view returns (uint256);
    function minStake(uint8 role) external view returns (uint256);
}

/// @title BlobRegistry
/// @notice Verifies DA certificates (docs/spec/da.md §6) and records blob key -> header fields.
///         A certificate is the blob header plus EIP-191 attestations of DA operators over
///         keccak256(abi.encodePacked("trustdial-da-attestation-v2", chainId, this registry, blobKey)),
///         ordered by ascending signer address, so an attestation counts on one deployment only.
///         Stake is read from the StakeRegistry's snapshot at the header's referenceBlock (which must
///         be a past block at most maxReferenceAge old): a certificate passes when the signers' DA
///         weight then reaches thresholdBps of the total DA weight then, and their floor chunk shares
///         (floor(128 * weight / total)) add up to at least 64 chunks.
contract BlobRegistry {
    uint8 public constant ROLE_DA = 2;
    uint8 public constant HEADER_VERSION = 1;
    uint256 public constant CHUNKS = 128;
    uint256 public constant RECONSTRUCTION_CHUNKS = 64;
    uint256 public constant MAX_BLOB_BYTES = 16 * 1024 * 1024;
    uint256 public constant PAYLOAD_PER_SUB_BLOB = 4096 * 31;
    uint256 public constant HEADER_FIXED_BYTES = 23;
    uint256 public constant COMMITMENT_BYTES = 48;
    uint256 public constant SIGNATURE_BYTES = 65;
    bytes27 public constant ATTESTATION_TAG = "trustdial-da-attestation-v2";

    struct Blob {
        uint32 size;
        uint64 referenceBlock;
        uint64 expiry;
        uint16 commitmentCount;
        bool registered;
    }

    IDaStakeView public immutable stakes;
    uint16 public immutable thresholdBps;
    uint64 public immutable maxReferenceAge;

    mapping(bytes32 blobKey => Blob) private _blobs;

    event BlobCertified(bytes32 indexed blobKey, bytes header, uint256 signedStake, uint256 totalStake);

    error MalformedHeader(string reason);
    error Expired(uint64 expiry, uint256 nowTime);
    error ReferenceBlockInFuture(uint64 referenceBlock, uint256 currentBlock);
    error ReferenceBlockTooOld(uint64 referenceBlock, uint256 currentBlock);
    error MalformedSignatures(uint256 length);
    error BadSignature(uint256 index);
    error SignersNotAscending(uint256 index);
    error NotDaOperator(address signer);
    error InsufficientStake(uint256 signedStake, uint256 totalStake);
    error InsufficientChunks(uint256 signerChunks);
    error AlreadyRegistered(bytes32 blobKey);
    error NoDaStake();
    error InvalidThreshold(uint16 thresholdBps);

    constructor(IDaStakeView stakes_, uint16 thresholdBps_, uint64 maxReferenceAge_) {
        if (thresholdBps_ == 0 || thresholdBps_ > 10_000) revert InvalidThreshold(thresholdBps_);
        stakes = stakes_;
        thresholdBps = thresholdBps_;
        maxReferenceAge = maxReferenceAge_;
    }

    /// @notice Verifies and records a certificate; returns its blob key.
    /// @param header the header encoding of docs/spec/da.md §4
    /// @param signatures 65-byte r || s || v attestations, ascending by signer address
    function register(bytes calldata header, bytes calldata signatures) external returns (bytes32 blobKey) {
        Blob memory b = _parseHeader(header);
        blobKey = keccak256(header);
        if (_blobs[blobKey].registered) revert AlreadyRegistered(blobKey);
        if (block.timestamp >= b.expiry) revert Expired(b.expiry, block.timestamp);
        if (b.referenceBlock >= block.number) revert ReferenceBlockInFuture(b.referenceBlock, block.number);
        if (block.number - b.referenceBlock > maxReferenceAge) {
            revert ReferenceBlockTooOld(b.referenceBlock, block.number);
        }
        (uint256 signed, uint256 total) = _checkSignatures(blobKey, b.referenceBlock, signatures);
        b.registered = true;
        _blobs[blobKey] = b;
        emit BlobCertified(blobKey, header, signed, total);
    }

    /// @notice True if a certificate for the key was registered and the blob has not expired.
    function isAvailable(bytes32 blobKey) external view returns (bool) {
        Blob storage b = _blobs[blobKey];
        return b.registered && block.timestamp < b.expiry;
    }

    function blob(bytes32 blobKey) external view returns (Blob memory) {
        return _blobs[blobKey];
    }

    /// @notice The digest a DA node signs (EIP-191) for a blob key.
    function attestationDigest(bytes32 blobKey) public view returns (bytes32) {
        return keccak256(abi.encodePacked(ATTESTATION_TAG, block.chainid, address(this), blobKey));
    }

    function _checkSignatures(bytes32 blobKey, uint64 referenceBlock, bytes calldata signatures)
        internal
        view
        returns (uint256 signed, uint256 total)
    {
        if (signatures.length % SIGNATURE_BYTES != 0) revert MalformedSignatures(signatures.length);
        total = stakes.totalWeightAt(ROLE_DA, referenceBlock);
        if (total == 0) revert NoDaStake();
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(attestationDigest(blobKey));
        uint256 chunks;
        address previous;
        uint256 n = signatures.length / SIGNATURE_BYTES;
        for (uint256 i; i < n; ++i) {
            (address signer, ECDSA.RecoverError err,) =
                ECDSA.tryRecoverCalldata(digest, signatures[i * SIGNATURE_BYTES:(i + 1) * SIGNATURE_BYTES]);
            if (err != ECDSA.RecoverError.NoError) revert BadSignature(i);
            if (signer <= previous) revert SignersNotAscending(i);
            previous = signer;
            uint256 weight = _daWeight(signer, referenceBlock);
            signed += weight;
            chunks += (weight * CHUNKS) / total;
        }
        if (signed * 10_000 < total * thresholdBps) revert InsufficientStake(signed, total);
        if (chunks < RECONSTRUCTION_CHUNKS) revert InsufficientChunks(chunks);
    }

    /// @dev The DA weight of the operator behind `signer` at the reference block; reverts unless it qualifies.
    function _daWeight(address signer, uint64 referenceBlock) internal view returns (uint256 weight) {
        address operator = stakes.operatorOfSigner(signer);
        weight = operator == address(0) ? 0 : stakes.weightAt(operator, ROLE_DA, referenceBlock);
        if (weight == 0 || weight < stakes.minStake(ROLE_DA)) revert NotDaOperator(signer);
    }

    function _parseHeader(bytes calldata h) internal pure returns (Blob memory b) {
        if (h.length < HEADER_FIXED_BYTES) revert MalformedHeader("shorter than 23 bytes");
        if (uint8(h[0]) != HEADER_VERSION) revert MalformedHeader("version");
        b.size = uint32(bytes4(h[1:5]));
        b.referenceBlock = uint64(bytes8(h[5:13]));
        b.expiry = uint64(bytes8(h[13:21]));
        b.commitmentCount = uint16(bytes2(h[21:23]));
        if (b.size > MAX_BLOB_BYTES) revert MalformedHeader("size over 16 MiB");
        uint256 want = (4 + uint256(b.size) + PAYLOAD_PER_SUB_BLOB - 1) / PAYLOAD_PER_SUB_BLOB;
        if (b.commitmentCount != want) revert MalformedHeader("commitment count does not match size");
        if (h.length != HEADER_FIXED_BYTES + COMMITMENT_BYTES * uint256(b.commitmentCount)) {
            revert MalformedHeader("length does not match commitment count");
        }
    }
}
