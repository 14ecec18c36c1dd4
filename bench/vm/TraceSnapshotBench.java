import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the boundary snapshots of a stride trace cost and save (docs/spec/objective.md §7): the build
 * with and without snapshots, the snapshots kept, and the step tree and proof state of the last stride
 * from the nearest snapshot versus from step 0. Args: guest ELF, input file, maxSteps, strideLog2.
 */
public final class TraceSnapshotBench {
  public static void main(String[] args) throws Exception {
    byte[] elf = Files.readAllBytes(Path.of(args[0]));
    byte[] input = Files.readAllBytes(Path.of(args[1]));
    TraceShape shape = new TraceShape(Long.parseLong(args[2]), Integer.parseInt(args[3]));
    TraceRun run = TraceRun.honest(elf, input, VmConfig.defaults(), shape);
    run.strideTrace(0); // warm-up
    long t0 = System.nanoTime();
    StrideTrace plain = run.strideTrace(0);
    long plainMs = ms(t0);
    t0 = System.nanoTime();
    StrideTrace snap = run.strideTrace();
    long snapMs = ms(t0);
    if (!plain.root().equals(snap.root())) {
      throw new IllegalStateException("roots differ");
    }
    long last = shape.leafCount() - 1;
    long halt = snap.haltStep().orElse(shape.span());
    long lastRunning = Math.max(0, Math.min(last, (halt - 1) / shape.stride())); // the last stride the guest still runs in
    long t = lastRunning * shape.stride() + shape.stride() / 2;
    snap.stepTrace(lastRunning - 1); // warm-up of the per-step path (one step at a time, a state hash each)
    run.stepTrace(lastRunning - 1);
    t0 = System.nanoTime();
    var b = run.stepTrace(lastRunning);
    long stepZeroMs = ms(t0);
    t0 = System.nanoTime();
    var a = snap.stepTrace(lastRunning);
    long stepSnapMs = ms(t0);
    snap.stateAt(t - 1);
    run.stateAt(t - 1);
    t0 = System.nanoTime();
    var sb = run.stateAt(t);
    long stateZeroMs = ms(t0);
    t0 = System.nanoTime();
    var sa = snap.stateAt(t);
    long stateSnapMs = ms(t0);
    if (!a.root().equals(b.root()) || !sa.state().equals(sb.state())) {
      throw new IllegalStateException("the snapshot path differs from the from-zero path");
    }
    var s = snap.snapshots();
    System.out.printf("shape: maxSteps %,d, S = 2^%d, H = %d; guest halts at %s%n", shape.maxSteps(), shape.strideLog2(), shape.height(),
        snap.haltStep().isPresent() ? String.format("%,d", snap.haltStep().getAsLong()) : "(not within N * S)");
    System.out.printf("stride trace build: %,d ms without snapshots, %,d ms keeping them (%d taken, %d kept, %,d bytes, spacing %d, "
        + "max replay %,d steps)%n", plainMs, snapMs, s.taken(), s.count(), s.bytes(), s.spacing(), s.maxReplaySteps());
    System.out.printf("step tree of stride %d: %,d ms from the nearest snapshot, %,d ms from step 0%n", lastRunning, stepSnapMs, stepZeroMs);
    System.out.printf("proof state T(%,d): %,d ms from the nearest snapshot, %,d ms from step 0%n", t, stateSnapMs, stateZeroMs);
  }

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
