package dev.trustdial.explorer;

import static dev.trustdial.chain.SettlementEvent.*;

import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Set;

/**
 * A devnet-like history: four operators (one a DA node), an intersubjective and an objective app,
 * and four jobs: one plain, one taken over after a missed heartbeat, one lie refuted by a vote, and
 * one objective job whose result loses a bisection game (dispute id 1 in both courts, on purpose).
 */
public final class Scenario {
  public static final Address OP1 = addr(1);
  public static final Address OP2 = addr(2);
  public static final Address OP3 = addr(3);
  public static final Address DA1 = addr(4);
  public static final Address DEV = addr(5);
  public static final Address WATCH = addr(6);
  public static final Address STAKER = addr(7);
  public static final Bytes32 CHECKPOINT_1 = word(0xc1);
  public static final Bytes32 OUTPUT_1 = word(0x01);
  public static final Bytes32 INPUT_1 = word(0x11);

  private Scenario() {}

  public static RecordedChain record() {
    RecordedChain c = new RecordedChain();
    for (Address op : new Address[] {OP1, OP2, OP3}) {
      c.tx(
          1,
          op,
          250_000,
          "StakeRegistry.register",
          w ->
              new OperatorRegistered(
                  w, op, Set.of(Role.COMPUTE, Role.VERIFIER), op, "http://127.0.0.1:1"),
          w -> new Delegated(w, op, op, Tokens.of(1000), Tokens.of(1000)));
    }
    c.tx(
        1,
        DA1,
        250_000,
        "StakeRegistry.register",
        w -> new OperatorRegistered(w, DA1, Set.of(Role.DA), DA1, "http://127.0.0.1:9"),
        w -> new Delegated(w, DA1, DA1, Tokens.of(200), Tokens.of(200)));
    c.tx(
        2,
        STAKER,
        90_000,
        "StakeRegistry.delegate",
        w -> new Delegated(w, OP1, STAKER, Tokens.of(500), Tokens.of(500)));
    c.tx(
        3,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w -> new AppCreated(w, big(1), DEV, TrustMode.REEXEC_INTERSUBJECTIVE, word(0xa1)));
    c.tx(
        3,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w -> new AppCreated(w, big(2), DEV, TrustMode.REEXEC_OBJECTIVE, word(0xa2)));
    for (int j = 1; j <= 4; j++) {
      int job = j;
      c.tx(
          5,
          DEV,
          200_000,
          "JobManager.submitJob",
          w ->
              new JobSubmitted(
                  w,
                  big(job),
                  big(job == 4 ? 2 : 1),
                  DEV,
                  word(0x10 + job),
                  1_000_000,
                  Tokens.of(job)),
          w -> new JobQueued(w, big(job), 1, 6, 5));
    }
    c.tx(
        6,
        OP1,
        80_000,
        "JobManager.assign",
        w -> new JobAssigned(w, big(1), OP1, 1, 1_700_000_100L, Bytes32.ZERO));
    c.tx(
        6,
        OP1,
        80_000,
        "JobManager.assign",
        w -> new JobAssigned(w, big(2), OP2, 1, 1_700_000_100L, Bytes32.ZERO));
    c.tx(
        6,
        OP1,
        80_000,
        "JobManager.assign",
        w -> new JobAssigned(w, big(3), OP3, 1, 1_700_000_100L, Bytes32.ZERO));
    c.tx(
        6,
        OP1,
        80_000,
        "JobManager.assign",
        w -> new JobAssigned(w, big(4), OP1, 1, 1_700_000_100L, Bytes32.ZERO));
    c.tx(
        7,
        OP1,
        60_000,
        "JobManager.heartbeat",
        w -> new HeartbeatPosted(w, big(1), OP1, 1 << 20, word(0x5a), CHECKPOINT_1));
    c.tx(
        7,
        OP2,
        60_000,
        "JobManager.heartbeat",
        w -> new HeartbeatPosted(w, big(2), OP2, 1 << 20, word(0x5b), word(0xc2)));
    c.tx(
        8,
        OP1,
        110_000,
        "JobManager.submitResult",
        w -> new ResultSubmitted(w, big(1), OP1, result(0x01), OUTPUT_1));
    c.tx(
        8,
        OP3,
        110_000,
        "JobManager.submitResult",
        w -> new ResultSubmitted(w, big(3), OP3, result(0x66), word(0x03)));
    c.tx(
        8,
        OP1,
        400_000,
        "JobManager.submitObjectiveResult",
        w -> new ResultSubmitted(w, big(4), OP1, result(0x77), word(0x04)));
    // Job 2: its operator stops; the watchtower reports it; the slash is in the same transaction.
    c.tx(
        9,
        WATCH,
        150_000,
        "JobManager.reportMissed",
        w -> new HeartbeatMissed(w, big(2), OP2, WATCH, Tokens.of(100)),
        w ->
            new Slashed(
                w,
                OP2,
                Role.COMPUTE,
                Tokens.of(100),
                Tokens.of(100),
                BigInteger.ZERO,
                "liveness",
                WATCH),
        w -> new JobQueued(w, big(2), 2, 10, 9));
    // Job 3: the watchtower challenges the lie; the court opens dispute 1.
    c.tx(
        9,
        WATCH,
        300_000,
        "JobManager.challenge",
        w -> new JobChallenged(w, big(3), big(1), WATCH, word(0x99), Tokens.of(10)),
        w ->
            new DisputeOpened(
                w,
                big(1),
                big(3),
                result(0x66).commitment(),
                word(0x99),
                8,
                1_700_000_200L,
                Tokens.of(2000)));
    // Job 4: challenged in the objective court, also dispute 1 there.
    c.tx(
        9,
        WATCH,
        350_000,
        "JobManager.challenge",
        w -> new JobChallenged(w, big(4), big(1), WATCH, word(0x98), Tokens.of(10)));
    c.tx(
        10,
        OP1,
        90_000,
        "IntersubjectiveCourt.vote",
        w -> new Voted(w, big(1), OP1, word(0x99), Tokens.of(1500)));
    c.tx(
        10,
        OP2,
        90_000,
        "IntersubjectiveCourt.vote",
        w -> new Voted(w, big(1), OP2, word(0x99), Tokens.of(900)));
    c.tx(
        10,
        OP2,
        80_000,
        "JobManager.assign",
        w -> new JobAssigned(w, big(2), OP3, 2, 1_700_000_300L, word(0xc2)));
    c.move(new ObjectiveMatchEvent.Started(big(1), 10, 120_000));
    c.move(new ObjectiveMatchEvent.Bisected(big(1), 10, 0, 3, 0, false, 70_000));
    c.move(new ObjectiveMatchEvent.Bisected(big(1), 11, 1, 2, 1, false, 70_000));
    c.move(new ObjectiveMatchEvent.StrideReached(big(1), 11, 1));
    c.move(new ObjectiveMatchEvent.StepProven(big(1), 12, WATCH, 41, 900_000));
    c.move(new ObjectiveMatchEvent.Resolved(big(1), 12, Verdict.OPERATOR_REFUTED, false));
    c.tx(
        11,
        OP3,
        110_000,
        "JobManager.submitResult",
        w -> new ResultSubmitted(w, big(2), OP3, result(0x02), word(0x02)));
    c.tx(
        12,
        WATCH,
        500_000,
        "ObjectiveCourt.proveStep",
        w -> new DisputeResolved(w, big(1), big(4), Verdict.OPERATOR_REFUTED, false, Tokens.of(50)),
        w ->
            new Slashed(
                w,
                OP1,
                Role.COMPUTE,
                Tokens.of(50),
                Tokens.of(50),
                BigInteger.ZERO,
                "refuted",
                WATCH),
        w -> new JobQueued(w, big(4), 2, 13, 12));
    c.tx(
        12,
        DEV,
        70_000,
        "JobManager.finalizeJob",
        w -> new JobFinalized(w, big(1), OP1, word(0x01), Tokens.of(1)));
    c.tx(
        13,
        WATCH,
        260_000,
        "IntersubjectiveCourt.resolve",
        w ->
            new DisputeSettled(
                w,
                big(1),
                big(3),
                Verdict.CHALLENGER_WINS,
                Tokens.of(2400),
                Tokens.of(2400),
                false),
        w -> new DisputeResolved(w, big(1), big(3), Verdict.CHALLENGER_WINS, false, Tokens.of(200)),
        w ->
            new Slashed(
                w,
                OP3,
                Role.COMPUTE,
                Tokens.of(200),
                Tokens.of(200),
                BigInteger.ZERO,
                "dispute",
                WATCH));
    c.tx(
        14,
        OP1,
        50_000,
        "IntersubjectiveCourt.settleVote",
        w -> new VoteSettled(w, big(1), OP1, Tokens.of(3), BigInteger.ZERO));
    c.tx(
        14,
        DEV,
        70_000,
        "JobManager.finalizeJob",
        w -> new JobFinalized(w, big(2), OP3, word(0x02), Tokens.of(2)));
    c.tx(
        15,
        DEV,
        70_000,
        "JobManager.finalizeJob",
        w -> new JobFinalized(w, big(3), WATCH, word(0x99), Tokens.of(3)));
    return c;
  }

  public static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  public static Bytes32 word(int v) {
    byte[] b = new byte[32];
    b[31] = (byte) v;
    b[0] = (byte) 0x42;
    return new Bytes32(b);
  }

  static ResultCommitment result(int v) {
    return new ResultCommitment(word(v), word(v + 1), 1_500_000, word(v + 2));
  }

  private static Address addr(int v) {
    byte[] b = new byte[20];
    b[19] = (byte) v;
    b[0] = (byte) 0x11;
    return new Address(b);
  }
}
