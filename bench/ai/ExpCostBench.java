// What the determinism rules cost end to end on the ~100M benchmark model, measured where the
// deterministic and the relaxed engine differ. On an AVX-512 VNNI CPU and a model whose matrix
// dims are multiples of 16, both engines run the same matmul kernels (MatmulBench: canonical =
// relaxed); what differs is the exp of SwiGLU and softmax (StrictMath's fdlibm vs a float
// polynomial) and, when logprobs are asked for, the ordered log-softmax sum. End-to-end runs of the
// two engines swing by ±30 % from one JVM launch to the next on this host, far more than the
// difference, so this times both exps in one JVM, alternating, with the engine's call shapes:
//   decode, per token: SwiGLU over the ffn width in every layer, softmax over positions 1..P per
//   head and layer (a 64-token generation); prefill of 128 tokens: SwiGLU over 128 x ffn per layer,
//   softmax over 1..128 positions per token, head and layer.
// Prints microseconds per token (decode) and per prefill; divide by the measured step times.
// Needs bench/ai's build of the native library (the product library has no relaxed kernels):
//   -Dtrustdial.ai.nativeLib=$(bash bench/ai/build-native.sh)
//   args: [LAYERS=12] [HEADS=12] [FFN=2048] [VOCAB=16384] [GEN=64] [PROMPT=128]
import dev.trustdial.ai.kernel.NativeKernels;
import java.util.Random;

public class ExpCostBench {
  public static void main(String[] args) {
    int layers = arg(args, 0, 12);
    int heads = arg(args, 1, 12);
    int ffn = arg(args, 2, 2048);
    int vocab = arg(args, 3, 16384);
    int gen = arg(args, 4, 64);
    int prompt = arg(args, 5, 128);
    NativeKernels canonical = NativeKernels.load(NativeKernels.bestVariant().orElseThrow()).orElseThrow();
    NativeKernels relaxed = NativeKernels.load(NativeKernels.Variant.RELAXED_BASELINE).orElseThrow(
        () -> new IllegalStateException("no relaxed kernels: run with -Dtrustdial.ai.nativeLib=$(bash bench/ai/build-native.sh)"));
    checkRelaxedApproximatesExp(relaxed);
    Random rnd = new Random(1);
    float[] gate = new float[prompt * ffn];
    for (int i = 0; i < gate.length; i++) {
      gate[i] = (float) (rnd.nextGaussian() * 2);
    }
    float[] scores = new float[prompt + gen];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) -Math.abs(rnd.nextGaussian() * 4);
    }
    float[] logits = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (rnd.nextGaussian() * 3);
    }
    float[] out = new float[Math.max(gate.length, vocab)];
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE,
        Double.MAX_VALUE};
    for (int rep = 0; rep < 60; rep++) {
      for (int which = 0; which < 2; which++) {
        NativeKernels k = which == 0 ? canonical : relaxed;
        long t0 = System.nanoTime();
        for (int t = 0; t < gen; t++) { // decode: one token at position 1 + t
          for (int l = 0; l < layers; l++) {
            k.exp(gate, 0, -1f, out, 0, ffn);
            for (int h = 0; h < heads; h++) {
              k.exp(scores, 0, 1f, out, 0, t + 2);
            }
          }
        }
        long t1 = System.nanoTime();
        for (int l = 0; l < layers; l++) { // prefill of `prompt` tokens
          k.exp(gate, 0, -1f, out, 0, prompt * ffn);
          for (int t = 0; t < prompt; t++) {
            for (int h = 0; h < heads; h++) {
              k.exp(scores, 0, 1f, out, 0, t + 1);
            }
          }
        }
        long t2 = System.nanoTime();
        double sink = 0;
        for (int t = 0; t < gen; t++) {
          sink += k.expSum(logits, 0, 3.0, vocab);
        }
        long t3 = System.nanoTime();
        if (sink == 42) {
          System.out.println();
        }
        if (rep >= 10) {
          best[which * 3] = Math.min(best[which * 3], (t1 - t0) / 1e3 / gen);
          best[which * 3 + 1] = Math.min(best[which * 3 + 1], (t2 - t1) / 1e3);
          best[which * 3 + 2] = Math.min(best[which * 3 + 2], (t3 - t2) / 1e3 / gen);
        }
      }
    }
    System.out.printf("exp per decoded token: canonical %.1f us, relaxed %.1f us, difference %.1f us%n", best[0], best[3],
        best[0] - best[3]);
    System.out.printf("exp per %d-token prefill: canonical %.0f us, relaxed %.0f us, difference %.0f us%n", prompt, best[1],
        best[4], best[1] - best[4]);
    System.out.printf("log-softmax sum per token (only when logprobs are asked for): canonical %.1f us, relaxed %.1f us%n",
        best[2], best[5]);
  }

  private static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }

  /** The relaxed exp is an approximation, not another function: within 4e-7 relative of StrictMath.exp. */
  private static void checkRelaxedApproximatesExp(NativeKernels relaxed) {
    Random rnd = new Random(9);
    float[] in = new float[4099];
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) (rnd.nextDouble() * 160 - 80);
    }
    float[] out = new float[in.length];
    relaxed.exp(in, 0, 1f, out, 0, in.length);
    double sum = 0;
    for (int i = 0; i < in.length; i++) {
      double exact = StrictMath.exp(in[i]);
      if (Math.abs(out[i] - exact) > 4e-7 * exact) {
        throw new IllegalStateException("relaxed exp(" + in[i] + ") = " + out[i] + ", StrictMath gives " + exact);
      }
      sum += StrictMath.exp(in[i] - 80.0);
    }
    double relaxedSum = relaxed.expSum(in, 0, 80.0, in.length);
    if (Math.abs(relaxedSum - sum) > 1e-6 * sum) {
      throw new IllegalStateException("relaxed exp sum " + relaxedSum + " differs from " + sum);
    }
  }
}
