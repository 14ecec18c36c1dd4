package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A delta checkpoint link (docs/spec/vm.md §8.1): the state at a checkpoint as the changes since
 * its parent link, named by the parent's link hash. Like {@link Snapshot} this class only parses
 * and writes the format and checks what one link alone can check; {@link SnapshotChain} checks the
 * links against each other and the machine checks the resolved state.
 *
 * @param parent the parent link's hash (its keccak256 trailer)
 * @param locator where the parent is stored, opaque to the VM (an operator puts the DA blob key)
 * @param depth deltas from the chain's full snapshot to this link, this one included (1 or more)
 * @param checkpoints the checkpoints after the parent's step, up to this state's step
 * @param outputFrom the parent state's output length; {@code output} is what was written since
 * @param pages every page written since the parent, zero or not
 */
public record SnapshotDelta(
    Bytes32 parent,
    Bytes32 locator,
    int depth,
    VmState state,
    long stride,
    List<Checkpoint> checkpoints,
    int outputFrom,
    Bytes output,
    List<Snapshot.Page> pages)
    implements SnapshotLink {
  public static final byte[] MAGIC = "TDVMDLT1".getBytes(StandardCharsets.US_ASCII);
  private static final int FIXED = 8 + 32 + 32 + 4 + VmState.ENCODED_SIZE + 8 + 4 + 4 + 4 + 4 + 32;

  public SnapshotDelta {
    if (depth < 1) {
      throw new IllegalArgumentException("a delta's depth is at least 1, got " + depth);
    }
    if (outputFrom < 0) {
      throw new IllegalArgumentException("negative output offset");
    }
    checkpoints = List.copyOf(checkpoints);
    pages = List.copyOf(pages);
  }

  public byte[] encode() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            FIXED
                + checkpoints.size() * 40
                + output.length()
                + pages.size() * (4 + Memory.PAGE_SIZE));
    out.writeBytes(MAGIC);
    out.writeBytes(parent.bytes());
    out.writeBytes(locator.bytes());
    out.writeBytes(ByteBuffer.allocate(4).putInt(depth).array());
    out.writeBytes(state.encode());
    out.writeBytes(ByteBuffer.allocate(12).putLong(stride).putInt(checkpoints.size()).array());
    for (Checkpoint c : checkpoints) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(c.step()).array());
      out.writeBytes(c.stateHash().bytes());
    }
    out.writeBytes(ByteBuffer.allocate(8).putInt(outputFrom).putInt(output.length()).array());
    out.writeBytes(output.toArray());
    out.writeBytes(ByteBuffer.allocate(4).putInt(pages.size()).array());
    for (Snapshot.Page p : pages) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(p.index()).array());
      out.writeBytes(p.bytes());
    }
    byte[] body = out.toByteArray();
    out.writeBytes(Hashes.keccak256(body).bytes());
    return out.toByteArray();
  }

  static boolean isDelta(byte[] bytes) {
    return bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public static SnapshotDelta decode(byte[] bytes) {
    if (bytes.length < FIXED) {
      throw bad("is too short (" + bytes.length + " bytes)");
    }
    if (!isDelta(bytes)) {
      throw bad("has no TDVMDLT1 magic");
    }
    Bytes32 trailer = new Bytes32(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
    if (!Hashes.keccak256(Arrays.copyOf(bytes, bytes.length - 32)).equals(trailer)) {
      throw bad("is corrupt: its keccak256 trailer does not match its contents");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 32);
    b.position(MAGIC.length);
    try {
      Bytes32 parent = bytes32(b);
      Bytes32 locator = bytes32(b);
      int depth = b.getInt();
      if (depth < 1) {
        throw bad(
            "has depth " + Integer.toUnsignedString(depth) + " (a delta's depth is 1 or more)");
      }
      byte[] st = new byte[VmState.ENCODED_SIZE];
      b.get(st);
      VmState state = VmState.decode(st);
      long stride = b.getLong();
      if (stride < 1) {
        throw bad("has checkpoint stride " + stride);
      }
      int n = count(b, 40, "checkpoints");
      List<Checkpoint> cps = new ArrayList<>(n);
      long prev = -1;
      for (int i = 0; i < n; i++) {
        long step = b.getLong();
        Bytes32 h = bytes32(b);
        if (step <= prev || step > state.step()) {
          throw bad("lists checkpoints out of order or past its own step");
        }
        prev = step;
        cps.add(new Checkpoint(step, h));
      }
      int outFrom = b.getInt();
      if (outFrom < 0) {
        throw bad("has output offset " + Integer.toUnsignedString(outFrom));
      }
      int outLen = count(b, 1, "output bytes");
      if ((long) outFrom + outLen != state.outputLength()) {
        throw bad(
            "adds "
                + outLen
                + " output bytes to "
                + outFrom
                + ", but its state has written "
                + state.outputLength());
      }
      byte[] out = new byte[outLen];
      b.get(out);
      int np = count(b, 4 + Memory.PAGE_SIZE, "pages");
      List<Snapshot.Page> pages = Snapshot.readPages(b, np, state, SnapshotDelta::bad);
      if (b.hasRemaining()) {
        throw bad("has " + b.remaining() + " trailing bytes");
      }
      return new SnapshotDelta(
          parent, locator, depth, state, stride, cps, outFrom, Bytes.of(out), pages);
    } catch (java.nio.BufferUnderflowException e) {
      throw bad("is truncated");
    }
  }

  private static Bytes32 bytes32(ByteBuffer b) {
    byte[] h = new byte[32];
    b.get(h);
    return new Bytes32(h);
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
    return new InvalidInputException("VM delta snapshot " + why);
  }
}
