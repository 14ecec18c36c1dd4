package dev.trustdial.node.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.ObjectiveMatch.Phase;
import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.objective.GamePlayer.Behaviour;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MatchKeeper} on the in-memory court: a match goes on while another match's trace is built
 * on the worker; a keeper created from the journal of a dropped one re-attaches and wins; a rebuild
 * with another root is refused and retried; a match that ended while we were away is dropped.
 */
class MatchKeeperTest {
  static final VmConfig CFG = VmConfig.defaults();
  static final Address O = GamePlayerTest.O;
  static final Address C = GamePlayerTest.C;
  static final TraceShape SHAPE = new TraceShape(50, 2); // H = 4, S = 4
  static final TraceRun HONEST =
      TraceRun.honest(GamePlayerTest.counter(40), new byte[0], CFG, SHAPE); // halts at 42

  final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  MatchKeeper keeper(SimulatedCourt court, Address self, Path dir, MatchKeeper.TraceSource source) {
    return new MatchKeeper(
        court.board(self),
        MatchJournal.open(dir),
        new TraceBuilds<>(worker, 4),
        source,
        Behaviour.PLAY,
        InstantSource.system());
  }

  /** One poll of every attached player and of the other players; returns the moves made. */
  static int round(MatchKeeper keeper, GamePlayer... others) {
    int moves = 0;
    for (MatchKeeper.Attached a : keeper.attached()) {
      GamePlayer.Poll p = a.player().poll();
      if (p instanceof GamePlayer.Finished) {
        keeper.finished(a.record().disputeId());
      }
      moves += p instanceof GamePlayer.Moved ? 1 : 0;
      assertThat(p).isNotInstanceOf(GamePlayer.Refused.class);
    }
    for (GamePlayer g : others) {
      GamePlayer.Poll p = g.poll();
      moves += p instanceof GamePlayer.Moved ? 1 : 0;
      assertThat(p).isNotInstanceOf(GamePlayer.Refused.class);
    }
    return moves;
  }

  /** Collects until a resumption arrives (the worker finished), at most 20 s. */
  static List<MatchKeeper.Resumption> awaitResumption(MatchKeeper keeper)
      throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      List<MatchKeeper.Resumption> r = keeper.collect();
      if (!r.isEmpty()) {
        return r;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no rebuild finished in 20 s");
  }

  @Test
  void aMatchGoesOnWhileAnotherMatchsTraceIsBuilt(@TempDir Path dir) throws Exception {
    SimulatedCourt court = new SimulatedCourt(600, 300);
    StrideTrace honest = HONEST.strideTrace();
    StrideTrace liar = HONEST.lying(new TraceLie(22)).strideTrace();
    BigInteger idA = court.open(O, C, liar.root(), honest.root(), 4, 2, honest.prestate().hash());
    BigInteger idB = court.open(O, C, liar.root(), honest.root(), 4, 2, honest.prestate().hash());
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MatchKeeper watcher =
        keeper(
            court,
            C,
            dir,
            r -> {
              building.countDown();
              try {
                release.await(); // a long build: it ends only when the test says so
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return HONEST.strideTrace();
            });
    watcher.attachLater(new MatchRecord(idA, BigInteger.ONE, 0, Side.CHALLENGER, honest.root(), 0));
    assertThat(building.await(10, TimeUnit.SECONDS))
        .as("the build of A runs on the worker")
        .isTrue();
    watcher.attach(
        new MatchRecord(idB, BigInteger.TWO, 0, Side.CHALLENGER, honest.root(), 0), honest);
    GamePlayer opA = new GamePlayer(court.board(O), idA, liar, Behaviour.PLAY);
    GamePlayer opB = new GamePlayer(court.board(O), idB, liar, Behaviour.PLAY);

    int movesB = 0;
    for (int i = 0; i < 100 && !court.board(O).match(idB).done(); i++) {
      assertThat(watcher.collect()).isEmpty();
      movesB += round(watcher, opA, opB);
    }
    assertThat(court.board(O).match(idB).verdict())
        .as("B played to its end while A's trace was being built")
        .isEqualTo(Verdict.OPERATOR_REFUTED);
    assertThat(court.board(O).match(idB).stepNumber()).isEqualTo(21);
    assertThat(movesB).isGreaterThan(4);
    assertThat(court.board(O).match(idA).phase())
        .as("A waits for our start")
        .isEqualTo(Phase.START);
    assertThat(watcher.rebuilding()).isEqualTo(1);
    round(watcher); // our player reads B's end: its record goes
    assertThat(MatchJournal.open(dir).records())
        .extracting(MatchRecord::disputeId)
        .containsExactly(idA);

    release.countDown();
    assertThat(awaitResumption(watcher)).singleElement().isInstanceOf(MatchKeeper.Resumed.class);
    for (int i = 0; i < 100 && !court.board(O).match(idA).done(); i++) {
      round(watcher, opA);
    }
    assertThat(court.board(O).match(idA).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
    round(watcher);
    assertThat(MatchJournal.open(dir).records()).isEmpty();
  }

  @Test
  void aKeeperFromTheJournalOfADroppedOneReattachesAndWins(@TempDir Path dir) throws Exception {
    for (Side honestSide : Side.values()) {
      SimulatedCourt court = new SimulatedCourt(600, 300);
      StrideTrace honest = HONEST.strideTrace();
      StrideTrace liar = HONEST.lying(new TraceLie(30)).strideTrace();
      boolean honestOperator = honestSide == Side.OPERATOR;
      BigInteger id =
          court.open(
              O,
              C,
              (honestOperator ? honest : liar).root(),
              (honestOperator ? liar : honest).root(),
              4,
              2,
              honest.prestate().hash());
      Address me = honestOperator ? O : C;
      Path journal = Files.createDirectories(dir.resolve(honestSide.name()));
      AtomicInteger rebuilds = new AtomicInteger();
      MatchKeeper.TraceSource fromJob =
          r -> {
            rebuilds.incrementAndGet();
            return HONEST.strideTrace(); // the job's program and input, no lie (r.lieAtStep() == 0)
          };
      MatchKeeper first = keeper(court, me, journal, fromJob);
      first.attach(new MatchRecord(id, BigInteger.ONE, 0, honestSide, honest.root(), 0), honest);
      GamePlayer other =
          new GamePlayer(court.board(honestOperator ? C : O), id, liar, Behaviour.PLAY);
      for (int i = 0; i < 3; i++) {
        round(first, other); // a few moves each, then the node dies
      }
      assertThat(court.board(me).match(id).done()).isFalse();

      MatchKeeper second = keeper(court, me, journal, fromJob);
      assertThat(second.attached()).isEmpty();
      assertThat(second.resumeAll()).isEqualTo(1);
      assertThat(awaitResumption(second))
          .singleElement()
          .isInstanceOfSatisfying(
              MatchKeeper.Resumed.class, r -> assertThat(r.record().side()).isEqualTo(honestSide));
      assertThat(rebuilds).hasValue(1);
      for (int i = 0; i < 100 && !court.board(me).match(id).done(); i++) {
        round(second, other);
      }
      assertThat(court.board(me).match(id).verdict())
          .as("honest %s after a restart", honestSide)
          .isEqualTo(honestOperator ? Verdict.OPERATOR_WINS : Verdict.OPERATOR_REFUTED);
      assertThat(court.board(me).match(id).stepNumber()).isEqualTo(29);
      round(second);
      assertThat(MatchJournal.open(journal).records()).isEmpty();
    }
  }

  @Test
  void aRebuildWithAnotherRootIsRefusedAndRetried_anEndedMatchIsDropped(@TempDir Path dir)
      throws Exception {
    SimulatedCourt court = new SimulatedCourt(600, 300);
    StrideTrace honest = HONEST.strideTrace();
    StrideTrace liar = HONEST.lying(new TraceLie(30)).strideTrace();
    BigInteger id = court.open(O, C, liar.root(), honest.root(), 4, 2, honest.prestate().hash());
    MatchJournal.open(dir)
        .put(new MatchRecord(id, BigInteger.ONE, 0, Side.CHALLENGER, honest.root(), 0));
    List<String> built = new ArrayList<>();
    MatchKeeper k =
        keeper(
            court,
            C,
            dir,
            r -> {
              built.add("rebuild");
              return HONEST
                  .lying(new TraceLie(7))
                  .strideTrace(); // not what we committed (the job changed under us, a bug)
            });
    assertThat(k.resumeAll()).isEqualTo(1);
    assertThat(awaitResumption(k))
        .singleElement()
        .isInstanceOfSatisfying(
            MatchKeeper.ResumeFailed.class,
            f ->
                assertThat(f.error())
                    .hasMessageContaining("not the " + honest.root() + " we committed"));
    assertThat(k.attached()).isEmpty();
    assertThat(k.has(id)).as("the record stays for the retry").isTrue();

    court.now += 601; // we never started: our clock ran out, the operator times us out
    new GamePlayer(court.board(O), id, liar, Behaviour.PLAY).poll();
    assertThat(court.board(O).match(id).verdict()).isEqualTo(Verdict.OPERATOR_WINS);
    MatchKeeper after =
        keeper(
            court,
            C,
            dir,
            r -> {
              throw new AssertionError("a match that is over needs no trace");
            });
    after.resumeAll();
    assertThat(awaitResumption(after)).singleElement().isInstanceOf(MatchKeeper.Over.class);
    assertThat(MatchJournal.open(dir).records()).isEmpty();
  }

  @Test
  void moreRebuildsThanTheWorkerHolds_waitTheirTurn(@TempDir Path dir) throws Exception {
    SimulatedCourt court = new SimulatedCourt(600, 300);
    StrideTrace honest = HONEST.strideTrace();
    StrideTrace liar = HONEST.lying(new TraceLie(30)).strideTrace();
    MatchJournal journal = MatchJournal.open(dir);
    for (int i = 0; i < 3; i++) {
      BigInteger id = court.open(O, C, liar.root(), honest.root(), 4, 2, honest.prestate().hash());
      journal.put(new MatchRecord(id, BigInteger.valueOf(i), 0, Side.CHALLENGER, honest.root(), 0));
    }
    MatchKeeper k =
        new MatchKeeper(
            court.board(C),
            MatchJournal.open(dir),
            new TraceBuilds<>(worker, 1),
            r -> HONEST.strideTrace(),
            Behaviour.PLAY,
            InstantSource.system());
    assertThat(k.resumeAll()).as("one is built, two wait for the worker").isEqualTo(3);
    List<MatchKeeper.Resumption> all = new ArrayList<>();
    for (int i = 0; i < 2000 && all.size() < 3; i++) {
      all.addAll(k.collect());
      Thread.sleep(10);
    }
    assertThat(all).hasSize(3).allMatch(r -> r instanceof MatchKeeper.Resumed);
    assertThat(k.attached()).hasSize(3);
  }

  @Test
  void journal_roundTripsAndRefusesADamagedFile(@TempDir Path dir) throws Exception {
    MatchJournal j = MatchJournal.open(dir);
    MatchRecord a =
        new MatchRecord(
            BigInteger.valueOf(7),
            BigInteger.valueOf(3),
            2,
            Side.OPERATOR,
            Bytes32.fromHex("0x" + "ab".repeat(32)),
            4000);
    j.put(a);
    j.put(
        new MatchRecord(
            BigInteger.valueOf(9), BigInteger.valueOf(4), 0, Side.CHALLENGER, Bytes32.ZERO, 0));
    j.remove(BigInteger.valueOf(9));
    assertThat(MatchJournal.open(dir).records()).containsExactly(a);
    Files.writeString(dir.resolve(MatchJournal.FILE), "{\"matches\": [{\"disputeId\": \"7\"");
    assertThatThrownBy(() -> MatchJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("matches.json is damaged: it is not valid JSON");
    Files.writeString(
        dir.resolve(MatchJournal.FILE),
        "{\"matches\": [{\"disputeId\": \"7\", \"jobId\": \"3\", \"attempt\": 2, "
            + "\"side\": \"REFEREE\", \"traceRoot\": \"0x00\", \"lieAtStep\": 0}]}");
    assertThatThrownBy(() -> MatchJournal.open(dir)).hasMessageContaining("is malformed");
    assertThatThrownBy(() ->
            new MatchRecord(BigInteger.ONE, BigInteger.ONE, -1, Side.OPERATOR, Bytes32.ZERO, 0))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void traceBuilds_areBoundedAndReportFailures() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TraceBuilds<String> builds = new TraceBuilds<>(worker, 2);
    builds.submit(
        "a",
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          throw new InvalidInputException("no such job");
        });
    builds.submit("b", HONEST::strideTrace);
    builds.submit(
        "b",
        () -> {
          throw new AssertionError("a second build of the same key is not queued");
        });
    assertThatThrownBy(() -> builds.submit("c", HONEST::strideTrace))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 trace builds are pending already");
    assertThat(builds.collect()).isEmpty();
    release.countDown();
    List<TraceBuilds.Done<String>> done = new ArrayList<>();
    for (int i = 0; i < 2000 && done.size() < 2; i++) {
      done.addAll(builds.collect());
      Thread.sleep(10);
    }
    assertThat(done).extracting(TraceBuilds.Done::key).containsExactly("a", "b");
    assertThat(done.get(0).error())
        .hasValueSatisfying(e -> assertThat(e).hasMessage("no such job"));
    assertThat(done.get(1).trace())
        .hasValueSatisfying(t -> assertThat(t.root()).isEqualTo(HONEST.strideTrace().root()));
    assertThat(builds.size()).isZero();
  }

  /**
   * objective.md §5.1: a challenger whose own run does not halt within maxSteps commits to its
   * running trace (stepCount = maxSteps) and refutes an operator who claims a halt: the step
   * decides.
   */
  @Test
  void aChallengerWhoseRunDoesNotHalt_refutesAClaimedHalt() {
    TraceShape shape =
        new TraceShape(30, 2); // N * S = 32; counter(40) halts at 42: no halt within maxSteps
    TraceRun truth = TraceRun.honest(GamePlayerTest.counter(40), new byte[0], CFG, shape);
    StrideTrace running = truth.strideTrace();
    assertThat(running.halted()).isFalse();
    ResultCommitment c = GamePlayer.challengeCommitmentOf(running);
    assertThat(c.stepCount()).isEqualTo(30);
    assertThat(c.checkpointRoot()).isEqualTo(running.root());
    assertThat(c.finalStateHash()).isEqualTo(running.lastState().hash()).isEqualTo(running.leaf(7));
    assertThat(running.lastState().terminal()).isFalse();
    // the operator's claim: a halt at step 12 (the trace of a shorter program, from the same
    // prestate onchain)
    StrideTrace claimedHalt =
        TraceRun.honest(GamePlayerTest.counter(10), new byte[0], CFG, shape).strideTrace();
    assertThat(claimedHalt.halted()).isTrue();
    assertThat(GamePlayer.challengeCommitmentOf(claimedHalt))
        .isEqualTo(GamePlayer.commitmentOf(claimedHalt));
    SimulatedCourt court = new SimulatedCourt(600, 300);
    BigInteger id =
        court.open(
            O,
            C,
            claimedHalt.root(),
            running.root(),
            shape.height(),
            shape.strideLog2(),
            running.prestate().hash());
    GamePlayer op = new GamePlayer(court.board(O), id, claimedHalt, Behaviour.PLAY);
    GamePlayer ch = new GamePlayer(court.board(C), id, running, Behaviour.PLAY);
    for (int i = 0; i < 100 && !court.board(O).match(id).done(); i++) {
      try {
        op.poll();
      } catch (IllegalStateException e) {
        // at the bottom the liar cannot prove: its T(0) is not the court's prestate
        assertThat(e).hasMessageContaining("predecessor T(0)");
      }
      ch.poll();
    }
    assertThat(court.board(O).match(id).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
  }
}
