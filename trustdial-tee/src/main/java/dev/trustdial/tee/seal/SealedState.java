package dev.trustdial.tee.seal;

import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.crypto.Ecies;
import dev.trustdial.tee.kms.KmsRoot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * App state sealed with the app's seal key (docs/spec/tee-runtime.md, "Sealed state"): AES-256-GCM
 * with the header (app id, app version) as AAD. Any launch that the KMS gives the app's keys (a
 * restart, an upgrade, a successor operator) opens it; nobody else can.
 */
public final class SealedState {
  public static final byte[] MAGIC = "TDSEAL01".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_STATE = 1024 * 1024;
  static final int HEADER = MAGIC.length + 32 + 4;
  public static final int OVERHEAD = HEADER + Ecies.NONCE + Ecies.TAG;

  private SealedState() {}

  /** What a sealed blob says about itself (read before opening, authenticated by opening). */
  public record Header(BigInteger appId, long version) {}

  public static byte[] seal(
      byte[] sealKey, BigInteger appId, long version, byte[] state, SecureRandom random) {
    byte[] nonce = new byte[Ecies.NONCE];
    random.nextBytes(nonce);
    return seal(sealKey, appId, version, state, nonce);
  }

  /** Deterministic form for test vectors. */
  public static byte[] seal(
      byte[] sealKey, BigInteger appId, long version, byte[] state, byte[] nonce) {
    if (state.length > MAX_STATE) {
      throw new IllegalArgumentException(
          "state is " + state.length + " bytes (max " + MAX_STATE + ")");
    }
    byte[] header = header(appId, version);
    byte[] ct = Ecies.gcm(Cipher.ENCRYPT_MODE, key(sealKey), nonce, header, state);
    return new BigEndianWriter().bytes(header).bytes(nonce).bytes(ct).toByteArray();
  }

  public static Header header(byte[] blob) {
    if (blob.length < OVERHEAD || blob.length > OVERHEAD + MAX_STATE) {
      throw new IllegalArgumentException(
          "sealed state is "
              + blob.length
              + " bytes ("
              + OVERHEAD
              + ".."
              + (OVERHEAD + MAX_STATE)
              + ")");
    }
    if (!Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("sealed state does not start with TDSEAL01");
    }
    BigInteger id = new BigInteger(1, Arrays.copyOfRange(blob, MAGIC.length, MAGIC.length + 32));
    long version = java.nio.ByteBuffer.wrap(blob, MAGIC.length + 32, 4).getInt() & 0xFFFF_FFFFL;
    return new Header(id, version);
  }

  /**
   * Opens a blob sealed for {@code appId} at a version no newer than {@code currentVersion} (state
   * written by a newer release is not handed to an older one).
   */
  public static byte[] open(byte[] sealKey, BigInteger appId, long currentVersion, byte[] blob) {
    Header h = header(blob);
    if (!h.appId().equals(appId)) {
      throw new IllegalArgumentException(
          "sealed state belongs to app " + h.appId() + ", not " + appId);
    }
    if (h.version() > currentVersion) {
      throw new IllegalArgumentException(
          "sealed state was written by version "
              + h.version()
              + ", newer than this version "
              + currentVersion);
    }
    byte[] nonce = Arrays.copyOfRange(blob, HEADER, HEADER + Ecies.NONCE);
    try {
      return Ecies.gcm(
          Cipher.DECRYPT_MODE,
          key(sealKey),
          nonce,
          Arrays.copyOfRange(blob, 0, HEADER),
          Arrays.copyOfRange(blob, HEADER + Ecies.NONCE, blob.length));
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "sealed state does not open with this app's seal key (tampered, or sealed by another KMS)");
    }
  }

  static byte[] header(BigInteger appId, long version) {
    return new BigEndianWriter()
        .bytes(MAGIC)
        .bytes(KmsRoot.appIdBytes(appId))
        .u32(version)
        .toByteArray();
  }

  private static byte[] key(byte[] sealKey) {
    if (sealKey.length != 32) {
      throw new IllegalArgumentException("a seal key is 32 bytes");
    }
    return sealKey;
  }
}
