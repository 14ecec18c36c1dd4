package dev.trustdial.tee.x509;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * ECDSA over raw (fixed-width r||s) signatures and raw x||y public keys, as TEE formats carry them.
 */
public final class RawEcdsa {
  private RawEcdsa() {}

  /** A P-256 public key from 64 bytes x||y; empty if the point is not on the curve. */
  public static Optional<PublicKey> p256FromRaw(byte[] xy) {
    if (xy.length != 64) {
      throw new IllegalArgumentException("a raw P-256 key is 64 bytes, got " + xy.length);
    }
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
      var point =
          new ECPoint(
              new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)),
              new BigInteger(1, Arrays.copyOfRange(xy, 32, 64)));
      return Optional.of(
          KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec)));
    } catch (java.security.spec.InvalidKeySpecException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK supports P-256", e);
    }
  }

  /**
   * Verifies a signature given as big-endian r||s of equal halves.
   *
   * @param hash "SHA256" or "SHA384"
   */
  public static boolean verify(String hash, PublicKey key, byte[] data, byte[] rawRs) {
    try {
      Signature s = Signature.getInstance(hash + "withECDSAinP1363Format");
      s.initVerify(key);
      s.update(data);
      return s.verify(rawRs);
    } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK supports " + hash + " ECDSA", e);
    }
  }
}
