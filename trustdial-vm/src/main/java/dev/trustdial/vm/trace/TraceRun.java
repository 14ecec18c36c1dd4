package dev.trustdial.vm.trace;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.state.VmState;
import java.util.Optional;

/**
 * One side's claim about a job's run (docs/spec/objective.md §2): the program, the job input, the
 * app parameters (VmConfig's ramEnd and outputLimit; its checkpoint stride is replaced by the
 * trace's), the trace shape and, on the devnet only, a {@link TraceLie}. Every tree and state a
 * player needs is built from it: {@link #strideTrace()} once (it keeps {@link BoundarySnapshots}),
 * then {@link StrideTrace#stepTrace} and {@link StrideTrace#stateAt} on demand from the nearest
 * snapshot. This record's own {@link #stepTrace} and {@link #stateAt} re-run the guest from step 0
 * (O(t) steps for a state at time t): the reference path the snapshot path is tested against.
 */
public record TraceRun(
    byte[] elf, VmInput input, VmConfig config, TraceShape shape, Optional<TraceLie> lie) {
  public TraceRun {
    elf = elf.clone();
    config = config.withCheckpointEvery(shape.stride());
  }

  /** An honest run of an input committed as a chunk tree (vm.md §4.1: calldata inputs). */
  public static TraceRun honest(byte[] elf, byte[] input, VmConfig config, TraceShape shape) {
    return honest(elf, VmInput.of(input), config, shape);
  }

  /** An honest run of an input in the given commitment form (vm.md §4.1.1: blob inputs). */
  public static TraceRun honest(byte[] elf, VmInput input, VmConfig config, TraceShape shape) {
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

  /** The claimed T(t) given the true one. */
  public VmState claimed(long t, VmState truth) {
    return lie.map(l -> l.apply(t, truth)).orElse(truth);
  }

  /** The machine at step 0 with the trace's stride as its checkpoint stride. */
  Machine load() {
    return Vm.load(elf, input, config);
  }

  /**
   * The true machine at time t: stepped t times, or terminal earlier (a terminal state steps to
   * itself).
   */
  Machine machineAt(long t) {
    if (t < 0 || t > shape.span()) {
      throw new InvalidInputException("time " + t + " is outside the trace's 0.." + shape.span());
    }
    Machine m = load();
    m.runTo(t, CheckpointSink.NONE);
    return m;
  }

  /**
   * The stride tree, keeping boundary snapshots up to {@link BoundarySnapshots#DEFAULT_BYTE_CAP}
   * bytes and {@link BoundarySnapshots#DEFAULT_MAX_KEPT} of them.
   */
  public StrideTrace strideTrace() {
    return strideTrace(BoundarySnapshots.DEFAULT_BYTE_CAP);
  }

  /**
   * The stride tree, keeping boundary snapshots up to {@code snapshotByteCap} bytes (0: none, every
   * lookup from step 0).
   */
  public StrideTrace strideTrace(long snapshotByteCap) {
    return strideTrace(snapshotByteCap, BoundarySnapshots.DEFAULT_MAX_KEPT);
  }

  /**
   * The stride tree, keeping at most {@code maxKept} boundary snapshots of at most {@code
   * snapshotByteCap} bytes in all.
   */
  public StrideTrace strideTrace(long snapshotByteCap, int maxKept) {
    return StrideTrace.build(this, new BoundarySnapshots(this, snapshotByteCap, maxKept));
  }

  /** The step tree of stride i, re-running the guest from step 0 (the reference path). */
  public StepTrace stepTrace(long strideIndex) {
    return StepTrace.build(this, strideIndex, this::machineAt);
  }

  /** The claimed T(t) and its step proof, re-running the guest from step 0 (the reference path). */
  public StateAt stateAt(long t) {
    return StateAt.of(this, t, this::machineAt);
  }
}
