package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.state.VmState;
import java.util.Optional;

/**
 * One side's claim about a job's run (docs/spec/objective.md §2): the program, the job input, the
 * app parameters (VmConfig's ramEnd and outputLimit; its checkpoint stride is replaced by the
 * trace's), the trace shape and, on the devnet only, a {@link TraceLie}. Every tree and state a
 * player needs is built from it: {@link #strideTrace()} once, {@link #stepTrace} and
 * {@link #stateAt} on demand, each by re-running the guest from step 0 (cost: O(t) steps for a
 * state at time t; a snapshot store would make that O(S)).
 */
public record TraceRun(byte[] elf, byte[] input, VmConfig config, TraceShape shape, Optional<TraceLie> lie) {
  public TraceRun {
    elf = elf.clone();
    input = input.clone();
    config = config.withCheckpointEvery(shape.stride());
  }

  public static TraceRun honest(byte[] elf, byte[] input, VmConfig config, TraceShape shape) {
    return new TraceRun(elf, input, config, shape, Optional.empty());
  }

  /** The same run, claiming {@code lie} (devnet only). */
  public TraceRun lying(TraceLie l) {
    return new TraceRun(elf, input, config, shape, Optional.of(l));
  }

  @Override
  public byte[] elf() {
    return elf.clone();
  }

  @Override
  public byte[] input() {
    return input.clone();
  }

  /** The claimed T(t) given the true one. */
  public VmState claimed(long t, VmState truth) {
    return lie.map(l -> l.apply(t, truth)).orElse(truth);
  }

  /** The machine at step 0 with the trace's stride as its checkpoint stride. */
  Machine load() {
    return Vm.load(elf, input, config);
  }

  /** The true machine at time t: stepped t times, or terminal earlier (a terminal state steps to itself). */
  Machine machineAt(long t) {
    if (t < 0 || t > shape.span()) {
      throw new InvalidInputException("time " + t + " is outside the trace's 0.." + shape.span());
    }
    Machine m = load();
    m.runTo(t, CheckpointSink.NONE);
    return m;
  }

  public StrideTrace strideTrace() {
    return StrideTrace.build(this);
  }

  public StepTrace stepTrace(long strideIndex) {
    return StepTrace.build(this, strideIndex);
  }

  public StateAt stateAt(long t) {
    return StateAt.of(this, t);
  }
}
