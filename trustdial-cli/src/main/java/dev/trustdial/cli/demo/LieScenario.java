package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.LIE_REQUEST;

import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.demo.DemoRun.Drawn;
import dev.trustdial.cli.demo.DemoRun.Expected;
import dev.trustdial.cli.demo.DemoRun.Submitted;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Job 3: the assignee returns a wrong completion; re-execution catches it and the stakers' vote
 * slashes it. Nobody can know a job's assignee before its seed block is mined, the demo included:
 * it pauses the nodes (every one of them is a keeper that would assign the job), computes the
 * assignee from the seed block's hash with the public rule, restarts exactly that operator with the
 * test-only --lie fault, and lets the nodes go on.
 */
final class LieScenario {
  private final DemoRun demo;

  LieScenario(DemoRun demo) {
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
        "Job 3: an operator returns a wrong completion; re-execution catches it and the stakers' vote slashes it");
    Submitted[] submitted = new Submitted[1];
    Drawn draw =
        demo.drawFaultyAssignee(
            devnet,
            owner,
            watch,
            3,
            () -> {
              submitted[0] =
                  demo.submit(
                      developer,
                      da,
                      appId,
                      new JobEnvelope(modelKey, 1, LIE_REQUEST.getBytes(StandardCharsets.UTF_8)),
                      reference,
                      "an OpenAI completion request: " + LIE_REQUEST);
              return submitted[0].id();
            },
            "the test-only --lie fault (refused on any chain but the devnet's)",
            "--lie");
    Submitted job = submitted[0];
    BigInteger id = draw.jobId();
    String liar = draw.liar();
    demo.lying = liar;
    Expected expected = job.expected();
    var lie =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 3's result");
    long liedAt = System.nanoTime();
    demo.n.say(
        "the true output hash is %s (computed here); %s claimed %s",
        DemoRun.abbrev(expected.commitment().outputHash()),
        liar,
        DemoRun.abbrev(lie.result().outputHash()));
    var challenged =
        watch.await(
            SettlementEvent.JobChallenged.class,
            c -> c.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "the watchtower's challenge");
    BigInteger disputeId = challenged.disputeId();
    long voters = Roster.OPERATORS.size() - 1;
    watch.await(
        SettlementEvent.Voted.class,
        v ->
            v.disputeId().equals(disputeId)
                && watch.count(
                        SettlementEvent.Voted.class,
                        e -> ((SettlementEvent.Voted) e).disputeId().equals(disputeId))
                    >= voters,
        Duration.ofSeconds(120),
        () -> {},
        "the honest operators' votes");
    DisputeInfo dispute = owner.dispute(disputeId);
    long wait = Math.max(1, dispute.deadline() - owner.chainTime() + 1);
    owner.advanceTime(wait);
    demo.n.say("the voting period ends (fast-forwarded %d s)", wait);
    watch.await(
        SettlementEvent.DisputeSettled.class,
        d -> d.disputeId().equals(disputeId),
        Duration.ofSeconds(60),
        () -> {},
        "the dispute's resolution");
    var finalized =
        watch.await(
            SettlementEvent.JobFinalized.class,
            f -> f.jobId().equals(id),
            Duration.ofSeconds(30),
            () -> {},
            "job 3's finalization");
    demo.timings.put("lie: wrong result posted -> liar slashed (s)", DemoRun.seconds(liedAt));
    watch.await(
        SettlementEvent.VoteSettled.class,
        v ->
            v.disputeId().equals(disputeId)
                && watch.count(
                        SettlementEvent.VoteSettled.class,
                        e -> ((SettlementEvent.VoteSettled) e).disputeId().equals(disputeId))
                    >= voters,
        Duration.ofSeconds(60),
        () -> {},
        "the voters' settlements");
    JobInfo done = owner.job(id);
    ResultCommitment right = done.result().orElseThrow();
    boolean correct = right.equals(expected.commitment());
    demo.n.say(
        "job %s ends with output %s: %s (\"%s\")",
        id,
        DemoRun.abbrev(right.outputHash()),
        correct ? "the correct one" : "WRONG",
        expected.text().replace("\n", " ").strip());
    return new DemoReport.JobLine(
        id.toString(),
        "wrong completion caught by re-execution + vote",
        done.status().name(),
        liar,
        demo.name(finalized.paidTo()) + " (challenger)",
        right.stepCount(),
        right.outputHash().toHex(),
        right.checkpointRoot().toHex(),
        correct,
        demo.name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        DemoRun.seconds(job.startNanos()));
  }
}
