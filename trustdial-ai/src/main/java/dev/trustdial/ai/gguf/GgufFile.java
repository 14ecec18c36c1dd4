package dev.trustdial.ai.gguf;

import dev.trustdial.ai.Invariant;
import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed GGUF v2/v3 file (little-endian): metadata in file order, tensor infos, and the
 * memory-mapped bytes. Tensor data is {@link #tensorData}; nothing is copied out of the mapping.
 * Layout: docs/spec/gguf.md (the upstream ggml GGUF format, with the limits this reader enforces).
 */
public final class GgufFile implements AutoCloseable {

  public static final int MAGIC = 0x46554747; // "GGUF" read little-endian
  public static final int DEFAULT_ALIGNMENT = 32;
  public static final String ALIGNMENT_KEY = "general.alignment";

  /**
   * Limits on untrusted headers, so a hostile file fails with a message instead of exhausting
   * memory.
   */
  public static final long MAX_STRING_BYTES = 16L << 20;

  public static final long MAX_ARRAY_LENGTH = 1L << 24;
  public static final long MAX_KV_COUNT = 1L << 16;
  public static final long MAX_TENSOR_COUNT = 1L << 16;
  public static final int MAX_DIMS = 4;
  public static final int MAX_ARRAY_NESTING = 4;

  private static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 =
      ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final int version;
  private final Map<String, GgufValue> metadata;
  private final List<GgufTensorInfo> tensors;
  private final Map<String, GgufTensorInfo> tensorsByName;
  private final int alignment;
  private final long dataOffset;
  private final MemorySegment segment;
  private final Arena arena; // null only for caller-owned segments

  private GgufFile(
      int version,
      Map<String, GgufValue> metadata,
      List<GgufTensorInfo> tensors,
      int alignment,
      long dataOffset,
      MemorySegment segment,
      Arena arena) {
    this.version = version;
    this.metadata = Collections.unmodifiableMap(metadata);
    this.tensors = List.copyOf(tensors);
    Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
    for (GgufTensorInfo t : tensors) {
      byName.put(t.name(), t);
    }
    this.tensorsByName = Collections.unmodifiableMap(byName);
    this.alignment = alignment;
    this.dataOffset = dataOffset;
    this.segment = segment;
    this.arena = arena;
  }

  /** Maps the file read-only (shared arena: any thread may read tensors) and parses its header. */
  @SuppressWarnings(
      "MustBeClosedChecker") // the returned file owns the arena; it is closed here on failure
  public static GgufFile open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("GGUF: no such file: " + file);
    }
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
      return parse(seg, arena, file.toString());
    } catch (IOException e) {
      arena.close();
      throw new InvalidInputException("GGUF: cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Parses GGUF bytes held by the caller (tests, generated models). */
  public static GgufFile parse(MemorySegment segment) {
    return parse(segment, null, "<memory>");
  }

  public static GgufFile parse(byte[] bytes) {
    return parse(MemorySegment.ofArray(bytes));
  }

  private static GgufFile parse(MemorySegment seg, Arena arena, String source) {
    Cursor c = new Cursor(seg, source);
    int magic = c.i32("magic");
    if (magic != MAGIC) {
      throw new InvalidInputException(
          source + ": not a GGUF file (magic 0x" + Integer.toHexString(magic) + ")");
    }
    int version = c.i32("version");
    if (version == 1) {
      throw new InvalidInputException(source + ": GGUF version 1 is not supported (only 2 and 3)");
    }
    if (version != 2 && version != 3) {
      String hint =
          Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
              ? " (a big-endian GGUF?)"
              : "";
      throw new InvalidInputException(source + ": unsupported GGUF version " + version + hint);
    }
    long tensorCount = c.count("tensor count", MAX_TENSOR_COUNT);
    long kvCount = c.count("metadata count", MAX_KV_COUNT);

    Map<String, GgufValue> metadata = new LinkedHashMap<>();
    for (long i = 0; i < kvCount; i++) {
      String key = c.string("metadata key #" + i);
      GgufValueType type = GgufValueType.fromId(Integer.toUnsignedLong(c.i32("type of " + key)));
      GgufValue value = c.value(type, key, 0);
      if (metadata.putIfAbsent(key, value) != null) {
        throw new InvalidInputException(source + ": duplicate metadata key '" + key + "'");
      }
    }

    int alignment = DEFAULT_ALIGNMENT;
    GgufValue alignValue = metadata.get(ALIGNMENT_KEY);
    if (alignValue != null) {
      if (!(alignValue instanceof GgufValue.Int(GgufValueType t, long a))
          || t != GgufValueType.UINT32
          || a <= 0
          || Long.bitCount(a) != 1
          || a > (1 << 20)) {
        throw new InvalidInputException(
            source + ": " + ALIGNMENT_KEY + " must be a power-of-two uint32, got " + alignValue);
      }
      alignment = (int) a;
    }

    record Raw(String name, long[] dims, GgmlType type, long offset) {}
    List<Raw> raws = new ArrayList<>();
    for (long i = 0; i < tensorCount; i++) {
      String name = c.string("tensor name #" + i);
      int nDims = c.i32("rank of " + name);
      if (nDims < 1 || nDims > MAX_DIMS) {
        throw new InvalidInputException(
            source + ": tensor '" + name + "' has rank " + nDims + " (1.." + MAX_DIMS + ")");
      }
      long[] dims = new long[nDims];
      for (int d = 0; d < nDims; d++) {
        dims[d] = c.i64("dim " + d + " of " + name);
        if (dims[d] < 0) {
          throw new InvalidInputException(
              source + ": tensor '" + name + "' has negative dimension " + dims[d]);
        }
      }
      GgmlType type = GgmlType.fromId(Integer.toUnsignedLong(c.i32("type of " + name)), name);
      long offset = c.i64("offset of " + name);
      if (offset < 0 || offset % alignment != 0) {
        throw new InvalidInputException(
            source
                + ": tensor '"
                + name
                + "' offset "
                + offset
                + " is not aligned to "
                + alignment);
      }
      raws.add(new Raw(name, dims, type, offset));
    }

    long dataOffset = alignUp(c.pos, alignment);
    long dataBytes = seg.byteSize() - dataOffset;
    List<GgufTensorInfo> tensors = new ArrayList<>(raws.size());
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Raw r : raws) {
      if (!names.add(r.name())) {
        throw new InvalidInputException(source + ": duplicate tensor name '" + r.name() + "'");
      }
      long elements = 1;
      try {
        for (long d : r.dims()) {
          elements = Math.multiplyExact(elements, d);
        }
      } catch (ArithmeticException e) {
        throw new InvalidInputException(
            source + ": tensor '" + r.name() + "' element count overflows");
      }
      if (r.dims()[0] % r.type().blockSize() != 0) {
        throw new InvalidInputException(
            source
                + ": tensor '"
                + r.name()
                + "' first dimension "
                + r.dims()[0]
                + " is not a multiple of the "
                + r.type()
                + " block size "
                + r.type().blockSize());
      }
      long bytes = r.type().rowBytes(r.dims()[0]) * (r.dims()[0] == 0 ? 0 : elements / r.dims()[0]);
      if (r.offset() > dataBytes || bytes > dataBytes - r.offset()) {
        throw new InvalidInputException(
            source
                + ": tensor '"
                + r.name()
                + "' ("
                + bytes
                + " bytes at data offset "
                + r.offset()
                + ") extends past the end of the file ("
                + dataBytes
                + " data bytes)");
      }
      tensors.add(new GgufTensorInfo(r.name(), r.dims(), r.type(), r.offset(), bytes));
    }
    return new GgufFile(version, metadata, tensors, alignment, dataOffset, seg, arena);
  }

  static long alignUp(long x, long alignment) {
    return (x + alignment - 1) / alignment * alignment;
  }

  public int version() {
    return version;
  }

  /** All metadata, in file order. */
  public Map<String, GgufValue> metadata() {
    return metadata;
  }

  /** Metadata as plain Java values (Long, Double, Boolean, String, List), in file order. */
  public Map<String, Object> metadataAsJava() {
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.forEach((k, v) -> out.put(k, v.toJava()));
    return Collections.unmodifiableMap(out);
  }

  public List<GgufTensorInfo> tensors() {
    return tensors;
  }

  public Optional<GgufTensorInfo> tensor(String name) {
    return Optional.ofNullable(tensorsByName.get(name));
  }

  public GgufTensorInfo requireTensor(String name) {
    return tensor(name)
        .orElseThrow(() -> new InvalidInputException("GGUF: missing tensor '" + name + "'"));
  }

  public int alignment() {
    return alignment;
  }

  /** Absolute file offset of the data section; tensor offsets are relative to it. */
  public long dataOffset() {
    return dataOffset;
  }

  /** The whole file. */
  public MemorySegment segment() {
    return segment;
  }

  /** The bytes of one tensor, a view into the mapping (valid until {@link #close}). */
  public MemorySegment tensorData(GgufTensorInfo tensor) {
    Invariant.check(
        tensor.equals(tensorsByName.get(tensor.name())),
        "tensor " + tensor.name() + " is one of this file's");
    return segment.asSlice(dataOffset + tensor.offset(), tensor.byteSize());
  }

  public Optional<GgufValue> value(String key) {
    return Optional.ofNullable(metadata.get(key));
  }

  public Optional<String> string(String key) {
    return value(key)
        .map(v ->
            switch (v) {
              case GgufValue.Str s -> s.value();
              default -> throw wrongType(key, "string", v);
            });
  }

  public String requireString(String key) {
    return string(key).orElseThrow(() -> missing(key));
  }

  public Optional<Long> integer(String key) {
    return value(key)
        .map(v ->
            switch (v) {
              case GgufValue.Int i -> i.value();
              default -> throw wrongType(key, "integer", v);
            });
  }

  public long requireInteger(String key) {
    return integer(key).orElseThrow(() -> missing(key));
  }

  public Optional<Double> real(String key) {
    return value(key)
        .map(v ->
            switch (v) {
              case GgufValue.Real r -> r.value();
              case GgufValue.Int i -> (double) i.value();
              default -> throw wrongType(key, "number", v);
            });
  }

  public Optional<Boolean> bool(String key) {
    return value(key)
        .map(v ->
            switch (v) {
              case GgufValue.Bool b -> b.value();
              default -> throw wrongType(key, "bool", v);
            });
  }

  public Optional<List<String>> stringArray(String key) {
    return array(key, GgufValueType.STRING)
        .map(a -> a.values().stream().map(v -> ((GgufValue.Str) v).value()).toList());
  }

  public Optional<float[]> floatArray(String key) {
    return array(key, GgufValueType.FLOAT32)
        .map(a -> {
          float[] out = new float[a.size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((GgufValue.Real) a.values().get(i)).value();
          }
          return out;
        });
  }

  /** An array of any integer element type, as ints; values outside int range are an error. */
  public Optional<int[]> intArray(String key) {
    return value(key)
        .map(v -> {
          if (!(v instanceof GgufValue.Arr a) || !a.elementType().isInteger()) {
            throw wrongType(key, "integer array", v);
          }
          int[] out = new int[a.size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(((GgufValue.Int) a.values().get(i)).value());
          }
          return out;
        });
  }

  private Optional<GgufValue.Arr> array(String key, GgufValueType element) {
    return value(key)
        .map(v -> {
          if (v instanceof GgufValue.Arr a && a.elementType() == element) {
            return a;
          }
          throw wrongType(key, element + " array", v);
        });
  }

  private static InvalidInputException wrongType(String key, String expected, GgufValue got) {
    return new InvalidInputException(
        "GGUF: metadata '"
            + key
            + "' should be a "
            + expected
            + " but is "
            + got.type()
            + (got instanceof GgufValue.Arr a ? " of " + a.elementType() : ""));
  }

  private static InvalidInputException missing(String key) {
    return new InvalidInputException("GGUF: missing metadata '" + key + "'");
  }

  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }

  /** Bounds-checked little-endian reader over the header. */
  private static final class Cursor {
    private final MemorySegment seg;
    private final String source;
    long pos;

    Cursor(MemorySegment seg, String source) {
      this.seg = seg;
      this.source = source;
    }

    private void need(long n, String what) {
      if (n < 0 || pos + n > seg.byteSize()) {
        throw new InvalidInputException(
            source + ": GGUF truncated at offset " + pos + " while reading " + what);
      }
    }

    int i32(String what) {
      need(4, what);
      int v = seg.get(I32, pos);
      pos += 4;
      return v;
    }

    long i64(String what) {
      need(8, what);
      long v = seg.get(I64, pos);
      pos += 8;
      return v;
    }

    long count(String what, long max) {
      long n = i64(what);
      if (n < 0 || n > max) {
        throw new InvalidInputException(
            source + ": " + what + " " + Long.toUnsignedString(n) + " exceeds the limit " + max);
      }
      return n;
    }

    String string(String what) {
      long len = i64("length of " + what);
      if (len < 0 || len > MAX_STRING_BYTES) {
        throw new InvalidInputException(
            source
                + ": "
                + what
                + " has length "
                + Long.toUnsignedString(len)
                + ", over the limit "
                + MAX_STRING_BYTES);
      }
      need(len, what);
      byte[] bytes = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
      pos += len;
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new InvalidInputException(source + ": " + what + " is not valid UTF-8");
      }
    }

    GgufValue value(GgufValueType type, String key, int depth) {
      return switch (type) {
        case UINT8 -> {
          need(1, key);
          yield new GgufValue.Int(type, Byte.toUnsignedLong(seg.get(ValueLayout.JAVA_BYTE, pos++)));
        }
        case INT8 -> {
          need(1, key);
          yield new GgufValue.Int(type, seg.get(ValueLayout.JAVA_BYTE, pos++));
        }
        case UINT16 -> {
          need(2, key);
          long v = Short.toUnsignedLong(seg.get(I16, pos));
          pos += 2;
          yield new GgufValue.Int(type, v);
        }
        case INT16 -> {
          need(2, key);
          long v = seg.get(I16, pos);
          pos += 2;
          yield new GgufValue.Int(type, v);
        }
        case UINT32 -> new GgufValue.Int(type, Integer.toUnsignedLong(i32(key)));
        case INT32 -> new GgufValue.Int(type, i32(key));
        case UINT64, INT64 -> new GgufValue.Int(type, i64(key));
        case FLOAT32 -> {
          need(4, key);
          float v = seg.get(F32, pos);
          pos += 4;
          yield new GgufValue.Real(type, v);
        }
        case FLOAT64 -> {
          need(8, key);
          double v = seg.get(F64, pos);
          pos += 8;
          yield new GgufValue.Real(type, v);
        }
        case BOOL -> {
          need(1, key);
          byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
          if (b != 0 && b != 1) {
            throw new InvalidInputException(source + ": metadata '" + key + "' has bool byte " + b);
          }
          yield new GgufValue.Bool(b == 1);
        }
        case STRING -> new GgufValue.Str(string(key));
        case ARRAY -> {
          if (depth >= MAX_ARRAY_NESTING) {
            throw new InvalidInputException(
                source + ": metadata '" + key + "' nests arrays deeper than " + MAX_ARRAY_NESTING);
          }
          GgufValueType element =
              GgufValueType.fromId(Integer.toUnsignedLong(i32("element type of " + key)));
          long n = i64("length of " + key);
          if (n < 0 || n > MAX_ARRAY_LENGTH) {
            throw new InvalidInputException(
                source
                    + ": metadata '"
                    + key
                    + "' array length "
                    + Long.toUnsignedString(n)
                    + " exceeds the limit "
                    + MAX_ARRAY_LENGTH);
          }
          if (element.fixedSize() > 0) {
            need(n * element.fixedSize(), key); // fail fast before allocating for a hostile length
          }
          List<GgufValue> values = new ArrayList<>((int) Math.min(n, 1 << 16));
          for (long i = 0; i < n; i++) {
            values.add(value(element, key, depth + 1));
          }
          yield new GgufValue.Arr(element, values);
        }
      };
    }
  }
}
