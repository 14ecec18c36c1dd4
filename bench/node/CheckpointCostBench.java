import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Steps/s an operator loses to checkpointing, VM side: the sha256chain guest run plain (state
 * hash at each stride only) and with a snapshot encoded at every checkpoint, per stride. The DA
 * put of each snapshot is measured by bench/da; the chain heartbeat by the node ITs' gas figures.
 */
public class CheckpointCostBench {
  public static void main(String[] args) throws Exception {
    byte[] elf = Files.readAllBytes(Path.of("trustdial-node/src/test/resources/sha256chain.elf"));
    int iterations = Integer.getInteger("iterations", 2000);
    byte[] input = {(byte) iterations, (byte) (iterations >> 8), 0, 0, 'b'};
    for (long stride : new long[] {1 << 16, 1 << 18, 1 << 20}) {
      run(elf, input, stride, false); // warm-up
      run(elf, input, stride, true);
      // Best of three: the machine is shared, and the best run is the least disturbed one.
      double plain = 0;
      double snap = 0;
      for (int i = 0; i < 3; i++) {
        plain = Math.max(plain, run(elf, input, stride, false));
        snap = Math.max(snap, run(elf, input, stride, true));
      }
      System.out.printf("stride 2^%d: %.2f Msteps/s plain, %.2f Msteps/s with a snapshot per checkpoint (%.1f%% lost)%n",
          Long.numberOfTrailingZeros(stride), plain / 1e6, snap / 1e6, 100 * (1 - snap / plain));
    }
  }

  private static double run(byte[] elf, byte[] input, long stride, boolean snapshots) {
    Machine m = Vm.load(elf, input, VmConfig.defaults().withCheckpointEvery(stride));
    long[] bytes = {0};
    CheckpointSink sink = snapshots ? (cp, machine) -> bytes[0] += machine.snapshot().length : CheckpointSink.NONE;
    long t = System.nanoTime();
    long steps = m.run(1L << 40, sink).steps();
    return steps * 1e9 / (System.nanoTime() - t);
  }
}
