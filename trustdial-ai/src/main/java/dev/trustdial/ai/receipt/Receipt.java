package dev.trustdial.ai.receipt;

import dev.trustdial.ai.Invariant;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import java.util.Objects;

/** A signed receipt: the body and the operator's EIP-191 signature over its digest. */
public record Receipt(ReceiptBody body, Signature signature) {

  public Receipt {
    Objects.requireNonNull(body);
    Objects.requireNonNull(signature);
  }

  /** Signs a body with the operator key; the key's address must be the body's operator. */
  public static Receipt sign(ReceiptBody body, Secp256k1Key operatorKey) {
    if (!operatorKey.address().equals(body.operator())) {
      throw new IllegalArgumentException(
          "the body names operator "
              + body.operator()
              + " but the key is "
              + operatorKey.address());
    }
    Receipt r = new Receipt(body, operatorKey.signEip191(body.digest()));
    Invariant.check(
        r.signer().equals(body.operator()), "a receipt's signature recovers its operator");
    return r;
  }

  /** The receipt id: the digest that is signed, as 0x-hex. */
  public String id() {
    return body.digest().toHex();
  }

  public Bytes32 digest() {
    return body.digest();
  }

  /** The address that signed the digest (throws if the signature is malformed). */
  public Address signer() {
    return Secp256k1Key.recoverEip191(body.digest(), signature);
  }

  /** Checks that the operator named in the body signed it; throws with the reason otherwise. */
  public void checkSignature() {
    Address signer = signer();
    if (!signer.equals(body.operator())) {
      throw new InvalidInputException(
          "receipt signature was made by " + signer + ", not by the operator " + body.operator());
    }
  }
}
