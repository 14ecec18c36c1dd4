package dev.trustdial.tee.testing;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.runtime.AgentClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An app for runtime tests, run by the runtime as a child process: gets its keys, fetches PRICE_URL
 * through the agent, signs an answer, asks for evidence, seals a counter; also probes the agent's
 * limits. Writes answer.json, restored.txt and probes.txt to TRUSTDIAL_APP_OUT.
 */
public final class AgentTestApp {
  private AgentTestApp() {}

  public static void main(String[] args) throws Exception {
    AgentClient agent = AgentClient.fromEnvironment();
    Path out = Path.of(System.getenv("TRUSTDIAL_APP_OUT"));
    BigInteger appId = new BigInteger(System.getenv("TRUSTDIAL_APP_ID"));
    AgentClient.Keys keys = agent.keys();
    Secp256k1Key wallet = keys.wallet();
    List<String> probes = new ArrayList<>();
    for (String bad :
        List.of("http://127.0.0.1/x", System.getenv("PRICE_URL").replace("/price", "/big"))) {
      try {
        agent.fetch(bad);
        probes.add("accepted " + bad);
      } catch (AgentClient.AgentException e) {
        probes.add(e.status() + " " + e.getMessage());
      }
    }
    AgentClient.Fetched f = agent.fetch(System.getenv("PRICE_URL"));
    String answer =
        "price "
            + new String(f.body(), StandardCharsets.UTF_8)
            + " secret="
            + new String(
                keys.secrets().getOrDefault("API_KEY", new byte[0]), StandardCharsets.UTF_8);
    AgentClient.Evidence ev = agent.evidence(SignedAnswer.appData(answer, wallet.address()));
    SignedAnswer bundle =
        new SignedAnswer(
            appId,
            answer,
            wallet.address(),
            wallet.signEip191(SignedAnswer.digest(answer)),
            ev.envelope(),
            agent.transcript(),
            List.of(f.body()));
    Files.writeString(out.resolve("answer.json"), bundle.toJson());
    Optional<byte[]> restored = agent.restoredState();
    int count =
        restored
            .map(b ->
                Integer.parseInt(
                    new String(b, StandardCharsets.UTF_8).substring("count=".length())))
            .orElse(0);
    restored.ifPresent(
        b -> write(out.resolve("restored.txt"), new String(b, StandardCharsets.UTF_8)));
    agent.putState(("count=" + (count + 1)).getBytes(StandardCharsets.UTF_8));
    Files.write(out.resolve("probes.txt"), probes);
  }

  private static void write(Path p, String s) {
    try {
      Files.writeString(p, s);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
