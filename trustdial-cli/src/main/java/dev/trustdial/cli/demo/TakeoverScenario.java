package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.ENTITIES;
import static dev.trustdial.cli.demo.DemoCommand.LONG_TICKS;
import static dev.trustdial.cli.demo.DemoCommand.STRIDE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.demo.DemoRun.Expected;
import dev.trustdial.cli.demo.DemoRun.Submitted;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Job 1: a long game-world run whose operator is killed mid-run; a successor resumes from DA. */
final class TakeoverScenario {
  private final DemoRun demo;

  TakeoverScenario(DemoRun demo) {
    this.demo = demo;
  }

  DemoReport.JobLine run(
      Devnet devnet,
      Settlement owner,
      Settlement developer,
      DaClient da,
      ChainWatch watch,
      BigInteger appId,
      Bytes32 programKey,
      CompletableFuture<Expected> reference) {
    demo.n.phase(
        "Job 1: a long simulation; its operator is killed mid-run, slashed, and a successor resumes from DA");
    Submitted job =
        demo.submit(
            developer,
            da,
            appId,
            new JobEnvelope(programKey, STRIDE, DemoCommand.input(LONG_TICKS)),
            reference,
            "%,d ticks of %d entities, a checkpoint every %,d steps"
                .formatted(LONG_TICKS, ENTITIES, STRIDE));
    BigInteger id = job.id();
    var assigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id),
            Duration.ofSeconds(30),
            () -> {},
            "job 1's assignment");
    String first = demo.name(assigned.operator());
    Expected expected = job.expected();
    long totalSteps = expected.commitment().stepCount();
    watch.await(
        SettlementEvent.HeartbeatPosted.class,
        h -> h.jobId().equals(id) && h.step() >= 3 * STRIDE,
        Duration.ofSeconds(180),
        () -> demo.progress(owner, id, first, totalSteps),
        first + "'s third checkpoint");
    devnet.kill(first);
    long killedAt = System.nanoTime();
    JobInfo atKill = owner.job(id);
    demo.n.say(
        "SIGKILL %s: it stops dead at step %,d of %,d, with no goodbye; its last checkpoint is on DA and onchain",
        first, atKill.lastStep(), totalSteps);
    long wait = Math.max(1, atKill.deadline() - owner.chainTime() + 1);
    owner.advanceTime(wait);
    demo.n.say(
        "no heartbeat comes; the devnet clock is fast-forwarded %d s past %s's deadline (heartbeat window %d s)",
        wait, first, demo.params.heartbeatWindowSeconds());
    watch.await(
        SettlementEvent.HeartbeatMissed.class,
        m -> m.jobId().equals(id),
        Duration.ofSeconds(60),
        () -> {},
        "the watchtower's report");
    demo.timings.put(
        "takeover: kill -> reported, slashed (s; clock fast-forwarded)", DemoRun.seconds(killedAt));
    var reassigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id) && a.attempt() == 1,
            Duration.ofSeconds(30),
            () -> {},
            "job 1's reassignment");
    String successor = demo.name(reassigned.operator());
    var resumed =
        watch.await(
            SettlementEvent.HeartbeatPosted.class,
            h ->
                h.jobId().equals(id)
                    && h.operator().equals(reassigned.operator())
                    && h.step() > atKill.lastStep(),
            Duration.ofSeconds(120),
            () -> {},
            successor + "'s first checkpoint");
    demo.timings.put(
        "takeover: kill -> successor's first new checkpoint (s)", DemoRun.seconds(killedAt));
    long resumedAt = System.nanoTime();
    JsonNode restore = DemoRun.fact(devnet, successor, "lastRestore", id);
    demo.n.say(
        "%s's /health: restoring the snapshot at step %d from %s (%s)",
        successor,
        restore.path("step").asLong(),
        restore.path("from").asText(),
        restore.path("checkpoint").asText());
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(300),
            () -> demo.progress(owner, id, successor, totalSteps),
            "job 1's result");
    double endToEnd =
        (result.result().stepCount() - resumed.step()) / ((System.nanoTime() - resumedAt) / 1e9);
    demo.timings.put(
        "successor: Msteps/s end to end (VM + snapshots + DA + heartbeats)",
        Math.round(endToEnd / 1e5) / 10.0);
    ResultCommitment want = expected.commitment();
    boolean same =
        result.result().equals(want)
            && java.util.Arrays.equals(da.get(result.outputBlobKey()), expected.output());
    demo.n.say(
        "%s: final state %s, output %s, checkpoint root %s",
        same
            ? "IDENTICAL to the uninterrupted run computed here"
            : "DIFFERENT from the uninterrupted run",
        DemoRun.abbrev(result.result().finalStateHash()),
        DemoRun.abbrev(result.result().outputHash()),
        DemoRun.abbrev(result.result().checkpointRoot()));
    demo.awaitVerdict(devnet, id);
    var finalized = demo.passChallengeWindow(owner, watch, id, "job 1");
    return new DemoReport.JobLine(
        id.toString(),
        "operator killed mid-run; successor resumed from DA",
        owner.job(id).status().name(),
        first,
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
