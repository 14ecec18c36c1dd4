package dev.trustdial.tee.attest;

import java.time.Instant;

/** Why evidence was refused. A closed set: callers switch over it to decide what to tell users. */
public sealed interface Failure {
  /** A short stable kind name, used in JSON output and audit logs. */
  String kind();

  /** A sentence for a person. */
  String message();

  /** Evidence or collateral bytes do not parse, or exceed a limit. */
  record Malformed(String detail) implements Failure {
    public String kind() {
      return "Malformed";
    }

    public String message() {
      return "malformed: " + detail;
    }
  }

  record SignatureInvalid(SignedRegion region, String detail) implements Failure {
    public String kind() {
      return "SignatureInvalid";
    }

    public String message() {
      return "signature invalid over the " + region.description() + ": " + detail;
    }
  }

  /** A certificate chain does not verify (bad signature, wrong issuer, missing CA constraints). */
  record ChainInvalid(String chain, String detail) implements Failure {
    public String kind() {
      return "ChainInvalid";
    }

    public String message() {
      return chain + " chain invalid: " + detail;
    }
  }

  /** The chain ends in a root that is not the pinned trust anchor. */
  record UntrustedRoot(String chain, String detail) implements Failure {
    public String kind() {
      return "UntrustedRoot";
    }

    public String message() {
      return chain + " chain does not end at the pinned root: " + detail;
    }
  }

  /** A certificate is not valid at the verification time. */
  record CertificateNotValid(String subject, Instant notBefore, Instant notAfter, Instant at)
      implements Failure {
    public String kind() {
      return "CertificateNotValid";
    }

    public String message() {
      return "certificate '"
          + subject
          + "' is valid "
          + notBefore
          + " .. "
          + notAfter
          + ", not at "
          + at;
    }
  }

  /** TCB info, QE identity or a CRL is outside its issue..nextUpdate window at the time. */
  record CollateralExpired(String what, Instant issued, Instant nextUpdate, Instant at)
      implements Failure {
    public String kind() {
      return "CollateralExpired";
    }

    public String message() {
      return what + " is valid " + issued + " .. " + nextUpdate + ", not at " + at;
    }
  }

  record Revoked(String subject, String serialHex, String crl) implements Failure {
    public String kind() {
      return "Revoked";
    }

    public String message() {
      return "certificate '" + subject + "' (serial " + serialHex + ") is revoked by the " + crl;
    }
  }

  /**
   * A value that must bind two parts together does not (e.g. QE report data vs attestation key).
   */
  record BindingMismatch(String detail) implements Failure {
    public String kind() {
      return "BindingMismatch";
    }

    public String message() {
      return "binding mismatch: " + detail;
    }
  }

  /** Collateral is for something else (FMSPC, PCE id, QE identity, product). */
  record CollateralMismatch(String detail) implements Failure {
    public String kind() {
      return "CollateralMismatch";
    }

    public String message() {
      return "collateral does not match the evidence: " + detail;
    }
  }

  /** The evidence's TCB is not covered by the collateral, or disagrees with the certificate. */
  record TcbMismatch(String detail) implements Failure {
    public String kind() {
      return "TcbMismatch";
    }

    public String message() {
      return "TCB mismatch: " + detail;
    }
  }

  /** Policy: the TEE runs in debug mode, so its memory is readable by the host. */
  record DebugEnabled(String detail) implements Failure {
    public String kind() {
      return "DebugEnabled";
    }

    public String message() {
      return "debug mode is enabled: " + detail;
    }
  }

  /** Policy: the TCB status is not in the accepted set. */
  record TcbNotAccepted(TcbStatus status, String detail) implements Failure {
    public String kind() {
      return "TcbNotAccepted";
    }

    public String message() {
      return "TCB status " + status.wireName() + " is not accepted: " + detail;
    }
  }

  /** Policy: simulated (insecure) evidence and the verifier was not configured to accept it. */
  record SimulatedNotAccepted(String detail) implements Failure {
    public String kind() {
      return "SimulatedNotAccepted";
    }

    public String message() {
      return "simulated evidence is not accepted: " + detail;
    }
  }

  /** The evidence is signed at a time after the verification time. */
  record IssuedAfterVerificationTime(Instant issuedAt, Instant at) implements Failure {
    public String kind() {
      return "IssuedAfterVerificationTime";
    }

    public String message() {
      return "evidence is signed at " + issuedAt + ", after the verification time " + at;
    }
  }
}
