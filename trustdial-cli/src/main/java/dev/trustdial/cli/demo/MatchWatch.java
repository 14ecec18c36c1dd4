package dev.trustdial.cli.demo;

import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.function.Function;

/**
 * Follows one ObjectiveCourt match from the court's events (docs/spec/objective.md §4, read through
 * {@link ObjectiveCourtClient#events}) and tells each move as one line: who moved, what the move
 * was, where the disagreement stands after it (the strides, then the steps still in dispute), the
 * step the contract executed, the verdict, and the move's gas. Moves come faster than a poll of the
 * match's state could see them (several a second on the devnet), so the events are the record.
 */
final class MatchWatch {
  private final ObjectiveCourtClient court;
  private final Settlement chain;
  private final BigInteger disputeId;
  private final String operator;
  private final String challenger;
  private final int strideLog2;
  private final Function<Address, String> names;
  private long next;
  private long strideIndex = -1;
  private int moves;
  private long gas;
  private long provenStep = -1;
  private Verdict verdict;

  MatchWatch(
      Settlement chain,
      ObjectiveCourtClient court,
      BigInteger disputeId,
      long fromBlock,
      String operator,
      String challenger,
      int strideLog2,
      Function<Address, String> names) {
    this.chain = chain;
    this.court = court;
    this.disputeId = disputeId;
    this.next = fromBlock;
    this.operator = operator;
    this.challenger = challenger;
    this.strideLog2 = strideLog2;
    this.names = names;
  }

  /**
   * Reads the match's events since the last call and tells each; true once the match is resolved.
   */
  boolean poll(Narrator n) {
    long head = chain.blockNumber();
    if (head < next) {
      return verdict != null;
    }
    for (ObjectiveMatchEvent e : court.events(disputeId, next, head)) {
      tell(n, e);
    }
    next = head + 1;
    return verdict != null;
  }

  private void tell(Narrator n, ObjectiveMatchEvent event) {
    long s = 1L << strideLog2;
    switch (event) {
      case ObjectiveMatchEvent.Started e ->
          move(
              n,
              e.gasUsed(),
              challenger,
              "start",
              "posts the children of its trace root: the disagreement spans the whole trace");
      case ObjectiveMatchEvent.Bisected e -> {
        int level = e.level();
        long index = e.index();
        String where =
            e.stepLevel()
                ? "step level %d: steps [%,d, %,d) of stride %d"
                    .formatted(
                        level,
                        strideIndex * s + (index << level),
                        strideIndex * s + ((index + 1) << level),
                        strideIndex)
                : "stride level %d: strides [%d, %d) = steps [%,d, %,d)"
                    .formatted(
                        level,
                        index << level,
                        (index + 1) << level,
                        (index << level) * s,
                        ((index + 1) << level) * s);
        move(
            n,
            e.gasUsed(),
            side(e.side()),
            "bisect",
            "agrees on one half; the disagreement narrows to " + where);
      }
      case ObjectiveMatchEvent.StrideReached e -> {
        strideIndex = e.strideIndex();
        n.say(
            "            stride reached: stride %d, steps [%,d, %,d): the sides disagree on its last state; each opens it",
            strideIndex, strideIndex * s, (strideIndex + 1) * s);
      }
      case ObjectiveMatchEvent.StrideOpened e ->
          move(
              n,
              e.gasUsed(),
              side(e.side()),
              "openStride",
              "posts the root of its 2^%d step states in stride %d"
                  .formatted(strideLog2, strideIndex));
      case ObjectiveMatchEvent.StepReached e ->
          n.say(
              "            step reached: T(%,d) -> T(%,d): both agree on state %,d and not on %,d; proveStep decides",
              e.step(), e.step() + 1, e.step(), e.step() + 1);
      case ObjectiveMatchEvent.StepProven e -> {
        provenStep = e.step();
        move(
            n,
            e.gasUsed(),
            names.apply(e.prover()),
            "proveStep",
            "RiscvStep executes step %,d -> %,d onchain from the agreed state"
                .formatted(provenStep, provenStep + 1));
      }
      case ObjectiveMatchEvent.TimedOut e ->
          move(n, e.gasUsed(), side(1 - e.side()), "timeout", side(e.side()) + "'s clock ran out");
      case ObjectiveMatchEvent.Resolved e -> {
        verdict = e.verdict();
        n.say("            verdict: %s%s", verdict, e.moot() ? " (moot)" : "");
      }
    }
  }

  private void move(Narrator n, long used, String who, String kind, String what) {
    moves++;
    gas += used;
    n.say("move %2d: %-12s %-10s (gas %,7d) %s", moves, who, kind, used, what);
  }

  private String side(int side) {
    return side == 0 ? operator : challenger;
  }

  int moves() {
    return moves;
  }

  long gas() {
    return gas;
  }

  long provenStep() {
    return provenStep;
  }

  Verdict verdict() {
    return verdict;
  }
}
