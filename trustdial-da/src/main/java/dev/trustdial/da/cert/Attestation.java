package dev.trustdial.da.cert;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import java.nio.charset.StandardCharsets;

/**
 * The statement a DA node signs once it stores its verified chunks of a blob: the blob key in one
 * domain (docs/spec/da.md §6).
 */
public final class Attestation {
  static final byte[] TAG = "trustdial-da-attestation-v2".getBytes(StandardCharsets.US_ASCII);

  static {
    if (TAG.length != 27) {
      throw new ExceptionInInitializerError("the attestation tag is a bytes27 onchain");
    }
  }

  private Attestation() {}

  /**
   * {@code keccak256(tag || u256 chainId || verifier || blobKey)}: BlobRegistry.attestationDigest.
   */
  public static Bytes32 digest(AttestationDomain domain, Bytes32 blobKey) {
    return Hashes.keccak256(TAG, domain.encode(), blobKey.bytes());
  }

  public static Signature sign(Secp256k1Key key, AttestationDomain domain, Bytes32 blobKey) {
    return key.signEip191(digest(domain, blobKey));
  }

  /**
   * The signer of an attestation in {@code domain}; an InvalidInputException if the signature
   * recovers to no key. A signature made for another domain recovers to an unrelated address.
   */
  public static Address signer(AttestationDomain domain, Bytes32 blobKey, Signature signature) {
    return Secp256k1Key.recoverEip191(digest(domain, blobKey), signature);
  }
}
