package dev.trustdial.tee.attest;

import java.util.Arrays;
import java.util.Optional;

/**
 * The TCB status of a platform, in increasing order of severity. Intel's collateral names seven of
 * them; platforms without a TCB catalogue in their collateral report {@link #NOT_EVALUATED}.
 */
public enum TcbStatus {
  UP_TO_DATE("UpToDate"),
  SW_HARDENING_NEEDED("SWHardeningNeeded"),
  CONFIGURATION_NEEDED("ConfigurationNeeded"),
  CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
  OUT_OF_DATE("OutOfDate"),
  OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
  /**
   * The platform's TCB is below every level of the TCB info in at least one component (Intel's QVL:
   * TCB_NOT_SUPPORTED). Intel makes no statement about such a platform.
   */
  TCB_LEVEL_NOT_FOUND("TcbLevelNotFound"),
  REVOKED("Revoked"),
  /** The platform's collateral has no TCB catalogue (SEV-SNP VCEK, Nitro, simulated). */
  NOT_EVALUATED("NotEvaluated");

  private final String intelName;

  TcbStatus(String intelName) {
    this.intelName = intelName;
  }

  /**
   * The spelling used in Intel's TCB info and QE identity JSON (and in TrustDial's JSON output).
   */
  public String wireName() {
    return intelName;
  }

  public static Optional<TcbStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.intelName.equals(name)).findFirst();
  }

  /** The more severe of two statuses (used to merge platform, QE and TDX module statuses). */
  public static TcbStatus worst(TcbStatus a, TcbStatus b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
