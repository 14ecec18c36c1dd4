package dev.trustdial.da.chunk;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgProof;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunk {@code index} of a blob: cell {@code index} of every sub-blob with its proof
 * (docs/spec/da.md §3). {@code cells.get(s)} belongs to sub-blob {@code s}.
 */
public record Chunk(int index, List<Cell> cells, List<KzgProof> proofs) {
  public static final int BYTES_PER_SUB_BLOB = Cell.BYTES + KzgProof.BYTES;

  public Chunk {
    if (index < 0 || index >= Kzg.CELLS) {
      throw new InvalidInputException("chunk index must be 0..127, got " + index);
    }
    cells = List.copyOf(cells);
    proofs = List.copyOf(proofs);
    if (cells.size() != proofs.size()
        || cells.isEmpty()
        || cells.size() > BlobCodec.MAX_SUB_BLOBS) {
      throw new InvalidInputException(
          "a chunk has 1.."
              + BlobCodec.MAX_SUB_BLOBS
              + " cells with one proof each, got "
              + cells.size()
              + " cells and "
              + proofs.size()
              + " proofs");
    }
  }

  public int subBlobCount() {
    return cells.size();
  }

  /** {@code u16 index || u16 S || (cell || proof) × S}. */
  public int encodedLength() {
    return 4 + cells.size() * BYTES_PER_SUB_BLOB;
  }

  public void encodeTo(ByteBuffer out) {
    out.putShort((short) index).putShort((short) cells.size());
    for (int s = 0; s < cells.size(); s++) {
      out.put(cells.get(s).bytes()).put(proofs.get(s).bytes());
    }
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(encodedLength());
    encodeTo(b);
    return b.array();
  }

  /** Reads one chunk; malformed input is an {@link InvalidInputException}. */
  public static Chunk decodeFrom(ByteBuffer in) {
    try {
      int index = Short.toUnsignedInt(in.getShort());
      int count = Short.toUnsignedInt(in.getShort());
      if (count == 0 || count > BlobCodec.MAX_SUB_BLOBS) {
        throw new InvalidInputException(
            "a chunk covers 1.." + BlobCodec.MAX_SUB_BLOBS + " sub-blobs, got " + count);
      }
      if (in.remaining() < (long) count * BYTES_PER_SUB_BLOB) {
        throw new InvalidInputException("chunk " + index + " is truncated");
      }
      List<Cell> cells = new ArrayList<>(count);
      List<KzgProof> proofs = new ArrayList<>(count);
      byte[] cell = new byte[Cell.BYTES];
      byte[] proof = new byte[KzgProof.BYTES];
      for (int s = 0; s < count; s++) {
        in.get(cell);
        in.get(proof);
        cells.add(new Cell(cell));
        proofs.add(new KzgProof(proof));
      }
      return new Chunk(index, cells, proofs);
    } catch (BufferUnderflowException e) {
      throw new InvalidInputException("chunk encoding is truncated");
    }
  }

  /** {@code u16 k || chunk × k}, the list form the node API uses. */
  public static byte[] encodeList(List<Chunk> chunks) {
    int len = 2;
    for (Chunk c : chunks) {
      len += c.encodedLength();
    }
    ByteBuffer b = ByteBuffer.allocate(len);
    b.putShort((short) chunks.size());
    for (Chunk c : chunks) {
      c.encodeTo(b);
    }
    return b.array();
  }

  public static List<Chunk> decodeList(ByteBuffer in) {
    try {
      int k = Short.toUnsignedInt(in.getShort());
      if (k > Kzg.CELLS) {
        throw new InvalidInputException("a chunk list has at most 128 chunks, got " + k);
      }
      List<Chunk> out = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        out.add(decodeFrom(in));
      }
      return out;
    } catch (BufferUnderflowException e) {
      throw new InvalidInputException("chunk list is truncated");
    }
  }
}
