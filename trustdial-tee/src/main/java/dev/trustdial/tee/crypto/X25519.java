package dev.trustdial.tee.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** X25519 (RFC 7748) key pairs as raw 32-byte strings, through BouncyCastle. */
public record X25519(byte[] privateKey, byte[] publicKey) {
  public static final int KEY_SIZE = 32;

  public X25519 {
    if (privateKey.length != KEY_SIZE || publicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException("X25519 keys are 32 bytes");
    }
    privateKey = privateKey.clone();
    publicKey = publicKey.clone();
  }

  public static X25519 fromPrivate(byte[] privateKey) {
    if (privateKey.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "an X25519 private key is 32 bytes, got " + privateKey.length);
    }
    byte[] pub = new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    return new X25519(privateKey, pub);
  }

  public static X25519 generate(SecureRandom random) {
    byte[] k = new byte[KEY_SIZE];
    random.nextBytes(k);
    return fromPrivate(k);
  }

  @Override
  public byte[] privateKey() {
    return privateKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The shared secret with {@code peerPublic}; refuses low-order points (an all-zero result). */
  public byte[] agree(byte[] peerPublic) {
    if (peerPublic.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "an X25519 public key is 32 bytes, got " + peerPublic.length);
    }
    X25519Agreement a = new X25519Agreement();
    a.init(new X25519PrivateKeyParameters(privateKey, 0));
    byte[] shared = new byte[KEY_SIZE];
    try {
      a.calculateAgreement(new X25519PublicKeyParameters(peerPublic, 0), shared, 0);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("X25519 public key is a low-order point");
    }
    return shared;
  }

  @Override
  public String toString() {
    return "X25519[public " + dev.trustdial.core.bytes.Hex.encodeBare(publicKey) + "]";
  }
}
