import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.SimulatedTee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verifications per second of each verifier on the real test evidence (one thread, after warm-up;
 * includes PKIX chain validation and, for TDX, collateral signature checks; excludes parsing of
 * the collateral file). Usage: AttestBench RESOURCES_DIR [seconds per case]
 */
public final class AttestBench {
  public static void main(String[] args) throws Exception {
    Path r = Path.of(args[0]);
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    SimulatedTee tee = SimulatedTee.createInstall(new SecureRandom(), t0);
    byte[] sim = tee.attest(List.of(MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, new byte[32])),
        new byte[64], t0, false);
    var verifier = new AttestationVerifier(TrustAnchors.pinned().withSimulationRoots(List.of(tee.root())));
    record Case(String name, byte[] evidence, Collateral collateral, Instant at) {}
    byte[] tdx = Files.readAllBytes(r.resolve("tdx/phala_tdx_quote"));
    byte[] snp = Files.readAllBytes(r.resolve("sev-snp/report.bin"));
    List<Case> cases = List.of(
        new Case("tdx-v4", tdx, AttestationVerifier.readCollateral(tdx,
            Optional.of(Files.readAllBytes(r.resolve("tdx/phala_tdx_collateral.json")))), Instant.parse("2025-07-01T00:00:00Z")),
        new Case("sev-snp", snp, AttestationVerifier.readCollateral(snp,
            Optional.of(Files.readAllBytes(r.resolve("sev-snp/vcek.der")))), Instant.parse("2025-01-01T00:00:00Z")),
        new Case("nitro", Files.readAllBytes(r.resolve("nitro/anjuna_prod.bin")), new Collateral.None(), t0),
        new Case("simulated", sim, new Collateral.None(), t0.plusSeconds(60)));
    for (Case c : cases) {
      if (!verifier.verify(c.evidence(), c.collateral(), c.at()).isValid()) {
        throw new IllegalStateException(c.name() + " does not verify");
      }
      long end = System.nanoTime() + (long) (seconds * 0.3e9);
      while (System.nanoTime() < end) {
        verifier.verify(c.evidence(), c.collateral(), c.at());
      }
      int n = 0;
      long start = System.nanoTime();
      end = start + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        verifier.verify(c.evidence(), c.collateral(), c.at());
        n++;
      }
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf("%-10s %8.1f verifications/s  %7.3f ms each%n", c.name(), n / s, 1000 * s / n);
    }
  }
}
