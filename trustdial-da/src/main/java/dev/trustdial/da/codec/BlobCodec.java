package dev.trustdial.da.codec;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.kzg.SubBlob;
import java.util.ArrayList;
import java.util.List;

/**
 * The injective packing of blob bytes into BLS12-381 field elements (docs/spec/da.md §2): {@code
 * u32 length || data}, zero-padded, 31 bytes per element behind a zero byte, 4096 elements per
 * sub-blob. Decoding is strict so that each blob has exactly one encoding.
 */
public final class BlobCodec {
  public static final int MAX_BLOB_BYTES = 16 * 1024 * 1024;
  public static final int PAYLOAD_PER_ELEMENT = 31;
  public static final int PAYLOAD_PER_SUB_BLOB = SubBlob.ELEMENTS * PAYLOAD_PER_ELEMENT;
  private static final int LENGTH_PREFIX = 4;
  public static final int MAX_SUB_BLOBS = subBlobCount(MAX_BLOB_BYTES);

  private BlobCodec() {}

  /** The number of sub-blobs a blob of {@code size} bytes encodes to. */
  public static int subBlobCount(long size) {
    if (size < 0 || size > MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "blob size " + size + " is outside 0.." + MAX_BLOB_BYTES + " bytes (16 MiB)");
    }
    long payload = LENGTH_PREFIX + size;
    return (int) Math.max(1, (payload + PAYLOAD_PER_SUB_BLOB - 1) / PAYLOAD_PER_SUB_BLOB);
  }

  public static List<SubBlob> encode(byte[] data) {
    int count = subBlobCount(data.length);
    byte[] payload = new byte[count * PAYLOAD_PER_SUB_BLOB];
    payload[0] = (byte) (data.length >>> 24);
    payload[1] = (byte) (data.length >>> 16);
    payload[2] = (byte) (data.length >>> 8);
    payload[3] = (byte) data.length;
    System.arraycopy(data, 0, payload, LENGTH_PREFIX, data.length);
    List<SubBlob> out = new ArrayList<>(count);
    byte[] sub = new byte[SubBlob.BYTES];
    for (int s = 0; s < count; s++) {
      int base = s * PAYLOAD_PER_SUB_BLOB;
      for (int e = 0; e < SubBlob.ELEMENTS; e++) {
        // byte 0 of each element stays 0x00, so the element is below the BLS modulus.
        System.arraycopy(
            payload, base + e * PAYLOAD_PER_ELEMENT, sub, e * 32 + 1, PAYLOAD_PER_ELEMENT);
      }
      out.add(new SubBlob(sub));
    }
    return out;
  }

  public static byte[] decode(List<SubBlob> subBlobs) {
    if (subBlobs.isEmpty() || subBlobs.size() > MAX_SUB_BLOBS) {
      throw new InvalidInputException(
          "an encoded blob has 1.." + MAX_SUB_BLOBS + " sub-blobs, got " + subBlobs.size());
    }
    byte[] payload = new byte[subBlobs.size() * PAYLOAD_PER_SUB_BLOB];
    byte[] sub = new byte[SubBlob.BYTES];
    for (int s = 0; s < subBlobs.size(); s++) {
      subBlobs.get(s).copyTo(0, sub, 0, SubBlob.BYTES);
      for (int e = 0; e < SubBlob.ELEMENTS; e++) {
        if (sub[e * 32] != 0) {
          throw new InvalidInputException(
              "not a canonical blob encoding: element "
                  + e
                  + " of sub-blob "
                  + s
                  + " has a non-zero first byte");
        }
        System.arraycopy(
            sub,
            e * 32 + 1,
            payload,
            s * PAYLOAD_PER_SUB_BLOB + e * PAYLOAD_PER_ELEMENT,
            PAYLOAD_PER_ELEMENT);
      }
    }
    long length =
        ((payload[0] & 0xffL) << 24)
            | ((payload[1] & 0xff) << 16)
            | ((payload[2] & 0xff) << 8)
            | (payload[3] & 0xff);
    if (length > MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "not a canonical blob encoding: length " + length + " exceeds 16 MiB");
    }
    if (subBlobCount(length) != subBlobs.size()) {
      throw new InvalidInputException(
          "not a canonical blob encoding: length "
              + length
              + " needs "
              + subBlobCount(length)
              + " sub-blobs, got "
              + subBlobs.size());
    }
    int end = LENGTH_PREFIX + (int) length;
    for (int i = end; i < payload.length; i++) {
      if (payload[i] != 0) {
        throw new InvalidInputException(
            "not a canonical blob encoding: non-zero padding at byte " + i);
      }
    }
    return java.util.Arrays.copyOfRange(payload, LENGTH_PREFIX, end);
  }
}
