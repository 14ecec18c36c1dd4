package dev.trustdial.tee.kms;

import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A TEE app's key-release policy, stored as AppRegistry's {@code bytes policy}
 * (docs/spec/tee-runtime.md, "App policy"): which measurements may get the app's keys, whether
 * debug and simulated TEEs may, and the worst TCB status accepted.
 *
 * @param worstTcb the most severe TCB status still accepted (UpToDate ..
 *     OutOfDateConfigurationNeeded)
 * @param acceptNotEvaluated whether evidence without a TCB evaluation (SEV-SNP, Nitro, simulated)
 *     passes
 */
public record AppPolicy(
    boolean allowDebug,
    boolean allowSimulated,
    boolean acceptNotEvaluated,
    TcbStatus worstTcb,
    List<AllowedMeasurement> allowed) {

  public static final byte[] MAGIC = "TDAPPPOL".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  public static final int MAX_ENTRIES = 16;
  public static final int MAX_REGISTERS = 12;
  public static final int MAX_NAME = 16;
  public static final int MAX_VALUE = 64;

  /** AppRegistry.MAX_POLICY_BYTES. */
  public static final int MAX_BYTES = 4096;

  /** One accepted measurement: every named register must equal its value on that platform. */
  public record AllowedMeasurement(Platform platform, List<NamedBytes> registers) {
    public AllowedMeasurement {
      registers = List.copyOf(registers);
      if (registers.isEmpty() || registers.size() > MAX_REGISTERS) {
        throw new IllegalArgumentException(
            "an allowed measurement names 1.." + MAX_REGISTERS + " registers");
      }
      for (NamedBytes r : registers) {
        checkName(r.name());
        if (r.value().isEmpty() || r.value().length() > MAX_VALUE) {
          throw new IllegalArgumentException(
              "register " + r.name() + " value must be 1.." + MAX_VALUE + " bytes");
        }
      }
      if (registers.stream().map(NamedBytes::name).distinct().count() != registers.size()) {
        throw new IllegalArgumentException("an allowed measurement names each register once");
      }
    }

    /** Why the verdict does not match, or empty when it does. */
    public Optional<String> mismatch(Verdict v) {
      if (v.platform() != platform) {
        return Optional.of("platform is " + v.platform() + ", this entry is for " + platform);
      }
      for (NamedBytes r : registers) {
        Optional<NamedBytes> got = v.measurement(r.name());
        if (got.isEmpty()) {
          return Optional.of("the evidence has no register " + r.name());
        }
        if (!got.get().value().equals(r.value())) {
          return Optional.of(r.name() + " is " + got.get().hex() + ", allowed " + r.hex());
        }
      }
      return Optional.empty();
    }
  }

  public AppPolicy {
    allowed = List.copyOf(allowed);
    if (allowed.isEmpty() || allowed.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("a policy allows 1.." + MAX_ENTRIES + " measurements");
    }
    if (worstTcb.ordinal() > TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED.ordinal()) {
      throw new IllegalArgumentException(
          "the worst accepted TCB status must be UpToDate .. OutOfDateConfigurationNeeded");
    }
    if (allowSimulated != allowed.stream().anyMatch(a -> a.platform() == Platform.SIMULATED)) {
      throw new IllegalArgumentException(
          "a policy allows simulated evidence exactly when it lists a SIMULATED measurement");
    }
  }

  /** Whether the verdict's TCB status is acceptable. */
  public boolean acceptsTcb(TcbStatus s) {
    if (s == TcbStatus.NOT_EVALUATED) {
      return acceptNotEvaluated;
    }
    return s.ordinal() <= worstTcb.ordinal();
  }

  public byte[] encode() {
    int flags = (allowDebug ? 1 : 0) | (allowSimulated ? 2 : 0) | (acceptNotEvaluated ? 4 : 0);
    BigEndianWriter w =
        new BigEndianWriter()
            .bytes(MAGIC)
            .u8(VERSION)
            .u8(flags)
            .u8(worstTcb.ordinal())
            .u8(allowed.size());
    for (AllowedMeasurement a : allowed) {
      w.u8(platformCode(a.platform())).u8(a.registers().size());
      for (NamedBytes r : a.registers()) {
        w.u8(r.name().length()).ascii(r.name()).u8(r.value().length()).bytes(r.value().toArray());
      }
    }
    byte[] out = w.toByteArray();
    if (out.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "policy encodes to "
              + out.length
              + " bytes (AppRegistry takes at most "
              + MAX_BYTES
              + ")");
    }
    return out;
  }

  public static AppPolicy decode(byte[] b) {
    if (b.length == 0) {
      throw new IllegalArgumentException("the app has no policy (empty bytes)");
    }
    if (b.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "policy is " + b.length + " bytes (max " + MAX_BYTES + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(b);
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("policy does not start with TDAPPPOL");
      }
      int version = in.get() & 0xFF;
      if (version != VERSION) {
        throw new IllegalArgumentException("policy version " + version + " (supported: 1)");
      }
      int flags = in.get() & 0xFF;
      if ((flags & ~7) != 0) {
        throw new IllegalArgumentException(
            "unknown policy flag bits " + Integer.toBinaryString(flags));
      }
      int tcb = in.get() & 0xFF;
      if (tcb > TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED.ordinal()) {
        throw new IllegalArgumentException("worst TCB code " + tcb + " (0..5)");
      }
      int n = in.get() & 0xFF;
      if (n == 0 || n > MAX_ENTRIES) {
        throw new IllegalArgumentException(
            "policy lists " + n + " measurements (1.." + MAX_ENTRIES + ")");
      }
      List<AllowedMeasurement> allowed = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Platform p = platform(in.get() & 0xFF);
        int regs = in.get() & 0xFF;
        if (regs == 0 || regs > MAX_REGISTERS) {
          throw new IllegalArgumentException(
              "measurement " + i + " names " + regs + " registers (1.." + MAX_REGISTERS + ")");
        }
        List<NamedBytes> rs = new ArrayList<>();
        for (int j = 0; j < regs; j++) {
          byte[] name = new byte[in.get() & 0xFF];
          in.get(name);
          byte[] value = new byte[in.get() & 0xFF];
          in.get(value);
          rs.add(new NamedBytes(new String(name, StandardCharsets.US_ASCII), value));
        }
        allowed.add(new AllowedMeasurement(p, rs));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("policy has " + in.remaining() + " trailing bytes");
      }
      return new AppPolicy(
          (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, TcbStatus.values()[tcb], allowed);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("policy ends early");
    }
  }

  static void checkName(String name) {
    if (name.isEmpty()
        || name.length() > MAX_NAME
        || !name.chars()
            .allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      throw new IllegalArgumentException(
          "register name '" + name + "' must be 1.." + MAX_NAME + " characters of A-Z 0-9 _");
    }
  }

  /** The same platform codes as the evidence envelope. */
  public static int platformCode(Platform p) {
    return switch (p) {
      case INTEL_TDX -> 1;
      case AMD_SEV_SNP -> 2;
      case AWS_NITRO -> 3;
      case SIMULATED -> 4;
    };
  }

  static Platform platform(int code) {
    return switch (code) {
      case 1 -> Platform.INTEL_TDX;
      case 2 -> Platform.AMD_SEV_SNP;
      case 3 -> Platform.AWS_NITRO;
      case 4 -> Platform.SIMULATED;
      default -> throw new IllegalArgumentException("unknown platform code " + code + " (1..4)");
    };
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(
            "AppPolicy[debug "
                + allowDebug
                + ", simulated "
                + allowSimulated
                + ", worst TCB "
                + worstTcb.wireName()
                + ", NotEvaluated "
                + (acceptNotEvaluated ? "accepted" : "refused"));
    for (AllowedMeasurement a : allowed) {
      s.append(", ").append(a.platform()).append('{');
      a.registers()
          .forEach(r ->
              s.append(r.name())
                  .append('=')
                  .append(r.value().toBareHex().substring(0, 16))
                  .append("..;"));
      s.append('}');
    }
    return s.append(']').toString();
  }
}
