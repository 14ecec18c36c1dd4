package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.FEE;
import static dev.trustdial.cli.demo.DemoCommand.LIE_AT_STEP;
import static dev.trustdial.cli.demo.DemoCommand.OBJECTIVE_GUEST;
import static dev.trustdial.cli.demo.DemoCommand.OBJECTIVE_MAX_STEPS;
import static dev.trustdial.cli.demo.DemoCommand.OBJECTIVE_STRIDE_LOG2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.Verdict;
import dev.trustdial.cli.demo.DemoRun.Drawn;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.da.DaClient;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Job 6: REEXEC_OBJECTIVE. The developer's app pins the sha256chain guest's prestate and a stride
 * of 2^8 steps; the job's envelope goes to the InputOracle, where the court reads its input root.
 * The drawn assignee is restarted (as in job 3) with the test-only --lie-at-step fault: it claims a
 * trace that is wrong from that step on. The watchtower re-executes, challenges, and plays the
 * bisection game alone down to one step, which RiscvStep executes onchain; the liar is slashed, the
 * job is queued again and completed by another operator. The demo narrates the match move by move
 * from the court's events ({@link MatchWatch}), read twice a second.
 */
final class ObjectiveScenario {
  private final DemoRun demo;

  ObjectiveScenario(DemoRun demo) {
    this.demo = demo;
  }

  DemoReport.JobLine run(
      Devnet devnet, Settlement owner, Settlement developer, DaClient da, ChainWatch watch)
      throws IOException {
    demo.n.phase(
        "Job 6: REEXEC_OBJECTIVE: an operator lies from step "
            + LIE_AT_STEP
            + "; the watchtower alone proves it wrong onchain, "
            + "one VM step executed by the contract");
    for (Roster.Member m : Roster.OPERATORS) {
      if (!devnet.isRunning(m.name())) {
        devnet.startNode(m.name());
      }
    }
    Path guest =
        dev.trustdial.cli.ProjectFiles.find(
            "trustdial-vm/target/guest/" + OBJECTIVE_GUEST,
            "job 6's guest " + OBJECTIVE_GUEST,
            "run trustdial-vm/setup.sh");
    byte[] elf =
        dev.trustdial.cli.InputFiles.read(
            guest, "job 6's guest", dev.trustdial.vm.elf.ElfLoader.MAX_ELF_BYTES);
    byte[] input = sha256chainInput(1, 40);
    dev.trustdial.chain.ObjectiveCourtClient court =
        dev.trustdial.chain.ObjectiveCourtClient.of(owner);
    BigInteger appId;
    Bytes32 envelopeKey;
    JobEnvelope envelope;
    dev.trustdial.node.objective.BlobInputs blobs;
    try (dev.trustdial.chain.ObjectiveApps objective =
        dev.trustdial.chain.ObjectiveApps.of(developer)) {
      var config =
          dev.trustdial.cli.chain.ObjectiveApp.prestate(
              guest,
              elf,
              dev.trustdial.cli.chain.ObjectiveApp.Params.parse(
                  null, null, OBJECTIVE_STRIDE_LOG2, true));
      Bytes32 programKey = da.put(elf).blobKey();
      var created =
          dev.trustdial.cli.chain.ObjectiveApp.create(developer, objective, config, new byte[0]);
      appId = created.appId();
      demo.n.say(
          "app %s (REEXEC_OBJECTIVE, inputs as EIP-4844 blobs): the sha256chain guest (%,d bytes) on DA as blob %s; its ObjectiveConfig "
              + "%s pins the prestate (entry pc 0x%08x, image root %s) and a trace leaf every 2^%d steps",
          appId,
          elf.length,
          DemoRun.abbrev(programKey),
          created.config(),
          config.entryPc(),
          DemoRun.abbrev(config.imageRoot()),
          OBJECTIVE_STRIDE_LOG2);
      envelope = new JobEnvelope(programKey, 1L << 20, input);
      var cert = da.put(envelope.encode());
      envelopeKey = cert.blobKey();
      blobs =
          dev.trustdial.node.objective.BlobInputs.of(
              envelope.encode(), dev.trustdial.da.kzg.JniKzg.load());
      var posted =
          objective.postInputBlobs(
              cert.header().encode(),
              blobs.blobBytes(),
              blobs.commitments().stream().map(c -> c.bytes()).toList(),
              blobs.blobProofs().stream().map(p -> p.bytes()).toList(),
              blobs.versionedHashes());
      var entry =
          objective
              .blobInputOf(posted.blobKey())
              .orElseThrow(
                  () -> new IllegalStateException("job 6's input is not on the InputOracle"));
      demo.n.say(
          "the job envelope on DA as %s, and its sub-blob posted to the InputOracle as an EIP-4844 blob (versioned hash %s, %,d gas): "
              + "input root %s (%d bytes); the court reads the job's input from there, a read step through the point-evaluation precompile",
          DemoRun.abbrev(envelopeKey),
          DemoRun.abbrev(blobs.versionedHashes().getFirst()),
          posted.tx().map(t -> t.gasUsed()).orElse(0L),
          DemoRun.abbrev(entry.inputRoot()),
          entry.inputLength());
    }
    // The honest trace, computed here: the demo checks the liar's claim, the court's verdict and
    // the final result against it.
    dev.trustdial.vm.trace.StrideTrace honest =
        dev.trustdial.vm.trace.TraceRun.honest(
                elf,
                blobs.vmInput(),
                dev.trustdial.vm.VmConfig.defaults(),
                new dev.trustdial.vm.trace.TraceShape(OBJECTIVE_MAX_STEPS, OBJECTIVE_STRIDE_LOG2))
            .strideTrace();
    demo.n.say(
        "the honest trace, computed here: halts at step %,d of a %,d-step budget, trace root %s, H = %d stride levels",
        honest.finalState().step(),
        OBJECTIVE_MAX_STEPS,
        DemoRun.abbrev(honest.root()),
        honest.strideHeight());

    long[] submittedAt = new long[1];
    Drawn draw =
        demo.drawFaultyAssignee(
            devnet,
            owner,
            watch,
            6,
            () -> {
              submittedAt[0] = System.nanoTime();
              BigInteger job =
                  developer
                      .submitJob(appId, envelopeKey, envelope.digest(), OBJECTIVE_MAX_STEPS, FEE)
                      .id();
              demo.ourJobs.add(job);
              demo.n.say(
                  "developer submitted job %s to app %s (fee %s, maxSteps %,d): sha256 of 40 bytes, once",
                  job, appId, Tokens.format(FEE), OBJECTIVE_MAX_STEPS);
              return job;
            },
            "the test-only --lie-at-step %d fault: it will claim a trace that is wrong from step %,d on"
                .formatted(LIE_AT_STEP, LIE_AT_STEP),
            "--lie-at-step",
            Long.toString(LIE_AT_STEP));
    BigInteger id = draw.jobId();
    long t0 = submittedAt[0];
    Address drawn = draw.drawn();
    String liar = draw.liar();
    var lie =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "job 6's result");
    long liedAt = System.nanoTime();
    demo.n.say(
        "%s claims trace root %s after %,d steps; the honest root is %s: %s",
        liar,
        DemoRun.abbrev(lie.result().checkpointRoot()),
        lie.result().stepCount(),
        DemoRun.abbrev(honest.root()),
        lie.result().checkpointRoot().equals(honest.root()) ? "the SAME (no lie?)" : "a LIE");
    var challenged =
        watch.await(
            SettlementEvent.JobChallenged.class,
            c -> c.jobId().equals(id),
            Duration.ofSeconds(120),
            () -> {},
            "the watchtower's challenge");
    BigInteger match = challenged.disputeId();
    JsonNode challenge = DemoRun.fact(devnet, Roster.WATCHTOWER.name(), "lastChallenge", id);
    demo.n.say(
        "%s's /health: job %s challenged with trace root %s (match %s, H = %d, s = %d)",
        Roster.WATCHTOWER.name(),
        id,
        challenge.path("traceRoot").asText(),
        challenge.path("match").asText(),
        challenge.path("strideHeight").asInt(),
        challenge.path("strideLog2").asInt());
    demo.n.say(
        "match %s: %s (operator, O) against %s (challenger, C), each on a chess clock; they bisect the stride tree, open one stride, "
            + "bisect its steps, and one step is executed onchain",
        match, liar, demo.name(challenged.challenger()));

    // The match, move by move, from the court's events (several moves a second: a poll of the
    // match's state would miss some).
    int moves;
    long moveGas;
    Verdict verdict;
    {
      MatchWatch game =
          new MatchWatch(
              owner,
              court,
              match,
              challenged.where().block(),
              liar,
              demo.name(challenged.challenger()),
              OBJECTIVE_STRIDE_LOG2,
              demo::name);
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (!game.poll(demo.n)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "match "
                  + match
                  + " is not over within 240 s; it is "
                  + court.match(match)
                  + "; the node logs say why");
        }
        watch.poll();
        DemoRun.sleep(Duration.ofMillis(500));
      }
      moves = game.moves();
      moveGas = game.gas();
      verdict = game.verdict();
    }
    ObjectiveMatch over = court.match(match);
    long stepNumber = court.stepNumber(match);
    if (over.verdict() != verdict) {
      throw new IllegalStateException(
          "the court's events say " + verdict + ", its state " + over.verdict());
    }
    demo.n.say(
        "the court: %s at step %,d -> %,d after %d moves (%,d gas, both sides); the liar's first wrong state is T(%,d)",
        verdict, stepNumber, stepNumber + 1, moves, moveGas, LIE_AT_STEP);
    var resolved =
        watch.await(
            SettlementEvent.DisputeResolved.class,
            d -> d.disputeId().equals(match),
            Duration.ofSeconds(60),
            () -> {},
            "job 6's verdict");
    var slashed =
        watch.await(
            SettlementEvent.Slashed.class,
            x -> x.operator().equals(drawn) && x.where().block() == resolved.where().block(),
            Duration.ofSeconds(30),
            () -> {},
            "the liar's slash");
    demo.timings.put("objective: lie posted -> liar slashed (s)", DemoRun.seconds(liedAt));
    var reassigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(id) && a.attempt() >= 1,
            Duration.ofSeconds(60),
            () -> {},
            "job 6's reassignment");
    var result =
        watch.await(
            SettlementEvent.ResultSubmitted.class,
            r -> r.jobId().equals(id) && r.operator().equals(reassigned.operator()),
            Duration.ofSeconds(120),
            () -> {},
            "job 6's honest result");
    ResultCommitment r = result.result();
    boolean same =
        r.checkpointRoot().equals(honest.root()) && r.stepCount() == honest.finalState().step();
    demo.n.say(
        "%s: trace root %s after %,d steps: %s the honest trace computed here",
        demo.name(result.operator()),
        DemoRun.abbrev(r.checkpointRoot()),
        r.stepCount(),
        same ? "IDENTICAL to" : "DIFFERENT from");
    // The watchtower's /health verdict on the job turns "ok" once its trace of the new result
    // matches (before: MISMATCH, the match, then "re-executing (objective)").
    demo.verdict(devnet, id, "ok"::equals);
    watch.poll();
    demo.n.say(
        "%s re-executed job %s's new result: same trace root, no challenge",
        Roster.WATCHTOWER.name(), id);
    var finalized = demo.passChallengeWindow(owner, watch, id, "job 6");
    demo.objectiveOutcome =
        new DemoReport.Objective(
            liar,
            match.toString(),
            verdict.name(),
            stepNumber,
            LIE_AT_STEP,
            moves,
            Tokens.format(slashed.amount()),
            demo.name(result.operator()),
            owner.hasFailed(id, drawn),
            0,
            0);
    boolean ok =
        same
            && verdict == Verdict.OPERATOR_REFUTED
            && stepNumber == LIE_AT_STEP - 1
            && !result.operator().equals(drawn);
    return new DemoReport.JobLine(
        id.toString(),
        "objective liar refuted at one step, onchain",
        owner.job(id).status().name(),
        liar,
        demo.name(result.operator()),
        r.stepCount(),
        r.outputHash().toHex(),
        r.checkpointRoot().toHex(),
        ok,
        demo.name(finalized.paidTo()),
        Tokens.format(finalized.fee()),
        DemoRun.seconds(t0));
  }

  /** sha256chain's input: u32 LE iteration count, then {@code bytes} bytes of data. */
  static byte[] sha256chainInput(int iterations, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    for (int i = 0; i < bytes; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }
}
