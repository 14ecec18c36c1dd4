package dev.trustdial.vm.checkpoint;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.Machine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test store of checkpoint links, written as an operator does (docs/spec/vm.md §8.1): a full
 * snapshot every {@code fullEvery} captures, deltas between, each compressed and kept by its hash;
 * the locator is a stand-in for a DA blob key (keccak256 of "loc" and the parent hash).
 */
final class ChainWriter implements SnapshotChain.LinkSource {
  /** One written link. */
  record Written(
      long step, Bytes32 stateHash, int depth, Bytes32 hash, byte[] raw, byte[] stored) {}

  private final int fullEvery;
  private final Map<Bytes32, byte[]> stored = new HashMap<>();
  final List<Written> links = new ArrayList<>();
  private int captures;

  ChainWriter(int fullEvery) {
    this.fullEvery = fullEvery;
  }

  static Bytes32 locator(Bytes32 parent) {
    byte[] b = new byte[35];
    b[0] = 'l';
    b[1] = 'o';
    b[2] = 'c';
    System.arraycopy(parent.bytes(), 0, b, 3, 32);
    return Hashes.keccak256(b);
  }

  Written capture(Machine m) {
    CheckpointCapture c = m.capture(captures++ % fullEvery == 0);
    return add(c);
  }

  Written add(CheckpointCapture c) {
    byte[] raw;
    int depth;
    if (c.full()) {
      raw = c.toSnapshot().encode();
      depth = 0;
    } else {
      Written parent = links.getLast();
      depth = parent.depth() + 1;
      raw = c.toDelta(parent.hash(), locator(parent.hash()), depth).encode();
    }
    Bytes32 hash = SnapshotChain.read(raw, SnapshotChain.Limits.DEFAULT).hash();
    Written w =
        new Written(c.step(), c.stateHash(), depth, hash, raw, LinkCompression.compress(raw));
    stored.put(hash, w.stored());
    links.add(w);
    return w;
  }

  @Override
  public byte[] fetch(Bytes32 linkHash, Bytes32 locator) {
    if (!locator.equals(locator(linkHash))) {
      throw new InvalidInputException("wrong locator " + locator + " for " + linkHash);
    }
    byte[] b = stored.get(linkHash);
    if (b == null) {
      throw new InvalidInputException("no link " + linkHash);
    }
    return b;
  }

  void remove(Bytes32 hash) {
    stored.remove(hash);
  }

  void replace(Bytes32 hash, byte[] bytes) {
    stored.put(hash, bytes);
  }
}
