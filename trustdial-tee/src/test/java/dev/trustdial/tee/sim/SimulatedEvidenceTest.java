package dev.trustdial.tee.sim;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.verdictOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SimulatedEvidenceTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant AT = Instant.parse("2026-01-01T00:05:00Z");
  static final SimulatedTee TEE = SimulatedTee.createInstall(new SecureRandom(), T0);
  static final AttestationVerifier OPTED_IN =
      new AttestationVerifier(TrustAnchors.pinned().withSimulationRoots(List.of(TEE.root())));
  static final Collateral NONE = new Collateral.None();
  static final byte[] ARTIFACT = new byte[32];
  static final List<MeasurementEvent> EVENTS =
      List.of(
          MeasurementEvent.of(
              MeasurementEvent.Type.RUNTIME_IDENTITY,
              "trustdial-sim-runtime/0.1".getBytes(StandardCharsets.UTF_8)),
          MeasurementEvent.of(MeasurementEvent.Type.APP_ID, new byte[20]),
          MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, ARTIFACT),
          MeasurementEvent.of(
              MeasurementEvent.Type.APP_CONFIG,
              "{\"replicas\":1}".getBytes(StandardCharsets.UTF_8)));
  static final byte[] REPORT_DATA =
      Arrays.copyOf("ephemeral key hash".getBytes(StandardCharsets.UTF_8), 64);
  static final byte[] EVIDENCE = TEE.attest(EVENTS, REPORT_DATA, T0, false);

  /** Vector from docs/spec/attestation.md: one APP_ARTIFACT_DIGEST event of 32 x 0x11. */
  @Test
  void measurementMatchesTheSpecVector() {
    var e = MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, filled(32, 0x11));
    assertThat(Hex.encodeBare(e.encoding())).isEqualTo("010200000020" + "11".repeat(32));
    assertThat(Hex.encodeBare(Rtmrs.replay(List.of(e)).get(3))).isEqualTo(SPEC_RTMR3_ONE_EVENT);
    assertThat(Rtmrs.replay(List.of(e)).get(0)).isEqualTo(new byte[48]);
  }

  /** Computed independently (Python hashlib) and written in docs/spec/attestation.md. */
  static final String SPEC_RTMR3_ONE_EVENT =
      "fb66896c7682a5484f80b24e021d29a3cbf9780990529a0dae2355ad2e1cb453df04aa9fc821e0e9a0204485e7ea4511";

  @Test
  void optedInVerifierAcceptsAndSaysSimulated() {
    Verdict v =
        verdictOf(
            OPTED_IN.verify(EVIDENCE, NONE, AT, AttestationPolicy.standard().allowingSimulated()));
    assertThat(v.platform()).isEqualTo(Platform.SIMULATED);
    assertThat(v.simulated()).isTrue();
    assertThat(v.reportData().toArray()).isEqualTo(REPORT_DATA);
    assertThat(v.measurement("RTMR3").orElseThrow().value().toArray())
        .isEqualTo(Rtmrs.replay(EVENTS).get(3));
    assertThat(v.field("APP_ARTIFACT_DIGEST").orElseThrow().value().toArray()).isEqualTo(ARTIFACT);
    assertThat(v.issuedAt()).contains(T0);
  }

  @Test
  void simulatedEvidenceIsRefusedUnlessBothAnchorsAndPolicyOptIn() {
    var pinnedOnly = new AttestationVerifier(TrustAnchors.pinned());
    assertThat(failureOf(pinnedOnly.verify(EVIDENCE, NONE, AT)))
        .isInstanceOf(Failure.SimulatedNotAccepted.class);
    assertThat(failureOf(OPTED_IN.verify(EVIDENCE, NONE, AT, AttestationPolicy.standard())))
        .isInstanceOf(Failure.SimulatedNotAccepted.class);
  }

  @Test
  void anotherInstallsEvidenceIsUntrusted() {
    SimulatedTee other = SimulatedTee.createInstall(new SecureRandom(), T0);
    byte[] foreign = other.attest(EVENTS, REPORT_DATA, T0, false);
    assertThat(failureOf(OPTED_IN.verify(foreign, NONE, AT)))
        .isInstanceOf(Failure.UntrustedRoot.class);
  }

  @Test
  void debugEvidenceIsRefusedByPolicy() {
    byte[] debug = TEE.attest(EVENTS, REPORT_DATA, T0, true);
    assertThat(verdictOf(OPTED_IN.verify(debug, NONE, AT)).debug()).isTrue();
    assertThat(
            failureOf(
                OPTED_IN.verify(debug, NONE, AT, AttestationPolicy.standard().allowingSimulated())))
        .isInstanceOf(Failure.DebugEnabled.class);
  }

  @Test
  void registersThatDisagreeWithTheLogAreABindingMismatch() throws Exception {
    SimulatedEvidence ev = SimulatedEvidence.parse(EVIDENCE);
    var lying =
        new SimulatedEvidence(
            false,
            T0,
            List.of(
                Bytes.of(new byte[48]),
                Bytes.of(new byte[48]),
                Bytes.of(new byte[48]),
                Bytes.of(new byte[48])),
            Bytes.of(REPORT_DATA),
            ev.events(),
            ev.certificates(),
            Bytes.EMPTY);
    byte[] signed = TEE.sign(lying).encode();
    assertThat(failureOf(OPTED_IN.verify(signed, NONE, AT)))
        .isInstanceOf(Failure.BindingMismatch.class);
  }

  @Test
  void timeBeforeIssueIsRefused() {
    assertThat(failureOf(OPTED_IN.verify(EVIDENCE, NONE, T0.minusSeconds(1))))
        .isInstanceOf(Failure.IssuedAfterVerificationTime.class);
  }

  @Property(tries = 80)
  void anyFlippedByteIsRefused(@ForAll @IntRange(min = 0, max = 10_000) int where) {
    int offset = where % EVIDENCE.length;
    byte[] b = EVIDENCE.clone();
    b[offset] ^= 0x01;
    assertThat(OPTED_IN.verify(b, NONE, AT).isValid()).as("offset %d", offset).isFalse();
  }

  @Test
  void encodingRoundTrips() throws Exception {
    assertThat(SimulatedEvidence.parse(EVIDENCE).encode()).isEqualTo(EVIDENCE);
    assertThat(failureOf(OPTED_IN.verify(Arrays.copyOf(EVIDENCE, EVIDENCE.length - 1), NONE, AT)))
        .isInstanceOf(Failure.Malformed.class);
  }

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
