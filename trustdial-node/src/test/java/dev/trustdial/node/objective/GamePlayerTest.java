package dev.trustdial.node.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.node.job.TinyElf;
import dev.trustdial.node.objective.GamePlayer.Behaviour;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * GamePlayers against each other on the in-memory court: every divergence point, every tree shape,
 * clocks.
 */
class GamePlayerTest {
  static final VmConfig CFG = VmConfig.defaults();
  static final Address O = Address.parse("0x00000000000000000000000000000000000000a1");
  static final Address C = Address.parse("0x00000000000000000000000000000000000000c1");

  /** {@code n} increments of x5, then exit 0: halts at step n + 2. */
  static byte[] counter(int n) {
    int[] code = new int[n + 2];
    Arrays.fill(code, 0, n, TinyElf.addi(5, 5, 1));
    code[n] = TinyElf.addi(17, 0, 93);
    code[n + 1] = TinyElf.ECALL;
    return TinyElf.build(code);
  }

  record Outcome(Verdict verdict, long step, int moves) {}

  static Outcome play(
      TraceRun op,
      TraceRun ch,
      Behaviour opBehaviour,
      Behaviour chBehaviour,
      SimulatedCourt court) {
    StrideTrace to = op.strideTrace();
    StrideTrace tc = ch.strideTrace();
    TraceShape shape = op.shape();
    BigInteger id =
        court.open(
            O, C, to.root(), tc.root(), shape.height(), shape.strideLog2(), to.prestate().hash());
    GamePlayer po = new GamePlayer(court.board(O), id, to, opBehaviour);
    GamePlayer pc = new GamePlayer(court.board(C), id, tc, chBehaviour);
    int moves = 0;
    for (int round = 0; round < 200; round++) {
      int before = moves;
      for (GamePlayer p : new GamePlayer[] {po, pc}) {
        switch (p.poll()) {
          case GamePlayer.Moved mv -> moves++;
          case GamePlayer.Refused r -> throw new AssertionError(r.toString());
          case GamePlayer.Finished f -> {}
          case GamePlayer.Waiting w -> {}
        }
      }
      if (moves == before) {
        break; // quiet: over, or waiting for a clock
      }
    }
    ObjectiveMatch m = court.board(O).match(id);
    return new Outcome(m.verdict(), m.done() ? m.stepNumber() : -1, moves);
  }

  static void everyDivergence(byte[] elf, TraceShape shape) {
    TraceRun honest = TraceRun.honest(elf, new byte[0], CFG, shape);
    int bound = shape.height() + shape.strideLog2() + 4;
    for (long n = 1; n <= shape.span(); n++) {
      TraceRun liar = honest.lying(new TraceLie(n));
      Outcome a = play(liar, honest, Behaviour.PLAY, Behaviour.PLAY, new SimulatedCourt(600, 300));
      assertThat(a)
          .as("liar operator from %d (%s)", n, shape)
          .isEqualTo(new Outcome(Verdict.OPERATOR_REFUTED, n - 1, a.moves()));
      assertThat(a.moves()).isLessThanOrEqualTo(bound);
      Outcome b = play(honest, liar, Behaviour.PLAY, Behaviour.PLAY, new SimulatedCourt(600, 300));
      assertThat(b)
          .as("liar challenger from %d (%s)", n, shape)
          .isEqualTo(new Outcome(Verdict.OPERATOR_WINS, n - 1, b.moves()));
      assertThat(b.moves()).isLessThanOrEqualTo(bound);
    }
  }

  @Test
  void honestWinsAtEveryDivergence_strideAndStepLevels() {
    everyDivergence(
        counter(40), new TraceShape(50, 2)); // halts at 42; H = 4, S = 4: padding after the halt
  }

  @Test
  void honestWinsAtEveryDivergence_strideOneAndSingleLeaf() {
    everyDivergence(counter(5), new TraceShape(12, 0)); // s = 0: no step level
    everyDivergence(counter(3), new TraceShape(8, 3)); // H = 0: no stride descent
  }

  @Test
  void silentSides_loseOnTheirClocks() {
    TraceShape shape = new TraceShape(50, 2);
    TraceRun honest = TraceRun.honest(counter(40), new byte[0], CFG, shape);
    TraceRun liar = honest.lying(new TraceLie(30));

    SimulatedCourt court = new SimulatedCourt(600, 300);
    Outcome waiting = play(honest, liar, Behaviour.PLAY, Behaviour.SILENT, court);
    assertThat(waiting.verdict()).isEqualTo(Verdict.NONE);
    assertThat(waiting.moves()).isZero();
    court.now += 601;
    assertThat(
            new GamePlayer(court.board(O), BigInteger.ONE, honest.strideTrace(), Behaviour.PLAY)
                .poll())
        .isInstanceOfSatisfying(
            GamePlayer.Moved.class,
            m -> assertThat(m.kind()).isEqualTo(GamePlayer.MoveKind.TIMEOUT));
    assertThat(court.board(O).match(BigInteger.ONE).verdict()).isEqualTo(Verdict.OPERATOR_WINS);

    SimulatedCourt court2 = new SimulatedCourt(600, 300);
    Outcome started = play(liar, honest, Behaviour.SILENT, Behaviour.PLAY, court2);
    assertThat(started.moves()).isEqualTo(1);
    court2.now += 601;
    assertThat(
            new GamePlayer(court2.board(C), BigInteger.ONE, honest.strideTrace(), Behaviour.PLAY)
                .poll())
        .isInstanceOf(GamePlayer.Moved.class);
    assertThat(court2.board(O).match(BigInteger.ONE).verdict()).isEqualTo(Verdict.OPERATOR_REFUTED);
  }

  @Test
  void aPlayerWhoseTraceIsNotItsCommitmentStops() {
    TraceShape shape = new TraceShape(50, 2);
    TraceRun honest = TraceRun.honest(counter(40), new byte[0], CFG, shape);
    SimulatedCourt court = new SimulatedCourt(600, 300);
    StrideTrace committed = honest.lying(new TraceLie(10)).strideTrace();
    BigInteger id =
        court.open(
            O, C, honest.strideTrace().root(), committed.root(), 4, 2, committed.prestate().hash());
    GamePlayer wrong =
        new GamePlayer(
            court.board(C), id, honest.lying(new TraceLie(20)).strideTrace(), Behaviour.PLAY);
    assertThatThrownBy(wrong::poll)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trace root");
    GamePlayer stranger =
        new GamePlayer(
            court.board(Address.parse("0x00000000000000000000000000000000000000ee")),
            id,
            committed,
            Behaviour.PLAY);
    assertThatThrownBy(stranger::poll)
        .hasMessageContaining("neither the operator nor the challenger");
  }
}
