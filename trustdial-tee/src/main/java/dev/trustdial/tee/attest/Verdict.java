package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Bytes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What verified evidence says, every value taken from signed bytes.
 *
 * @param measurements the measurement registers in the platform's order (MRTD, RTMR0..3; SNP
 *     MEASUREMENT, HOST_DATA...; Nitro PCR0..)
 * @param reportData the caller-chosen data bound into the evidence (TDX/SNP REPORTDATA, Nitro
 *     user_data, empty if none)
 * @param fields other signed fields (policy, TCB values, nonce, public key, module id ...)
 * @param issuedAt the evidence's own signed timestamp, where the platform has one (Nitro, sim)
 * @param checks what was verified, in order, for people and audit logs
 */
public record Verdict(
    Platform platform,
    List<NamedBytes> measurements,
    Bytes reportData,
    List<NamedBytes> fields,
    boolean debug,
    TcbStatus tcbStatus,
    List<String> advisoryIds,
    boolean simulated,
    Optional<Instant> issuedAt,
    Instant verifiedAt,
    List<String> checks) {

  public Verdict {
    measurements = List.copyOf(measurements);
    fields = List.copyOf(fields);
    advisoryIds = List.copyOf(advisoryIds);
    checks = List.copyOf(checks);
    // Only the simulated backend may produce simulated verdicts, and it always must.
    if (simulated != (platform == Platform.SIMULATED)) {
      throw new IllegalArgumentException("simulated flag must match the SIMULATED platform");
    }
  }

  /** The same verdict with {@code first} (how the input was read) before its checks. */
  public Verdict withChecksBefore(List<String> first) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(checks);
    return new Verdict(
        platform,
        measurements,
        reportData,
        fields,
        debug,
        tcbStatus,
        advisoryIds,
        simulated,
        issuedAt,
        verifiedAt,
        all);
  }

  public Optional<NamedBytes> measurement(String name) {
    return measurements.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public Optional<NamedBytes> field(String name) {
    return fields.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
