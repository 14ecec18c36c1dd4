package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Kzg;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The body of {@code POST /v1/chunks}: {@code u32 len(header) || header || u16 k || chunk × k}. */
public record ChunkUpload(BlobHeader header, List<Chunk> chunks) {
  /** The largest well-formed upload: a header with 133 commitments and all 128 full chunks. */
  public static final long MAX_BYTES =
      4L
          + BlobHeader.MAX_BYTES
          + 2
          + (long) Kzg.CELLS * (4 + (long) BlobCodec.MAX_SUB_BLOBS * Chunk.BYTES_PER_SUB_BLOB);

  public ChunkUpload {
    chunks = List.copyOf(chunks);
  }

  /** The bytes the node stores for this upload: the header and every chunk's encoding. */
  public long storedBytes() {
    long n = header.encode().length;
    for (Chunk c : chunks) {
      n += c.encodedLength();
    }
    return n;
  }

  /**
   * Reads an upload of exactly {@code length} bytes as it arrives, chunk by chunk, so that the heap
   * holds the decoded chunks and never also the raw body. An IOException if the stream ends early.
   */
  public static ChunkUpload read(InputStream in, long length) throws IOException {
    if (length < 0 || length > MAX_BYTES) {
      throw new InvalidInputException(
          "upload of " + length + " bytes exceeds the " + MAX_BYTES + "-byte limit");
    }
    DataInputStream data = new DataInputStream(in);
    long[] left = {length};
    int hlen = (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(readInt(data, left)));
    if (hlen > BlobHeader.MAX_BYTES || hlen > left[0]) {
      throw new InvalidInputException("malformed upload: header length " + hlen);
    }
    BlobHeader header = BlobHeader.decode(readBytes(data, hlen, left));
    int k = Short.toUnsignedInt(ByteBuffer.wrap(readBytes(data, 2, left)).getShort());
    if (k > Kzg.CELLS) {
      throw new InvalidInputException("a chunk list has at most 128 chunks, got " + k);
    }
    List<Chunk> chunks = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      byte[] prefix = readBytes(data, 4, left);
      int count = Short.toUnsignedInt(ByteBuffer.wrap(prefix, 2, 2).getShort());
      if (count == 0 || count > BlobCodec.MAX_SUB_BLOBS) {
        throw new InvalidInputException(
            "a chunk covers 1.." + BlobCodec.MAX_SUB_BLOBS + " sub-blobs, got " + count);
      }
      byte[] chunk = new byte[4 + count * Chunk.BYTES_PER_SUB_BLOB];
      System.arraycopy(prefix, 0, chunk, 0, 4);
      readInto(data, chunk, 4, chunk.length - 4, left);
      chunks.add(Chunk.decodeFrom(ByteBuffer.wrap(chunk)));
    }
    if (left[0] != 0) {
      throw new InvalidInputException("malformed upload: " + left[0] + " trailing bytes");
    }
    return new ChunkUpload(header, chunks);
  }

  private static int readInt(DataInputStream in, long[] left) throws IOException {
    return ByteBuffer.wrap(readBytes(in, 4, left)).getInt();
  }

  private static byte[] readBytes(DataInputStream in, int n, long[] left) throws IOException {
    byte[] b = new byte[n];
    readInto(in, b, 0, n, left);
    return b;
  }

  private static void readInto(DataInputStream in, byte[] b, int off, int n, long[] left)
      throws IOException {
    if (n > left[0]) {
      throw new InvalidInputException("malformed upload: truncated");
    }
    in.readFully(b, off, n);
    left[0] -= n;
  }

  public byte[] encode() {
    byte[] h = header.encode();
    byte[] list = Chunk.encodeList(chunks);
    return ByteBuffer.allocate(4 + h.length + list.length)
        .putInt(h.length)
        .put(h)
        .put(list)
        .array();
  }

  public static ChunkUpload decode(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new InvalidInputException(
          "upload of " + body.length + " bytes exceeds the " + MAX_BYTES + "-byte limit");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(body);
      int hlen = b.getInt();
      if (hlen < 0 || hlen > BlobHeader.MAX_BYTES || hlen > b.remaining()) {
        throw new InvalidInputException("malformed upload: header length " + hlen);
      }
      byte[] h = new byte[hlen];
      b.get(h);
      BlobHeader header = BlobHeader.decode(h);
      List<Chunk> chunks = Chunk.decodeList(b);
      if (b.hasRemaining()) {
        throw new InvalidInputException("malformed upload: " + b.remaining() + " trailing bytes");
      }
      return new ChunkUpload(header, chunks);
    } catch (BufferUnderflowException e) {
      throw new InvalidInputException("malformed upload: truncated");
    }
  }
}
