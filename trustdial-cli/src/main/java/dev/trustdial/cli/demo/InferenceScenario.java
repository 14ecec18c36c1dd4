package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.HONEST_REQUEST;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.demo.DemoRun.Expected;
import dev.trustdial.cli.demo.DemoRun.Submitted;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DaClient;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Job 2: an honest inference job; the completion comes back through DA and the watchtower's
 * re-execution agrees.
 */
final class InferenceScenario {
  private final DemoRun demo;

  InferenceScenario(DemoRun demo) {
    this.demo = demo;
  }

  DemoReport.JobLine run(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId,
      Bytes32 modelKey,
      CompletableFuture<Expected> reference)
      throws IOException {
    demo.n.phase(
        "Job 2: deterministic LLM inference as a job: any verifier re-executes it to the same bits");
    // The operator killed in job 1 restarts on its data dir (its journal knows job 1 moved on) and
    // re-stakes.
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
        demo.n.say(
            "%s restarts on its data dir: its journal shows job 1 went to another operator; it tops its stake up and rejoins",
            m.name());
      }
    }
    Submitted job =
        demo.submit(
            developer,
            da,
            appId,
            new JobEnvelope(modelKey, 1, HONEST_REQUEST.getBytes(StandardCharsets.UTF_8)),
            reference,
            "an OpenAI chat request: " + HONEST_REQUEST);
    BigInteger id = job.id();
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 2's result");
    Expected expected = job.expected();
    byte[] output = da.get(result.outputBlobKey());
    boolean same =
        result.result().equals(expected.commitment())
            && java.util.Arrays.equals(output, expected.output());
    String text = Json.mapper().readTree(output).path("text").asText();
    demo.n.say("the completion, read back from DA: \"%s\"", text.replace("\n", " ").strip());
    demo.n.say(
        "%s the engine in this process (same model file, same request, seed 0): %,d tokens, output %s",
        same ? "IDENTICAL to" : "DIFFERENT from",
        result.result().stepCount(),
        DemoRun.abbrev(result.result().outputHash()));
    demo.awaitVerdict(devnet, id);
    var finalized = demo.passChallengeWindow(owner, watch, id, "job 2");
    return new DemoReport.JobLine(
        id.toString(),
        "LLM inference, re-executed by the watchtower",
        owner.job(id).status().name(),
        demo.name(result.operator()),
        demo.name(result.operator()),
        result.result().stepCount(),
        result.result().outputHash().toHex(),
        result.result().checkpointRoot().toHex(),
        same,
        demo.name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        DemoRun.seconds(job.startNanos()));
  }
}
