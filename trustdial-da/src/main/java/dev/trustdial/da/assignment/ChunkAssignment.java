package dev.trustdial.da.assignment;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.kzg.Kzg;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which operator holds which of the 128 chunks of a blob (docs/spec/da.md §5): counts by stake
 * (floor, then leftovers round-robin from a key-derived start), indices from a key-derived
 * Fisher–Yates permutation. Every chunk has exactly one holder.
 */
public final class ChunkAssignment {
  private final int[] counts;
  private final List<List<Integer>> chunksByOperator;
  private final int[] holderOfChunk;

  private ChunkAssignment(int[] counts, List<List<Integer>> chunksByOperator, int[] holderOfChunk) {
    this.counts = counts;
    this.chunksByOperator = chunksByOperator;
    this.holderOfChunk = holderOfChunk;
  }

  public static ChunkAssignment of(OperatorSet set, Bytes32 blobKey) {
    int[] counts = counts(set, blobKey);
    int[] perm = permutation(blobKey);
    List<List<Integer>> byOperator = new ArrayList<>(set.size());
    int[] holder = new int[Kzg.CELLS];
    int offset = 0;
    for (int i = 0; i < set.size(); i++) {
      List<Integer> mine = new ArrayList<>(counts[i]);
      for (int k = 0; k < counts[i]; k++) {
        int chunk = perm[offset + k];
        mine.add(chunk);
        holder[chunk] = i;
      }
      offset += counts[i];
      mine.sort(null);
      byOperator.add(List.copyOf(mine));
    }
    assert offset == Kzg.CELLS : "assignment must cover all 128 chunks exactly once";
    return new ChunkAssignment(counts, List.copyOf(byOperator), holder);
  }

  /** {@code floor(128 · stake_i / T)} per operator index: the chunks an operator holds at least. */
  public static int[] floorCounts(OperatorSet set) {
    BigInteger total = set.totalStake();
    BigInteger cells = BigInteger.valueOf(Kzg.CELLS);
    int[] counts = new int[set.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = set.get(i).stake().multiply(cells).divide(total).intValueExact();
    }
    return counts;
  }

  /** Chunk counts per operator index; they sum to 128. */
  public static int[] counts(OperatorSet set, Bytes32 blobKey) {
    int n = set.size();
    int[] counts = floorCounts(set);
    int assigned = 0;
    for (int c : counts) {
      assigned += c;
    }
    int leftover = Kzg.CELLS - assigned;
    assert leftover >= 0 && leftover < Math.max(n, 1) : "floor shares leave fewer than n chunks";
    int start =
        new BigInteger(1, Hashes.keccak256(blobKey.bytes()).bytes())
            .mod(BigInteger.valueOf(n))
            .intValueExact();
    for (int k = 0; k < leftover; k++) {
      counts[(start + k) % n]++;
    }
    return counts;
  }

  /** The Fisher–Yates permutation of 0..127 keyed by the blob key. */
  public static int[] permutation(Bytes32 blobKey) {
    int[] perm = new int[Kzg.CELLS];
    Arrays.setAll(perm, i -> i);
    byte[] key = blobKey.bytes();
    for (int k = Kzg.CELLS - 1; k >= 1; k--) {
      BigInteger r = new BigInteger(1, Hashes.keccak256(key, new byte[] {(byte) k}).bytes());
      int j = r.mod(BigInteger.valueOf(k + 1)).intValueExact();
      int t = perm[k];
      perm[k] = perm[j];
      perm[j] = t;
    }
    return perm;
  }

  public int count(int operatorIndex) {
    return counts[operatorIndex];
  }

  /** Ascending chunk indices held by the operator. */
  public List<Integer> chunksOf(int operatorIndex) {
    return chunksByOperator.get(operatorIndex);
  }

  public int holderOf(int chunkIndex) {
    return holderOfChunk[chunkIndex];
  }

  public int operatorCount() {
    return counts.length;
  }
}
