package dev.trustdial.cli.ai;

import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.model.BundledModel;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which model to load and how; shared by serve and verify. */
final class ModelOptions {
  @Option(
      names = "--model",
      paramLabel = "FILE",
      description = "GGUF or llama2.c model file (default: the bundled stories260K.gguf).")
  Optional<Path> model;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "llama2.c tokenizer file for a .bin model (default: tok512.bin or tokenizer.bin next to it).")
  Optional<Path> tokenizer;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Engine threads (default: all cores).")
  Optional<Integer> threads;

  EngineBackend load() {
    EngineOptions options = EngineOptions.defaults();
    if (threads.isPresent()) {
      options = options.withThreads(threads.get());
    }
    return EngineBackend.load(model.orElseGet(BundledModel::defaultModel), tokenizer, options);
  }
}
