package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.FEE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.cli.zk.ZkApps;
import dev.trustdial.da.DaClient;
import dev.trustdial.zk.Ceremony;
import dev.trustdial.zk.Snarkjs;
import dev.trustdial.zk.ZkBuilder;
import dev.trustdial.zk.ZkManifest;
import dev.trustdial.zk.ZkProver;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Job 5: ZK mode. The developer's recommender circuit (top 3 of 8 items by dot product) becomes an
 * app whose verifier runs onchain; the assigned operator proves the job and JobManager finalizes it
 * in the transaction that verifies the proof: no window, nothing for a watchtower to re-execute.
 */
final class ZkScenario {
  private final DemoRun demo;

  ZkScenario(DemoRun demo) {
    this.demo = demo;
  }

  DemoReport.JobLine run(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      CompletableFuture<ZkApps.BuildDir> built)
      throws IOException {
    demo.n.phase(
        "Job 5: ZK mode: the operator proves a recommender's top 3; the proof verifies onchain and the job is final at once");
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
      }
    }
    ZkApps.BuildDir build = built.join();
    ZkManifest manifest = build.artifact().manifest();
    demo.n.say(
        "the developer's circuit %s: %,d constraints, %d input words, %d output words; Groth16 with the DEV ceremony (power %d, made on "
            + "this machine: whoever ran it could forge proofs; a real app uses a public ceremony file)",
        manifest.circuit(),
        manifest.constraints(),
        manifest.inputWords(),
        manifest.outputWords(),
        manifest.ceremony().power());
    int[] user = {3, 1, 4, 1, 5, 9, 2, 6};
    int[][] items = new int[RecommenderReference.ITEMS][RecommenderReference.DIMS];
    java.util.Random r = new java.util.Random(2026);
    for (int[] item : items) {
      for (int d = 0; d < item.length; d++) {
        item[d] = r.nextInt(256);
      }
    }
    List<BigInteger> input = RecommenderReference.pack(user, items);
    List<BigInteger> expected = RecommenderReference.rank(user, items);
    ZkProver prover =
        new ZkProver(Snarkjs.locate(), Files.createTempDirectory("trustdial-demo-zk"));
    ZkApps.Created app =
        ZkApps.create(
            developer, build, RecommenderReference.pack(new int[8], new int[8][8]), prover);
    demo.n.say(
        "app %s (ZK): the verifier %s is deployed and accepts a proof of the all-zero sample; jobs pin this verifier",
        app.appId(), app.verifier());
    long t0 = System.nanoTime();
    ZkApps.Submitted job =
        ZkApps.submit(
            developer,
            da,
            app.appId(),
            build,
            input,
            FEE,
            dev.trustdial.node.job.ProgramBlobs.MAX_BLOB_BYTES);
    demo.ourJobs.add(job.jobId());
    BigInteger id = job.jobId();
    demo.n.say(
        "developer submitted job %s: a user vector and 8 items of 8 values, packed into %d words on DA (%s)",
        id, input.size(), DemoRun.abbrev(job.envelopeKey()));
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(180),
            () -> {},
            "job 5's finalization");
    JobInfo done = owner.job(id);
    List<BigInteger> output = dev.trustdial.zk.ZkWords.decode(da.get(done.outputBlobKey()));
    boolean same = output.equals(expected);
    String prover5 = demo.name(finalized.paidTo());
    JsonNode proof = DemoRun.fact(devnet, prover5, "lastProof", id);
    double proveSeconds = proof.path("proveMillis").asLong() / 1000.0;
    demo.n.say(
        "%s's /health: proven in %.2f s (%s), output %s on DA as %s, verified onchain and finalized in one transaction (%,d gas)",
        prover5,
        proveSeconds,
        proof.path("summary").asText(),
        proof.path("outputHash").asText(),
        proof.path("output").asText(),
        proof.path("gas").asLong());
    demo.n.say(
        "top 3 items %s with scores %s: %s the direct computation here",
        output.subList(0, 3), output.subList(3, 6), same ? "IDENTICAL to" : "DIFFERENT from");
    double directNanos = RecommenderReference.nanosPerRun(user, items);
    demo.timings.put("ZK: operator's witness + Groth16 proof (s)", proveSeconds);
    demo.timings.put(
        "ZK: the same computation run directly in Java (us)",
        Math.round(directNanos / 10.0) / 100.0);
    demo.timings.put(
        "ZK: overhead (proof time / direct run)",
        (double) Math.round(proveSeconds * 1e9 / directNanos));
    demo.n.say(
        "proving took %.2f s against %.2f us to compute the answer directly: %,.0fx (the seed's 'up to 100,000x'; bench/zk explains "
            + "why it swings)",
        proveSeconds, directNanos / 1000, proveSeconds * 1e9 / directNanos);
    return new DemoReport.JobLine(
        id.toString(),
        "ZK recommender: proven, final in the verifying tx",
        done.status().name(),
        prover5,
        prover5,
        0,
        done.result().orElseThrow().outputHash().toHex(),
        done.result().orElseThrow().checkpointRoot().toHex(),
        same,
        prover5,
        Tokens.format(finalized.fee()),
        DemoRun.seconds(t0));
  }

  /**
   * Builds zk/circuits/recommender.circom with the dev ceremony (generated once per machine and
   * cached).
   */
  static ZkApps.BuildDir build(DemoRun demo, Path out) {
    long t0 = System.nanoTime();
    Path circuit =
        dev.trustdial.cli.ProjectFiles.find(
            "zk/circuits/recommender.circom", "the recommender circuit", "use a full checkout");
    Snarkjs tool = Snarkjs.locate();
    new ZkBuilder(tool).build(circuit, out, Ceremony.dev(tool), "developer");
    demo.timings.put("ZK: circuit build, Groth16 setup and verifier (s)", DemoRun.seconds(t0));
    return ZkApps.BuildDir.read(out);
  }
}
