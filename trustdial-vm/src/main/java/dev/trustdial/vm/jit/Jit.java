package dev.trustdial.vm.jit;

import dev.trustdial.vm.cpu.Decoder;
import dev.trustdial.vm.cpu.Hart;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs a hart with hot guest code translated to JVM bytecode ({@link RegionCompiler}) and
 * everything else on the interpreter, to exactly the same states: {@link #run(long)} is {@link
 * Hart#run(long)} step for step. Code is counted per block entry; an entry reached {@link #HOT}
 * times gets a region (one entry each, from this JVM's {@link RegionCache} when the same page was
 * translated before). A region is valid while its page's decoded form is the one it was translated
 * from: any store to the page drops that form (Memory), and with it every region of the page;
 * fence.i needs nothing more. A page rewritten over and over is left to the interpreter. The
 * interpreter runs what regions leave out: cold code, ecalls, faults, slow memory accesses and the
 * last steps before a limit that a whole block would pass. Not thread-safe, like Hart.
 */
public final class Jit {
  /** Block entries before a region is translated. */
  static final int HOT = 64;

  /** Guest instructions a region covers at most (halved until its bytecode fits the JVM's JIT). */
  static final int REGION_BUDGET = 384;

  /** A page whose translations were dropped this often stays interpreted. */
  static final int MAX_PAGE_INVALIDATIONS = 32;

  /**
   * Regions one machine translates at most (each is a class in metaspace); then it interprets new
   * code.
   */
  static final int MAX_REGIONS = 20_000;

  /**
   * Runs shorter than this (single steps of traces and witnesses) go straight to the interpreter.
   */
  static final long SHORT_RUN = 64;

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

  /** The translations of one code page, valid for one decoded form of it. */
  private static final class PageCode {
    final int[] source;
    final CompiledRegion[] entries = new CompiledRegion[1024];
    final short[] hits = new short[1024];

    PageCode(int[] source) {
      this.source = source;
    }
  }

  private final Hart hart;
  private final Memory mem;
  private final int window;

  /** Per page of the window; allocated on the first run long enough to use them. */
  private PageCode[] pages;

  private byte[] invalidations;
  private long regions,
      instructions,
      bytecodeBytes,
      compileNanos,
      invalidatedPages,
      reusedRegions,
      regionRuns,
      translatedSteps,
      interpretedSteps;

  public Jit(Hart hart) {
    this.hart = hart;
    this.mem = hart.mem;
    this.window = hart.ramEnd - Memory.RAM_BASE;
  }

  public JitStats stats() {
    return new JitStats(
        regions,
        instructions,
        bytecodeBytes,
        compileNanos,
        invalidatedPages,
        reusedRegions,
        regionRuns,
        translatedSteps,
        interpretedSteps);
  }

  /** As {@link Hart#run(long)}: runs until step == limit or the state is terminal. */
  public void run(long limit) {
    Hart h = hart;
    if (limit - h.step < SHORT_RUN) {
      interpret(limit);
      return;
    }
    if (pages == null) {
      pages = new PageCode[window >>> Memory.PAGE_SHIFT];
      invalidations = new byte[pages.length];
    }
    while (h.status == VmState.RUNNING && h.step < limit) {
      int pc = h.pc;
      CompiledRegion r = regionAt(pc);
      if (r != null) {
        int budget = (int) Math.min(limit - h.step, Integer.MAX_VALUE);
        long out = r.run(h.x, mem, pc, budget);
        regionRuns++;
        int done = budget - (int) out;
        if (done < 0 || done > budget) {
          throw new IllegalStateException(
              "translated region at 0x"
                  + Integer.toHexString(pc)
                  + " ran "
                  + done
                  + " of "
                  + budget
                  + " steps");
        }
        mem.codeInvalidated =
            false; // regions are revalidated by their page's decoded form on entry
        if (done > 0) {
          h.pc = (int) (out >>> 32);
          h.step += done;
          translatedSteps += done;
          continue;
        }
      }
      // cold code, or a block that does not fit or begins with what only the interpreter does
      interpret(Math.min(limit, h.step + blockLength(pc)));
    }
  }

  private void interpret(long limit) {
    long before = hart.step;
    hart.run(limit);
    interpretedSteps += hart.step - before;
  }

  /**
   * Instructions from pc to the end of its basic block (at least 1; the interpreter may stop
   * sooner).
   */
  private int blockLength(int pc) {
    Memory.Page p = (pc & 3) == 0 && inWindow(pc) ? mem.pageOrNull(pc) : null;
    if (p == null || p.decoded == null) {
      return 1;
    }
    int[] dec = p.decoded;
    int n = 0;
    for (int i = (pc >>> 2) & 1023; i < 1024; i++) {
      n++;
      int op = RegionCompiler.op(dec, i);
      if (!RegionCompiler.translatable(op) || RegionCompiler.endsBlock(op)) {
        break;
      }
    }
    return n;
  }

  private boolean inWindow(int a) {
    return Integer.compareUnsigned(a - Memory.RAM_BASE, window) < 0;
  }

  /** The region entered at pc, translating it if pc has become hot; null to interpret. */
  private CompiledRegion regionAt(int pc) {
    if ((pc & 3) != 0 || !inWindow(pc)) {
      return null;
    }
    Memory.Page p = mem.pageOrNull(pc);
    if (p == null) {
      return null;
    }
    int[] dec = p.decoded;
    if (dec == null) {
      dec = Decoder.decodePage(p.words); // shared with the interpreter, which decodes the same way
      p.decoded = dec;
    }
    int pi = (pc - Memory.RAM_BASE) >>> Memory.PAGE_SHIFT;
    PageCode code = pages[pi];
    if (code == null || code.source != dec) {
      if (code != null) {
        invalidatedPages++;
        if (invalidations[pi] < MAX_PAGE_INVALIDATIONS) {
          invalidations[pi]++;
        }
      }
      code = new PageCode(dec);
      pages[pi] = code;
    }
    int i = (pc >>> 2) & 1023;
    CompiledRegion r = code.entries[i];
    if (r == null
        && ++code.hits[i] == HOT
        && invalidations[pi] < MAX_PAGE_INVALIDATIONS
        && regions < MAX_REGIONS) {
      r = translate(code, p, pc & ~(Memory.PAGE_SIZE - 1), i);
    }
    return r;
  }

  private CompiledRegion translate(PageCode code, Memory.Page page, int pageBase, int entry) {
    long t0 = System.nanoTime();
    RegionCache.Key key = new RegionCache.Key(pageBase, entry, window, page.words.clone());
    CompiledRegion cached = RegionCache.get(key);
    if (cached != null) {
      code.entries[entry] = cached;
      reusedRegions++;
      compileNanos += System.nanoTime() - t0;
      return cached;
    }
    RegionCompiler.Translation t = null;
    for (int budget = REGION_BUDGET; budget >= 1; budget /= 2) {
      t = RegionCompiler.translate(code.source, pageBase, entry, budget, window);
      if (t == null || t.codeBytes() <= RegionCompiler.MAX_CODE_BYTES) {
        break;
      }
    }
    if (t == null || t.codeBytes() > RegionCompiler.MAX_CODE_BYTES) {
      return null;
    }
    CompiledRegion region;
    try {
      MethodHandles.Lookup l = LOOKUP.defineHiddenClass(t.classBytes(), true);
      region =
          (CompiledRegion)
              l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) {
      throw new IllegalStateException(
          "translated region at 0x" + Integer.toHexString(pageBase + 4 * entry) + " does not load",
          e);
    }
    code.entries[entry] = region;
    RegionCache.put(key, region);
    regions++;
    instructions += t.instructions();
    bytecodeBytes += t.codeBytes();
    compileNanos += System.nanoTime() - t0;
    return region;
  }
}
