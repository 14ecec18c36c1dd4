package dev.trustdial.tee.kms;

import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.crypto.Hkdf;
import dev.trustdial.tee.crypto.X25519;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates a key release to the runtime (docs/spec/tee-runtime.md, "Release authentication"):
 * an HMAC over the released ciphertext under a key only the KMS's X25519 key and the request's
 * ephemeral key can derive, so a runtime that pins the KMS's public key refuses keys from anyone
 * else.
 */
public final class ReleaseAuth {
  public static final int SIZE = 32;
  static final byte[] LABEL = "TrustDial key release auth v1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] REFUSAL = "TrustDial key refusal v1".getBytes(StandardCharsets.US_ASCII);

  private ReleaseAuth() {}

  /** The KMS's side: the tag for a release to {@code ephemeralPublic}. */
  public static byte[] tag(
      X25519 kms, byte[] ephemeralPublic, BigInteger appId, byte[] keySetCiphertext) {
    return compute(
        kms.agree(ephemeralPublic), kms.publicKey(), ephemeralPublic, appId, keySetCiphertext);
  }

  /**
   * The runtime's side: whether {@code tag} was made by the holder of {@code pinnedKmsPublic}'s
   * private key.
   */
  public static boolean verify(
      X25519 ephemeral,
      byte[] pinnedKmsPublic,
      BigInteger appId,
      byte[] keySetCiphertext,
      byte[] tag) {
    if (tag.length != SIZE) {
      return false;
    }
    byte[] shared;
    try {
      shared = ephemeral.agree(pinnedKmsPublic);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(
        tag, compute(shared, pinnedKmsPublic, ephemeral.publicKey(), appId, keySetCiphertext));
  }

  /**
   * The KMS's side: the tag on a refusal's reason, so the runtime can tell the KMS's refusal from a
   * forged one.
   */
  public static byte[] refusalTag(
      X25519 kms, byte[] ephemeralPublic, BigInteger appId, String reason) {
    return tag(kms, ephemeralPublic, appId, refusalMessage(reason));
  }

  /** The runtime's side: whether the pinned KMS refused with {@code reason}. */
  public static boolean verifyRefusal(
      X25519 ephemeral, byte[] pinnedKmsPublic, BigInteger appId, String reason, byte[] tag) {
    return verify(ephemeral, pinnedKmsPublic, appId, refusalMessage(reason), tag);
  }

  /**
   * {@code "TrustDial key refusal v1" 0x00 reason}: never a key set ciphertext (those start with a
   * random X25519 key).
   */
  static byte[] refusalMessage(String reason) {
    return new BigEndianWriter()
        .bytes(REFUSAL)
        .u8(0)
        .bytes(reason.getBytes(StandardCharsets.UTF_8))
        .toByteArray();
  }

  static byte[] compute(
      byte[] shared,
      byte[] kmsPublic,
      byte[] ephemeralPublic,
      BigInteger appId,
      byte[] keySetCiphertext) {
    byte[] salt = new BigEndianWriter().bytes(kmsPublic).bytes(ephemeralPublic).toByteArray();
    byte[] info =
        new BigEndianWriter().bytes(LABEL).u8(0).bytes(KmsRoot.appIdBytes(appId)).toByteArray();
    byte[] key = Hkdf.sha256(shared, salt, info, 32);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(keySetCiphertext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
