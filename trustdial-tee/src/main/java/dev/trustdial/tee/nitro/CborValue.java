package dev.trustdial.tee.nitro;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A decoded CBOR data item (RFC 8949), the subset attestation documents use. */
sealed interface CborValue {
  record UInt(long value) implements CborValue {}

  /** A negative integer; {@code value} is the integer itself (-1 - encoded argument). */
  record NInt(long value) implements CborValue {}

  record Bytes(byte[] value) implements CborValue {}

  record Text(String value) implements CborValue {}

  record Array(List<CborValue> items) implements CborValue {}

  /** Map keys are integers or text (checked unique while decoding); insertion order kept. */
  record MapValue(Map<Object, CborValue> entries) implements CborValue {
    Optional<CborValue> get(Object key) {
      return Optional.ofNullable(entries.get(key));
    }
  }

  record Tagged(long tag, CborValue value) implements CborValue {}

  /** false (20), true (21), null (22), undefined (23). */
  record Simple(int value) implements CborValue {}
}
