package dev.trustdial.ai.gguf;

import dev.trustdial.ai.Invariant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's header entry. {@code dims[0]} is the innermost (contiguous) dimension, as in ggml,
 * so a matrix W[out][in] has dims {in, out}. {@code offset} is relative to the file's data section.
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {

  public GgufTensorInfo {
    Objects.requireNonNull(name);
    Objects.requireNonNull(type);
    dims = dims.clone();
    Invariant.check(offset >= 0 && byteSize >= 0, "a tensor's offset and size are not negative");
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  public int rank() {
    return dims.length;
  }

  public long dim(int i) {
    return dims[i];
  }

  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufTensorInfo t
        && name.equals(t.name)
        && Arrays.equals(dims, t.dims)
        && type == t.type
        && offset == t.offset
        && byteSize == t.byteSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(dims), type, offset, byteSize);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(dims) + " " + type + " @" + offset + " (" + byteSize + " bytes)";
  }
}
