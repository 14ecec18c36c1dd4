package dev.trustdial.explorer.index;

import static dev.trustdial.explorer.Scenario.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.Tokens;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.RecordedChain;
import dev.trustdial.explorer.Scenario;
import dev.trustdial.explorer.store.EventRow;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.store.JobRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerTest {
  private static final String DEPLOYMENT = "31337:0xJobManager";

  @TempDir Path dir;

  @Test
  void projectsTheRecordedLogIntoJobsOperatorsDisputesAndMoves() {
    RecordedChain chain = Scenario.record();
    try (ExplorerStore store = ExplorerStore.open(dir, DEPLOYMENT)) {
      int stored = new Indexer(chain, store, new ExplorerMetrics(), 4).catchUp();
      assertThat(stored).isEqualTo(chain.all().size());
      assertThat(store.nextBlock()).isEqualTo(chain.lastBlock() + 1);

      JobRow plain = store.job(1).orElseThrow();
      assertThat(plain.status()).isEqualTo("FINALIZED");
      assertThat(plain.secondsToFinality()).contains((12L - 5) * 2);
      assertThat(plain.mode()).isEqualTo("REEXEC_INTERSUBJECTIVE");
      // submit + assign + heartbeat + result + finalize
      assertThat(plain.gasTotal()).isEqualTo(200_000 + 80_000 + 60_000 + 110_000 + 70_000);

      JobRow takenOver = store.job(2).orElseThrow();
      assertThat(takenOver.takeovers()).isEqualTo(1);
      assertThat(takenOver.operator()).contains(OP3);
      assertThat(takenOver.status()).isEqualTo("FINALIZED");
      List<String> kinds = store.jobEvents(2, 100).stream().map(EventRow::kind).toList();
      assertThat(kinds)
          .containsSubsequence(
              "JobAssigned",
              "HeartbeatPosted",
              "HeartbeatMissed",
              "Slashed",
              "JobQueued",
              "JobAssigned",
              "ResultSubmitted",
              "JobFinalized");

      JobRow lie = store.job(3).orElseThrow();
      assertThat(lie.challenges()).isEqualTo(1);
      assertThat(store.disputes(Optional.of(3L), 10))
          .singleElement()
          .satisfies(d -> {
            assertThat(d.objective()).isFalse();
            assertThat(d.verdict()).contains("CHALLENGER_WINS");
          });
      // Votes carry only the dispute id: the index links them to the job through the dispute.
      assertThat(store.jobEvents(3, 100).stream().map(EventRow::kind))
          .contains("Voted", "Voted", "VoteSettled", "Slashed");
      assertThat(store.jobMoves(3, 100)).isEmpty();

      assertThat(store.disputes(Optional.of(4L), 10))
          .singleElement()
          .satisfies(d -> {
            assertThat(d.objective()).isTrue();
            assertThat(d.verdict()).contains("OPERATOR_REFUTED");
          });
      assertThat(store.jobMoves(4, 100))
          .extracting(m -> m.kind())
          .containsExactly(
              "Started", "Bisected", "Bisected", "StrideReached", "StepProven", "Resolved");
      assertThat(store.job(4).orElseThrow().gasTotal()).isGreaterThan(900_000);

      var op2 = store.operator(OP2).orElseThrow();
      assertThat(op2.slashes()).isEqualTo(1);
      assertThat(op2.missed()).isEqualTo(1);
      assertThat(op2.activeStake()).isEqualTo(Tokens.of(900));
      assertThat(store.stakeHistory(OP2, 10))
          .extracting(p -> p.active())
          .containsExactly(Tokens.of(1000), Tokens.of(900));
      assertThat(store.operator(OP1).orElseThrow().activeStake()).isEqualTo(Tokens.of(1450));
      assertThat(store.blob(CHECKPOINT_1.toHex()).orElseThrow().kind()).isEqualTo("checkpoint");
      assertThat(store.jobBlobs(1))
          .extracting(b -> b.kind())
          .containsExactly("input", "checkpoint", "output");
    }
  }

  @Test
  void aRestartResumesAtTheCursorAndEndsWhereOnePassEnds() {
    RecordedChain chain = Scenario.record();
    List<String> onePass;
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("one"), DEPLOYMENT)) {
      new Indexer(chain, store, new ExplorerMetrics(), 100).catchUp();
      onePass = snapshot(store);
    }
    chain.setHead(9);
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("two"), DEPLOYMENT)) {
      new Indexer(chain, store, new ExplorerMetrics(), 3).catchUp();
      assertThat(store.nextBlock()).isEqualTo(10);
      assertThat(store.job(3).orElseThrow().status()).isEqualTo("CHALLENGED");
    }
    chain.setHead(chain.lastBlock());
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("two"), DEPLOYMENT)) {
      assertThat(store.nextBlock()).isEqualTo(10);
      new Indexer(chain, store, new ExplorerMetrics(), 3).catchUp();
      assertThat(snapshot(store)).isEqualTo(onePass);
    }
  }

  @Test
  void aBatchThatFailsMidwayStoresNothingAndTheRetryCompletesIt() {
    RecordedChain chain = Scenario.record();
    List<String> onePass;
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("one"), DEPLOYMENT)) {
      new Indexer(chain, store, new ExplorerMetrics(), 100).catchUp();
      onePass = snapshot(store);
    }
    // The last event of block 9 (the objective challenge) cannot be read the first time.
    String challengeTx = chain.events(9, 9).getLast().where().txHash();
    chain.failOnce(challengeTx);
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("two"), DEPLOYMENT)) {
      Indexer indexer = new Indexer(chain, store, new ExplorerMetrics(), 5);
      assertThatThrownBy(indexer::catchUp).isInstanceOf(ChainUnavailableException.class);
      assertThat(store.nextBlock()).isEqualTo(5);
      long before = store.eventCount();
      assertThat(store.jobs(Optional.empty(), Optional.empty(), 10, 0)).isEmpty();
      assertThat(before).isEqualTo(chain.events(0, 4).size());
      indexer.catchUp();
      assertThat(snapshot(store)).isEqualTo(onePass);
    }
  }

  @Test
  void reindexingFromABlockReadsTheChainFromThereAndEndsWhereOnePassEnds() {
    RecordedChain chain = Scenario.record();
    List<String> onePass;
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("one"), DEPLOYMENT)) {
      new Indexer(chain, store, new ExplorerMetrics(), 100).catchUp();
      onePass = snapshot(store);
      onePass.add("events=" + store.eventCount());
    }
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("two"), DEPLOYMENT)) {
      ReadsFrom reads = new ReadsFrom(chain);
      Indexer indexer = new Indexer(reads, store, new ExplorerMetrics(), 3);
      indexer.catchUp();
      for (long block = chain.lastBlock(); block >= 0; block--) {
        store.reindexFrom(block);
        assertThat(store.nextBlock()).isEqualTo(block);
        // What is kept is exactly the events before the block, and the projections are theirs.
        assertThat(store.eventCount())
            .as("events before block " + block)
            .isEqualTo(chain.events(0, block - 1).size());
        reads.lowest = Long.MAX_VALUE;
        indexer.catchUp();
        assertThat(reads.lowest)
            .as("the chain is read again from block " + block + " on")
            .isEqualTo(block);
        List<String> replayed = snapshot(store);
        replayed.add("events=" + store.eventCount());
        assertThat(replayed).as("index after re-indexing from block " + block).isEqualTo(onePass);
      }
      // Past the cursor nothing is skipped: the index stays as it is.
      store.reindexFrom(chain.lastBlock() + 50);
      assertThat(store.nextBlock()).isEqualTo(chain.lastBlock() + 1);
    }
    // Before the reader catches up again, the index is the history up to the block: from block 9
    // (the missed heartbeat, the
    // challenges) on, nothing is there yet, and what came before is.
    try (ExplorerStore store = ExplorerStore.open(dir.resolve("two"), DEPLOYMENT)) {
      store.reindexFrom(9);
      assertThat(store.job(2).orElseThrow().takeovers()).isZero();
      assertThat(store.job(3).orElseThrow().challenges()).isZero();
      assertThat(store.operator(OP2).orElseThrow().slashes()).isZero();
      assertThat(store.jobEvents(2, 100))
          .extracting(EventRow::kind)
          .contains("JobAssigned", "HeartbeatPosted")
          .doesNotContain("HeartbeatMissed");
    }
    assertThatThrownBy(() -> ExplorerStore.open(dir.resolve("two"), DEPLOYMENT).reindexFrom(-1))
        .isInstanceOf(InvalidInputException.class);
  }

  /** A chain source that remembers the lowest block it was asked for events from. */
  static final class ReadsFrom implements ChainSource {
    private final RecordedChain chain;
    long lowest = Long.MAX_VALUE;

    ReadsFrom(RecordedChain chain) {
      this.chain = chain;
    }

    @Override
    public long head() {
      return chain.head();
    }

    @Override
    public List<dev.trustdial.chain.SettlementEvent> events(long from, long to) {
      lowest = Math.min(lowest, from);
      return chain.events(from, to);
    }

    @Override
    public long blockTime(long block) {
      return chain.blockTime(block);
    }

    @Override
    public dev.trustdial.chain.TxFacts transaction(String txHash) {
      return chain.transaction(txHash);
    }

    @Override
    public List<dev.trustdial.chain.ObjectiveMatchEvent> matchEvents(
        java.math.BigInteger disputeId, long from, long to) {
      return chain.matchEvents(disputeId, from, to);
    }
  }

  @Test
  void anIndexOfAnotherDeploymentIsRefused() {
    ExplorerStore.open(dir, DEPLOYMENT).close();
    assertThatThrownBy(() -> ExplorerStore.open(dir, "1:0xOther"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use another --data directory");
  }

  @Test
  void metricsCountEventsByKindAndTheCursor() {
    RecordedChain chain = Scenario.record();
    ExplorerMetrics metrics = new ExplorerMetrics();
    try (ExplorerStore store = ExplorerStore.open(dir, DEPLOYMENT)) {
      new Indexer(chain, store, metrics, 100).catchUp();
    }
    String text = new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text)
        .contains("trustdial_explorer_events_indexed_total{kind=\"Slashed\"} 3.0")
        .contains("trustdial_explorer_next_block " + (chain.lastBlock() + 1) + ".0")
        .contains("trustdial_explorer_match_moves_indexed_total 6.0");
  }

  /** Everything the pages show, as text, to compare two indexes. */
  static List<String> snapshot(ExplorerStore store) {
    List<String> out = new ArrayList<>();
    out.add("next=" + store.nextBlock());
    for (JobRow j : store.jobs(Optional.empty(), Optional.empty(), 100, 0)) {
      out.add(j.toString());
      store.jobEvents(j.jobId(), 1000).forEach(e -> out.add(e.toString()));
      store.jobMoves(j.jobId(), 1000).forEach(m -> out.add(m.toString()));
      out.add(store.disputes(Optional.of(j.jobId()), 100).toString());
      out.add(store.jobBlobs(j.jobId()).toString());
    }
    store
        .operators(100)
        .forEach(o -> {
          out.add(o.toString());
          out.add(store.stakeHistory(o.address(), 100).toString());
        });
    out.add(store.apps(100).toString());
    return out;
  }
}
