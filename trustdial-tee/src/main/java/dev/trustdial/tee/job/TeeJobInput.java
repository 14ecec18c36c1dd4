package dev.trustdial.tee.job;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.runtime.LaunchConfig;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code input} of a TEE job's envelope (docs/spec/job-input.md, "TEE jobs"): the launch
 * configuration the app's policy admits (measured), the developer's secrets sealed to the KMS, and
 * the bytes the app reads from {@code $TRUSTDIAL_JOB_INPUT}. It travels as the input of a {@code
 * TDJOBIN1} envelope (dev.trustdial.core.job.JobEnvelope); the operator, the CLI and the explorer
 * all read it through this class.
 */
public record TeeJobInput(Bytes config, List<SealedSecret> secrets, Bytes appInput) {
  static final byte[] MAGIC = "TDTEEJB1".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_APP_INPUT = 1 << 20;

  public TeeJobInput {
    if (config.length() < 1 || config.length() > LaunchConfig.MAX_BYTES) {
      throw new InvalidInputException(
          "TEE job launch configuration is "
              + config.length()
              + " bytes (1.."
              + LaunchConfig.MAX_BYTES
              + ")");
    }
    if (secrets.size() > KeySet.MAX_SECRETS) {
      throw new InvalidInputException(
          "TEE job carries " + secrets.size() + " secrets (max " + KeySet.MAX_SECRETS + ")");
    }
    Set<String> names = new HashSet<>();
    for (SealedSecret s : secrets) {
      if (!names.add(s.name())) {
        throw new InvalidInputException("TEE job carries the secret " + s.name() + " twice");
      }
    }
    if (appInput.length() > MAX_APP_INPUT) {
      throw new InvalidInputException(
          "TEE job app input is " + appInput.length() + " bytes (max " + MAX_APP_INPUT + ")");
    }
    secrets = List.copyOf(secrets);
  }

  /** Copies of {@code config} and {@code appInput}. */
  public TeeJobInput(byte[] config, List<SealedSecret> secrets, byte[] appInput) {
    this(Bytes.of(config), secrets, Bytes.of(appInput));
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(12).put(MAGIC).putInt(config.length());
    out.writeBytes(head.array());
    out.writeBytes(config.toArray());
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) secrets.size()).array());
    for (SealedSecret s : secrets) {
      byte[] name = s.name().getBytes(StandardCharsets.US_ASCII);
      byte[] ct = s.ciphertext().toArray();
      out.write(name.length);
      out.writeBytes(name);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) ct.length).array());
      out.writeBytes(ct);
    }
    out.writeBytes(ByteBuffer.allocate(4).putInt(appInput.length()).array());
    out.writeBytes(appInput.toArray());
    return out.toByteArray();
  }

  public static boolean looksLikeTeeJob(byte[] input) {
    return input.length >= MAGIC.length
        && Arrays.equals(input, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public static TeeJobInput decode(byte[] bytes) {
    if (!looksLikeTeeJob(bytes)) {
      throw new InvalidInputException("a TEE job's input must start with the magic TDTEEJB1");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length);
    byte[] config = take(b, u32(b, "configLength"), "launch configuration");
    int count = u16(b, "secretCount");
    if (count > KeySet.MAX_SECRETS) {
      throw new InvalidInputException(
          "TEE job declares " + count + " secrets (max " + KeySet.MAX_SECRETS + ")");
    }
    List<SealedSecret> secrets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!b.hasRemaining()) {
        throw new InvalidInputException("TEE job input ends inside secret " + i);
      }
      String name = new String(take(b, b.get() & 0xff, "secret name"), StandardCharsets.US_ASCII);
      byte[] ct = take(b, u16(b, "ciphertextLength"), "secret ciphertext");
      try {
        secrets.add(new SealedSecret(name, ct));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("TEE job secret " + i + ": " + e.getMessage());
      }
    }
    byte[] appInput = take(b, u32(b, "appInputLength"), "app input");
    if (b.hasRemaining()) {
      throw new InvalidInputException(
          "TEE job input has " + b.remaining() + " bytes after the app input");
    }
    return new TeeJobInput(config, secrets, appInput);
  }

  private static long u32(ByteBuffer b, String field) {
    if (b.remaining() < 4) {
      throw new InvalidInputException("TEE job input ends before " + field);
    }
    return Integer.toUnsignedLong(b.getInt());
  }

  private static int u16(ByteBuffer b, String field) {
    if (b.remaining() < 2) {
      throw new InvalidInputException("TEE job input ends before " + field);
    }
    return b.getShort() & 0xffff;
  }

  private static byte[] take(ByteBuffer b, long n, String what) {
    if (n > b.remaining()) {
      throw new InvalidInputException(
          "TEE job input declares "
              + n
              + " bytes of "
              + what
              + " but "
              + b.remaining()
              + " remain");
    }
    byte[] out = new byte[(int) n];
    b.get(out);
    return out;
  }
}
