package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointCapture;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.checkpoint.Snapshot;
import dev.trustdial.vm.cpu.GuestIo;
import dev.trustdial.vm.cpu.Hart;
import dev.trustdial.vm.elf.ElfImage;
import dev.trustdial.vm.elf.ElfLoader;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.jit.Jit;
import dev.trustdial.vm.jit.JitStats;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One guest program with its input, at some step. Created by {@link Vm#load} or {@link Vm#restore};
 * not thread-safe.
 */
public final class Machine {
  private final Hart hart;
  private final long stride;
  private final List<Checkpoint> history = new ArrayList<>();

  /**
   * Translates hot guest code when the config asks for it; null runs everything on the interpreter.
   */
  private final Jit jit;

  /** Whether a capture was taken since load or restore (a delta capture needs one before it). */
  private boolean captured;

  /** History entries and output bytes at the last capture: a delta holds what came after. */
  private int capturedHistory;

  private int capturedOutput;

  private Machine(Hart hart, long stride, boolean jit) {
    this.hart = hart;
    this.stride = stride;
    this.jit = jit ? new Jit(hart) : null;
  }

  private static Hart newHart(VmInput input, VmConfig config, long ramEnd, long outputLimit) {
    if (input.length() > config.maxInputBytes()) {
      throw new InvalidInputException(
          "input is "
              + input.length()
              + " bytes, above the "
              + config.maxInputBytes()
              + "-byte limit");
    }
    config.checkHostHolds(ramEnd);
    return new Hart(new Memory(), new GuestIo(input, (int) outputLimit), (int) ramEnd);
  }

  static Machine load(byte[] elf, VmInput input, VmConfig config) {
    config.checkHostHolds(
        config.ramEnd()); // before parsing: a window this host cannot hold is refused first
    ElfImage image = ElfLoader.parse(elf, config.ramEnd());
    Hart hart = newHart(input, config, config.ramEnd(), config.outputLimit());
    ElfLoader.load(image, hart.mem);
    hart.pc = image.entry();
    Machine m = new Machine(hart, config.checkpointEvery(), config.jit());
    m.history.add(new Checkpoint(0, m.stateHash()));
    return m;
  }

  /**
   * The state's app parameters (ramEnd, outputLimit) come from the snapshot, not from the config:
   * they are part of the state the caller trusts.
   */
  static Machine restore(byte[] snapshotBytes, VmInput input, VmConfig config) {
    return restore(Snapshot.decode(snapshotBytes), input, config);
  }

  static Machine restore(Snapshot snap, VmInput input, VmConfig config) {
    VmState s = snap.state();
    if (Integer.toUnsignedLong(s.outputLimit()) > VmConfig.MAX_OUTPUT_LIMIT) {
      throw new InvalidInputException(
          "snapshot state has output limit "
              + Integer.toUnsignedString(s.outputLimit())
              + ", above the "
              + VmConfig.MAX_OUTPUT_LIMIT
              + " bytes this host holds");
    }
    Hart hart =
        newHart(
            input,
            config,
            Integer.toUnsignedLong(s.ramEnd()),
            Integer.toUnsignedLong(s.outputLimit()));
    if (!hart.io.inputRoot().equals(s.inputRoot()) || hart.io.inputLength() != s.inputLength()) {
      throw new InvalidInputException(
          "snapshot was taken with a different input (input root " + s.inputRoot() + ")");
    }
    for (Snapshot.Page p : snap.pages()) {
      hart.mem.writePage(p.index(), p.bytes(), 0);
    }
    hart.io.restore(s.inputCursor(), snap.output().toArray());
    if (!hart.io.outputAcc().equals(s.outputAcc())
        || !hart.io.outputBuf().equals(s.outputBuf())
        || hart.io.outputLength() != s.outputLength()) {
      throw new InvalidInputException(
          "snapshot output does not match its state's output commitment");
    }
    if (!hart.mem.root().equals(s.memRoot())) {
      throw new InvalidInputException("snapshot pages do not hash to its state's memory root");
    }
    System.arraycopy(s.regs(), 0, hart.x, 0, 32);
    hart.pc = s.pc();
    hart.step = s.step();
    hart.status = s.status();
    hart.exitCode = s.exitCode();
    Machine m = new Machine(hart, snap.stride(), config.jit());
    m.history.addAll(snap.history());
    if (m.history.isEmpty() || m.history.getFirst().step() != 0) {
      throw new InvalidInputException("snapshot checkpoint history must start at step 0");
    }
    if (!m.state().equals(s)) {
      throw new IllegalStateException("restored state differs from the snapshot's");
    }
    return m;
  }

  public void setLogSink(Consumer<byte[]> sink) {
    hart.io.setLogSink(sink);
  }

  public long step() {
    return hart.step;
  }

  public boolean exited() {
    return hart.status == VmState.EXITED;
  }

  public boolean faulted() {
    return hart.status == VmState.FAULTED;
  }

  /** Exited or faulted: the state steps to itself from now on. */
  public boolean terminal() {
    return hart.status != VmState.RUNNING;
  }

  public long checkpointStride() {
    return stride;
  }

  public byte[] output() {
    return hart.io.output();
  }

  public VmState state() {
    return new VmState(
        hart.pc,
        hart.x,
        hart.mem.root(),
        hart.io.inputRoot(),
        hart.io.inputLength(),
        hart.io.inputCursor(),
        hart.io.outputAcc(),
        hart.io.outputBuf(),
        hart.io.outputLength(),
        hart.io.outputLimit(),
        hart.ramEnd,
        hart.step,
        hart.status,
        hart.exitCode);
  }

  public Bytes32 stateHash() {
    return state().hash();
  }

  /** What the JIT has done in this machine; empty when the config turned it off. */
  public java.util.Optional<JitStats> jitStats() {
    return jit == null ? java.util.Optional.empty() : java.util.Optional.of(jit.stats());
  }

  public List<Checkpoint> checkpoints() {
    return List.copyOf(history);
  }

  /**
   * Runs to the absolute step {@code targetStep} or a terminal state (exit or fault), whichever is
   * first, recording a checkpoint at every stride multiple (and at the terminal state) and handing
   * each to the sink. A fault does not throw here: the machine is then in the faulted state.
   */
  public void runTo(long targetStep, CheckpointSink sink) {
    while (hart.status == VmState.RUNNING && hart.step < targetStep) {
      long nextBoundary = (hart.step / stride + 1) * stride;
      long before = hart.step;
      long limit = Math.min(targetStep, nextBoundary);
      if (jit != null) {
        jit.run(limit); // the interpreter's states, step for step
      } else {
        hart.run(limit);
      }
      assert hart.step > before : "step counter must advance";
      if (hart.status != VmState.RUNNING || hart.step == nextBoundary) {
        Checkpoint cp = new Checkpoint(hart.step, stateHash());
        history.add(cp);
        sink.accept(cp, this);
      }
    }
  }

  /**
   * Runs until the guest exits. Throws {@link GuestFault} if it faults (the machine is then in the
   * faulted terminal state, its checkpoint recorded) and StepLimitExceededException if it is still
   * running at maxSteps, which counts from step 0 of the job (a resumed machine keeps the job's
   * limit, not a fresh one).
   */
  public RunResult run(long maxSteps, CheckpointSink sink) {
    runTo(maxSteps, sink);
    if (hart.status == VmState.FAULTED) {
      throw fault();
    }
    if (hart.status != VmState.EXITED) {
      throw new StepLimitExceededException(maxSteps, stateHash().toHex());
    }
    return result();
  }

  /** Why a faulted machine faulted (for a restored faulted state, rebuilt from the state alone). */
  public GuestFault fault() {
    if (hart.status != VmState.FAULTED) {
      throw new IllegalStateException("the machine has not faulted");
    }
    if (hart.fault == null) {
      FaultClass c = FaultClass.of(hart.exitCode);
      hart.fault = new GuestFault(hart.step - 1, hart.pc, c, c.text());
    }
    return hart.fault;
  }

  /** The result of an exited machine. */
  public RunResult result() {
    if (hart.status != VmState.EXITED) {
      throw new IllegalStateException("guest has not exited");
    }
    List<Bytes32> hashes = history.stream().map(Checkpoint::stateHash).toList();
    return new RunResult(
        Bytes.of(hart.io.output()),
        stateHash(),
        hart.step,
        hart.exitCode,
        MerkleTree.root(hashes),
        history);
  }

  public byte[] snapshot() {
    return snapshot(history);
  }

  /**
   * A snapshot whose checkpoint history is step 0's alone: its size is the guest memory's, not the
   * run's length. For stores that never read the history (a trace's boundary snapshots); a machine
   * restored from it records checkpoints from its own step on.
   */
  public byte[] snapshotWithoutHistory() {
    return snapshot(List.of(history.getFirst()));
  }

  private byte[] snapshot(List<Checkpoint> kept) {
    List<Snapshot.Page> pages = new ArrayList<>();
    for (Memory.Page p : hart.mem.nonZeroPages()) {
      byte[] b = new byte[Memory.PAGE_SIZE];
      Memory.pageBytes(p, b, 0);
      pages.add(new Snapshot.Page(Memory.pageIndex(p), b));
    }
    return new Snapshot(state(), stride, kept, Bytes.of(hart.io.output()), pages).encode();
  }

  /**
   * Copies what a checkpoint link needs out of the machine (docs/spec/vm.md §8.1) so that it can be
   * encoded and stored on another thread while the machine runs on. A delta capture holds the pages
   * written, the checkpoints recorded and the output written since this machine's previous capture;
   * a full one (asked for, or the first since load or restore) holds everything. Either starts the
   * next delta's interval.
   */
  public CheckpointCapture capture(boolean full) {
    boolean asFull = full || !captured;
    VmState st = state(); // flushes the memory tree first
    List<Memory.Page> written = hart.mem.takeWrittenPages();
    List<Snapshot.Page> pages = new ArrayList<>();
    for (Memory.Page p : asFull ? hart.mem.nonZeroPages() : written) {
      byte[] b = new byte[Memory.PAGE_SIZE];
      Memory.pageBytes(p, b, 0);
      pages.add(new Snapshot.Page(Memory.pageIndex(p), b));
    }
    int outFrom = asFull ? 0 : capturedOutput;
    CheckpointCapture c =
        new CheckpointCapture(
            asFull,
            st,
            stride,
            history.subList(asFull ? 0 : capturedHistory, history.size()),
            outFrom,
            hart.io.outputFrom(outFrom),
            pages);
    captured = true;
    capturedHistory = history.size();
    capturedOutput = hart.io.outputLength();
    return c;
  }

  /**
   * Builds the witness of the next step and executes it (proof mode). The step function is total: a
   * running state steps (perhaps into a fault), a terminal one steps to itself.
   */
  public Witness witnessNextStep() {
    boolean wasTerminal = terminal();
    Witness w = WitnessBuilder.build(hart, this::state);
    if (!wasTerminal && (terminal() || hart.step % stride == 0)) {
      history.add(
          new Checkpoint(hart.step, w.postStateHash())); // the same checkpoints as runTo records
    }
    return w;
  }
}
