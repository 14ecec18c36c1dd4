package dev.trustdial.tee.sim;

import dev.trustdial.core.bytes.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * One event extended into an RTMR-style register (docs/spec/attestation.md, "Measurement events").
 * The runtime records what it launched; a verifier replays the log to the signed registers.
 */
public record MeasurementEvent(int register, Type type, Bytes data) {
  public static final int REGISTERS = 4;
  public static final int MAX_DATA = 4096;

  /** Event types and the register each belongs in (RTMR0: runtime, RTMR3: the app, like dstack). */
  public enum Type {
    RUNTIME_IDENTITY(0x0001, 0),
    APP_ID(0x0101, 3),
    APP_ARTIFACT_DIGEST(0x0102, 3),
    APP_CONFIG(0x0103, 3);

    private final int code;
    private final int register;

    Type(int code, int register) {
      this.code = code;
      this.register = register;
    }

    public int code() {
      return code;
    }

    public int register() {
      return register;
    }

    static java.util.Optional<Type> of(int code) {
      return Arrays.stream(values()).filter(t -> t.code == code).findFirst();
    }
  }

  public MeasurementEvent {
    if (register != type.register()) {
      throw new IllegalArgumentException(
          type + " events go to RTMR" + type.register() + ", not " + register);
    }
    if (data.length() > MAX_DATA) {
      throw new IllegalArgumentException(
          "event data is " + data.length() + " bytes (max " + MAX_DATA + ")");
    }
  }

  public static MeasurementEvent of(Type type, byte[] data) {
    return of(type, Bytes.of(data));
  }

  public static MeasurementEvent of(Type type, Bytes data) {
    return new MeasurementEvent(type.register(), type, data);
  }

  /** The bytes whose SHA-384 is extended: u16 type || u32 length || data, big-endian. */
  public byte[] encoding() {
    var out = new ByteArrayOutputStream();
    out.write(type.code() >> 8);
    out.write(type.code());
    for (int s = 24; s >= 0; s -= 8) {
      out.write(data.length() >> s);
    }
    out.writeBytes(data.toArray());
    return out.toByteArray();
  }
}
