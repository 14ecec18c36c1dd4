package dev.trustdial.explorer.detail;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A TEE job's input record ({@code TDTEEJB1}, docs/spec/job-input.md): the launch configuration,
 * the names of the secrets sealed to the KMS (their ciphertexts are opaque here) and the app input.
 */
public record TeeJobInput(String config, List<SealedSecret> secrets, byte[] appInput) {
  static final byte[] MAGIC = "TDTEEJB1".getBytes(StandardCharsets.US_ASCII);

  /** A secret by name and the size of its ciphertext (only the KMS can open it). */
  public record SealedSecret(String name, int ciphertextBytes) {}

  public TeeJobInput {
    secrets = List.copyOf(secrets);
    appInput = appInput.clone();
  }

  @Override
  public byte[] appInput() {
    return appInput.clone();
  }

  public static TeeJobInput parse(byte[] b) {
    if (b.length < 12 || !Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
      throw new DetailException("the TEE job's input is not a TDTEEJB1 record");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(b);
      in.position(8);
      int configLength = in.getInt();
      if (configLength < 1 || configLength > 4096) {
        throw new DetailException("the TEE job input's configLength " + Integer.toUnsignedString(configLength) + " is outside 1 .. 4096");
      }
      byte[] config = new byte[configLength];
      in.get(config);
      int count = Short.toUnsignedInt(in.getShort());
      if (count > 16) {
        throw new DetailException("the TEE job input names " + count + " secrets (at most 16)");
      }
      List<SealedSecret> secrets = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[Byte.toUnsignedInt(in.get())];
        in.get(name);
        int ct = Short.toUnsignedInt(in.getShort());
        in.position(in.position() + ct);
        secrets.add(new SealedSecret(new String(name, StandardCharsets.US_ASCII), ct));
      }
      long appLength = Integer.toUnsignedLong(in.getInt());
      if (appLength > (1 << 20) || appLength != in.remaining()) {
        throw new DetailException("the TEE job input's appInputLength " + appLength + " does not match its " + in.remaining()
            + " remaining bytes (at most 1 MiB)");
      }
      byte[] app = new byte[(int) appLength];
      in.get(app);
      return new TeeJobInput(new String(config, StandardCharsets.UTF_8), secrets, app);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new DetailException("the TEE job input is truncated");
    }
  }
}
