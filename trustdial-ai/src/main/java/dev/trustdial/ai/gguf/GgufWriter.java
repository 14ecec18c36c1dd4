package dev.trustdial.ai.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files (for generated benchmark models and tests). Metadata and tensors are kept in
 * insertion order; tensor data is padded to the alignment, as {@link GgufFile} expects.
 */
public final class GgufWriter {

  /** A tensor to write; {@code dims[0]} is the innermost dimension. */
  public record Tensor(String name, long[] dims, GgmlType type, byte[] data) {
    public Tensor {
      dims = dims.clone();
      long elements = 1;
      for (long d : dims) {
        elements = Math.multiplyExact(elements, d);
      }
      long expected = type.rowBytes(dims[0]) * (dims[0] == 0 ? 0 : elements / dims[0]);
      if (data.length != expected) {
        throw new IllegalArgumentException(
            name + ": " + data.length + " bytes given, " + expected + " expected");
      }
    }
  }

  private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();

  public GgufWriter put(String key, GgufValue value) {
    if (metadata.putIfAbsent(key, value) != null) {
      throw new IllegalArgumentException("duplicate key " + key);
    }
    return this;
  }

  public GgufWriter putString(String key, String value) {
    return put(key, new GgufValue.Str(value));
  }

  public GgufWriter putUint32(String key, long value) {
    return put(key, new GgufValue.Int(GgufValueType.UINT32, value));
  }

  public GgufWriter putFloat32(String key, float value) {
    return put(key, new GgufValue.Real(GgufValueType.FLOAT32, value));
  }

  public GgufWriter putStrings(String key, List<String> values) {
    return put(
        key,
        new GgufValue.Arr(
            GgufValueType.STRING, values.stream().<GgufValue>map(GgufValue.Str::new).toList()));
  }

  public GgufWriter putFloats(String key, float[] values) {
    List<GgufValue> list = new ArrayList<>(values.length);
    for (float f : values) {
      list.add(new GgufValue.Real(GgufValueType.FLOAT32, f));
    }
    return put(key, new GgufValue.Arr(GgufValueType.FLOAT32, list));
  }

  public GgufWriter putInt32s(String key, int[] values) {
    List<GgufValue> list = new ArrayList<>(values.length);
    for (int v : values) {
      list.add(new GgufValue.Int(GgufValueType.INT32, v));
    }
    return put(key, new GgufValue.Arr(GgufValueType.INT32, list));
  }

  public GgufWriter addTensor(Tensor tensor) {
    tensors.add(tensor);
    return this;
  }

  private int alignment() {
    GgufValue a = metadata.get(GgufFile.ALIGNMENT_KEY);
    return a instanceof GgufValue.Int i ? (int) i.value() : GgufFile.DEFAULT_ALIGNMENT;
  }

  public void write(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public void write(OutputStream os) throws IOException {
    int alignment = alignment();
    Sink out = new Sink(os);
    out.i32(GgufFile.MAGIC);
    out.i32(3);
    out.i64(tensors.size());
    out.i64(metadata.size());
    for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
      out.string(e.getKey());
      out.i32(e.getValue().type().id());
      out.value(e.getValue());
    }
    long offset = 0;
    for (Tensor t : tensors) {
      out.string(t.name());
      out.i32(t.dims().length);
      for (long d : t.dims()) {
        out.i64(d);
      }
      out.i32(t.type().id());
      out.i64(offset);
      offset = GgufFile.alignUp(offset + t.data().length, alignment);
    }
    out.pad(alignment);
    for (Tensor t : tensors) {
      out.bytes(t.data());
      out.pad(alignment);
    }
  }

  private static final class Sink {
    private final OutputStream os;
    private long written;
    private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    Sink(OutputStream os) {
      this.os = os;
    }

    void bytes(byte[] b) throws IOException {
      os.write(b);
      written += b.length;
    }

    void fixed(int n) throws IOException {
      os.write(buf.array(), 0, n);
      written += n;
      buf.clear();
    }

    void i32(int v) throws IOException {
      buf.putInt(0, v);
      fixed(4);
    }

    void i64(long v) throws IOException {
      buf.putLong(0, v);
      fixed(8);
    }

    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i64(b.length);
      bytes(b);
    }

    void pad(int alignment) throws IOException {
      long target = GgufFile.alignUp(written, alignment);
      bytes(new byte[(int) (target - written)]);
    }

    void value(GgufValue v) throws IOException {
      switch (v) {
        case GgufValue.Int i -> {
          buf.putLong(0, i.value());
          fixed(i.type().fixedSize());
        }
        case GgufValue.Real r -> {
          if (r.type() == GgufValueType.FLOAT32) {
            buf.putFloat(0, (float) r.value());
            fixed(4);
          } else {
            buf.putDouble(0, r.value());
            fixed(8);
          }
        }
        case GgufValue.Bool b -> bytes(new byte[] {(byte) (b.value() ? 1 : 0)});
        case GgufValue.Str s -> string(s.value());
        case GgufValue.Arr a -> {
          i32(a.elementType().id());
          i64(a.size());
          for (GgufValue e : a.values()) {
            value(e);
          }
        }
      }
    }
  }
}
