package dev.trustdial.tee.attest;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a relying party accepts beyond a cryptographically valid verdict. Platform verifiers report
 * debug mode and TCB status; a policy decides.
 */
public record AttestationPolicy(
    boolean allowDebug, boolean allowSimulated, Set<TcbStatus> acceptedTcb) {
  public AttestationPolicy {
    acceptedTcb = Set.copyOf(acceptedTcb);
    if (acceptedTcb.isEmpty()) {
      throw new IllegalArgumentException("a policy that accepts no TCB status accepts nothing");
    }
  }

  /**
   * Production default: no debug, no simulation; any TCB status Intel vouches for is accepted and
   * reported (OutOfDate included), Revoked and TcbLevelNotFound are refused.
   */
  public static AttestationPolicy standard() {
    return new AttestationPolicy(
        false,
        false,
        EnumSet.complementOf(EnumSet.of(TcbStatus.REVOKED, TcbStatus.TCB_LEVEL_NOT_FOUND)));
  }

  public AttestationPolicy requireUpToDate() {
    return new AttestationPolicy(
        allowDebug, allowSimulated, EnumSet.of(TcbStatus.UP_TO_DATE, TcbStatus.NOT_EVALUATED));
  }

  public AttestationPolicy allowingDebug() {
    return new AttestationPolicy(true, allowSimulated, acceptedTcb);
  }

  public AttestationPolicy allowingSimulated() {
    return new AttestationPolicy(allowDebug, true, acceptedTcb);
  }

  /** The first policy rule the verdict breaks, if any. */
  public Optional<Failure> check(Verdict v) {
    if (v.simulated() && !allowSimulated) {
      return Optional.of(
          new Failure.SimulatedNotAccepted(
              "evidence comes from the insecure simulated TEE backend"));
    }
    if (v.debug() && !allowDebug) {
      return Optional.of(
          new Failure.DebugEnabled(
              switch (v.platform()) {
                case INTEL_TDX -> "TD attributes DEBUG bit is set";
                case AMD_SEV_SNP -> "guest policy DEBUG bit (19) is set";
                case AWS_NITRO -> "PCR0 is all zeros (enclave started in debug mode)";
                case SIMULATED -> "simulated evidence declares debug";
              }));
    }
    if (!acceptedTcb.contains(v.tcbStatus())) {
      return Optional.of(
          new Failure.TcbNotAccepted(
              v.tcbStatus(),
              "the policy accepts "
                  + acceptedTcb.stream()
                      .sorted()
                      .map(TcbStatus::wireName)
                      .collect(java.util.stream.Collectors.joining(", "))));
    }
    return Optional.empty();
  }

  /** Applies the policy to a result: a valid verdict that breaks a rule becomes invalid. */
  public VerificationResult apply(VerificationResult r) {
    return switch (r) {
      case VerificationResult.Invalid i -> i;
      case VerificationResult.Valid v ->
          check(v.verdict()).<VerificationResult>map(VerificationResult.Invalid::new).orElse(v);
    };
  }
}
