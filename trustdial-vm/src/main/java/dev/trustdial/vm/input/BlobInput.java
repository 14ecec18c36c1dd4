package dev.trustdial.vm.input;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The blob form of the input commitment (docs/spec/vm.md §4.1.1): where each input byte lies in the
 * EIP-4844 blobs that carry the job's envelope (the DA sub-blobs of da.md §2), the evaluation point
 * of each field element, and the root that commits to the blobs' versioned hashes.
 */
public final class BlobInput {
  /**
   * Input byte b is DA payload byte 56 + b: the payload's u32 length and the 52-byte envelope
   * header come first.
   */
  public static final int PAYLOAD_OFFSET = 56;

  public static final int BYTES_PER_ELEMENT = 31;
  public static final int ELEMENTS_PER_BLOB = 4096;
  public static final int BLOB_BYTES = ELEMENTS_PER_BLOB * 32;
  public static final int PAYLOAD_PER_BLOB = ELEMENTS_PER_BLOB * BYTES_PER_ELEMENT;

  /** Most blobs one input may use (the per-transaction blob cap of EIP-7594). */
  public static final int MAX_BLOBS = 6;

  /** Largest input the blob form carries: six blobs' payload less the offset. */
  public static final int MAX_INPUT_BYTES = MAX_BLOBS * PAYLOAD_PER_BLOB - PAYLOAD_OFFSET;

  /** The mask word that marks a blob input record (§9.2): bit 31 only. */
  public static final int RECORD_MASK = 0x8000_0000;

  /** The BLS12-381 scalar field modulus r. */
  public static final BigInteger MODULUS =
      new BigInteger("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16);

  /** ω = 7^((r-1)/4096) mod r, the primitive 4096-th root of unity of EIP-4844. */
  public static final BigInteger OMEGA =
      BigInteger.valueOf(7)
          .modPow(MODULUS.subtract(BigInteger.ONE).divide(BigInteger.valueOf(4096)), MODULUS);

  private static final byte[] DOMAIN = "TDVMBLOB".getBytes(StandardCharsets.US_ASCII);

  private BlobInput() {}

  /**
   * Blobs the envelope of an input of {@code inputLength} bytes fills: DA's S(52 + inputLength).
   */
  public static int blobsFor(long inputLength) {
    if (inputLength < 0) {
      throw new IllegalArgumentException("negative input length");
    }
    return (int)
        Math.max(1, (PAYLOAD_OFFSET + inputLength + PAYLOAD_PER_BLOB - 1) / PAYLOAD_PER_BLOB);
  }

  /**
   * inputRoot of the blob form: keccak256("TDVMBLOB" || u32 inputLength || u8 k || h_0 … h_{k-1}).
   */
  public static Bytes32 root(long inputLength, List<Bytes32> versionedHashes) {
    checkShape(inputLength, versionedHashes.size());
    ByteBuffer b = ByteBuffer.allocate(DOMAIN.length + 5 + 32 * versionedHashes.size());
    b.put(DOMAIN).putInt((int) inputLength).put((byte) versionedHashes.size());
    for (Bytes32 h : versionedHashes) {
      b.put(h.bytes());
    }
    return Hashes.keccak256(b.array());
  }

  /** Refuses a blob count outside 1..6 or not the one the input's envelope fills. */
  public static void checkShape(long inputLength, int blobs) {
    if (inputLength > MAX_INPUT_BYTES) {
      throw new InvalidInputException(
          "input of "
              + inputLength
              + " bytes is above the blob form's "
              + MAX_INPUT_BYTES
              + "-byte limit ("
              + MAX_BLOBS
              + " blobs)");
    }
    if (blobs != blobsFor(inputLength)) {
      throw new InvalidInputException(
          "an input of "
              + inputLength
              + " bytes travels in "
              + blobsFor(inputLength)
              + " blob(s), not "
              + blobs);
    }
  }

  /** The field element holding input byte {@code b}. */
  public static int elementOf(long b) {
    return (int) ((PAYLOAD_OFFSET + b) / BYTES_PER_ELEMENT);
  }

  /** Byte offset of input byte {@code b} inside its element's 32-byte encoding (1..31). */
  public static int offsetInElement(long b) {
    return 1 + (int) ((PAYLOAD_OFFSET + b) % BYTES_PER_ELEMENT);
  }

  /**
   * z(i) = ω^brp12(i) mod r: the point at which position i of a blob is its polynomial's value,
   * big-endian.
   */
  public static Bytes32 evaluationPoint(int position) {
    if (position < 0 || position >= ELEMENTS_PER_BLOB) {
      throw new IllegalArgumentException("blob position " + position + " outside 0..4095");
    }
    int k = Integer.reverse(position) >>> 20;
    return word(OMEGA.modPow(BigInteger.valueOf(k), MODULUS));
  }

  private static Bytes32 word(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return new Bytes32(out);
  }

  /** The EIP-4844 versioned hash of a 48-byte KZG commitment: 0x01 || sha256(commitment)[1:32]. */
  public static Bytes32 versionedHash(byte[] commitment) {
    if (commitment.length != 48) {
      throw new IllegalArgumentException("a KZG commitment is 48 bytes, got " + commitment.length);
    }
    byte[] h = Hashes.sha256(commitment).bytes();
    h[0] = 0x01;
    return new Bytes32(h);
  }
}
