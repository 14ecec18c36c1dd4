package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.crypto.Ecies;
import dev.trustdial.tee.crypto.X25519;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A developer secret encrypted to the KMS public key, with the app id and the secret's name as
 * context: the KMS opens it only while releasing that app's keys.
 */
public record SealedSecret(String name, Bytes ciphertext) {
  static final byte[] LABEL = "TrustDial developer secret v1".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_CIPHERTEXT = KeySet.MAX_SECRET_VALUE + Ecies.OVERHEAD;

  public SealedSecret {
    KeySet.checkName(name);
    if (ciphertext.length() > MAX_CIPHERTEXT) {
      throw new IllegalArgumentException(
          "sealed secret "
              + name
              + " is "
              + ciphertext.length()
              + " bytes (max "
              + MAX_CIPHERTEXT
              + ")");
    }
  }

  /** A copy of {@code ciphertext}. */
  public SealedSecret(String name, byte[] ciphertext) {
    this(name, Bytes.of(ciphertext));
  }

  public static byte[] context(BigInteger appId, String name) {
    return new BigEndianWriter()
        .bytes(LABEL)
        .u8(0)
        .bytes(KmsRoot.appIdBytes(appId))
        .ascii(name)
        .toByteArray();
  }

  public static SealedSecret seal(
      byte[] kmsPublicKey, BigInteger appId, String name, byte[] value, SecureRandom random) {
    KeySet.checkName(name);
    if (value.length > KeySet.MAX_SECRET_VALUE) {
      throw new IllegalArgumentException(
          "secret "
              + name
              + " is "
              + value.length
              + " bytes (max "
              + KeySet.MAX_SECRET_VALUE
              + ")");
    }
    return new SealedSecret(name, Ecies.encrypt(kmsPublicKey, context(appId, name), value, random));
  }

  public byte[] open(X25519 kmsKey, BigInteger appId) throws Ecies.DecryptionFailedException {
    return Ecies.decrypt(kmsKey, context(appId, name), ciphertext.toArray());
  }
}
