package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.FEE;
import static dev.trustdial.cli.demo.DemoCommand.TEE_FETCHES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.cli.tee.TeeJobs;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DaClient;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.devfeed.PriceServer;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.sim.SimulatedTee;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Job 4: a TEE app (the example price agent, one shaded JAR) fetches a time-varying price from a
 * local HTTPS feed through its attestation agent, sealing its state after every fetch; its operator
 * is SIGKILLed; the successor gets the same keys from the KMS, restores the sealed state from DA
 * and finishes; the signed answer verifies and carries the same app wallet.
 */
final class TeeAgentScenario {
  private final DemoRun demo;

  TeeAgentScenario(DemoRun demo) {
    this.demo = demo;
  }

  /** Runs job 4 with the price agent JAR {@code teeApp} (null: the one the project builds). */
  DemoReport.JobLine run(
      Path teeApp,
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId)
      throws IOException {
    demo.n.phase(
        "Job 4: a TEE agent fetches live prices with its own wallet; its operator is killed and a successor carries on");
    Path jar = teeApp != null ? teeApp : dev.trustdial.cli.ProjectFiles.priceAgentJar();
    if (demo.lying != null) {
      devnet.stop(demo.lying);
      devnet.startNode(demo.lying);
      demo.n.say("%s restarts without the --lie fault and tops its slashed stake up", demo.lying);
      demo.lying = null;
    }
    try (PriceServer feed = PriceServer.start()) {
      String kmsKey = Hex.encode(KmsRoot.load(devnet.kmsDir()).kmsKey().publicKey());
      ObjectNode cfg = Json.mapper().createObjectNode();
      cfg.putArray("command")
          .add("{java}")
          .add("-Xmx128m")
          .add("-XX:TieredStopAtLevel=1")
          .add("-jar")
          .add("{artifact}");
      cfg.putObject("env").put("PRICE_URL", feed.url("/price"));
      cfg.putObject("fetch")
          .put("extraRootsPem", feed.rootPem())
          .put("maxResponseBytes", 4096)
          .put("maxFetches", 64);
      cfg.put("timeoutSeconds", 300).put("kmsPublicKey", kmsKey);
      byte[] config = cfg.toString().getBytes(StandardCharsets.UTF_8);
      AppMeasurement m = new AppMeasurement(appId, ArtifactDigest.of(jar), config);
      AppPolicy policy =
          new AppPolicy(false, true, true, TcbStatus.UP_TO_DATE, List.of(m.simulatedPolicyEntry()));
      BigInteger created =
          developer
              .createApp(TrustMode.TEE, new Bytes32(m.artifactDigest().toArray()), policy.encode())
              .id();
      if (!created.equals(appId)) {
        throw new IllegalStateException(
            "the TEE app got id "
                + created
                + ", not the "
                + appId
                + " its measurement was made for");
      }
      demo.n.say(
          "app %s: the price agent %s (%,d bytes, TEE mode); its policy admits exactly this artifact and launch configuration "
              + "(RTMR0, RTMR3) on the SIMULATED backend (no TEE hardware here: every answer says simulated: true)",
          appId, jar.getFileName(), Files.size(jar));
      Address appWallet = TeeJobs.walletFromKms(devnet.kmsUrl(), appId);
      developer.setTeeSigner(appId, appWallet);
      demo.n.say(
          "the KMS derives app %s's wallet %s; the developer names it the app's signer: JobManager now takes job results "
              + "only with that wallet's signature, which only a launch that passed the policy can make",
          appId, appWallet);
      byte[] input =
          ("{\"fetches\": " + TEE_FETCHES + ", \"intervalMs\": 800}")
              .getBytes(StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      TeeJobs.Submitted job =
          TeeJobs.submit(
              developer,
              da,
              appId,
              jar,
              config,
              List.of(),
              input,
              TeeJobs.DEFAULT_MAX_STEPS,
              FEE,
              dev.trustdial.node.job.ProgramBlobs.MAX_BLOB_BYTES);
      BigInteger id = job.jobId();
      demo.ourJobs.add(id);
      demo.n.say(
          "developer submitted job %s: the artifact archive (%s) and the job envelope (%s) on DA; input %s",
          id,
          DemoRun.abbrev(job.artifactKey()),
          DemoRun.abbrev(job.envelopeKey()),
          new String(input, StandardCharsets.UTF_8));
      var assigned =
          watch.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id),
              Duration.ofSeconds(30),
              () -> {},
              "job 4's assignment");
      String first = demo.name(assigned.operator());
      watch.await(
          SettlementEvent.HeartbeatPosted.class,
          h -> h.jobId().equals(id) && h.step() >= 2,
          Duration.ofSeconds(120),
          () -> {},
          first + "'s second sealed state");
      JsonNode launch = DemoRun.fact(devnet, first, "lastTeeLaunch", id);
      String firstWallet = launch.path("wallet").asText();
      demo.n.say(
          "%s's /health: TEE app %s launched (pid %d, simulated: %s), wallet %s",
          first,
          launch.path("app").asText(),
          launch.path("pid").asLong(),
          launch.path("simulated").asBoolean(),
          firstWallet);
      devnet.kill(first);
      long killedAt = System.nanoTime();
      JobInfo atKill = owner.job(id);
      demo.n.say(
          "SIGKILL %s after %d sealed states (each on DA, its hash in a heartbeat); the app loses its agent and stops",
          first, atKill.lastStep());
      owner.advanceTime(Math.max(1, atKill.deadline() - owner.chainTime() + 1));
      var reassigned =
          watch.await(
              SettlementEvent.JobAssigned.class,
              a -> a.jobId().equals(id) && a.attempt() == 1,
              Duration.ofSeconds(60),
              () -> {},
              "job 4's reassignment");
      String successor = demo.name(reassigned.operator());
      var result =
          watch.await(
              SettlementEvent.ResultSubmitted.class,
              r -> r.jobId().equals(id),
              Duration.ofSeconds(180),
              () -> {},
              "job 4's result");
      demo.timings.put(
          "TEE takeover: kill -> successor's signed answer (s)", DemoRun.seconds(killedAt));
      JsonNode restore = DemoRun.fact(devnet, successor, "lastRestore", id);
      demo.n.say(
          "%s's /health: restoring the TEE app's sealed state of step %d from %s (%s)",
          successor,
          restore.path("step").asLong(),
          restore.path("from").asText(),
          restore.path("checkpoint").asText());
      byte[] output = da.get(result.outputBlobKey());
      SignedAnswer answer = SignedAnswer.fromJson(output);
      List<java.security.cert.X509Certificate> roots = new ArrayList<>();
      for (Roster.Member op : Roster.OPERATORS) {
        roots.add(
            dev.trustdial.tee.x509.Certificates.fromDerOrPem(
                    Files.readAllBytes(
                        devnet
                            .kmsDir()
                            .resolveSibling(op.name())
                            .resolve("tee")
                            .resolve(SimulatedTee.ROOT_FILE)),
                    "simulation root")
                .getFirst());
      }
      SignedAnswer.Check check =
          answer.verify(
              TrustAnchors.pinned().withSimulationRoots(roots),
              AttestationPolicy.standard().allowingSimulated(),
              java.time.Instant.now(),
              Optional.of(policy),
              Optional.empty());
      boolean sameWallet = firstWallet.equals(answer.wallet().toString());
      demo.n.say("the answer: \"%s\"", answer.answer());
      if (DemoRun.fact(devnet, successor, "lastResult", id).path("appSigned").asBoolean()) {
        demo.n.say(
            "%s: the result went through submitTeeResult, %s",
            successor, "its app-wallet signature checked onchain");
      }
      demo.n.say(
          "its bundle %s: %s; signed by app wallet %s, %s before the takeover",
          check.valid() ? "VERIFIES" : "DOES NOT VERIFY",
          check
              .failure()
              .orElse(
                  String.join(", ", check.checks().subList(0, Math.min(3, check.checks().size())))),
          answer.wallet(),
          sameWallet ? "the SAME wallet as" : "a DIFFERENT wallet from");
      demo.awaitVerdict(devnet, id);
      owner.advanceTime(demo.params.challengeWindowSeconds() + 1);
      demo.n.say(
          "a TEE result is attested, not re-executed: no challenge is possible; the window passes (fast-forwarded)");
      var finalized =
          watch.await(
              SettlementEvent.JobFinalized.class,
              f -> f.jobId().equals(id),
              Duration.ofSeconds(60),
              () -> {},
              "job 4's finalization");
      ResultCommitment r = result.result();
      return new DemoReport.JobLine(
          id.toString(),
          "TEE agent killed; successor unseals its state",
          owner.job(id).status().name(),
          first,
          successor,
          r.stepCount(),
          r.outputHash().toHex(),
          r.checkpointRoot().toHex(),
          check.valid() && sameWallet,
          demo.name(finalized.paidTo()),
          Tokens.format(finalized.fee()),
          DemoRun.seconds(t0));
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      throw new IllegalStateException(
          "a devnet simulation root does not parse: " + e.getMessage(), e);
    }
  }
}
