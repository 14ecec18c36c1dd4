package dev.trustdial.cli.attest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.Main;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and output of {@code trustdial attest verify}, on simulated evidence made here. */
class AttestVerifyCommandTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String AT = "2026-01-01T00:01:00Z";
  @TempDir static Path dir;
  static Path evidence;
  static Path debugEvidence;
  static Path tampered;
  static Path root;

  @BeforeAll
  static void makeEvidence() throws Exception {
    SimulatedTee tee = SimulatedTee.createInstall(new SecureRandom(), T0);
    List<MeasurementEvent> events =
        List.of(MeasurementEvent.of(MeasurementEvent.Type.APP_ARTIFACT_DIGEST, new byte[32]));
    byte[] ev = tee.attest(events, new byte[64], T0, false);
    evidence = Files.write(dir.resolve("sim.bin"), ev);
    debugEvidence =
        Files.write(dir.resolve("sim-debug.bin"), tee.attest(events, new byte[64], T0, true));
    byte[] bad = ev.clone();
    bad[100] ^= 1;
    tampered = Files.write(dir.resolve("sim-tampered.bin"), bad);
    String pem =
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(tee.root().getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    root = Files.writeString(dir.resolve("sim-root.pem"), pem);
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void simulatedEvidenceIsInvalidWithoutOptIn() {
    Run r = run("attest", "verify", "--evidence", evidence.toString(), "--at", AT);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("INVALID: simulated evidence is not accepted");
  }

  @Test
  void simulatedEvidenceIsValidWithItsRootAndSaysSo() {
    Run r =
        run(
            "attest",
            "verify",
            "--evidence",
            evidence.toString(),
            "--at",
            AT,
            "--simulation-root",
            root.toString(),
            "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    assertThat(r.out())
        .contains(
            "\"valid\" : true",
            "\"simulated\" : true",
            "\"platform\" : \"SIMULATED\"",
            "\"APP_ARTIFACT_DIGEST\"");
    Run human =
        run(
            "attest",
            "verify",
            "--evidence",
            evidence.toString(),
            "--at",
            AT,
            "--simulation-root",
            root.toString());
    assertThat(human.out())
        .startsWith("VALID")
        .contains("WARNING: simulated evidence (simulated: true)");
  }

  @Test
  void debugAndTamperedEvidenceAreInvalidWithTheReason() {
    Run debug =
        run(
            "attest",
            "verify",
            "--evidence",
            debugEvidence.toString(),
            "--at",
            AT,
            "--simulation-root",
            root.toString(),
            "--json");
    assertThat(debug.exit()).isEqualTo(1);
    assertThat(debug.out()).contains("\"kind\" : \"DebugEnabled\"", "\"debug\" : true");
    assertThat(
            run(
                    "attest",
                    "verify",
                    "--evidence",
                    debugEvidence.toString(),
                    "--at",
                    AT,
                    "--simulation-root",
                    root.toString(),
                    "--allow-debug")
                .exit())
        .isEqualTo(0);
    Run bad =
        run(
            "attest",
            "verify",
            "--evidence",
            tampered.toString(),
            "--at",
            AT,
            "--simulation-root",
            root.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out()).startsWith("INVALID: ");
  }

  @Test
  void badInputExitsTwo() throws Exception {
    Path notEvidence = Files.writeString(dir.resolve("notes.txt"), "hello");
    for (String[] args :
        List.of(
            new String[] {
              "attest", "verify", "--evidence", dir.resolve("missing").toString(), "--at", AT
            },
            new String[] {
              "attest", "verify", "--evidence", evidence.toString(), "--at", "tomorrow"
            },
            new String[] {"attest", "verify", "--evidence", notEvidence.toString(), "--at", AT},
            new String[] {"attest", "verify", "--evidence", evidence.toString()},
            new String[] {
              "attest",
              "verify",
              "--evidence",
              evidence.toString(),
              "--at",
              AT,
              "--collateral",
              notEvidence.toString()
            },
            new String[] {
              "attest",
              "verify",
              "--evidence",
              evidence.toString(),
              "--at",
              AT,
              "--simulation-root",
              notEvidence.toString()
            })) {
      Run r = run(args);
      assertThat(r.exit()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("error: ");
    }
  }

  @Test
  void simInitThenSimulateThenVerify(@TempDir Path work) throws Exception {
    Path install = work.resolve("install");
    Run init = run("attest", "sim-init", "--dir", install.toString());
    assertThat(init.exit()).as(init.err()).isEqualTo(0);
    assertThat(init.out()).contains("INSECURE");
    assertThat(run("attest", "sim-init", "--dir", install.toString()).exit()).isEqualTo(2);
    Path artifact = Files.writeString(work.resolve("app.jar"), "not really a jar");
    Path out = work.resolve("evidence.bin");
    Run sim =
        run(
            "attest",
            "simulate",
            "--install",
            install.toString(),
            "--artifact",
            artifact.toString(),
            "--app-id",
            "0x" + "ab".repeat(20),
            "--report-data",
            "0x" + "01".repeat(64),
            "--out",
            out.toString());
    assertThat(sim.exit()).as(sim.err()).isEqualTo(0);
    // The install was created now, so its evidence verifies from now on (not at the fixed AT).
    Run v =
        run(
            "attest",
            "verify",
            "--evidence",
            out.toString(),
            "--at",
            "now",
            "--simulation-root",
            install.resolve("sim-root.pem").toString(),
            "--json");
    assertThat(v.exit()).as(v.out()).isEqualTo(0);
    String digest = dev.trustdial.core.hash.Hashes.sha256(Files.readAllBytes(artifact)).toHex();
    assertThat(v.out())
        .contains(
            "\"APP_ARTIFACT_DIGEST\" : \"" + digest + "\"",
            "\"reportData\" : \"0x" + "01".repeat(64));
    assertThat(
            run(
                    "attest",
                    "simulate",
                    "--install",
                    install.toString(),
                    "--artifact",
                    artifact.toString(),
                    "--report-data",
                    "0x01",
                    "--out",
                    out.toString())
                .exit())
        .isEqualTo(2);
  }

  @Test
  void envelopeRoundTripsThroughTheCli(@TempDir Path work) {
    Path env = work.resolve("evidence.env");
    Run pack =
        run("attest", "envelope", "--evidence", evidence.toString(), "--out", env.toString());
    assertThat(pack.exit()).as(pack.err()).isEqualTo(0);
    assertThat(
            run(
                    "attest",
                    "verify",
                    "--evidence",
                    env.toString(),
                    "--at",
                    AT,
                    "--simulation-root",
                    root.toString())
                .exit())
        .isEqualTo(0);
    assertThat(
            run(
                    "attest",
                    "verify",
                    "--evidence",
                    env.toString(),
                    "--collateral",
                    root.toString(),
                    "--at",
                    AT)
                .exit())
        .isEqualTo(2);
    assertThat(
            run(
                    "attest",
                    "envelope",
                    "--evidence",
                    evidence.toString(),
                    "--collateral",
                    root.toString(),
                    "--out",
                    work.resolve("x").toString())
                .exit())
        .isEqualTo(2);
  }
}
