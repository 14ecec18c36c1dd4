package dev.trustdial.vm.memory;

import dev.trustdial.core.bytes.Bytes32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Sparse little-endian guest memory with a cached keccak256 Merkle tree over 32-byte leaves (depth
 * 27, docs/spec/vm.md "Memory commitment"). Pages are 4 KiB int arrays allocated on first write; an
 * absent page reads as zeros. Stores only mark leaves dirty; {@link #root()} rehashes the dirty
 * leaves of dirty pages and the paths above them, so hashing cost follows what changed. It goes one
 * tree level at a time across all dirty pages, so a {@link NodeBatch} can hash the independent
 * nodes of a level several per SIMD call.
 *
 * <p>Range checks belong to the caller (the CPU checks the state's RAM window before calling); the
 * window bounds the pages a guest can allocate, so memory has no limit of its own.
 */
public final class Memory {
  public static final int PAGE_SHIFT = 12;
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
  public static final int LEAF_SIZE = 32;
  public static final int TREE_DEPTH = 27;

  /** Levels inside a page: 128 leaves -> page root. */
  static final int PAGE_DEPTH = 7;

  /** Levels above the page roots: 2^20 pages -> memory root. */
  static final int UPPER_DEPTH = TREE_DEPTH - PAGE_DEPTH;

  /**
   * Start of the guest RAM window; the window's end is the state's ramEnd (at most MAX_RAM_END).
   */
  public static final int RAM_BASE = 0x0001_0000;

  public static final long MAX_RAM_END = 0x8000_0000L;

  /** Root of an all-zero subtree of each height, as 4 lanes. */
  private static final long[][] ZERO_HASHES = new long[TREE_DEPTH + 1][];

  static {
    ZERO_HASHES[0] = new long[4];
    NodeBatch b = NodeBatch.scalar();
    for (int i = 1; i <= TREE_DEPTH; i++) {
      ZERO_HASHES[i] = new long[4];
      b.addPair(ZERO_HASHES[i - 1], 0, ZERO_HASHES[i - 1], 0, ZERO_HASHES[i], 0);
      b.drain();
    }
  }

  /** One 4 KiB page. Fields are package-visible to the CPU's fast path via accessors below. */
  public static final class Page {
    final int index;
    public final int[] words = new int[PAGE_SIZE / 4];
    long dirtyLo;
    long dirtyHi;
    boolean queued;

    /** In {@link #written}: written since the last {@link #takeWrittenPages}. */
    boolean written;

    /** Internal nodes by heap index 1..127, 4 longs each at 4*index; index 1 is the page root. */
    long[] nodes;

    /** Decoded instructions, owned by the CPU; dropped on any store to the page. */
    public int[] decoded;

    Page(int index) {
      this.index = index;
    }
  }

  private final Page[] pages = new Page[(int) (MAX_RAM_END >>> PAGE_SHIFT)];
  private final ArrayList<Page> dirtyPages = new ArrayList<>();

  /**
   * Pages written since the last {@link #takeWrittenPages} (a delta checkpoint's pages). Every
   * write queues its page in dirtyPages before the next flush, so collecting them there is exact
   * and costs the store path nothing.
   */
  private final ArrayList<Page> written = new ArrayList<>();

  private int pageCount;

  /** Upper tree: upper[l] maps node index at level l (1..20 above page roots) to its hash. */
  @SuppressWarnings("unchecked")
  private final HashMap<Integer, long[]>[] upper = new HashMap[UPPER_DEPTH + 1];

  /** Makes the node batches of this memory (one per hashing thread). */
  private final Supplier<NodeBatch> batches;

  private final NodeBatch batch;

  /**
   * Dirty pages (1 MiB) at which a flush hashes pages on several cores; results do not depend on
   * it. Loading and restoring big images reach it; a running guest's checkpoints rarely do, and
   * stay on its thread, where a shared machine's cores are better left to other work.
   */
  private static final int PARALLEL_PAGES = 256;

  /** Set when a store hit a page that had decoded instructions. The CPU clears it. */
  public boolean codeInvalidated;

  public Memory() {
    this(NodeBatch::create);
  }

  /** With a chosen node hashing kernel (tests pin the scalar or the SIMD one). */
  Memory(Supplier<NodeBatch> batches) {
    this.batches = batches;
    this.batch = batches.get();
    for (int l = 1; l <= UPPER_DEPTH; l++) {
      upper[l] = new HashMap<>();
    }
  }

  /**
   * Which keccak kernel hashes tree nodes in this JVM now ("simd-8", "scalar", ...): for
   * benchmarks.
   */
  public static String nodeHashKernel() {
    return NodeBatch.kernel();
  }

  /**
   * Whether all {@code size} bytes from addr lie in the window [RAM_BASE, ramEnd) (docs/spec/vm.md
   * §2); ramEnd is unsigned, at most 0x80000000. One unsigned compare: below RAM_BASE wraps high.
   */
  public static boolean inWindow(int addr, int size, int ramEnd) {
    return Integer.compareUnsigned(addr - RAM_BASE, ramEnd - RAM_BASE - size + 1) < 0;
  }

  public static byte[] zeroHash(int level) {
    return hashBytes(ZERO_HASHES[level], 0).bytes();
  }

  public int pageCount() {
    return pageCount;
  }

  /** The page holding addr, or null when it has never been written. */
  public Page pageOrNull(int addr) {
    return pages[addr >>> PAGE_SHIFT];
  }

  private Page pageForWrite(int addr) {
    int idx = addr >>> PAGE_SHIFT;
    Page p = pages[idx];
    if (p == null) {
      p = new Page(idx);
      pages[idx] = p;
      pageCount++;
      p.dirtyLo = -1L;
      p.dirtyHi = -1L;
      p.queued = true;
      dirtyPages.add(p);
    }
    return p;
  }

  public int loadWordAligned(int addr) {
    Page p = pages[addr >>> PAGE_SHIFT];
    return p == null ? 0 : p.words[(addr >>> 2) & 1023];
  }

  public int loadByte(int addr) {
    Page p = pages[addr >>> PAGE_SHIFT];
    return p == null ? 0 : (p.words[(addr >>> 2) & 1023] >>> ((addr & 3) << 3)) & 0xff;
  }

  /** Little-endian load of 1, 2 or 4 bytes at any alignment (zero-extended). */
  public int load(int addr, int size) {
    if ((addr & 3) == 0 && size == 4) {
      return loadWordAligned(addr);
    }
    if (size == 2 && (addr & 3) != 3) {
      return (loadWordAligned(addr & ~3) >>> ((addr & 3) << 3)) & 0xffff;
    }
    if (size == 1) {
      return loadByte(addr);
    }
    int v = 0;
    for (int i = 0; i < size; i++) {
      v |= loadByte(addr + i) << (8 * i);
    }
    return v;
  }

  private void touch(Page p, int addr) {
    if ((addr & 0x800) == 0) {
      p.dirtyLo |= 1L << (addr >>> 5);
    } else {
      p.dirtyHi |= 1L << (addr >>> 5);
    }
    if (!p.queued) {
      p.queued = true;
      dirtyPages.add(p);
    }
    if (p.decoded != null) {
      p.decoded = null;
      codeInvalidated = true;
    }
  }

  public void storeWordAligned(int addr, int value) {
    Page p = pageForWrite(addr);
    p.words[(addr >>> 2) & 1023] = value;
    touch(p, addr);
  }

  public void storeByte(int addr, int value) {
    Page p = pageForWrite(addr);
    int i = (addr >>> 2) & 1023;
    int sh = (addr & 3) << 3;
    p.words[i] = (p.words[i] & ~(0xff << sh)) | ((value & 0xff) << sh);
    touch(p, addr);
  }

  /** Little-endian store of the low 1, 2 or 4 bytes of value at any alignment. */
  public void store(int addr, int size, int value) {
    if (size == 4 && (addr & 3) == 0) {
      storeWordAligned(addr, value);
      return;
    }
    if (size == 2 && (addr & 3) != 3) {
      Page p = pageForWrite(addr);
      int i = (addr >>> 2) & 1023;
      int sh = (addr & 3) << 3;
      p.words[i] = (p.words[i] & ~(0xffff << sh)) | ((value & 0xffff) << sh);
      touch(p, addr);
      return;
    }
    for (int i = 0; i < size; i++) {
      storeByte(addr + i, value >>> (8 * i));
    }
  }

  /** Writes a whole page from 4096 little-endian bytes (loader and snapshot restore). */
  public void writePage(int pageIndex, byte[] src, int off) {
    Page p = pageForWrite(pageIndex << PAGE_SHIFT);
    for (int w = 0; w < 1024; w++) {
      int o = off + 4 * w;
      p.words[w] =
          (src[o] & 0xff)
              | (src[o + 1] & 0xff) << 8
              | (src[o + 2] & 0xff) << 16
              | (src[o + 3] & 0xff) << 24;
    }
    p.dirtyLo = -1L;
    p.dirtyHi = -1L;
    p.decoded = null;
    if (!p.queued) {
      p.queued = true;
      dirtyPages.add(p);
    }
  }

  /** Visits allocated pages that hold at least one non-zero byte, in ascending address order. */
  public List<Page> nonZeroPages() {
    List<Page> out = new ArrayList<>();
    for (Page p : pages) {
      if (p != null && !isZero(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean isZero(Page p) {
    for (int w : p.words) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  public static int pageIndex(Page p) {
    return p.index;
  }

  public static void pageBytes(Page p, byte[] dst, int off) {
    for (int w = 0; w < 1024; w++) {
      int v = p.words[w];
      int o = off + 4 * w;
      dst[o] = (byte) v;
      dst[o + 1] = (byte) (v >>> 8);
      dst[o + 2] = (byte) (v >>> 16);
      dst[o + 3] = (byte) (v >>> 24);
    }
  }

  // ---------------------------------------------------------------- Merkle tree
  // Hashes are held as 4 little-endian longs (the 32 digest bytes in order); leaves are never
  // stored, they are the page's own words.

  /** The 32 memory bytes of leaf (index within page) as they are hashed. */
  private static void leafBytes(Page p, int leaf, byte[] dst, int off) {
    int base = leaf * 8;
    for (int w = 0; w < 8; w++) {
      int v = p.words[base + w];
      int o = off + 4 * w;
      dst[o] = (byte) v;
      dst[o + 1] = (byte) (v >>> 8);
      dst[o + 2] = (byte) (v >>> 16);
      dst[o + 3] = (byte) (v >>> 24);
    }
  }

  private static Bytes32 hashBytes(long[] h, int off) {
    byte[] b = new byte[32];
    for (int k = 0; k < 4; k++) {
      Keccak.put64(b, 8 * k, h[off + k]);
    }
    return new Bytes32(b);
  }

  /** Bit j of the result is set when bit 2j or 2j+1 of m is (a parent is dirty if a child is). */
  private static long parents(long m) {
    return Long.compress(m | (m >>> 1), 0x5555_5555_5555_5555L);
  }

  /**
   * Rehashes the dirty leaf pairs and in-page nodes of pages[from..to), one tree level at a time
   * across all those pages so each batch is full. Touches only those pages, so disjoint ranges may
   * hash concurrently.
   */
  private static void rehashPages(Page[] pages, int from, int to, NodeBatch batch) {
    long[] dirty =
        new long[to - from]; // per page: dirty nodes of the current level, bit j = j-th node
    for (int i = from; i < to; i++) {
      Page p = pages[i];
      if (p.nodes == null) {
        p.nodes = new long[128 * 4];
        p.dirtyLo = -1L;
        p.dirtyHi = -1L;
      }
      dirty[i - from] =
          parents(p.dirtyLo) | parents(p.dirtyHi) << 32; // leaf pairs = heap nodes 64..127
      for (long m = dirty[i - from]; m != 0; m &= m - 1) {
        int j = Long.numberOfTrailingZeros(m);
        batch.addWords(p.words, 16 * j, p.nodes, 4 * (64 + j));
      }
    }
    batch.drain();
    for (int width = 32; width >= 1; width >>>= 1) { // heap nodes width..2*width-1
      for (int i = from; i < to; i++) {
        Page p = pages[i];
        long m = parents(dirty[i - from]);
        dirty[i - from] = m;
        for (; m != 0; m &= m - 1) {
          int n = width + Long.numberOfTrailingZeros(m);
          batch.addPair(p.nodes, 8 * n, p.nodes, 8 * n + 4, p.nodes, 4 * n);
        }
      }
      batch.drain();
    }
    for (int i = from; i < to; i++) {
      Page p = pages[i];
      p.dirtyLo = 0;
      p.dirtyHi = 0;
      p.queued = false;
    }
  }

  /** Array holding the hash of upper node (level, index); level 0 is the page roots. */
  private long[] upperArray(int level, int index) {
    if (level == 0) {
      Page p = pages[index];
      if (p == null) {
        return ZERO_HASHES[PAGE_DEPTH];
      }
      assert p.nodes != null && !p.queued : "page root read before rehash";
      return p.nodes;
    }
    long[] h = upper[level].get(index);
    return h == null ? ZERO_HASHES[PAGE_DEPTH + level] : h;
  }

  /** Offset of that hash in {@link #upperArray}: a page root is heap node 1 of its page. */
  private int upperOffset(int level, int index) {
    return level == 0 && pages[index] != null ? 4 : 0;
  }

  /** Rehashes everything written since the last call. */
  public void flush() {
    if (dirtyPages.isEmpty()) {
      return;
    }
    Page[] dirty = dirtyPages.toArray(new Page[0]);
    dirtyPages.clear();
    for (Page p : dirty) {
      if (!p.written) {
        p.written = true;
        written.add(p);
      }
    }
    if (dirty.length >= PARALLEL_PAGES) {
      // large flushes (load, restore, huge dirty sets) use several cores; results do not depend on
      // it
      int chunks = (dirty.length + 63) / 64;
      IntStream.range(0, chunks)
          .parallel()
          .forEach(c ->
              rehashPages(
                  dirty,
                  c * dirty.length / chunks,
                  (c + 1) * dirty.length / chunks,
                  batches.get()));
    } else {
      rehashPages(dirty, 0, dirty.length, batch);
    }
    int[] idx = new int[dirty.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = dirty[i].index;
    }
    for (int level = 1; level <= UPPER_DEPTH; level++) {
      for (int i = 0; i < idx.length; i++) {
        idx[i] >>>= 1;
      }
      Arrays.sort(idx);
      int prev = -1;
      for (int i : idx) {
        if (i == prev) {
          continue;
        }
        prev = i;
        long[] h = upper[level].computeIfAbsent(i, k -> new long[4]);
        batch.addPair(
            upperArray(level - 1, 2 * i),
            upperOffset(level - 1, 2 * i),
            upperArray(level - 1, 2 * i + 1),
            upperOffset(level - 1, 2 * i + 1),
            h,
            0);
      }
      batch.drain();
    }
  }

  /**
   * The pages written since the previous call (or since this memory was created), in ascending
   * index order, whatever their contents now (a page written back to zeros is among them); then
   * starts a new interval.
   */
  public List<Page> takeWrittenPages() {
    flush();
    List<Page> out = new ArrayList<>(written);
    written.clear();
    for (Page p : out) {
      p.written = false;
    }
    out.sort(java.util.Comparator.comparingInt(p -> p.index));
    return out;
  }

  public Bytes32 root() {
    flush();
    return hashBytes(upperArray(UPPER_DEPTH, 0), 0);
  }

  /** The 32-byte leaf holding byte address leafIndex*32. */
  public Bytes32 leaf(int leafIndex) {
    Page p = pages[leafIndex >>> (PAGE_SHIFT - 5)];
    byte[] b = new byte[32];
    if (p != null) {
      leafBytes(p, leafIndex & 127, b, 0);
    }
    return new Bytes32(b);
  }

  /** Sibling hashes from the leaf level up to (not including) the root: 27 entries. */
  public List<Bytes32> proof(int leafIndex) {
    flush();
    List<Bytes32> proof = new ArrayList<>(TREE_DEPTH);
    int pageIdx = leafIndex >>> PAGE_DEPTH;
    Page p = pages[pageIdx];
    int leaf = leafIndex & 127;
    // level 0: the sibling leaf itself
    if (p == null) {
      for (int l = 0; l < PAGE_DEPTH; l++) {
        proof.add(hashBytes(ZERO_HASHES[l], 0));
      }
    } else {
      byte[] b = new byte[32];
      leafBytes(p, leaf ^ 1, b, 0);
      proof.add(new Bytes32(b));
      int n = (128 + leaf) >>> 1;
      for (int l = 1; l < PAGE_DEPTH; l++) {
        proof.add(hashBytes(p.nodes, 4 * (n ^ 1)));
        n >>>= 1;
      }
    }
    int i = pageIdx;
    for (int level = 0; level < UPPER_DEPTH; level++) {
      proof.add(hashBytes(upperArray(level, i ^ 1), upperOffset(level, i ^ 1)));
      i >>>= 1;
    }
    assert proof.size() == TREE_DEPTH;
    return proof;
  }
}
