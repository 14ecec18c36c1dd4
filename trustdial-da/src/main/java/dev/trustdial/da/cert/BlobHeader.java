package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.KzgCommitment;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a blob key commits to (docs/spec/da.md §4): version, size, the reference block of the
 * operator set, the expiry (unix seconds) and one KZG commitment per sub-blob.
 */
public record BlobHeader(
    int size, long referenceBlock, long expiry, List<KzgCommitment> commitments) {
  public static final int VERSION = 1;
  static final int FIXED_BYTES = 23;
  public static final int MAX_BYTES = FIXED_BYTES + KzgCommitment.BYTES * BlobCodec.MAX_SUB_BLOBS;

  public BlobHeader {
    commitments = List.copyOf(commitments);
    if (referenceBlock < 0 || expiry < 0) {
      throw new InvalidInputException("reference block and expiry must be >= 0");
    }
    int want = BlobCodec.subBlobCount(size);
    if (commitments.size() != want) {
      throw new InvalidInputException(
          "a "
              + size
              + "-byte blob has "
              + want
              + " sub-blob commitments, header has "
              + commitments.size());
    }
  }

  public int subBlobCount() {
    return commitments.size();
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + KzgCommitment.BYTES * commitments.size());
    b.put((byte) VERSION)
        .putInt(size)
        .putLong(referenceBlock)
        .putLong(expiry)
        .putShort((short) commitments.size());
    for (KzgCommitment c : commitments) {
      b.put(c.bytes());
    }
    assert !b.hasRemaining();
    return b.array();
  }

  /** keccak256 of the encoding. */
  public Bytes32 blobKey() {
    return Hashes.keccak256(encode());
  }

  public static BlobHeader decode(byte[] bytes) {
    if (bytes.length < FIXED_BYTES || bytes.length > MAX_BYTES) {
      throw new InvalidInputException(
          "malformed blob header: "
              + bytes.length
              + " bytes, want "
              + FIXED_BYTES
              + ".."
              + MAX_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int version = Byte.toUnsignedInt(b.get());
    if (version != VERSION) {
      throw new InvalidInputException(
          "malformed blob header: version " + version + ", want " + VERSION);
    }
    long size = Integer.toUnsignedLong(b.getInt());
    long referenceBlock = b.getLong();
    long expiry = b.getLong();
    int count = Short.toUnsignedInt(b.getShort());
    if (referenceBlock < 0 || expiry < 0) {
      throw new InvalidInputException(
          "malformed blob header: reference block or expiry above 2^63");
    }
    if (size > BlobCodec.MAX_BLOB_BYTES) {
      throw new InvalidInputException("blob size " + size + " in header exceeds the 16 MiB limit");
    }
    if (b.remaining() != count * KzgCommitment.BYTES) {
      throw new InvalidInputException(
          "malformed blob header: "
              + count
              + " commitments need "
              + count * KzgCommitment.BYTES
              + " bytes, "
              + b.remaining()
              + " left");
    }
    KzgCommitment[] cs = new KzgCommitment[count];
    byte[] c = new byte[KzgCommitment.BYTES];
    for (int i = 0; i < count; i++) {
      b.get(c);
      cs[i] = new KzgCommitment(c);
    }
    return new BlobHeader((int) size, referenceBlock, expiry, List.of(cs));
  }
}
