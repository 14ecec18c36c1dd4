package dev.trustdial.da.disperser;

import java.util.List;

/** Dispersal did not gather a certificate that passes the security check; no certificate exists. */
public final class DispersalFailedException extends RuntimeException {
  private final List<String> nodeErrors;

  public DispersalFailedException(String message, List<String> nodeErrors) {
    super(
        message + (nodeErrors.isEmpty() ? "" : "; node errors: " + String.join("; ", nodeErrors)));
    this.nodeErrors = List.copyOf(nodeErrors);
  }

  public List<String> nodeErrors() {
    return nodeErrors;
  }
}
