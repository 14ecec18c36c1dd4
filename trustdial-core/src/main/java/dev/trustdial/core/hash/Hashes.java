package dev.trustdial.core.hash;

import dev.trustdial.core.bytes.Bytes32;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/** The two hash functions of the protocol: Ethereum's keccak256 and SHA-256. */
public final class Hashes {
  private Hashes() {}

  public static Bytes32 keccak256(byte[]... parts) {
    Keccak.Digest256 d = new Keccak.Digest256();
    for (byte[] p : parts) {
      d.update(p);
    }
    return new Bytes32(d.digest());
  }

  public static Bytes32 sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return new Bytes32(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
