package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Kzg;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.List;

/** The body of {@code POST /v1/chunks}: {@code u32 len(header) || header || u16 k || chunk × k}. */
public record ChunkUpload(BlobHeader header, List<Chunk> chunks) {
  /** The largest well-formed upload: a header with 133 commitments and all 128 full chunks. */
  public static final long MAX_BYTES = 4L + BlobHeader.MAX_BYTES + 2
      + (long) Kzg.CELLS * (4 + (long) BlobCodec.MAX_SUB_BLOBS * Chunk.BYTES_PER_SUB_BLOB);

  public ChunkUpload {
    chunks = List.copyOf(chunks);
  }

  public byte[] encode() {
    byte[] h = header.encode();
    byte[] list = Chunk.encodeList(chunks);
    return ByteBuffer.allocate(4 + h.length + list.length).putInt(h.length).put(h).put(list).array();
  }

  public static ChunkUpload decode(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new InvalidInputException("upload of " + body.length + " bytes exceeds the " + MAX_BYTES + "-byte limit");
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
