package dev.trustdial.cli.demo;

import static dev.trustdial.cli.demo.DemoCommand.FEE;
import static dev.trustdial.cli.demo.DemoCommand.MAX_STEPS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DaClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What one demo run shares between its jobs: the narrator, the names of the devnet's accounts, the
 * demo's jobs and disputes, timings, and the steps every job takes (submit, draw a faulty assignee,
 * wait for the watchtower's verdict).
 */
final class DemoRun {
  final Narrator n;
  final Map<Address, String> names = new ConcurrentHashMap<>();
  final Set<BigInteger> ourJobs = ConcurrentHashMap.newKeySet();
  final Map<String, Double> timings = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

  /** The chain's job parameters, read once the devnet is up. */
  JobParams params;

  /** Reads the chain for the narration (the deployer's connection). */
  Settlement reader;

  /** The operator running with --lie since job 3, if any. */
  String lying;

  /** Disputes by id, with their job (Voted and VoteSettled name only the dispute). */
  final Map<BigInteger, BigInteger> disputeJobs = new ConcurrentHashMap<>();

  /**
   * How each slash split between the operator's own stake and its delegators', read when it was
   * seen (tx hash + log index).
   */
  final Map<String, BigInteger[]> slashSplits = new ConcurrentHashMap<>();

  /** Job 6's match, as the court reported it. */
  DemoReport.Objective objectiveOutcome;

  DemoRun(Narrator n) {
    this.n = n;
  }

  /**
   * What an honest run of a job gives, computed in this process: the demo checks the operators
   * against it.
   */
  record Expected(ResultCommitment commitment, byte[] output, String text) {}

  /** A job the developer submitted, with its expected result. */
  record Submitted(BigInteger id, CompletableFuture<Expected> reference, long startNanos) {
    Expected expected() {
      return reference.join();
    }
  }

  /**
   * A job submitted while the keepers were paused, and the operator its seed block drew, restarted
   * with a fault.
   */
  record Drawn(BigInteger jobId, Address drawn, String liar) {}

  /** Puts the job envelope on DA and submits the job; the chain assigns it. */
  Submitted submit(
      Settlement developer,
      DaClient da,
      BigInteger appId,
      JobEnvelope envelope,
      CompletableFuture<Expected> reference,
      String what) {
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    long t0 = System.nanoTime();
    BigInteger id = developer.submitJob(appId, envelopeKey, envelope.digest(), MAX_STEPS, FEE).id();
    ourJobs.add(id);
    n.say(
        "developer submitted job %s to app %s (fee %s; envelope on DA as %s): %s",
        id, appId, Tokens.format(FEE), abbrev(envelopeKey), what);
    return new Submitted(id, reference, t0);
  }

  /**
   * Makes the operator a job will be assigned to run with a test-only fault. Nobody can know a
   * job's assignee before its seed block is mined, the demo included: it pauses the nodes (every
   * one of them is a keeper that would assign the job), submits the job, computes the assignee from
   * the seed block's hash with the public rule, restarts exactly that operator with {@code fault},
   * lets the nodes go on, and checks that the chain assigns the job to it.
   */
  Drawn drawFaultyAssignee(
      Devnet devnet,
      Settlement owner,
      ChainWatch watch,
      int jobNo,
      Callable<BigInteger> submit,
      String faultWords,
      String... fault)
      throws IOException {
    List<String> keepers = new ArrayList<>();
    Roster.OPERATORS.forEach(m -> keepers.add(m.name()));
    keepers.add(Roster.WATCHTOWER.name());
    for (String k : keepers) {
      devnet.pause(k);
    }
    n.say(
        "the demo pauses the operators and the watchtower (SIGSTOP), the keepers that would assign job %d as soon as they can",
        jobNo);
    BigInteger id;
    Address drawn;
    String liar;
    try {
      try {
        id = submit.call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "submitting job " + jobNo + " failed: " + e.getMessage(), e);
      }
      watch.poll();
      JobInfo queued = owner.job(id);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (owner.blockNumber() <= queued.seedBlock()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "job "
                  + jobNo
                  + "'s seed block "
                  + queued.seedBlock()
                  + " was not mined within 60 s");
        }
        sleep(Duration.ofMillis(200));
      }
      drawn =
          owner
              .predictAssignee(id)
              .orElseThrow(
                  () -> new IllegalStateException("no operator is eligible for job " + jobNo));
      liar = name(drawn);
      n.say(
          "block %d is mined; from its hash %s the public assignment rule (docs/spec/settlement.md §2, computed here) draws %s",
          queued.seedBlock(), abbrev(owner.blockHash(queued.seedBlock())), liar);
      devnet.kill(liar);
      devnet.startNode(liar, fault);
      n.say("%s is restarted with %s before anyone assigns the job", liar, faultWords);
    } finally {
      for (String k : keepers) {
        if (devnet.isRunning(k)) {
          devnet.resume(k);
        }
      }
    }
    BigInteger jobId = id;
    var assigned =
        watch.await(
            SettlementEvent.JobAssigned.class,
            a -> a.jobId().equals(jobId),
            Duration.ofSeconds(60),
            () -> {},
            "job " + jobNo + "'s assignment");
    if (!assigned.operator().equals(drawn)) {
      throw new IllegalStateException(
          "job "
              + jobNo
              + " went to "
              + name(assigned.operator())
              + ", not "
              + liar
              + " as the assignment rule computed here says: the Java rule and JobManager.assign disagree");
    }
    return new Drawn(id, drawn, liar);
  }

  /**
   * Waits until the watchtower says it re-executed the job (its /health verdicts), so the window it
   * had is visible.
   */
  void awaitVerdict(Devnet devnet, BigInteger jobId) {
    String name = Roster.WATCHTOWER.name();
    String verdict = verdict(devnet, jobId, v -> !v.isEmpty());
    if (verdict.startsWith("TEE")) {
      n.say(
          "%s checked job %s's answer from DA (evidence, policy, transcript, signature): %s",
          name, jobId, verdict);
    } else {
      n.say(
          "%s re-executed job %s from DA: %s",
          name, jobId, verdict.equals("ok") ? "same commitment, no challenge" : verdict);
    }
  }

  /**
   * The watchtower's verdict on job {@code jobId} (its /health JSON) once {@code accept} takes it;
   * at most 120 s.
   */
  String verdict(Devnet devnet, BigInteger jobId, Predicate<String> accept) {
    return health(
            devnet,
            Roster.WATCHTOWER.name(),
            h -> accept.test(h.path("verdicts").path(jobId.toString()).asText("")),
            Duration.ofSeconds(120),
            "the expected verdict on job " + jobId)
        .path("verdicts")
        .path(jobId.toString())
        .asText("");
  }

  /**
   * Node {@code name}'s /health JSON once {@code accept} takes it, polled for at most {@code
   * within}: what a node did is read there (and from the chain), never from its log. {@code what}
   * names the awaited fact in the timeout's message.
   */
  static JsonNode health(
      Devnet devnet, String name, Predicate<JsonNode> accept, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode last = null;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      while (true) {
        try {
          last =
              Json.mapper()
                  .readTree(
                      http.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + devnet.httpPort(name) + "/health"))
                                  .timeout(Duration.ofSeconds(10))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body());
          if (accept.test(last)) {
            return last;
          }
          if (System.nanoTime() >= deadline) {
            break;
          }
          Thread.sleep(250);
        } catch (IOException e) {
          throw new IllegalStateException(name + " does not answer /health: " + e.getMessage(), e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    }
    throw new IllegalStateException(
        name
            + "'s /health shows no "
            + what
            + " within "
            + within.toSeconds()
            + " s (last: "
            + last
            + "); see "
            + devnet.log(name));
  }

  /**
   * The object {@code field} of {@code name}'s /health once it is about job {@code jobId} (its
   * {@code job} member), within 30 s: the node sets it right after the chain saw the fact.
   */
  static JsonNode fact(Devnet devnet, String name, String field, BigInteger jobId) {
    return health(
            devnet,
            name,
            h -> h.path(field).path("job").asText("").equals(jobId.toString()),
            Duration.ofSeconds(30),
            field + " of job " + jobId)
        .path(field);
  }

  /**
   * Fast-forwards the chain past the challenge window of job {@code jobId}'s result (no challenge
   * open), says so, and waits up to 60 s for its finalization ({@code label} names the job in a
   * timeout).
   */
  SettlementEvent.JobFinalized passChallengeWindow(
      Settlement owner, ChainWatch watch, BigInteger jobId, String label) {
    owner.advanceTime(params.challengeWindowSeconds() + 1);
    n.say("the %d s challenge window passes (fast-forwarded)", params.challengeWindowSeconds());
    return watch.await(
        SettlementEvent.JobFinalized.class,
        f -> f.jobId().equals(jobId),
        Duration.ofSeconds(60),
        () -> {},
        label + "'s finalization");
  }

  void progress(Settlement chain, BigInteger jobId, String who, long total) {
    n.progress(who + " job " + jobId, Math.min(chain.job(jobId).lastStep(), total), total);
  }

  /** The operators' and the watchtower's pools, as the chain reports them now. */
  Map<Address, OperatorInfo> stakes(Settlement s) {
    Map<Address, OperatorInfo> m = new LinkedHashMap<>();
    List<Roster.Member> staked = new ArrayList<>(Roster.OPERATORS);
    staked.add(Roster.WATCHTOWER);
    for (Roster.Member member : staked) {
      for (Map.Entry<Address, String> e : names.entrySet()) {
        if (e.getValue().equals(member.name())) {
          OperatorInfo o = s.operator(e.getKey());
          if (o.registered()) {
            m.put(e.getKey(), o);
          }
        }
      }
    }
    return m;
  }

  String name(Address a) {
    return names.getOrDefault(a, a.toString());
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static double seconds(long since) {
    return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
  }

  static String abbrev(Bytes32 b) {
    String h = b.toHex();
    return h.substring(0, 10) + "…" + h.substring(h.length() - 4);
  }
}
