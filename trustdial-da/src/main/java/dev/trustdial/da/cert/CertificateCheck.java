package dev.trustdial.da.cert;

import java.math.BigInteger;

/** The outcome of the certificate security check. */
public sealed interface CertificateCheck {
  record Valid(BigInteger signedStake, BigInteger totalStake, int signerChunks)
      implements CertificateCheck {}

  record Invalid(String reason) implements CertificateCheck {}

  default boolean isValid() {
    return this instanceof Valid;
  }
}
