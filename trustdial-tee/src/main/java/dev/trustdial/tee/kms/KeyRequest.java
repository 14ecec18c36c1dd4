package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.ReportData;
import dev.trustdial.tee.crypto.X25519;
import java.math.BigInteger;
import java.util.List;

/**
 * An attested request for an app's keys: evidence (an envelope) whose report data binds the app id
 * and the ephemeral X25519 key the key set is to be encrypted to.
 */
public record KeyRequest(
    BigInteger appId, Bytes envelope, Bytes ephemeralPublicKey, List<SealedSecret> secrets) {
  public static final String PURPOSE = "kms-key-request";

  public KeyRequest {
    KmsRoot.appIdBytes(appId);
    if (ephemeralPublicKey.length() != X25519.KEY_SIZE) {
      throw new IllegalArgumentException(
          "the ephemeral public key is 32 bytes (X25519), got " + ephemeralPublicKey.length());
    }
    if (secrets.size() > KeySet.MAX_SECRETS) {
      throw new IllegalArgumentException(
          secrets.size() + " sealed secrets (max " + KeySet.MAX_SECRETS + ")");
    }
    secrets = List.copyOf(secrets);
  }

  /** Copies of {@code envelope} and {@code ephemeralPublicKey}. */
  public KeyRequest(
      BigInteger appId, byte[] envelope, byte[] ephemeralPublicKey, List<SealedSecret> secrets) {
    this(appId, Bytes.of(envelope), Bytes.of(ephemeralPublicKey), secrets);
  }

  /** The report data evidence must carry for this request. */
  public static byte[] reportData(BigInteger appId, byte[] ephemeralPublicKey) {
    return ReportData.bind(PURPOSE, KmsRoot.appIdBytes(appId), ephemeralPublicKey);
  }

  /** The AES-GCM context of the released key set. */
  public static byte[] releaseContext(BigInteger appId) {
    return new dev.trustdial.tee.crypto.BigEndianWriter()
        .ascii("TrustDial key release v1")
        .u8(0)
        .bytes(KmsRoot.appIdBytes(appId))
        .toByteArray();
  }
}
