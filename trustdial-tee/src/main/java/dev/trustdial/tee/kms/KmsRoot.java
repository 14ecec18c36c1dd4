package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.crypto.Hkdf;
import dev.trustdial.tee.crypto.X25519;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The KMS root secret and everything derived from it (docs/spec/tee-runtime.md, "Key derivation").
 * App keys depend only on the root, the app id and the purpose, never on the app's version or
 * measurement: an upgrade that the app's policy allows keeps the same wallet.
 */
public final class KmsRoot {
  public static final int SIZE = 32;
  static final byte[] SALT = "TrustDial KMS v1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] APP_KEY_LABEL = "TrustDial app key v1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] KMS_KEY_LABEL = "TrustDial KMS x25519 v1".getBytes(StandardCharsets.US_ASCII);

  /** The order of secp256k1's group. */
  static final BigInteger SECP256K1_N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  /** What an app key is for; the name is part of the derivation. */
  public enum Purpose {
    WALLET("wallet"),
    SEAL("seal");

    private final String label;

    Purpose(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final byte[] secret;

  public KmsRoot(byte[] secret) {
    if (secret.length != SIZE) {
      throw new IllegalArgumentException("the KMS root secret is 32 bytes, got " + secret.length);
    }
    if (Arrays.equals(secret, new byte[SIZE])) {
      throw new IllegalArgumentException("the KMS root secret is all zeros");
    }
    this.secret = secret.clone();
  }

  /** The 32-byte big-endian encoding of an app id (AppRegistry's uint256). */
  public static byte[] appIdBytes(BigInteger appId) {
    if (appId.signum() <= 0 || appId.bitLength() > 256) {
      throw new IllegalArgumentException("an app id is a positive uint256, got " + appId);
    }
    byte[] b = appId.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  /** HKDF-SHA256(root, salt "TrustDial KMS v1", info label 0x00 appId purpose 0x00 counter). */
  public byte[] appKey(BigInteger appId, Purpose purpose, int counter) {
    byte[] info =
        new BigEndianWriter()
            .bytes(APP_KEY_LABEL)
            .u8(0)
            .bytes(appIdBytes(appId))
            .ascii(purpose.label())
            .u8(0)
            .u8(counter)
            .toByteArray();
    return Hkdf.sha256(secret, SALT, info, 32);
  }

  /** The app's secp256k1 wallet: the first counter whose output is a valid scalar (1..n-1). */
  public Secp256k1Key wallet(BigInteger appId) {
    for (int counter = 0; counter < 256; counter++) {
      byte[] k = appKey(appId, Purpose.WALLET, counter);
      BigInteger s = new BigInteger(1, k);
      if (s.signum() > 0 && s.compareTo(SECP256K1_N) < 0) {
        return Secp256k1Key.fromPrivateKeyHex(Hex.encode(k));
      }
    }
    throw new IllegalStateException(
        "no valid secp256k1 scalar in 256 tries (probability ~2^-32000)");
  }

  /** The AES-256 key the app seals its state with. */
  public byte[] sealKey(BigInteger appId) {
    return appKey(appId, Purpose.SEAL, 0);
  }

  /** The KMS's own X25519 key: developers encrypt secrets to its public half. */
  public X25519 kmsKey() {
    byte[] info = new BigEndianWriter().bytes(KMS_KEY_LABEL).toByteArray();
    return X25519.fromPrivate(Hkdf.sha256(secret, SALT, info, 32));
  }

  /** The key set released to an attested app. */
  public KeySet keySet(BigInteger appId, long appVersion, java.util.List<KeySet.Secret> secrets) {
    return new KeySet(
        appId, appVersion, Hex.decode(wallet(appId).privateKeyHex()), sealKey(appId), secrets);
  }

  public static final String FILE = "kms-root.key";

  /**
   * Creates a fresh root in {@code dir} (hex, owner-only); refuses to replace one, whose apps' keys
   * depend on it.
   */
  public static KmsRoot create(java.nio.file.Path dir, java.security.SecureRandom random)
      throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Path f = dir.resolve(FILE);
    if (java.nio.file.Files.exists(f)) {
      throw new dev.trustdial.core.InvalidInputException(
          f + " exists: replacing a KMS root would change every app's keys");
    }
    byte[] secret = new byte[SIZE];
    random.nextBytes(secret);
    dev.trustdial.tee.crypto.SecretFiles.writeNew(f, Hex.encodeBare(secret) + "\n");
    return new KmsRoot(secret);
  }

  public static KmsRoot load(java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path f = dir.resolve(FILE);
    if (!java.nio.file.Files.isRegularFile(f) || java.nio.file.Files.size(f) > 200) {
      throw new dev.trustdial.core.InvalidInputException(
          "no KMS root in " + dir + " (create one with 'trustdial kms init --dir " + dir + "')");
    }
    try {
      return new KmsRoot(Hex.decode(java.nio.file.Files.readString(f).trim()));
    } catch (IllegalArgumentException | dev.trustdial.core.InvalidInputException e) {
      throw new dev.trustdial.core.InvalidInputException(
          f + " is not a KMS root: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "KmsRoot[secret hidden]";
  }
}
