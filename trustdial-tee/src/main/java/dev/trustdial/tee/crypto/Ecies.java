package dev.trustdial.tee.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Public-key encryption to an X25519 key: ephemeral X25519 ECDH, HKDF-SHA256, AES-256-GCM
 * (docs/spec/tee-runtime.md, "ECIES"). The context is both in the key derivation and the AAD, so a
 * ciphertext made for one purpose (one app, one secret name) never opens under another.
 */
public final class Ecies {
  public static final byte[] MAGIC = "TDECIES1".getBytes(StandardCharsets.US_ASCII);
  public static final int NONCE = 12;
  public static final int TAG = 16;
  public static final int OVERHEAD = MAGIC.length + X25519.KEY_SIZE + NONCE + TAG;
  public static final int MAX_PLAINTEXT = 1024 * 1024;
  static final byte[] LABEL = "TrustDial ECIES v1".getBytes(StandardCharsets.US_ASCII);

  private Ecies() {}

  /** Thrown when a ciphertext does not open: wrong key, wrong context, tampered or malformed. */
  public static final class DecryptionFailedException extends Exception {
    public DecryptionFailedException(String message) {
      super(message);
    }
  }

  public static byte[] encrypt(
      byte[] recipientPublic, byte[] context, byte[] plaintext, SecureRandom random) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    return encrypt(recipientPublic, context, plaintext, X25519.generate(random), nonce);
  }

  /** Deterministic form for test vectors: the caller picks the ephemeral key and the nonce. */
  public static byte[] encrypt(
      byte[] recipientPublic, byte[] context, byte[] plaintext, X25519 ephemeral, byte[] nonce) {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "plaintext is " + plaintext.length + " bytes (max " + MAX_PLAINTEXT + ")");
    }
    if (nonce.length != NONCE) {
      throw new IllegalArgumentException("nonce is 12 bytes");
    }
    byte[] key =
        key(ephemeral.agree(recipientPublic), ephemeral.publicKey(), recipientPublic, context);
    byte[] ct = gcm(Cipher.ENCRYPT_MODE, key, nonce, context, plaintext);
    return new BigEndianWriter()
        .bytes(MAGIC)
        .bytes(ephemeral.publicKey())
        .bytes(nonce)
        .bytes(ct)
        .toByteArray();
  }

  public static byte[] decrypt(X25519 recipient, byte[] context, byte[] ciphertext)
      throws DecryptionFailedException {
    if (ciphertext.length < OVERHEAD || ciphertext.length > OVERHEAD + MAX_PLAINTEXT) {
      throw new DecryptionFailedException(
          "ciphertext is "
              + ciphertext.length
              + " bytes ("
              + OVERHEAD
              + ".."
              + (OVERHEAD + MAX_PLAINTEXT)
              + ")");
    }
    if (!Arrays.equals(ciphertext, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DecryptionFailedException("ciphertext does not start with TDECIES1");
    }
    int at = MAGIC.length;
    byte[] ephPub = Arrays.copyOfRange(ciphertext, at, at + X25519.KEY_SIZE);
    at += X25519.KEY_SIZE;
    byte[] nonce = Arrays.copyOfRange(ciphertext, at, at + NONCE);
    at += NONCE;
    byte[] shared;
    try {
      shared = recipient.agree(ephPub);
    } catch (IllegalArgumentException e) {
      throw new DecryptionFailedException(e.getMessage());
    }
    byte[] key = key(shared, ephPub, recipient.publicKey(), context);
    try {
      return gcm(
          Cipher.DECRYPT_MODE,
          key,
          nonce,
          context,
          Arrays.copyOfRange(ciphertext, at, ciphertext.length));
    } catch (IllegalStateException e) {
      throw new DecryptionFailedException(
          "ciphertext does not open with this key and context (tampered, or made for another recipient or purpose)");
    }
  }

  static byte[] key(byte[] shared, byte[] ephPub, byte[] recipientPub, byte[] context) {
    byte[] salt = new BigEndianWriter().bytes(ephPub).bytes(recipientPub).toByteArray();
    byte[] info = new BigEndianWriter().bytes(LABEL).u8(0).bytes(context).toByteArray();
    return Hkdf.sha256(shared, salt, info, 32);
  }

  /** AES-256-GCM with a 128-bit tag; an authentication failure becomes IllegalStateException. */
  public static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      c.updateAAD(aad);
      return c.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("AES-GCM authentication failed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable or misused", e);
    }
  }
}
