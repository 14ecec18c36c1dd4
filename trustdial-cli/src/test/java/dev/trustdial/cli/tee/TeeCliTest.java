package dev.trustdial.cli.tee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.runtime.AttestationAgent;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.tee.transcript.Transcript;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline tee and kms commands: exit 0 done/valid, 1 invalid, 2 bad input (nothing changed).
 */
class TeeCliTest {
  @TempDir Path dir;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  static void bad(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }

  @Test
  void measureAndPolicy() throws Exception {
    Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1, 2, 3});
    Path cfg = Files.writeString(dir.resolve("app.json"), "{\"timeoutSeconds\": 30}");
    CliRun m =
        run(
            "tee",
            "measure",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            cfg.toString());
    assertThat(m.exitCode()).as(m.err()).isZero();
    AppMeasurement expected =
        new AppMeasurement(BigInteger.valueOf(4), ArtifactDigest.of(jar), Files.readAllBytes(cfg));
    assertThat(m.out())
        .contains(
            dev.trustdial.core.bytes.Hex.encode(expected.registers().get(3)),
            "kmsPublicKey   none");
    String pin = "0x" + "ab".repeat(32);
    Path pinned =
        Files.writeString(
            dir.resolve("pinned.json"),
            "{\"timeoutSeconds\": 30, \"kmsPublicKey\": \"" + pin + "\"}");
    assertThat(
            run(
                    "tee",
                    "measure",
                    "--app-id",
                    "4",
                    "--artifact",
                    jar.toString(),
                    "--config",
                    pinned.toString())
                .out())
        .contains("kmsPublicKey   " + pin);
    // A launch with a KMS needs the KMS pinned in the (measured) config: bad input, nothing
    // created.
    bad(
        run(
            "tee",
            "run",
            "--install",
            dir.resolve("no-install").toString(),
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            cfg.toString(),
            "--work",
            dir.resolve("work").toString(),
            "--kms",
            "http://127.0.0.1:9"),
        "kmsPublicKey");
    assertThat(dir.resolve("work")).doesNotExist();
    Files.writeString(dir.resolve("badpin.json"), "{\"kmsPublicKey\": \"0x1234\"}");
    bad(
        run(
            "tee",
            "measure",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            dir.resolve("badpin.json").toString()),
        "'kmsPublicKey' must be");

    Path pol = dir.resolve("policy.bin");
    CliRun p =
        run(
            "tee",
            "policy",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            cfg.toString(),
            "--out",
            pol.toString());
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(
            dev.trustdial.tee.kms.AppPolicy.decode(Files.readAllBytes(pol))
                .allowed()
                .getFirst()
                .mismatch(
                    new dev.trustdial.tee.attest.Verdict(
                        dev.trustdial.tee.attest.Platform.SIMULATED,
                        List.of(
                            new dev.trustdial.tee.attest.NamedBytes(
                                "RTMR0", expected.registers().get(0)),
                            new dev.trustdial.tee.attest.NamedBytes(
                                "RTMR3", expected.registers().get(3))),
                        dev.trustdial.core.bytes.Bytes.of(new byte[64]),
                        List.of(),
                        false,
                        dev.trustdial.tee.attest.TcbStatus.NOT_EVALUATED,
                        List.of(),
                        true,
                        Optional.empty(),
                        Instant.now(),
                        List.of())))
        .isEmpty();

    bad(
        run(
            "tee",
            "measure",
            "--app-id",
            "0",
            "--artifact",
            jar.toString(),
            "--config",
            cfg.toString()),
        "positive integer");
    bad(
        run(
            "tee",
            "measure",
            "--app-id",
            "4",
            "--artifact",
            dir.resolve("nope").toString(),
            "--config",
            cfg.toString()),
        "does not exist");
    Files.writeString(dir.resolve("bad.json"), "{\"unknown\": 1}");
    bad(
        run(
            "tee",
            "measure",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            dir.resolve("bad.json").toString()),
        "unknown field");
    Files.writeString(dir.resolve("big.json"), "{\"env\": {\"A\": \"" + "x".repeat(5000) + "\"}}");
    bad(
        run(
            "tee",
            "measure",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            dir.resolve("big.json").toString()),
        "max 4096");
    bad(
        run(
            "tee",
            "policy",
            "--app-id",
            "4",
            "--artifact",
            jar.toString(),
            "--config",
            cfg.toString(),
            "--worst-tcb",
            "Fine",
            "--out",
            dir.resolve("p2").toString()),
        "--worst-tcb");
    assertThat(dir.resolve("p2")).doesNotExist();
  }

  @Test
  void kmsInitPublicKeySealSecretAndAudit() throws Exception {
    Path kms = dir.resolve("kms");
    CliRun init = run("kms", "init", "--dir", kms.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    String pub = run("kms", "public-key", "--dir", kms.toString()).out().trim();
    assertThat(init.out()).contains(pub);
    bad(run("kms", "init", "--dir", kms.toString()), "exists");
    assertThat(run("kms", "public-key", "--dir", kms.toString()).out().trim()).isEqualTo(pub);

    Path value = Files.writeString(dir.resolve("v.txt"), "api-key-123");
    Path secrets = dir.resolve("secrets.json");
    CliRun s =
        run(
            "kms",
            "seal-secret",
            "--kms-public-key",
            pub,
            "--app-id",
            "2",
            "--name",
            "API_KEY",
            "--value-file",
            value.toString(),
            "--secrets",
            secrets.toString());
    assertThat(s.exitCode()).as(s.err()).isZero();
    bad(
        run(
            "kms",
            "seal-secret",
            "--kms-public-key",
            pub,
            "--app-id",
            "2",
            "--name",
            "API_KEY",
            "--value-file",
            value.toString(),
            "--secrets",
            secrets.toString()),
        "already holds");
    bad(
        run(
            "kms",
            "seal-secret",
            "--kms-public-key",
            pub,
            "--app-id",
            "3",
            "--name",
            "OTHER",
            "--value-file",
            value.toString(),
            "--secrets",
            secrets.toString()),
        "for app 2");
    bad(
        run(
            "kms",
            "seal-secret",
            "--kms-public-key",
            "0x1234",
            "--app-id",
            "2",
            "--name",
            "X",
            "--value-file",
            value.toString(),
            "--secrets",
            secrets.toString()),
        "32 bytes");
    Files.write(dir.resolve("huge"), new byte[5000]);
    bad(
        run(
            "kms",
            "seal-secret",
            "--kms-public-key",
            pub,
            "--app-id",
            "2",
            "--name",
            "X",
            "--value-file",
            dir.resolve("huge").toString(),
            "--secrets",
            secrets.toString()),
        "4096");

    bad(run("kms", "audit", "--dir", kms.toString()), "no audit log");
    dev.trustdial.tee.kms.AuditLog log =
        dev.trustdial.tee.kms.AuditLog.open(kms.resolve("audit.jsonl"));
    log.append(dev.trustdial.tee.kms.AuditLog.entry().put("outcome", "refused"));
    log.append(dev.trustdial.tee.kms.AuditLog.entry().put("outcome", "released"));
    assertThat(run("kms", "audit", "--dir", kms.toString()).out()).contains("intact: 2 entries");
    List<String> lines = Files.readAllLines(kms.resolve("audit.jsonl"));
    Files.write(kms.resolve("audit.jsonl"), List.of(lines.get(1)));
    CliRun broken = run("kms", "audit", "--dir", kms.toString());
    assertThat(broken.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(broken.out()).contains("BROKEN");
  }

  @Test
  void verifyAnswerAndTranscript() throws Exception {
    SecureRandom r = new SecureRandom();
    SimulatedTee tee = SimulatedTee.createInstall(r, Instant.now().minusSeconds(60));
    tee.save(dir.resolve("sim"));
    Secp256k1Key wallet = Secp256k1Key.generate();
    Transcript t = new Transcript();
    byte[] body = "{\"price\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    t.append(
        Instant.now(),
        "https://127.0.0.1/price",
        200,
        new byte[32],
        Transcript.sha256(body),
        body.length);
    String answer = "TDS 1";
    AppMeasurement m = new AppMeasurement(BigInteger.ONE, new byte[32], new byte[0]);
    byte[] ev =
        tee.attest(
            m.events(),
            AttestationAgent.evidenceReportData(
                SignedAnswer.appData(answer, wallet.address()), t.snapshot()),
            Instant.now(),
            false);
    SignedAnswer a =
        new SignedAnswer(
            BigInteger.ONE,
            answer,
            wallet.address(),
            wallet.signEip191(SignedAnswer.digest(answer)),
            EvidenceEnvelope.of(ev, Optional.empty()).encode(),
            t.encode(),
            List.of(body));
    Path bundle = Files.writeString(dir.resolve("answer.json"), a.toJson());
    String root = dir.resolve("sim/sim-root.pem").toString();

    CliRun ok =
        run(
            "tee",
            "verify-answer",
            "--bundle",
            bundle.toString(),
            "--simulation-root",
            root,
            "--wallet",
            wallet.address().toString());
    assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("VALID", "simulated: true", "https://127.0.0.1/price");
    CliRun noOptIn = run("tee", "verify-answer", "--bundle", bundle.toString());
    assertThat(noOptIn.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(noOptIn.out()).contains("INVALID", "simulated");
    CliRun otherWallet =
        run(
            "tee",
            "verify-answer",
            "--bundle",
            bundle.toString(),
            "--simulation-root",
            root,
            "--wallet",
            Secp256k1Key.generate().address().toString(),
            "--json");
    assertThat(otherWallet.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(otherWallet.out()).contains("\"valid\" : false", "not the expected");
    Path forged =
        Files.writeString(dir.resolve("forged.json"), a.toJson().replace("TDS 1", "TDS 2"));
    CliRun f =
        run("tee", "verify-answer", "--bundle", forged.toString(), "--simulation-root", root);
    assertThat(f.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(f.out()).contains("report data does not bind");
    bad(
        run("tee", "verify-answer", "--bundle", dir.resolve("sim/sim-root.pem").toString()),
        "not JSON");
    bad(run("tee", "verify-answer", "--bundle", bundle.toString(), "--at", "yesterday"), "--at");

    Path tr = Files.write(dir.resolve("t.bin"), t.encode());
    CliRun show = run("tee", "transcript", "--file", tr.toString());
    assertThat(show.exitCode()).isZero();
    assertThat(show.out())
        .contains("entries 1 head " + dev.trustdial.core.bytes.Hex.encode(t.head()));
    bad(run("tee", "transcript", "--file", bundle.toString()), "TDTRANS1");
  }

  @Test
  void jobAndFeedCommandsRefuseBadInputBeforeTouchingAnything() throws Exception {
    Path root = Files.writeString(dir.resolve("root.pem"), "keep");
    bad(run("tee", "price-feed", "--root-out", root.toString()), "exists");
    assertThat(Files.readString(root)).isEqualTo("keep");
    bad(
        run("tee", "set-signer", "1", "--devnet", dir.toString()),
        "exactly one of --kms and --address");
    bad(run("tee", "set-signer", "0", "--devnet", dir.toString(), "--address", "0x00"), "app id");
    bad(
        run(
            "tee",
            "submit-job",
            "--devnet",
            dir.toString(),
            "--app-id",
            "1",
            "--artifact",
            dir.resolve("none.jar").toString(),
            "--config",
            root.toString(),
            "--max-steps",
            "0"),
        "--max-steps");
    bad(
        run(
            "tee",
            "submit-job",
            "--devnet",
            dir.toString(),
            "--app-id",
            "1",
            "--artifact",
            root.toString(),
            "--config",
            root.toString(),
            "--fee",
            "lots"),
        "--fee");
  }
}
