package dev.trustdial.tee.attest;

/** The outcome of verifying evidence: a verdict, or the first check that failed. */
public sealed interface VerificationResult {
  record Valid(Verdict verdict) implements VerificationResult {}

  record Invalid(Failure failure) implements VerificationResult {}

  default boolean isValid() {
    return this instanceof Valid;
  }
}
