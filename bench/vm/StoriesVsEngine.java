import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The cost of running stories260K inference on the deterministic RV32IM VM (soft-float C forward
 * pass, guest stories260k) versus trustdial-ai's Java engine (one thread, Java kernels), same
 * greedy tokens. Usage: StoriesVsEngine GUEST_DIR MODEL.bin POSITIONS
 */
public final class StoriesVsEngine {
  public static void main(String[] args) throws Exception {
    byte[] elf = Files.readAllBytes(Path.of(args[0], "stories260k.elf"));
    Path model = Path.of(args[1]);
    int n = Integer.parseInt(args[2]);
    ByteBuffer hdr = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putInt(1).putInt(1);
    byte[] m = Files.readAllBytes(model);
    byte[] input = new byte[12 + m.length];
    System.arraycopy(hdr.array(), 0, input, 0, 12);
    System.arraycopy(m, 0, input, 12, m.length);

    int[] engineTokens = null;
    double engineS = Double.MAX_VALUE;
    try (Engine e = Engine.load(model, EngineOptions.defaults().withThreads(1).withNativeKernels(false))) {
      for (int rep = 0; rep < 5; rep++) {
        long t0 = System.nanoTime();
        GenerationResult r = e.generate(new GenerationRequest(new int[] {1}, SamplingParams.greedy(), n, Set.of(), 0), TokenSink.discard());
        engineS = Math.min(engineS, (System.nanoTime() - t0) / 1e9);
        engineTokens = r.tokens();
      }
    }
    long t0 = System.nanoTime();
    RunResult r = Vm.load(elf, input, VmConfig.defaults()).run(Long.MAX_VALUE / 2, CheckpointSink.NONE);
    double vmS = (System.nanoTime() - t0) / 1e9;
    ByteBuffer out = ByteBuffer.wrap(r.output().toArray()).order(ByteOrder.LITTLE_ENDIAN);
    int[] vmTokens = new int[r.output().length() / 4];
    for (int i = 0; i < vmTokens.length; i++) {
      vmTokens[i] = out.getInt();
    }
    System.out.printf("stories260K %d positions: vm_s=%.2f (%d steps, %.1f MIPS, %.2f tok/s) engine_s=%.4f (%.0f tok/s) vm/engine=%.0fx same_tokens=%s%n",
        n, vmS, r.steps(), r.steps() / vmS / 1e6, vmTokens.length / vmS, engineS, engineTokens.length / engineS, vmS / engineS,
        Arrays.equals(Arrays.copyOf(vmTokens, Math.min(vmTokens.length, engineTokens.length)),
            Arrays.copyOf(engineTokens, Math.min(vmTokens.length, engineTokens.length))));
  }
}
