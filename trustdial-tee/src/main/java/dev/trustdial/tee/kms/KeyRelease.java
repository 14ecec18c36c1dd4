package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.tee.attest.Verdict;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The KMS's answer to a key request: released (encrypted key set) or refused (a status and why).
 */
public sealed interface KeyRelease {
  BigInteger appId();

  /**
   * @param ciphertext the key set ({@link KeySet}) encrypted to the request's ephemeral key
   * @param kmsAuth the {@link ReleaseAuth} tag over the ciphertext, made with the KMS's X25519 key
   */
  record Released(
      BigInteger appId,
      long appVersion,
      Address wallet,
      Bytes ciphertext,
      Bytes kmsAuth,
      Verdict verdict)
      implements KeyRelease {
    public Released {
      if (kmsAuth.length() != ReleaseAuth.SIZE) {
        throw new IllegalArgumentException("the release tag is " + ReleaseAuth.SIZE + " bytes");
      }
    }
  }

  /**
   * @param status the HTTP status: 400 bad request, 403 policy or evidence refusal, 404 unknown
   *     app, 503 the app registry cannot be read
   * @param reason a stable name (e.g. MeasurementNotAllowed)
   * @param verdict the verified evidence, when the refusal came after verification
   */
  record Refused(
      BigInteger appId, int status, String reason, String detail, Optional<Verdict> verdict)
      implements KeyRelease {}
}
