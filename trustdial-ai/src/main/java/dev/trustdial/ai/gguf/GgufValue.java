package dev.trustdial.ai.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A GGUF metadata value: a closed set of variants mirroring the on-disk value types. */
public sealed interface GgufValue {

  GgufValueType type();

  /** Any integer type; unsigned 64-bit values keep their bits (read with Long.toUnsignedString). */
  record Int(GgufValueType type, long value) implements GgufValue {
    public Int {
      Objects.requireNonNull(type);
      if (!type.isInteger()) {
        throw new IllegalArgumentException("not an integer type: " + type);
      }
    }
  }

  /** FLOAT32 (widened exactly) or FLOAT64. */
  record Real(GgufValueType type, double value) implements GgufValue {
    public Real {
      if (type != GgufValueType.FLOAT32 && type != GgufValueType.FLOAT64) {
        throw new IllegalArgumentException("not a float type: " + type);
      }
    }
  }

  record Bool(boolean value) implements GgufValue {
    @Override
    public GgufValueType type() {
      return GgufValueType.BOOL;
    }
  }

  record Str(String value) implements GgufValue {
    public Str {
      Objects.requireNonNull(value);
    }

    @Override
    public GgufValueType type() {
      return GgufValueType.STRING;
    }
  }

  /** A homogeneous array; elements may themselves be arrays. */
  record Arr(GgufValueType elementType, List<GgufValue> values) implements GgufValue {
    public Arr {
      Objects.requireNonNull(elementType);
      values = List.copyOf(values);
      for (GgufValue v : values) {
        if (v.type() != elementType) {
          throw new IllegalArgumentException("array of " + elementType + " holds a " + v.type());
        }
      }
    }

    @Override
    public GgufValueType type() {
      return GgufValueType.ARRAY;
    }

    public int size() {
      return values.size();
    }
  }

  /** This value as a plain Java object: Long, Double, Boolean, String or List of those. */
  default Object toJava() {
    return switch (this) {
      case Int i -> i.value();
      case Real r -> r.value();
      case Bool b -> b.value();
      case Str s -> s.value();
      case Arr a -> {
        List<Object> out = new ArrayList<>(a.size());
        for (GgufValue v : a.values()) {
          out.add(v.toJava());
        }
        yield List.copyOf(out);
      }
    };
  }
}
