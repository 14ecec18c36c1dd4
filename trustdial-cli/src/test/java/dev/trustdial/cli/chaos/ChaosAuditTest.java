package dev.trustdial.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementEvent.Where;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audit's verdicts on hand-made event histories: each invariant can fail. */
class ChaosAuditTest {
  static final BigInteger APP = BigInteger.ONE;
  static final Address DEV = addr(5);
  static final Address OP1 = addr(1);
  static final Address OP2 = addr(2);
  static final Address WT = addr(4);
  static final Map<Address, String> NAMES =
      Map.of(OP1, "operator-1", OP2, "operator-2", WT, "watchtower-1", DEV, "developer");
  static final ResultCommitment TRUTH = commitment(1);
  static final ResultCommitment LIE = commitment(2);

  private final List<SettlementEvent> events = new ArrayList<>();
  private int tx;

  @Test
  void aCaughtLieAndAJustifiedLivenessSlashPass() {
    submit(1, 10);
    assigned(1, OP1, 11);
    String t = tx(20);
    events.add(new SettlementEvent.HeartbeatMissed(w(20, t), id(1), OP1, WT, BigInteger.TEN));
    events.add(slashed(20, t, OP1, "liveness", BigInteger.TEN));
    assigned(1, OP2, 21);
    result(1, OP2, TRUTH, 30);
    finalized(1, TRUTH, 60);
    submit(2, 12);
    assigned(2, OP1, 40);
    result(2, OP1, LIE, 50);
    challenged(2, 7, WT, TRUTH, 51);
    String r = tx(70);
    events.add(
        new SettlementEvent.DisputeResolved(
            w(70, r), id(7), id(2), Verdict.CHALLENGER_WINS, false, BigInteger.TWO));
    events.add(slashed(70, r, OP1, "dispute", BigInteger.TWO));
    finalized(2, TRUTH, 71);
    var res =
        audit(
            Map.of(id(1), job(1, JobStatus.FINALIZED), id(2), job(2, JobStatus.FINALIZED)),
            List.of(
                new ChaosAudit.Injected(Fault.Kind.KILL, "operator-1", 12, 15, "killed"),
                new ChaosAudit.Injected(Fault.Kind.LIAR, "operator-1", 35, 55, "lied")));
    assertThat(res.violations()).isEmpty();
    assertThat(res.jobsFinalized()).isEqualTo(2);
    assertThat(res.liesPosted()).isEqualTo(1);
    assertThat(res.liesCaught()).isEqualTo(1);
    assertThat(res.wrongSlashes()).isZero();
    assertThat(res.slashes()).containsEntry("liveness", 1).containsEntry("dispute", 1);
  }

  @Test
  void anUnprovokedLivenessSlashAnUntoldLieAndAWrongOutputAreViolations() {
    submit(1, 10);
    assigned(1, OP1, 11);
    String t = tx(40);
    events.add(new SettlementEvent.HeartbeatMissed(w(40, t), id(1), OP1, WT, BigInteger.TEN));
    events.add(slashed(40, t, OP1, "liveness", BigInteger.TEN));
    assigned(1, OP2, 41);
    result(1, OP2, LIE, 50);
    finalized(1, LIE, 80);
    var res = audit(Map.of(id(1), job(1, JobStatus.FINALIZED)), List.of());
    assertThat(res.wrongSlashes()).isEqualTo(1);
    assertThat(String.join("\n", res.violations()))
        .contains(
            "WRONG SLASH of operator-1 (liveness",
            "operator-2 posted a WRONG result for job 1 without the --lie fault",
            "job 1 finalized with a WRONG output",
            "the lie of operator-2 on job 1 was not caught");
  }

  @Test
  void anHonestOperatorSlashedInADisputeAndAStuckJobAreViolations() {
    submit(1, 10);
    assigned(1, OP1, 11);
    result(1, OP1, TRUTH, 20);
    challenged(1, 3, WT, LIE, 21);
    String r = tx(45);
    events.add(
        new SettlementEvent.DisputeResolved(
            w(45, r), id(3), id(1), Verdict.CHALLENGER_WINS, false, BigInteger.ONE));
    events.add(slashed(45, r, OP1, "dispute", BigInteger.ONE));
    submit(2, 12);
    assigned(2, OP2, 13);
    var res =
        audit(
            Map.of(id(1), job(1, JobStatus.FINALIZED), id(2), job(2, JobStatus.ASSIGNED)),
            List.of(
                new ChaosAudit.Injected(Fault.Kind.FALSE_CHALLENGER, "watchtower-1", 15, 40, "")));
    assertThat(res.wrongSlashes()).isEqualTo(1);
    assertThat(res.falseChallenges()).isEqualTo(1);
    assertThat(String.join("\n", res.violations()))
        .contains(
            "WRONG SLASH of operator-1 (dispute",
            "the false challenge of job 1 by watchtower-1 WON",
            "job 2 is stuck",
            "job 1 is FINALIZED onchain but no JobFinalized");
  }

  /**
   * Issue #19: a result finalized after a dispute against it ended NO_QUORUM is a violation; a lie
   * dropped that way (re-run and finalized right by another operator) is not caught, and says why.
   */
  @Test
  void aResultFinalizedAfterAnUndecidedDisputeIsAViolation() {
    submit(1, 10);
    assigned(1, OP2, 11);
    result(1, OP2, TRUTH, 20);
    challenged(1, 3, WT, LIE, 21);
    events.add(
        new SettlementEvent.DisputeResolved(
            w(45), id(3), id(1), Verdict.NO_QUORUM, false, BigInteger.ZERO));
    finalized(1, TRUTH, 80);
    submit(2, 12);
    assigned(2, OP1, 13);
    result(2, OP1, LIE, 22);
    challenged(2, 4, WT, TRUTH, 23);
    events.add(
        new SettlementEvent.DisputeResolved(
            w(46), id(4), id(2), Verdict.NO_QUORUM, false, BigInteger.ZERO));
    assigned(2, OP2, 48);
    result(2, OP2, TRUTH, 50);
    finalized(2, TRUTH, 90);
    var res =
        audit(
            Map.of(id(1), job(1, JobStatus.FINALIZED), id(2), job(2, JobStatus.FINALIZED)),
            List.of(new ChaosAudit.Injected(Fault.Kind.LIAR, "operator-1", 12, 30, "lied")));
    assertThat(res.violations())
        .containsExactlyInAnyOrder(
            "job 1 finalized the result of operator-2 although dispute 3 against it ended"
                + " without a decision",
            "the lie of operator-1 on job 2 was not caught (dropped unslashed: its dispute ended"
                + " without a decision, too little honest verifier stake voted)");
  }

  private ChaosAudit.Result audit(
      Map<BigInteger, JobInfo> jobs, List<ChaosAudit.Injected> injected) {
    return ChaosAudit.check(
        events, APP, Map.of(id(1), TRUTH, id(2), TRUTH), jobs, 1000, 40, injected, NAMES);
  }

  private String tx(long block) {
    return "0x" + block + "-" + (tx++);
  }

  private Where w(long block, String txHash) {
    return new Where(block, txHash, 0);
  }

  private Where w(long block) {
    return w(block, tx(block));
  }

  private void submit(long job, long block) {
    events.add(
        new SettlementEvent.JobSubmitted(
            w(block), id(job), APP, DEV, Bytes32.ZERO, 100, BigInteger.ONE));
  }

  private void assigned(long job, Address op, long block) {
    events.add(new SettlementEvent.JobAssigned(w(block), id(job), op, 1, block + 20, Bytes32.ZERO));
  }

  private void result(long job, Address op, ResultCommitment c, long block) {
    events.add(new SettlementEvent.ResultSubmitted(w(block), id(job), op, c, Bytes32.ZERO));
  }

  private void challenged(long job, long dispute, Address by, ResultCommitment c, long block) {
    events.add(
        new SettlementEvent.JobChallenged(
            w(block), id(job), id(dispute), by, c.commitment(), BigInteger.TEN));
  }

  private void finalized(long job, ResultCommitment c, long block) {
    events.add(
        new SettlementEvent.JobFinalized(w(block), id(job), OP2, c.outputHash(), BigInteger.ONE));
  }

  private SettlementEvent.Slashed slashed(
      long block, String txHash, Address op, String reason, BigInteger amount) {
    return new SettlementEvent.Slashed(
        w(block, txHash), op, Role.COMPUTE, amount, amount, BigInteger.ZERO, reason, addr(9));
  }

  private static JobInfo job(long id, JobStatus status) {
    return new JobInfo(
        id(id),
        APP,
        DEV,
        Bytes32.ZERO,
        Bytes32.ZERO,
        100,
        BigInteger.ONE,
        BigInteger.ONE,
        status,
        OP2,
        1,
        900,
        5000,
        1,
        1,
        0,
        Bytes32.ZERO,
        Bytes32.ZERO,
        Optional.empty(),
        Bytes32.ZERO,
        OP2,
        0,
        0,
        1);
  }

  private static ResultCommitment commitment(int b) {
    byte[] x = new byte[32];
    x[31] = (byte) b;
    return new ResultCommitment(new Bytes32(x), Bytes32.ZERO, 100, Bytes32.ZERO);
  }

  private static BigInteger id(long n) {
    return BigInteger.valueOf(n);
  }

  private static Address addr(int n) {
    byte[] b = new byte[20];
    b[19] = (byte) n;
    return new Address(b);
  }
}
