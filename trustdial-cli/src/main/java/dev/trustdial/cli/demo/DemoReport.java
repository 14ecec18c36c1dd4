package dev.trustdial.cli.demo;

import java.util.List;
import java.util.Map;

/** What the demo did, for {@code --json} and for the tests that check it. */
public record DemoReport(
    String rpcUrl,
    String program,
    List<JobLine> jobs,
    List<SlashLine> slashes,
    List<StakeLine> stakes,
    Map<String, GasLine> gas,
    Map<String, Double> timings,
    Objective objective,
    int daCertificates,
    double seconds) {

  /**
   * One job: who got it first, who finished it, what it computed and whether that equals an
   * uninterrupted run.
   */
  public record JobLine(
      String jobId,
      String story,
      String status,
      String assignedFirst,
      String finishedBy,
      long steps,
      String outputHash,
      String checkpointRoot,
      boolean matchesUninterruptedRun,
      String paidTo,
      String fee,
      double seconds) {}

  /**
   * A slash: how it split between the operator's own stake and its delegators', who was paid and
   * what was burned.
   */
  public record SlashLine(
      String operator,
      String reason,
      String amount,
      String fromOperator,
      String fromDelegators,
      String paidTo,
      String reward,
      String burned) {}

  /**
   * An operator's (or the watchtower's) own and delegated active stake before and after the demo,
   * and what it re-staked.
   */
  public record StakeLine(
      String name,
      String address,
      String ownBefore,
      String delegatedBefore,
      String deposited,
      String ownAfter,
      String delegatedAfter) {}

  /**
   * Job 6's match (REEXEC_OBJECTIVE): the liar, the court's verdict and the step it proved ({@code
   * stepNumber} t: the disputed transition T(t) -> T(t + 1)), the moves the demo narrated from the
   * court's events, the slash, who completed the job instead, whether the chain records the liar as
   * having failed it, and the ObjectiveCourt transactions of the demo with their gas (both sides).
   */
  public record Objective(
      String liar,
      String match,
      String verdict,
      long stepNumber,
      long lieAtStep,
      int moves,
      String slashed,
      String finishedBy,
      boolean liarFailed,
      int courtMoves,
      long courtMoveGas) {

    Objective withGas(int moves, long gas) {
      return new Objective(
          liar,
          match,
          verdict,
          stepNumber,
          lieAtStep,
          this.moves,
          slashed,
          finishedBy,
          liarFailed,
          moves,
          gas);
    }
  }

  /** Gas of every transaction of one function (Contract.function) over the demo's blocks. */
  public record GasLine(int calls, long avgGas, long maxGas) {}
}
