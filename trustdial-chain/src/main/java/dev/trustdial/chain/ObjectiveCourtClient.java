package dev.trustdial.chain;

import dev.trustdial.chain.contracts.ObjectiveCourt;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * The typed client of REEXEC_OBJECTIVE's game (docs/spec/objective.md §4): the ObjectiveCourt's
 * matches (reads and moves), acting as the account of the {@link Settlement} it is made from and
 * sharing its connection. Every move is simulated first: a refused one throws
 * ContractRevertException (e.g. {@code NotYourTurn}, {@code WrongPhase}) and changes nothing. The
 * court is the one JobManager registers as mode 2's adapter. The developer's side (configs, the
 * InputOracle, enabling the mode) is {@link ObjectiveApps}.
 */
public final class ObjectiveCourtClient {
  /** The 296-byte VM state encoding (vm.md §5). */
  public static final int STATE_BYTES = 296;

  private final Settlement settlement;
  private final Address courtAddress;
  private final Address oracleAddress;
  private final ObjectiveCourt court;

  /**
   * The side to move and when its clock runs out; each side's seconds left as of now
   * (ObjectiveCourt.clocks).
   */
  public record Clocks(Address sideToMove, long deadline, long clockLeftO, long clockLeftC) {}

  /**
   * The hash T(t) a proveStep's pre-state must have and the length of its rightmost-leaf proof;
   * {@code isPrestate} when it is the job's prestate (then the proof is empty).
   */
  public record Predecessor(Bytes32 hash, int proofLength, boolean isPrestate) {}

  /** The court of mode 2 registered in JobManager, acting as {@code settlement}'s account. */
  public static ObjectiveCourtClient of(Settlement settlement) {
    Address court =
        settlement
            .modeAdapterOf(TrustMode.REEXEC_OBJECTIVE.code())
            .orElseThrow(() ->
                new InvalidInputException(
                    "JobManager has no adapter for REEXEC_OBJECTIVE (mode 2): this deployment has no objective court"));
    return new ObjectiveCourtClient(settlement, court);
  }

  /**
   * A given ObjectiveCourt (its InputOracle read from it), acting as {@code settlement}'s account.
   */
  public ObjectiveCourtClient(Settlement settlement, Address courtAddress) {
    this.settlement = settlement;
    this.courtAddress = courtAddress;
    this.court =
        ObjectiveCourt.load(
            courtAddress.toString(),
            settlement.web3j(),
            settlement.transactionManager(),
            Settlement.GAS);
    this.oracleAddress = Address.parse(settlement.read(court.oracle()));
  }

  /** The same court acting as {@code other}'s account. */
  public ObjectiveCourtClient as(Settlement other) {
    return new ObjectiveCourtClient(other, courtAddress);
  }

  public Address account() {
    return settlement.account();
  }

  public Address court() {
    return courtAddress;
  }

  public Address oracle() {
    return oracleAddress;
  }

  // ---------------------------------------------------------------- court parameters

  /** Seconds on each side's chess clock at the start of a match. */
  public long clockSeconds() {
    return settlement.read(court.clock()).longValueExact();
  }

  /** Seconds added to both clocks at the step level. */
  public long stepExtensionSeconds() {
    return settlement.read(court.stepExtension()).longValueExact();
  }

  /** H for a job of {@code maxSteps} and stride 2^s (ObjectiveCourt.strideHeight). */
  public int strideHeight(long maxSteps, int strideLog2) {
    return settlement
        .read(court.strideHeight(BigInteger.valueOf(maxSteps), BigInteger.valueOf(strideLog2)))
        .intValueExact();
  }

  // ---------------------------------------------------------------- reads

  public ObjectiveMatch match(BigInteger disputeId) {
    ObjectiveCourt.Match m = settlement.read(court.getMatch(disputeId));
    return new ObjectiveMatch(
        disputeId,
        m.jobId,
        Address.parse(m.operator),
        Address.parse(m.challenger),
        m.attempt.longValueExact(),
        ObjectiveMatch.Phase.fromCode(m.phase.intValueExact()),
        ObjectiveMatch.Side.fromCode(m.turn.intValueExact()),
        m.level.intValueExact(),
        m.strideHeight.intValueExact(),
        m.strideLog2.intValueExact(),
        m.strideIndex.longValueExact(),
        m.stepIndex.longValueExact(),
        new Bytes32(m.nodeO),
        new Bytes32(m.nodeC),
        new Bytes32(m.revealedLeft),
        new Bytes32(m.revealedRight),
        m.strideWentRight,
        new Bytes32(m.strideAgreed),
        m.strideAgreedHeight.intValueExact(),
        m.stepWentRight,
        new Bytes32(m.stepAgreed),
        m.stepAgreedHeight.intValueExact(),
        m.stepRootsPosted.intValueExact(),
        new Bytes32(m.stepRootO),
        new Bytes32(m.stepRootC),
        m.clockO.longValueExact(),
        m.clockC.longValueExact(),
        m.lastMove.longValueExact(),
        Verdict.fromCode(m.verdict.intValueExact()),
        m.moot);
  }

  public Clocks clocks(BigInteger disputeId) {
    var c = settlement.read(court.clocks(disputeId));
    return new Clocks(
        Address.parse(c.component1()),
        c.component2().longValueExact(),
        c.component3().longValueExact(),
        c.component4().longValueExact());
  }

  public Predecessor predecessorOf(BigInteger disputeId) {
    var p = settlement.read(court.predecessorOf(disputeId));
    return new Predecessor(
        new Bytes32(p.component1()), p.component2().intValueExact(), p.component3());
  }

  /** The step t whose successor the match disputes (meaningful from the PROVE phase on). */
  public long stepNumber(BigInteger disputeId) {
    return settlement.read(court.stepNumber(disputeId)).longValueExact();
  }

  /**
   * The job's initial state encoding, built onchain from its config and posted input (296 bytes).
   */
  public byte[] prestate(BigInteger jobId) {
    byte[] st = settlement.read(court.prestate(jobId));
    if (st.length != STATE_BYTES) {
      throw new IllegalStateException(
          "the court's prestate is " + st.length + " bytes, not " + STATE_BYTES);
    }
    return st;
  }

  public Bytes32 prestateHash(BigInteger jobId) {
    return new Bytes32(settlement.read(court.prestateHash(jobId)));
  }

  /**
   * Whether the match can be closed moot: its job is no longer DISPUTED at the match's attempt
   * (another match overturned it).
   */
  public boolean moot(ObjectiveMatch m) {
    if (m.done()) {
      return false;
    }
    JobInfo job = settlement.job(m.jobId());
    return job.status() != JobStatus.DISPUTED || job.attempt() != m.attempt();
  }

  // ---------------------------------------------------------------- moves

  /** C's first move: the children of its trace root (both zero when H = 0). */
  public TxOutcome start(BigInteger disputeId, Bytes32 left, Bytes32 right) {
    return settlement.transact("start", court.start(disputeId, left.bytes(), right.bytes()));
  }

  /**
   * One level of descent: the mover's children of its node, and its children of the new node (zero
   * at a leaf).
   */
  public TxOutcome bisect(
      BigInteger disputeId, Bytes32 myLeft, Bytes32 myRight, Bytes32 nextLeft, Bytes32 nextRight) {
    return settlement.transact(
        "bisect",
        court.bisect(
            disputeId, myLeft.bytes(), myRight.bytes(), nextLeft.bytes(), nextRight.bytes()));
  }

  /**
   * At the stride leaf: the mover's step tree root, its rightmost-leaf proof (s siblings) and its
   * children.
   */
  public TxOutcome openStride(
      BigInteger disputeId,
      Bytes32 stepRoot,
      List<Bytes32> lastLeafProof,
      Bytes32 left,
      Bytes32 right) {
    return settlement.transact(
        "openStride",
        court.openStride(
            disputeId, stepRoot.bytes(), words(lastLeafProof), left.bytes(), right.bytes()));
  }

  /**
   * The step: the predecessor's state (296 bytes), its rightmost-leaf proof and the compressed step
   * proof (vm.md §9.2).
   */
  public TxOutcome proveStep(
      BigInteger disputeId, byte[] preState, List<Bytes32> predecessorProof, byte[] stepProof) {
    if (preState.length != STATE_BYTES) {
      throw new InvalidInputException(
          "a pre-state is " + STATE_BYTES + " bytes, got " + preState.length);
    }
    return settlement.transact(
        "proveStep", court.proveStep(disputeId, preState, words(predecessorProof), stepProof));
  }

  /** Ends a match whose side to move used up its clock (anyone may). */
  public TxOutcome timeout(BigInteger disputeId) {
    return settlement.transact("timeout", court.timeout(disputeId));
  }

  /**
   * Closes a match whose result another match already overturned (anyone may); the challenger's
   * bond returns.
   */
  public TxOutcome closeMoot(BigInteger disputeId) {
    return settlement.transact("closeMoot", court.closeMoot(disputeId));
  }

  // ---------------------------------------------------------------- events

  /**
   * The events of match {@code disputeId} in blocks [{@code fromBlock}, {@code toBlock}], in chain
   * order, each move with its transaction's gas: the record of a match, which moves faster than a
   * poll of its state could follow.
   */
  public List<ObjectiveMatchEvent> events(BigInteger disputeId, long fromBlock, long toBlock) {
    org.web3j.protocol.core.methods.request.EthFilter filter =
        new org.web3j.protocol.core.methods.request.EthFilter(
            org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
            org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
            courtAddress.toString());
    filter.addSingleTopic(null);
    filter.addOptionalTopics(
        org.web3j.utils.Numeric.toHexStringWithPrefixZeroPadded(disputeId, 64));
    List<ObjectiveMatchEvent> out = new java.util.ArrayList<>();
    try {
      org.web3j.protocol.core.methods.response.EthLog logs =
          settlement.web3j().ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new ChainUnavailableException(
            "eth_getLogs on the objective court: " + logs.getError().getMessage(), null);
      }
      for (org.web3j.protocol.core.methods.response.EthLog.LogResult<?> r : logs.getLogs()) {
        decode((org.web3j.protocol.core.methods.response.Log) r.get()).ifPresent(out::add);
      }
    } catch (java.io.IOException e) {
      throw new ChainUnavailableException(
          "cannot read the objective court's events: " + e.getMessage(), e);
    }
    return out;
  }

  private java.util.Optional<ObjectiveMatchEvent> decode(
      org.web3j.protocol.core.methods.response.Log log) throws java.io.IOException {
    String t = log.getTopics().getFirst();
    long block = log.getBlockNumber().longValueExact();
    BigInteger id = new BigInteger(log.getTopics().get(1).substring(2), 16);
    if (t.equals(topic(ObjectiveCourt.MATCHSTARTED_EVENT))) {
      return java.util.Optional.of(new ObjectiveMatchEvent.Started(id, block, gasOf(log)));
    } else if (t.equals(topic(ObjectiveCourt.BISECTED_EVENT))) {
      var e = ObjectiveCourt.getBisectedEventFromLog(log);
      return java.util.Optional.of(
          new ObjectiveMatchEvent.Bisected(
              id,
              block,
              e.side.intValueExact(),
              e.level.intValueExact(),
              e.index.longValueExact(),
              e.stepLevel,
              gasOf(log)));
    } else if (t.equals(topic(ObjectiveCourt.STRIDEREACHED_EVENT))) {
      return java.util.Optional.of(
          new ObjectiveMatchEvent.StrideReached(
              id,
              block,
              ObjectiveCourt.getStrideReachedEventFromLog(log).strideIndex.longValueExact()));
    } else if (t.equals(topic(ObjectiveCourt.STRIDEOPENED_EVENT))) {
      return java.util.Optional.of(
          new ObjectiveMatchEvent.StrideOpened(
              id,
              block,
              ObjectiveCourt.getStrideOpenedEventFromLog(log).side.intValueExact(),
              gasOf(log)));
    } else if (t.equals(topic(ObjectiveCourt.STEPREACHED_EVENT))) {
      return java.util.Optional.of(
          new ObjectiveMatchEvent.StepReached(
              id, block, ObjectiveCourt.getStepReachedEventFromLog(log).step.longValueExact()));
    } else if (t.equals(topic(ObjectiveCourt.STEPPROVEN_EVENT))) {
      var e = ObjectiveCourt.getStepProvenEventFromLog(log);
      return java.util.Optional.of(
          new ObjectiveMatchEvent.StepProven(
              id, block, Address.parse(e.prover), e.step.longValueExact(), gasOf(log)));
    } else if (t.equals(topic(ObjectiveCourt.MATCHTIMEDOUT_EVENT))) {
      return java.util.Optional.of(
          new ObjectiveMatchEvent.TimedOut(
              id,
              block,
              ObjectiveCourt.getMatchTimedOutEventFromLog(log).side.intValueExact(),
              gasOf(log)));
    } else if (t.equals(topic(ObjectiveCourt.MATCHRESOLVED_EVENT))) {
      var e = ObjectiveCourt.getMatchResolvedEventFromLog(log);
      return java.util.Optional.of(
          new ObjectiveMatchEvent.Resolved(
              id, block, Verdict.fromCode(e.verdict.intValueExact()), e.moot));
    }
    return java.util.Optional.empty();
  }

  private static String topic(org.web3j.abi.datatypes.Event event) {
    return org.web3j.abi.EventEncoder.encode(event);
  }

  private long gasOf(org.web3j.protocol.core.methods.response.Log log) throws java.io.IOException {
    return settlement
        .web3j()
        .ethGetTransactionReceipt(log.getTransactionHash())
        .send()
        .getTransactionReceipt()
        .map(r -> r.getGasUsed().longValueExact())
        .orElse(0L);
  }

  private static List<byte[]> words(List<Bytes32> xs) {
    return xs.stream().map(Bytes32::bytes).toList();
  }
}
