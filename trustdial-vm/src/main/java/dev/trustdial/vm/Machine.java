package dev.trustdial.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.merkle.MerkleTree;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.checkpoint.Snapshot;
import dev.trustdial.vm.cpu.GuestIo;
import dev.trustdial.vm.cpu.Hart;
import dev.trustdial.vm.elf.ElfImage;
import dev.trustdial.vm.elf.ElfLoader;
import dev.trustdial.vm.memory.Memory;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One guest program with its input, at some step. Created by {@link Vm#load} or
 * {@link Vm#restore}; not thread-safe.
 */
public final class Machine {
  private final Hart hart;
  private final long stride;
  private final List<Checkpoint> history = new ArrayList<>();

  private Machine(Hart hart, long stride) {
    this.hart = hart;
    this.stride = stride;
  }

  private static Hart newHart(byte[] input, VmConfig config) {
    if (input.length > config.maxInputBytes()) {
      throw new InvalidInputException("input is " + input.length + " bytes, above the " + config.maxInputBytes() + "-byte limit");
    }
    int maxPages = (int) Math.min(Integer.MAX_VALUE, config.maxMemoryBytes() / Memory.PAGE_SIZE);
    Memory mem = new Memory(maxPages, page -> {
      throw new InvalidInputException("guest memory limit of " + (config.maxMemoryBytes() >> 20) + " MiB reached");
    });
    return new Hart(mem, new GuestIo(input, config.maxOutputBytes()));
  }

  static Machine load(byte[] elf, byte[] input, VmConfig config) {
    ElfImage image = ElfLoader.parse(elf, config.maxMemoryBytes());
    Hart hart = newHart(input, config);
    ElfLoader.load(image, hart.mem);
    hart.pc = image.entry();
    Machine m = new Machine(hart, config.checkpointEvery());
    m.history.add(new Checkpoint(0, m.stateHash()));
    return m;
  }

  static Machine restore(byte[] snapshotBytes, byte[] input, VmConfig config) {
    Snapshot snap = Snapshot.decode(snapshotBytes);
    VmState s = snap.state();
    Hart hart = newHart(input, config);
    if (!hart.io.inputDigest().equals(s.inputDigest()) || hart.io.inputLength() != s.inputLength()) {
      throw new InvalidInputException("snapshot was taken with a different input (digest " + s.inputDigest() + ")");
    }
    if ((long) snap.pages().size() * Memory.PAGE_SIZE > config.maxMemoryBytes()) {
      throw new InvalidInputException("snapshot holds " + snap.pages().size() + " pages, above the guest memory limit");
    }
    for (Snapshot.Page p : snap.pages()) {
      hart.mem.writePage(p.index(), p.bytes(), 0);
    }
    Bytes32 acc = hart.io.restore(s.inputCursor(), snap.outputChunks());
    if (!acc.equals(s.outputAcc()) || hart.io.outputLength() != s.outputLength()) {
      throw new InvalidInputException("snapshot output does not match its state's output accumulator");
    }
    if (!hart.mem.root().equals(s.memRoot())) {
      throw new InvalidInputException("snapshot pages do not hash to its state's memory root");
    }
    System.arraycopy(s.regs(), 0, hart.x, 0, 32);
    hart.pc = s.pc();
    hart.step = s.step();
    hart.exited = s.exited();
    hart.exitCode = s.exitCode();
    Machine m = new Machine(hart, snap.stride());
    m.history.addAll(snap.history());
    if (m.history.isEmpty() || m.history.getFirst().step() != 0) {
      throw new InvalidInputException("snapshot checkpoint history must start at step 0");
    }
    assert m.state().equals(s) : "restored state differs from the snapshot's";
    return m;
  }

  public void setLogSink(Consumer<byte[]> sink) {
    hart.io.setLogSink(sink);
  }

  public long step() {
    return hart.step;
  }

  public boolean exited() {
    return hart.exited;
  }

  public long checkpointStride() {
    return stride;
  }

  public byte[] output() {
    return hart.io.output();
  }

  public VmState state() {
    return new VmState(hart.pc, hart.x, hart.mem.root(), hart.io.inputDigest(), hart.io.inputLength(), hart.io.inputCursor(),
        hart.io.outputAcc(), hart.io.outputLength(), hart.step, hart.exited, hart.exitCode);
  }

  public Bytes32 stateHash() {
    return state().hash();
  }

  public List<Checkpoint> checkpoints() {
    return List.copyOf(history);
  }

  /**
   * Runs to the absolute step {@code targetStep} or the guest's exit, whichever is first, recording
   * a checkpoint at every stride multiple (and at the exit) and handing each to the sink.
   */
  public void runTo(long targetStep, CheckpointSink sink) {
    while (!hart.exited && hart.step < targetStep) {
      long nextBoundary = (hart.step / stride + 1) * stride;
      long before = hart.step;
      hart.run(Math.min(targetStep, nextBoundary));
      assert hart.step > before : "step counter must advance";
      if (hart.exited || hart.step == nextBoundary) {
        Checkpoint cp = new Checkpoint(hart.step, stateHash());
        history.add(cp);
        sink.accept(cp, this);
      }
    }
  }

  /**
   * Runs until the guest exits; throws StepLimitExceededException if it has not by maxSteps, which
   * counts from step 0 of the job (a resumed machine keeps the job's limit, not a fresh one).
   */
  public RunResult run(long maxSteps, CheckpointSink sink) {
    runTo(maxSteps, sink);
    if (!hart.exited) {
      throw new StepLimitExceededException(maxSteps, stateHash().toHex());
    }
    return result();
  }

  /** The result of an exited machine. */
  public RunResult result() {
    if (!hart.exited) {
      throw new IllegalStateException("guest has not exited");
    }
    List<Bytes32> hashes = history.stream().map(Checkpoint::stateHash).toList();
    return new RunResult(hart.io.output(), stateHash(), hart.step, hart.exitCode, MerkleTree.root(hashes), history);
  }

  public byte[] snapshot() {
    List<Snapshot.Page> pages = new ArrayList<>();
    for (Memory.Page p : hart.mem.nonZeroPages()) {
      byte[] b = new byte[Memory.PAGE_SIZE];
      Memory.pageBytes(p, b, 0);
      pages.add(new Snapshot.Page(Memory.pageIndex(p), b));
    }
    return new Snapshot(state(), stride, history, hart.io.outputChunks(), pages).encode();
  }

  /** Builds the witness of the next step and executes it (proof mode). */
  public Witness witnessNextStep() {
    if (hart.exited) {
      throw new InvalidInputException("the guest exited at step " + hart.step + "; there is no next step to witness");
    }
    return WitnessBuilder.build(hart, this::state);
  }
}
