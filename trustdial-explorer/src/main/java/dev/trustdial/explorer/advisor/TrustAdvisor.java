package dev.trustdial.explorer.advisor;

import dev.trustdial.chain.TrustMode;
import dev.trustdial.explorer.store.AppRow;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.store.JobRow;
import dev.trustdial.explorer.store.OperatorRow;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trust advisor: per app, the costs its jobs measured on this chain and the guarantee its mode
 * gives; and, for a described workload, the modes that can serve it with the reasons of the design
 * (ARCHITECTURE.md's mode table) and the measured costs of comparable jobs.
 */
public final class TrustAdvisor {
  /** Jobs read per app or mode for the measures; more are summarised by their newest this many. */
  public static final int MAX_JOBS_MEASURED = 10_000;

  /**
   * The objective court reads a job's input from calldata: at most 64 KiB (objective.md,
   * InputOracle).
   */
  public static final long OBJECTIVE_MAX_INPUT = 64 * 1024;

  /**
   * A Groth16 prover costs up to ~10^5 x the computation; beyond ~10^6 guest steps the circuit (and
   * its ceremony) is impractical.
   */
  public static final long ZK_PRACTICAL_STEPS = 1_000_000;

  private final ExplorerStore store;
  private final boolean devnet;

  /** {@code devnet}: the chain is the project's devnet (simulated TEE, local ceremony). */
  public TrustAdvisor(ExplorerStore store, boolean devnet) {
    this.store = store;
    this.devnet = devnet;
  }

  public record AppReport(AppRow app, ModeMeasure measured, Guarantee guarantee) {}

  public List<AppReport> apps(int limit) {
    List<AppReport> out = new ArrayList<>();
    for (AppRow a : store.apps(limit)) {
      TrustMode mode = mode(a.mode());
      out.add(
          new AppReport(
              a,
              measure(
                  mode, store.jobs(Optional.empty(), Optional.of(a.appId()), MAX_JOBS_MEASURED, 0)),
              guarantee(mode)));
    }
    return out;
  }

  /** Measures of every mode over all apps' jobs. */
  public Optional<ModeMeasure> measure(TrustMode mode) {
    List<JobRow> jobs =
        store.jobs(Optional.empty(), Optional.empty(), MAX_JOBS_MEASURED, 0).stream()
            .filter(j -> j.mode().equals(mode.name()))
            .toList();
    return jobs.isEmpty() ? Optional.empty() : Optional.of(measure(mode, jobs));
  }

  static ModeMeasure measure(TrustMode mode, List<JobRow> jobs) {
    int n = jobs.size();
    BigInteger fees = jobs.stream().map(JobRow::fee).reduce(BigInteger.ZERO, BigInteger::add);
    long gas = jobs.stream().mapToLong(JobRow::gasTotal).sum();
    List<Long> latencies =
        jobs.stream().flatMap(j -> j.secondsToFinality().stream()).sorted().toList();
    List<Long> steps = jobs.stream().flatMap(j -> j.stepCount().stream()).toList();
    return new ModeMeasure(
        mode,
        n,
        latencies.size(),
        n == 0 ? BigInteger.ZERO : fees.divide(BigInteger.valueOf(n)),
        n == 0 ? 0 : gas / n,
        latencies.isEmpty() ? Optional.empty() : Optional.of(latencies.get(latencies.size() / 2)),
        steps.isEmpty()
            ? Optional.empty()
            : Optional.of(steps.stream().mapToLong(Long::longValue).sum() / steps.size()),
        jobs.stream().mapToInt(JobRow::challenges).sum(),
        jobs.stream().mapToInt(JobRow::takeovers).sum());
  }

  public Guarantee guarantee(TrustMode mode) {
    return switch (mode) {
      case TEE ->
          new Guarantee(
              "the TEE hardware vendor (its attestation keys) or the app's KMS policy: nothing onchain re-checks the result",
              "none by re-execution (the code may be non-deterministic); a watchtower checks the evidence and the attested transcript of data imports",
              devnet
                  ? "the TEE backend is SIMULATED on this devnet (a local key signs the evidence): it proves nothing about hardware"
                  : "none");
      case REEXEC_INTERSUBJECTIVE ->
          new Guarantee(
              "more than half of the verifier stake that votes in a dispute (with quorum), and every"
                  + " watchtower staying silent through the challenge window; "
                  + largestVerifierShare(),
              "anyone re-executes the program from its DA input and checkpoints, and challenges with a bond",
              devnet
                  ? "none of the mode's rules; the verifiers and watchtowers are the devnet's own few processes"
                  : "none");
      case REEXEC_OBJECTIVE ->
          new Guarantee(
              "nothing while one honest challenger is live: it wins the bisection game alone, down to one"
                  + " RV32IM step checked onchain",
              "anyone re-executes; a dispute costs a bisection (about log2(steps) moves) and one onchain step",
              devnet
                  ? "none: the step function, the input oracle and the clocks are the real contracts"
                  : "none");
      case ZK ->
          new Guarantee(
              "nothing but the circuit's soundness and its trusted setup",
              "no re-execution needed: the proof is checked"
                  + " onchain in the result's transaction",
              devnet
                  ? "the Groth16 ceremony is LOCAL and dev-only on this devnet (whoever ran it can"
                      + " forge proofs)"
                  : "the ceremony's honesty (one honest participant)");
      case OTHER ->
          new Guarantee(
              "whatever the mode's adapter checks (governance chose it)",
              "by the adapter's rules",
              "unknown");
    };
  }

  private String largestVerifierShare() {
    BigInteger total = BigInteger.ZERO;
    BigInteger largest = BigInteger.ZERO;
    for (OperatorRow o : store.operators(10_000)) {
      if (o.roles().contains("VERIFIER") && !o.exited()) {
        total = total.add(o.activeStake());
        largest = largest.max(o.activeStake());
      }
    }
    if (total.signum() == 0) {
      return "no verifier stake is registered";
    }
    double share = largest.doubleValue() / total.doubleValue();
    return String.format(
        java.util.Locale.ROOT,
        "the largest verifier holds %.1f%% of the verifier stake",
        100 * share);
  }

  /**
   * The modes that can serve {@code w}, with reasons, best fits first (then the others with why
   * not).
   */
  public List<ModeFit> recommend(Workload w) {
    List<ModeFit> fits = new ArrayList<>();
    List<ModeFit> not = new ArrayList<>();
    for (TrustMode m :
        List.of(
            TrustMode.ZK,
            TrustMode.REEXEC_OBJECTIVE,
            TrustMode.REEXEC_INTERSUBJECTIVE,
            TrustMode.TEE)) {
      List<String> why = new ArrayList<>();
      boolean ok = true;
      switch (m) {
        case TEE ->
            why.add(
                "runs anything: non-deterministic code, time-varying web data, private inputs and keys; you trust the"
                    + " hardware vendor"
                    + (devnet ? " (simulated on this devnet)" : ""));
        case REEXEC_INTERSUBJECTIVE, REEXEC_OBJECTIVE -> {
          if (!w.deterministic()) {
            ok = false;
            why.add(
                "needs a deterministic program: a re-executor must reach the same result bit for bit");
          }
          if (w.timeVaryingData()) {
            ok = false;
            why.add(
                "time-varying imports cannot be re-executed later: TEE is the only mode for them");
          }
          if (w.privateInputs()) {
            ok = false;
            why.add(
                "re-execution needs the inputs public on DA"
                    + (m == TrustMode.REEXEC_OBJECTIVE ? " and onchain" : ""));
          }
          if (m == TrustMode.REEXEC_OBJECTIVE && w.inputBytes() > OBJECTIVE_MAX_INPUT) {
            ok = false;
            why.add(
                "the objective court reads the input from calldata: at most "
                    + OBJECTIVE_MAX_INPUT
                    + " bytes, this one has "
                    + w.inputBytes());
          }
          if (ok) {
            why.add(
                m == TrustMode.REEXEC_OBJECTIVE
                    ? "one honest challenger suffices; disputes cost a bisection of about "
                        + (64 - Long.numberOfLeadingZeros(w.steps()))
                        + " levels and one onchain step"
                    : "cheap and general for deterministic programs; safety rests on an honest majority of verifier stake");
          }
        }
        case ZK -> {
          if (w.timeVaryingData()) {
            ok = false;
            why.add(
                "a proof covers a computation, not where its web data came from: TEE is the only mode for time-varying imports");
          }
          if (!w.deterministic()) {
            ok = false;
            why.add("a circuit proves one deterministic computation");
          }
          if (w.steps() > ZK_PRACTICAL_STEPS) {
            ok = false;
            why.add(
                "the prover costs up to ~10^5 x the computation: "
                    + w.steps()
                    + " steps is beyond the ~"
                    + ZK_PRACTICAL_STEPS
                    + " steps a circuit handles in practice");
          }
          if (ok) {
            why.add(
                "final in the result's transaction, no challenge window"
                    + (w.privateInputs() ? "; inputs can stay a private witness" : "")
                    + "; you write the circuit");
          }
        }
        case OTHER -> throw new IllegalStateException("not advised");
      }
      ModeFit f = new ModeFit(m, ok, why, measure(m));
      (ok ? fits : not).add(f);
    }
    fits.addAll(not);
    return fits;
  }

  private static TrustMode mode(String name) {
    try {
      return TrustMode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return TrustMode.OTHER;
    }
  }
}
