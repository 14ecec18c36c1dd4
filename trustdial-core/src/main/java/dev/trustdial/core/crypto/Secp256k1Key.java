package dev.trustdial.core.crypto;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * A secp256k1 private key with its Ethereum address. Signs 32-byte digests with EIP-191
 * ("\x19Ethereum Signed Message:\n32" || digest), which is what every verifier of ours (Java and
 * Solidity) recovers against.
 */
public final class Secp256k1Key {
  private final ECKeyPair pair;
  private final Address address;

  private Secp256k1Key(ECKeyPair pair) {
    this.pair = pair;
    this.address = Address.parse("0x" + Keys.getAddress(pair.getPublicKey()));
  }

  public static Secp256k1Key fromPrivateKeyHex(String hex) {
    byte[] b = Hex.decode(hex);
    if (b.length != 32) {
      throw new InvalidInputException("a private key has 32 bytes, got " + b.length);
    }
    BigInteger k = new BigInteger(1, b);
    if (k.signum() == 0 || k.compareTo(Sign.CURVE_PARAMS.getN()) >= 0) {
      throw new InvalidInputException("private key is out of the secp256k1 range");
    }
    return new Secp256k1Key(ECKeyPair.create(k));
  }

  public static Secp256k1Key generate() {
    try {
      return new Secp256k1Key(Keys.createEcKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a secp256k1 key", e);
    }
  }

  public Address address() {
    return address;
  }

  public String privateKeyHex() {
    byte[] b = pair.getPrivateKey().toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return Hex.encode(out);
  }

  /** For chain clients that need web3j credentials; does not leave the chain module's API. */
  public Credentials credentials() {
    return Credentials.create(pair);
  }

  /** EIP-191 personal-sign of a 32-byte digest. */
  public Signature signEip191(Bytes32 digest) {
    Sign.SignatureData sd = Sign.signPrefixedMessage(digest.bytes(), pair);
    byte[] out = new byte[65];
    System.arraycopy(sd.getR(), 0, out, 0, 32);
    System.arraycopy(sd.getS(), 0, out, 32, 32);
    out[64] = sd.getV()[0];
    return new Signature(out);
  }

  /**
   * The address that signed {@code digest} with EIP-191, or an exception if the signature is
   * malformed.
   */
  public static Address recoverEip191(Bytes32 digest, Signature sig) {
    byte[] b = sig.bytes();
    Sign.SignatureData sd =
        new Sign.SignatureData(b[64], Arrays.copyOfRange(b, 0, 32), Arrays.copyOfRange(b, 32, 64));
    try {
      BigInteger pub = Sign.signedPrefixedMessageToKey(digest.bytes(), sd);
      return Address.parse("0x" + Keys.getAddress(pub));
    } catch (SignatureException | IllegalArgumentException e) {
      throw new InvalidInputException("signature does not recover to a key: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Secp256k1Key[" + address + "]";
  }
}
