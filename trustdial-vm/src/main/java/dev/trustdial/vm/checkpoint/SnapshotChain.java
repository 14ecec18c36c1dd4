package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.state.VmState;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Follows a checkpoint chain (docs/spec/vm.md §8.1) from its head link back to its full snapshot,
 * checking every link's hash against the reference its child holds, and folds it into the one full
 * {@link Snapshot} it stands for. The machine then restores that snapshot with the checks of §8
 * (memory root, output commitment, input, trusted state hash).
 */
public final class SnapshotChain {
  private SnapshotChain() {}

  /**
   * Reader limits.
   *
   * @param maxLinkBytes the largest link, decompressed, a reader accepts
   * @param maxDepth the most deltas above the full snapshot
   */
  public record Limits(long maxLinkBytes, int maxDepth) {
    /** 1 GiB per link; 64 deltas (writers put a full snapshot every 16 checkpoints by default). */
    public static final Limits DEFAULT = new Limits(1L << 30, 64);

    public Limits {
      if (maxLinkBytes < 1 || maxDepth < 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  /** Where a delta's parent is fetched from, by its hash and the opaque locator the delta names. */
  @FunctionalInterface
  public interface LinkSource {
    /** The stored bytes (compressed or not) of the link; throws when it has none. */
    byte[] fetch(Bytes32 linkHash, Bytes32 locator);

    /** For callers that hold only full snapshots: a delta is refused. */
    LinkSource NONE =
        (hash, locator) -> {
          throw new InvalidInputException("no source of parent links was given");
        };
  }

  /** A decoded link with its hash (its keccak256 trailer, over the decompressed bytes). */
  public record Link(SnapshotLink body, Bytes32 hash) {}

  /** Decompresses (when stored compressed) and decodes one link. */
  public static Link read(byte[] stored, Limits limits) {
    byte[] raw = LinkCompression.decompress(stored, limits.maxLinkBytes());
    SnapshotLink body =
        SnapshotDelta.isDelta(raw) ? SnapshotDelta.decode(raw) : Snapshot.decode(raw);
    return new Link(body, new Bytes32(Arrays.copyOfRange(raw, raw.length - 32, raw.length)));
  }

  /**
   * The bytes of a full snapshot (§8) for stored bytes that may be a chain link: anything that is
   * neither compressed nor a delta comes back as it is (a §8 snapshot, or bytes the §8 reader will
   * refuse); a compressed full snapshot comes back decompressed; a delta's chain is resolved and
   * folded into one snapshot.
   */
  public static byte[] fullSnapshotBytes(byte[] stored, LinkSource source, Limits limits) {
    if (!LinkCompression.isCompressed(stored) && !SnapshotDelta.isDelta(stored)) {
      return stored;
    }
    byte[] raw = LinkCompression.decompress(stored, limits.maxLinkBytes());
    return SnapshotDelta.isDelta(raw) ? resolve(raw, source, limits).encode() : raw;
  }

  /**
   * The full snapshot the chain ending at {@code head} stands for.
   *
   * @throws InvalidInputException for a link that does not decode, is missing from the source, does
   *     not hash to its child's reference (a broken link), is visited twice (a cycle), has the
   *     wrong depth, or does not continue its parent (stride, app parameters, step, history,
   *     output); or a chain deeper than the limit
   */
  public static Snapshot resolve(byte[] head, LinkSource source, Limits limits) {
    Link top = read(head, limits);
    if (top.body() instanceof Snapshot full) {
      return full;
    }
    if (top.body().depth() > limits.maxDepth()) {
      throw chain(
          "has "
              + top.body().depth()
              + " deltas above its full snapshot, more than the limit of "
              + limits.maxDepth());
    }
    List<SnapshotDelta> deltas = new ArrayList<>(); // newest first
    Set<Bytes32> seen = new HashSet<>();
    seen.add(top.hash());
    Link at = top;
    while (at.body() instanceof SnapshotDelta d) {
      deltas.add(d);
      byte[] stored;
      try {
        stored = source.fetch(d.parent(), d.locator());
      } catch (RuntimeException e) {
        throw chain(
            "is missing the link "
                + d.parent()
                + " (the parent of the delta at step "
                + d.state().step()
                + ", stored at "
                + d.locator()
                + "): "
                + e.getMessage());
      }
      Link parent;
      try {
        parent = read(stored, limits);
      } catch (InvalidInputException e) {
        throw chain("link " + d.parent() + " does not decode: " + e.getMessage());
      }
      if (!parent.hash().equals(d.parent())) {
        throw chain(
            "is broken: the parent of the delta at step "
                + d.state().step()
                + " must hash to "
                + d.parent()
                + ", the bytes fetched for it hash to "
                + parent.hash());
      }
      if (!seen.add(parent.hash())) {
        throw chain("is cyclic: link " + parent.hash() + " is its own ancestor");
      }
      if (parent.body().depth() != d.depth() - 1) {
        throw chain(
            "has a delta of depth "
                + d.depth()
                + " on a link of depth "
                + parent.body().depth()
                + " (each delta is one deeper"
                + " than its parent, a full snapshot has depth 0)");
      }
      at = parent;
    }
    return fold((Snapshot) at.body(), deltas.reversed());
  }

  /** Applies the deltas (oldest first) to the full snapshot. */
  private static Snapshot fold(Snapshot base, List<SnapshotDelta> deltas) {
    VmState prev = base.state();
    long stride = base.stride();
    List<Checkpoint> history = new ArrayList<>(base.history());
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    output.writeBytes(base.output().toArray());
    Map<Integer, byte[]> pages = new TreeMap<>();
    for (Snapshot.Page p : base.pages()) {
      pages.put(p.index(), p.bytes());
    }
    for (SnapshotDelta d : deltas) {
      VmState s = d.state();
      String at = "the delta at step " + s.step();
      if (d.stride() != stride) {
        throw chain(
            "changes the checkpoint stride at "
                + at
                + " ("
                + d.stride()
                + " after "
                + stride
                + ")");
      }
      if (s.ramEnd() != prev.ramEnd()
          || s.outputLimit() != prev.outputLimit()
          || !s.inputRoot().equals(prev.inputRoot())
          || s.inputLength() != prev.inputLength()) {
        throw chain("changes the app parameters or the input at " + at);
      }
      if (s.step() <= prev.step()) {
        throw chain("does not move forward: " + at + " follows a link at step " + prev.step());
      }
      if (!d.checkpoints().isEmpty() && d.checkpoints().getFirst().step() <= prev.step()) {
        throw chain(
            "repeats checkpoints at "
                + at
                + " (step "
                + d.checkpoints().getFirst().step()
                + " is not after its parent's "
                + prev.step()
                + ")");
      }
      if (d.outputFrom() != output.size()) {
        throw chain(
            "appends output at offset "
                + d.outputFrom()
                + " in "
                + at
                + ", but its parent's output is "
                + output.size()
                + " bytes");
      }
      history.addAll(d.checkpoints());
      output.writeBytes(d.output().toArray());
      for (Snapshot.Page p : d.pages()) {
        pages.put(p.index(), p.bytes());
      }
      prev = s;
    }
    List<Snapshot.Page> nonZero = new ArrayList<>(pages.size());
    for (Map.Entry<Integer, byte[]> e : pages.entrySet()) {
      if (!isZero(e.getValue())) {
        nonZero.add(new Snapshot.Page(e.getKey(), e.getValue()));
      }
    }
    return new Snapshot(prev, stride, history, Bytes.of(output.toByteArray()), nonZero);
  }

  private static boolean isZero(byte[] page) {
    for (byte b : page) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static InvalidInputException chain(String why) {
    return new InvalidInputException("VM checkpoint chain " + why);
  }
}
