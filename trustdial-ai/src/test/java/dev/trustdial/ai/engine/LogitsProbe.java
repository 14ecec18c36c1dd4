package dev.trustdial.ai.engine;

import java.nio.file.Path;

/**
 * Child-JVM entry of {@link DeterminismMatrixIT}: prints one line per model with the logits hash of
 * a fixed prompt and of a short seeded sampled continuation. Args: threads chunk native model...
 */
public final class LogitsProbe {
  static final int[] PROMPT = {1, 274, 287, 269, 301, 211, 111, 17};

  private LogitsProbe() {}

  public static void main(String[] args) {
    EngineOptions options =
        new EngineOptions(
            Integer.parseInt(args[0]), 4, Integer.parseInt(args[1]), Boolean.parseBoolean(args[2]));
    for (int i = 3; i < args.length; i++) {
      try (Engine e = Engine.load(Path.of(args[i]), options)) {
        float[] logits = e.logits(PROMPT);
        GenerationResult r =
            e.generate(
                new GenerationRequest(
                    PROMPT,
                    new SamplingParams(0.8, 20, 0.9, 0.01, 1.1, 0.1, 0.1, 77),
                    6,
                    java.util.Set.of(),
                    2),
                TokenSink.discard());
        float[] after = new float[r.logprobs().size()];
        for (int k = 0; k < after.length; k++) {
          after[k] = (float) r.logprobs().get(k).logprob();
        }
        System.out.println(
            "probe "
                + Path.of(args[i]).getFileName()
                + " "
                + LogitsHash.of(logits)
                + " "
                + java.util.Arrays.toString(r.tokens())
                + " "
                + LogitsHash.of(after)
                + " kernels="
                + e.kernelName());
      }
    }
  }
}
