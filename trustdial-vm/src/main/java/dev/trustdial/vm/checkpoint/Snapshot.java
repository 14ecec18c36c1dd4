package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A full VM state as bytes (docs/spec/vm.md §8). This class only parses and writes the format and
 * checks its internal consistency; the machine re-derives the memory root and the output commitment
 * on restore and refuses a snapshot whose state they do not match.
 */
public record Snapshot(
    VmState state, long stride, List<Checkpoint> history, Bytes output, List<Page> pages)
    implements SnapshotLink {
  public static final byte[] MAGIC =
      "TDVMSNP2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final byte[] MAGIC_V1 = "TDVMSNP1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  public static final long MAX_SNAPSHOT_BYTES = 1L << 31;

  /** One non-zero 4 KiB page. */
  public record Page(int index, byte[] bytes) {
    public Page {
      if (bytes.length != Memory.PAGE_SIZE) {
        throw new IllegalArgumentException("page must be 4096 bytes");
      }
    }
  }

  public Snapshot {
    history = List.copyOf(history);
    pages = List.copyOf(pages);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.writeBytes(state.encode());
    out.writeBytes(ByteBuffer.allocate(12).putLong(stride).putInt(history.size()).array());
    for (Checkpoint c : history) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(c.step()).array());
      out.writeBytes(c.stateHash().bytes());
    }
    out.writeBytes(ByteBuffer.allocate(4).putInt(output.length()).array());
    out.writeBytes(output.toArray());
    out.writeBytes(ByteBuffer.allocate(4).putInt(pages.size()).array());
    for (Page p : pages) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(p.index()).array());
      out.writeBytes(p.bytes());
    }
    byte[] body = out.toByteArray();
    out.writeBytes(Hashes.keccak256(body).bytes());
    return out.toByteArray();
  }

  public static Snapshot decode(byte[] bytes) {
    if (bytes.length >= MAGIC_V1.length
        && Arrays.equals(bytes, 0, MAGIC_V1.length, MAGIC_V1, 0, MAGIC_V1.length)) {
      throw bad(
          "is a v1 snapshot (TDVMSNP1); this VM implements docs/spec/vm.md v2 and cannot resume it: run the job from step 0");
    }
    if (bytes.length < MAGIC.length + VmState.ENCODED_SIZE + 12 + 8 + 32) {
      throw bad("is too short (" + bytes.length + " bytes)");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw bad("has no TDVMSNP2 magic");
    }
    Bytes32 trailer = new Bytes32(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
    if (!Hashes.keccak256(Arrays.copyOf(bytes, bytes.length - 32)).equals(trailer)) {
      throw bad("is corrupt: its keccak256 trailer does not match its contents");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 32);
    b.position(MAGIC.length);
    byte[] st = new byte[VmState.ENCODED_SIZE];
    b.get(st);
    VmState state = VmState.decode(st);
    try {
      long stride = b.getLong();
      if (stride < 1) {
        throw bad("has checkpoint stride " + stride);
      }
      int n = count(b, 40, "checkpoints");
      List<Checkpoint> history = new ArrayList<>(n);
      long prev = -1;
      for (int i = 0; i < n; i++) {
        long step = b.getLong();
        byte[] h = new byte[32];
        b.get(h);
        if (step <= prev || step > state.step()) {
          throw bad("lists checkpoints out of order or past its own step");
        }
        prev = step;
        history.add(new Checkpoint(step, new Bytes32(h)));
      }
      int outLen = count(b, 1, "output bytes");
      byte[] out = new byte[outLen];
      b.get(out);
      int np = count(b, 4 + Memory.PAGE_SIZE, "pages");
      List<Page> pages = readPages(b, np, state, Snapshot::bad);
      if (b.hasRemaining()) {
        throw bad("has " + b.remaining() + " trailing bytes");
      }
      return new Snapshot(state, stride, history, Bytes.of(out), pages);
    } catch (java.nio.BufferUnderflowException e) {
      throw bad("is truncated");
    }
  }

  /**
   * Reads {@code n} (pageIndex, 4096 bytes) entries: increasing indexes, every page inside the
   * state's RAM window (so at most the window's page count).
   */
  static List<Page> readPages(
      ByteBuffer b,
      int n,
      VmState state,
      java.util.function.Function<String, InvalidInputException> bad) {
    long windowPages = ((state.ramEnd() & 0xffff_ffffL) - Memory.RAM_BASE) >>> Memory.PAGE_SHIFT;
    if (n > windowPages) {
      throw bad.apply(
          "lists "
              + n
              + " pages, more than the "
              + windowPages
              + " pages of its state's RAM window");
    }
    List<Page> pages = new ArrayList<>(n);
    long prevPage = -1;
    for (int i = 0; i < n; i++) {
      int idx = b.getInt();
      if (idx <= prevPage
          || (idx >>> 19) != 0
          || !Memory.inWindow(idx << Memory.PAGE_SHIFT, Memory.PAGE_SIZE, state.ramEnd())) {
        throw bad.apply(
            "has page index "
                + Integer.toUnsignedString(idx)
                + " out of order or outside its state's RAM window");
      }
      prevPage = idx;
      byte[] p = new byte[Memory.PAGE_SIZE];
      b.get(p);
      pages.add(new Page(idx, p));
    }
    return pages;
  }

  private static int count(ByteBuffer b, int minEach, String what) {
    int n = b.getInt();
    if (n < 0 || (long) n * minEach > b.remaining()) {
      throw bad(
          "declares " + Integer.toUnsignedString(n) + " " + what + ", more than its bytes hold");
    }
    return n;
  }

  private static InvalidInputException bad(String why) {
    return new InvalidInputException("VM snapshot " + why);
  }
}
