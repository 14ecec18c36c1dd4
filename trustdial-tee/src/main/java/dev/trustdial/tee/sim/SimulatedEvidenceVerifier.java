package dev.trustdial.tee.sim;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.SignedRegion;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.x509.Certificates;
import dev.trustdial.tee.x509.ChainValidator;
import dev.trustdial.tee.x509.RawEcdsa;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Verifies TrustDial's simulated evidence. It refuses everything unless the caller configured the
 * install's simulation root, and its verdicts always say {@code simulated: true}: a simulated TEE
 * proves only that the runtime measured what it says, never that hardware isolated it.
 */
public final class SimulatedEvidenceVerifier {
  private SimulatedEvidenceVerifier() {}

  public static Verdict verify(byte[] bytes, List<X509Certificate> simulationRoots, Instant at)
      throws VerificationFailedException {
    if (simulationRoots.isEmpty()) {
      throw new VerificationFailedException(
          new Failure.SimulatedNotAccepted(
              "no simulation root is configured (simulated evidence is insecure; opt in explicitly)"));
    }
    List<String> checks = new ArrayList<>();
    SimulatedEvidence ev = SimulatedEvidence.parse(bytes);
    checks.add(
        "parsed simulated evidence v" + SimulatedEvidence.VERSION + " (INSECURE: no hardware)");
    if (ev.issuedAt().isAfter(at)) {
      throw new VerificationFailedException(
          new Failure.IssuedAfterVerificationTime(ev.issuedAt(), at));
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (int i = 0; i < ev.certificates().size(); i++) {
      chain.add(
          Certificates.fromDer(ev.certificates().get(i).toArray(), "simulated certificate " + i));
    }
    byte[] rootFp = Certificates.sha256Fingerprint(chain.getLast());
    X509Certificate root =
        simulationRoots.stream()
            .filter(r -> Arrays.equals(Certificates.sha256Fingerprint(r), rootFp))
            .findFirst()
            .orElseThrow(() ->
                new VerificationFailedException(
                    new Failure.UntrustedRoot(
                        "simulation",
                        "root "
                            + Hex.encodeBare(rootFp)
                            + " is not a configured simulation root")));
    ChainValidator.validate("simulation", chain, root, ev.issuedAt());
    checks.add("chain valid to the configured simulation root " + Certificates.subject(root));
    if (!RawEcdsa.verify(
        "SHA256", chain.getFirst().getPublicKey(), ev.signedBytes(), ev.signature().toArray())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              SignedRegion.SIMULATED_EVIDENCE, "ECDSA P-256 by the install's attestation key"));
    }
    checks.add("signature valid (install attestation key)");
    Rtmrs replayed = Rtmrs.replay(ev.events());
    for (int i = 0; i < MeasurementEvent.REGISTERS; i++) {
      if (!Arrays.equals(replayed.get(i), ev.rtmrs().get(i).toArray())) {
        throw new VerificationFailedException(
            new Failure.BindingMismatch(
                "event log replays RTMR"
                    + i
                    + " to "
                    + Hex.encodeBare(replayed.get(i))
                    + ", the evidence says "
                    + ev.rtmrs().get(i).toBareHex()));
      }
    }
    checks.add("event log (" + ev.events().size() + " events) replays to RTMR0..3");

    List<NamedBytes> measurements = new ArrayList<>();
    for (int i = 0; i < MeasurementEvent.REGISTERS; i++) {
      measurements.add(new NamedBytes("RTMR" + i, ev.rtmrs().get(i).toArray()));
    }
    List<NamedBytes> fields = new ArrayList<>();
    for (MeasurementEvent e : ev.events()) {
      fields.add(new NamedBytes(e.type().name(), e.data()));
    }
    return new Verdict(
        Platform.SIMULATED,
        measurements,
        ev.reportData(),
        fields,
        ev.debug(),
        TcbStatus.NOT_EVALUATED,
        List.of(),
        true,
        Optional.of(ev.issuedAt()),
        at,
        checks);
  }
}
