package dev.trustdial.tee.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/** HKDF-SHA256 (RFC 5869) through the JDK's KDF API. */
public final class Hkdf {
  private Hkdf() {}

  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    try {
      KDF kdf = KDF.getInstance("HKDF-SHA256");
      return kdf.deriveData(
          HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, length));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 failed", e);
    }
  }
}
