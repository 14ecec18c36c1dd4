package dev.trustdial.da.cert;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import java.nio.charset.StandardCharsets;

/** The statement a DA node signs once it stores its verified chunks of a blob (docs/spec/da.md §6). */
public final class Attestation {
  static final byte[] TAG = "trustdial-da-attestation-v1".getBytes(StandardCharsets.US_ASCII);

  private Attestation() {}

  public static Bytes32 digest(Bytes32 blobKey) {
    return Hashes.keccak256(TAG, blobKey.bytes());
  }

  public static Signature sign(Secp256k1Key key, Bytes32 blobKey) {
    return key.signEip191(digest(blobKey));
  }

  /** The signer of an attestation; an InvalidInputException if the signature recovers to no key. */
  public static Address signer(Bytes32 blobKey, Signature signature) {
    return Secp256k1Key.recoverEip191(digest(blobKey), signature);
  }
}
