package dev.trustdial.ai.kernel;

import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.model.WeightMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C kernels of src/main/c (td_kernels.c's entry points over td_generic.c, td_avx2.c and
 * td_avx512.c, chosen by CPU features at run time), called through the FFM API once per matmul row
 * range. They compute the same bits as {@link JavaKernels}; K-quants (Q4_K, Q6_K) are in
 * src/main/c/td_kquants.c. Types the library does not handle (F16, BF16) run on the Java kernels.
 */
public final class NativeKernels implements MatmulKernels {
  private static final Logger log = LoggerFactory.getLogger(NativeKernels.class);
  private static final String RESOURCE = "/native/libtdkernels.so";

  /** The C code paths, in the order of td_kernels.h. */
  public enum Variant {
    GENERIC,
    AVX2,
    AVX512_VNNI,
    /**
     * Not canonical: llama.cpp-style lane accumulation, for the determinism-cost benchmark only;
     * present only in bench/ai's build of the library (bench/ai/build-native.sh).
     */
    RELAXED_BASELINE
  }

  private static final class Library {
    static final Optional<Library> INSTANCE = open();
    final MethodHandle matmul;
    final MethodHandle packBytes;
    final MethodHandle pack;
    final MethodHandle expF32;
    final MethodHandle expSum;
    final MethodHandle expF64;
    final MethodHandle expSelfCheck;
    final Variant best;

    /** Whether this build has the relaxed baseline (bench/ai's only). */
    final boolean relaxed;

    Library(
        MethodHandle matmul,
        MethodHandle packBytes,
        MethodHandle pack,
        MethodHandle expF32,
        MethodHandle expSum,
        MethodHandle expF64,
        MethodHandle expSelfCheck,
        Variant best,
        boolean relaxed) {
      this.matmul = matmul;
      this.packBytes = packBytes;
      this.pack = pack;
      this.expF32 = expF32;
      this.expSum = expSum;
      this.expF64 = expF64;
      this.expSelfCheck = expSelfCheck;
      this.best = best;
      this.relaxed = relaxed;
    }

    @SuppressWarnings(
        "restricted") // the JVM runs with --enable-native-access; this is the one native binding
    private static Optional<Library> open() {
      try {
        Optional<Path> path = libraryPath();
        if (path.isEmpty()) {
          log.info(
              "native kernels not built ({} not on the classpath); using Java kernels", RESOURCE);
          return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.libraryLookup(path.get(), Arena.global());
        MethodHandle best =
            linker.downcallHandle(
                lookup.findOrThrow("td_best_variant"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        ValueLayout i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        ValueLayout l = ValueLayout.JAVA_LONG;
        MethodHandle matmul =
            linker.downcallHandle(
                lookup.findOrThrow("td_matmul"),
                FunctionDescriptor.of(i, i, i, p, l, i, i, i, i, p, p, p, i, p, p, p),
                Linker.Option.critical(true));
        MethodHandle packBytes =
            linker.downcallHandle(
                lookup.findOrThrow("td_pack_bytes"), FunctionDescriptor.of(l, i, i, i));
        MethodHandle pack =
            linker.downcallHandle(
                lookup.findOrThrow("td_pack"), FunctionDescriptor.of(i, i, p, l, i, i, p));
        MethodHandle expF32 =
            linker.downcallHandle(
                lookup.findOrThrow("td_exp_f32"),
                FunctionDescriptor.ofVoid(i, p, ValueLayout.JAVA_FLOAT, p, i),
                Linker.Option.critical(true));
        MethodHandle expSum =
            linker.downcallHandle(
                lookup.findOrThrow("td_exp_sum"),
                FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, i, p, ValueLayout.JAVA_DOUBLE, i),
                Linker.Option.critical(true));
        MethodHandle expF64 =
            linker.downcallHandle(
                lookup.findOrThrow("td_exp_f64"),
                FunctionDescriptor.ofVoid(i, p, p, i),
                Linker.Option.critical(true));
        MethodHandle expSelfCheck =
            linker.downcallHandle(
                lookup.findOrThrow("td_exp_f32_selfcheck"), FunctionDescriptor.of(l, i, i));
        MethodHandle hasRelaxed =
            linker.downcallHandle(
                lookup.findOrThrow("td_has_relaxed"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        return Optional.of(
            new Library(
                matmul,
                packBytes,
                pack,
                expF32,
                expSum,
                expF64,
                expSelfCheck,
                Variant.values()[(int) best.invokeExact()],
                (int) hasRelaxed.invokeExact() == 1));
      } catch (Throwable t) {
        log.warn("native kernels failed to load; using Java kernels", t);
        return Optional.empty();
      }
    }

    private static Optional<Path> libraryPath() throws IOException {
      String override = System.getProperty("trustdial.ai.nativeLib");
      if (override != null) {
        return Optional.of(Path.of(override));
      }
      URL url = NativeKernels.class.getResource(RESOURCE);
      if (url == null) {
        return Optional.empty();
      }
      if (url.getProtocol().equals("file")) {
        try {
          return Optional.of(Path.of(url.toURI()));
        } catch (java.net.URISyntaxException e) {
          throw new IOException("bad native library location " + url, e);
        }
      }
      Path tmp = Files.createTempFile("libtdkernels", ".so");
      tmp.toFile().deleteOnExit();
      try (InputStream in = url.openStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      return Optional.of(tmp);
    }
  }

  private final Library lib;
  private final Variant variant;
  private final JavaKernels fallback = JavaKernels.best();

  /**
   * 16-row interleaved copies of Q8_0/Q4_0 matrices for the AVX-512 VNNI kernels, made on first
   * use.
   */
  private final Map<WeightMatrix, MemorySegment> packed = new ConcurrentHashMap<>();

  private NativeKernels(Library lib, Variant variant) {
    this.lib = lib;
    this.variant = variant;
  }

  /** The best canonical variant this CPU runs, when the library is present and loads. */
  public static Optional<NativeKernels> load() {
    return Library.INSTANCE.map(l -> new NativeKernels(l, l.best));
  }

  /** A specific variant (tests compare all the CPU supports); empty if absent or unsupported. */
  public static Optional<NativeKernels> load(Variant variant) {
    return Library.INSTANCE
        .filter(l ->
            variant == Variant.RELAXED_BASELINE
                ? l.relaxed && l.best.ordinal() >= Variant.AVX2.ordinal()
                : variant.ordinal() <= l.best.ordinal())
        .map(l -> new NativeKernels(l, variant));
  }

  /**
   * Test support: a variant whether or not this library and CPU run it (td_matmul then refuses).
   */
  static Optional<NativeKernels> unchecked(Variant variant) {
    return Library.INSTANCE.map(l -> new NativeKernels(l, variant));
  }

  public static Optional<Variant> bestVariant() {
    return Library.INSTANCE.map(l -> l.best);
  }

  @Override
  public String name() {
    return "native-" + variant.name().toLowerCase();
  }

  @Override
  public void matmul(WeightMatrix w, BatchActivations x, float[] out, int from, int to) {
    if (from >= to) {
      return;
    }
    TensorType type = w.type();
    MemorySegment xf = MemorySegment.NULL;
    MemorySegment xq = MemorySegment.NULL;
    MemorySegment xd = MemorySegment.NULL;
    MemorySegment bsum = MemorySegment.NULL;
    switch (type) {
      case F32 -> xf = MemorySegment.ofArray(x.floats());
      case Q8_0, Q4_0 -> {
        QuantizedActivations q = x.quantized(32);
        xq = MemorySegment.ofArray(q.q());
        xd = MemorySegment.ofArray(q.scale());
        bsum = MemorySegment.ofArray(new int[q.scale().length]);
      }
      case Q4_K, Q6_K -> {
        QuantizedActivations q = x.quantized(256);
        xq = MemorySegment.ofArray(q.q());
        xd = MemorySegment.ofArray(q.scale());
        // td_kquants.h TD_KQ_SCRATCH_INTS: per token n/16 int16 sums, and n bytes of regrouped
        // activations
        bsum = MemorySegment.ofArray(new int[x.count() * (w.cols() / 32 + w.cols() / 4)]);
      }
      default -> {
        fallback.matmul(w, x, out, from, to);
        return;
      }
    }
    MemorySegment rowGroups =
        type == TensorType.Q8_0 || type == TensorType.Q4_0 ? packed(w) : MemorySegment.NULL;
    int status;
    try {
      status =
          (int)
              lib.matmul.invokeExact(
                  variant.ordinal(),
                  type.ggmlId(),
                  w.data(),
                  w.rowBytes(),
                  from,
                  to,
                  w.rows(),
                  w.cols(),
                  xf,
                  xq,
                  xd,
                  x.count(),
                  MemorySegment.ofArray(out),
                  bsum,
                  rowGroups);
    } catch (Throwable t) {
      throw new IllegalStateException("native matmul failed", t);
    }
    if (status != 0) {
      // Never leave the zeroed output in place: it would be signed as if computed.
      throw new IllegalStateException(
          "native matmul td_matmul returned "
              + status
              + " for "
              + type
              + " "
              + w.rows()
              + "x"
              + w.cols()
              + " rows "
              + from
              + ".."
              + to
              + " with "
              + variant);
    }
  }

  /**
   * out[oo + i] = (float) StrictMath.exp((double) (sign · in[io + i])) for i &lt; n, bit for bit
   * (td_exp.c: fdlibm's e_exp, 8 lanes at a time on AVX-512); in and out may be the same array. The
   * relaxed baseline variant computes a float approximation instead.
   */
  public void exp(float[] in, int io, float sign, float[] out, int oo, int n) {
    java.util.Objects.checkFromIndexSize(io, n, in.length);
    java.util.Objects.checkFromIndexSize(oo, n, out.length);
    try {
      lib.expF32.invokeExact(
          variant.ordinal(),
          MemorySegment.ofArray(in).asSlice(4L * io),
          sign,
          MemorySegment.ofArray(out).asSlice(4L * oo),
          n);
    } catch (Throwable t) {
      throw new IllegalStateException("native exp failed", t);
    }
  }

  /**
   * Test support: how many floats with bits in [fromBits, toBits) (unsigned) get another float exp
   * from the AVX-512 path (its division-free fast path included) than from the scalar fdlibm
   * transcription; -1 on a CPU without AVX-512.
   */
  static long expSelfCheck(int fromBits, int toBits) {
    try {
      return (long) Library.INSTANCE.orElseThrow().expSelfCheck.invokeExact(fromBits, toBits);
    } catch (Throwable t) {
      throw new IllegalStateException("native exp self-check failed", t);
    }
  }

  /**
   * out[i] = StrictMath.exp(in[i]) for i &lt; n, bit for bit (the relaxed variant too: canonical
   * here).
   */
  public void exp(double[] in, double[] out, int n) {
    java.util.Objects.checkFromIndexSize(0, n, in.length);
    java.util.Objects.checkFromIndexSize(0, n, out.length);
    int v = (variant == Variant.RELAXED_BASELINE ? lib.best : variant).ordinal();
    try {
      lib.expF64.invokeExact(v, MemorySegment.ofArray(in), MemorySegment.ofArray(out), n);
    } catch (Throwable t) {
      throw new IllegalStateException("native exp failed", t);
    }
  }

  /**
   * Σ StrictMath.exp((double) in[io + i] − shift) over i &lt; n, summed in index order in double
   * (relaxed: any order).
   */
  public double expSum(float[] in, int io, double shift, int n) {
    java.util.Objects.checkFromIndexSize(io, n, in.length);
    try {
      return (double)
          lib.expSum.invokeExact(
              variant.ordinal(), MemorySegment.ofArray(in).asSlice(4L * io), shift, n);
    } catch (Throwable t) {
      throw new IllegalStateException("native exp failed", t);
    }
  }

  /**
   * The 16-row interleaved copy of a quantized matrix (td_avx512.c, "16 rows interleaved"), or NULL
   * where the variant has no such kernel. It doubles the memory of the matrix; the mapped original
   * stays for the Java kernels and the row edges.
   */
  private MemorySegment packed(WeightMatrix w) {
    boolean vnni =
        variant == Variant.AVX512_VNNI
            || (variant == Variant.RELAXED_BASELINE && lib.best == Variant.AVX512_VNNI);
    if (!vnni || w.rows() < 16) {
      return MemorySegment.NULL;
    }
    return packed.computeIfAbsent(
        w,
        m -> {
          try {
            long bytes = (long) lib.packBytes.invokeExact(m.type().ggmlId(), m.rows(), m.cols());
            MemorySegment dst = Arena.ofAuto().allocate(bytes, 64);
            int status =
                (int)
                    lib.pack.invokeExact(
                        m.type().ggmlId(), m.data(), m.rowBytes(), m.rows(), m.cols(), dst);
            if (status != 0) {
              throw new IllegalStateException("td_pack refused " + m.type());
            }
            return dst;
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Throwable t) {
            throw new IllegalStateException("native pack failed", t);
          }
        });
  }
}
