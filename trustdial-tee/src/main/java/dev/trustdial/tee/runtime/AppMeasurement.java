package dev.trustdial.tee.runtime;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.Rtmrs;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the dev runtime measures when it launches an app, in order (docs/spec/tee-runtime.md,
 * "Measurement"): its own identity into RTMR0, then the app id, artifact digest and launch
 * configuration into RTMR3. A developer computes the same registers offline for the app's policy.
 */
public record AppMeasurement(BigInteger appId, Bytes artifactDigest, Bytes config) {
  public static final String RUNTIME_IDENTITY = "trustdial-dev-runtime/0.1.0";

  public AppMeasurement {
    KmsRoot.appIdBytes(appId);
    if (artifactDigest.length() != 32) {
      throw new IllegalArgumentException("an artifact digest is 32 bytes");
    }
  }

  /** Copies of {@code artifactDigest} and {@code config}. */
  public AppMeasurement(BigInteger appId, byte[] artifactDigest, byte[] config) {
    this(appId, Bytes.of(artifactDigest), Bytes.of(config));
  }

  public List<MeasurementEvent> events() {
    return List.of(
        MeasurementEvent.of(
            MeasurementEvent.Type.RUNTIME_IDENTITY,
            RUNTIME_IDENTITY.getBytes(StandardCharsets.UTF_8)),
        MeasurementEvent.of(MeasurementEvent.Type.APP_ID, KmsRoot.appIdBytes(appId)),
        MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, artifactDigest),
        MeasurementEvent.of(MeasurementEvent.Type.APP_CONFIG, config));
  }

  public Rtmrs registers() {
    return Rtmrs.replay(events());
  }

  /**
   * The policy entry that admits exactly this launch on the simulated backend (RTMR0 and RTMR3).
   */
  public AppPolicy.AllowedMeasurement simulatedPolicyEntry() {
    Rtmrs r = registers();
    return new AppPolicy.AllowedMeasurement(
        Platform.SIMULATED,
        List.of(new NamedBytes("RTMR0", r.get(0)), new NamedBytes("RTMR3", r.get(3))));
  }
}
