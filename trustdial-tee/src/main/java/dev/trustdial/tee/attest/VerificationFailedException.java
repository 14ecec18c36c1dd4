package dev.trustdial.tee.attest;

/** Carries a {@link Failure} out of the depth of a platform verifier; never escapes the API. */
public final class VerificationFailedException extends Exception {
  private final Failure failure;

  public VerificationFailedException(Failure failure) {
    super(failure.message(), null, false, false);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
