package dev.trustdial.cli.ai;

import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.server.InferenceService;
import dev.trustdial.ai.server.OpenAiServer;
import dev.trustdial.ai.server.ServerLimits;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustdial ai serve}: runs the OpenAI-compatible server until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve /v1/models, /v1/completions, /v1/chat/completions (SSE too), /v1/verify,",
      "/v1/receipts/{id}, /health and /metrics. Every completion carries a receipt signed by the",
      "operator key (docs/spec/receipt.md)."
    })
public final class AiServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
  int port;

  @Option(
      names = "--key",
      paramLabel = "HEX",
      description =
          "Operator secp256k1 private key that signs receipts (default: $TRUSTDIAL_AI_KEY, else a new key).")
  Optional<String> key;

  @Option(
      names = "--max-concurrent",
      defaultValue = "16",
      description = "Generations at once; more get 429.")
  int maxConcurrent;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("--port must be 0..65535, got " + port);
    }
    if (maxConcurrent < 1 || maxConcurrent > 1024) {
      throw new InvalidInputException("--max-concurrent must be 1..1024, got " + maxConcurrent);
    }
    PrintWriter out = spec.commandLine().getOut();
    Optional<String> keyHex = key.or(() -> Optional.ofNullable(System.getenv("TRUSTDIAL_AI_KEY")));
    Secp256k1Key operator =
        keyHex.map(Secp256k1Key::fromPrivateKeyHex).orElseGet(Secp256k1Key::generate);
    if (keyHex.isEmpty()) {
      out.println(
          "no --key given: signing with a new operator key (receipts verify, but the key is lost on exit)");
    }
    ServerLimits limits = ServerLimits.defaults().withMaxConcurrent(maxConcurrent);
    EngineBackend backend = model.load();
    SecureRandom seeds = new SecureRandom();
    InferenceService service =
        new InferenceService(backend, operator, limits, Clock.systemUTC(), seeds::nextLong);
    OpenAiServer server = new OpenAiServer(service, limits, Clock.systemUTC()).start(host, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              server.close();
              backend.close();
              stopped.countDown();
            }));
    out.printf(
        "serving model '%s' (sha256 %s, %s kernels) on http://%s:%d/v1%n",
        backend.modelName(),
        backend.fileSha256(),
        backend.engine().kernelName(),
        host,
        server.port());
    out.printf(
        "operator %s; determinism profile %s%n", operator.address(), backend.determinismProfile());
    out.flush();
    stopped.await();
    return 0;
  }
}
