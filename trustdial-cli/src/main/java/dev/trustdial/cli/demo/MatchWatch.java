package dev.trustdial.cli.demo;

import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.contracts.ObjectiveCourt;
import dev.trustdial.core.crypto.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * Follows one ObjectiveCourt match from the court's events (docs/spec/objective.md §4) and tells
 * each move as one line: who moved, what the move was, where the disagreement stands after it (the
 * strides, then the steps still in dispute), the step the contract executed, the verdict, and the
 * move's gas from its receipt. Moves come faster than a poll of the match's state could see them
 * (several a second on the devnet), so the events are the record.
 */
final class MatchWatch implements AutoCloseable {
  private static final String STARTED = EventEncoder.encode(ObjectiveCourt.MATCHSTARTED_EVENT);
  private static final String BISECTED = EventEncoder.encode(ObjectiveCourt.BISECTED_EVENT);
  private static final String STRIDE_REACHED = EventEncoder.encode(ObjectiveCourt.STRIDEREACHED_EVENT);
  private static final String STRIDE_OPENED = EventEncoder.encode(ObjectiveCourt.STRIDEOPENED_EVENT);
  private static final String STEP_REACHED = EventEncoder.encode(ObjectiveCourt.STEPREACHED_EVENT);
  private static final String STEP_PROVEN = EventEncoder.encode(ObjectiveCourt.STEPPROVEN_EVENT);
  private static final String TIMED_OUT = EventEncoder.encode(ObjectiveCourt.MATCHTIMEDOUT_EVENT);
  private static final String RESOLVED = EventEncoder.encode(ObjectiveCourt.MATCHRESOLVED_EVENT);

  private final Web3j web3j;
  private final Address court;
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

  MatchWatch(String rpcUrl, Address court, BigInteger disputeId, long fromBlock, String operator, String challenger, int strideLog2,
      Function<Address, String> names) {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.court = court;
    this.disputeId = disputeId;
    this.next = fromBlock;
    this.operator = operator;
    this.challenger = challenger;
    this.strideLog2 = strideLog2;
    this.names = names;
  }

  /** Reads the court's events since the last call and tells each of this match's; true once the match is resolved. */
  boolean poll(Narrator n) throws IOException {
    long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    if (head < next) {
      return verdict != null;
    }
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(next)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(head)), court.toString());
    EthLog logs = web3j.ethGetLogs(filter).send();
    if (logs.hasError()) {
      throw new IOException("eth_getLogs on the objective court: " + logs.getError().getMessage());
    }
    for (EthLog.LogResult<?> r : logs.getLogs()) {
      tell(n, (Log) r.get());
    }
    next = head + 1;
    return verdict != null;
  }

  private void tell(Narrator n, Log log) throws IOException {
    List<String> topics = log.getTopics();
    if (topics.size() < 2 || !new BigInteger(topics.get(1).substring(2), 16).equals(disputeId)) {
      return;
    }
    String t = topics.get(0);
    long s = 1L << strideLog2;
    if (t.equals(STARTED)) {
      move(n, log, challenger, "start", "posts the children of its trace root: the disagreement spans the whole trace");
    } else if (t.equals(BISECTED)) {
      var e = ObjectiveCourt.getBisectedEventFromLog(log);
      int level = e.level.intValueExact();
      long index = e.index.longValueExact();
      String where = e.stepLevel
          ? "step level %d: steps [%,d, %,d) of stride %d".formatted(level, strideIndex * s + (index << level),
              strideIndex * s + ((index + 1) << level), strideIndex)
          : "stride level %d: strides [%d, %d) = steps [%,d, %,d)".formatted(level, index << level, (index + 1) << level,
              (index << level) * s, ((index + 1) << level) * s);
      move(n, log, side(e.side), "bisect", "agrees on one half; the disagreement narrows to " + where);
    } else if (t.equals(STRIDE_REACHED)) {
      strideIndex = ObjectiveCourt.getStrideReachedEventFromLog(log).strideIndex.longValueExact();
      n.say("            stride reached: stride %d, steps [%,d, %,d): the sides disagree on its last state; each opens it", strideIndex,
          strideIndex * s, (strideIndex + 1) * s);
    } else if (t.equals(STRIDE_OPENED)) {
      var e = ObjectiveCourt.getStrideOpenedEventFromLog(log);
      move(n, log, side(e.side), "openStride", "posts the root of its 2^%d step states in stride %d".formatted(strideLog2, strideIndex));
    } else if (t.equals(STEP_REACHED)) {
      long step = ObjectiveCourt.getStepReachedEventFromLog(log).step.longValueExact();
      n.say("            step reached: T(%,d) -> T(%,d): both agree on state %,d and not on %,d; proveStep decides", step, step + 1,
          step, step + 1);
    } else if (t.equals(STEP_PROVEN)) {
      var e = ObjectiveCourt.getStepProvenEventFromLog(log);
      provenStep = e.step.longValueExact();
      move(n, log, names.apply(Address.parse(e.prover)), "proveStep", "RiscvStep executes step %,d -> %,d onchain from the agreed state"
          .formatted(provenStep, provenStep + 1));
    } else if (t.equals(TIMED_OUT)) {
      var e = ObjectiveCourt.getMatchTimedOutEventFromLog(log);
      move(n, log, side(e.side.equals(BigInteger.ZERO) ? BigInteger.ONE : BigInteger.ZERO), "timeout",
          side(e.side) + "'s clock ran out");
    } else if (t.equals(RESOLVED)) {
      var e = ObjectiveCourt.getMatchResolvedEventFromLog(log);
      verdict = Verdict.fromCode(e.verdict.intValueExact());
      n.say("            verdict: %s%s", verdict, e.moot ? " (moot)" : "");
    }
  }

  private void move(Narrator n, Log log, String who, String kind, String what) throws IOException {
    moves++;
    long used = web3j.ethGetTransactionReceipt(log.getTransactionHash()).send().getTransactionReceipt()
        .map(r -> r.getGasUsed().longValueExact()).orElse(0L);
    gas += used;
    n.say("move %2d: %-12s %-10s (gas %,7d) %s", moves, who, kind, used, what);
  }

  private String side(BigInteger side) {
    return side.signum() == 0 ? operator : challenger;
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

  @Override
  public void close() {
    web3j.shutdown();
  }
}
