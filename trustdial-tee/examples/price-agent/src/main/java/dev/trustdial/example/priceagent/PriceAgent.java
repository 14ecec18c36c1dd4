package dev.trustdial.example.priceagent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.runtime.AgentClient;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An agent app for TEE mode: fetches a time-varying price {@code FETCHES} times from
 * {@code PRICE_URL} through its attestation agent (so every fetch lands in the attested
 * transcript), answers with the mean, signs the answer with its app wallet (released by the KMS),
 * and writes answer.json (the signed answer bundle), evidence.bin and transcript.bin to
 * TRUSTDIAL_APP_OUT. Its state (how many prices it has seen, across launches) is sealed with its
 * app key, so a restart or a successor operator carries on from it.
 */
public final class PriceAgent {
  static final int MAX_FETCHES = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PriceAgent() {}

  public static void main(String[] args) throws Exception {
    AgentClient agent = AgentClient.fromEnvironment();
    BigInteger appId = new BigInteger(System.getenv("TRUSTDIAL_APP_ID"));
    Path out = Path.of(System.getenv("TRUSTDIAL_APP_OUT"));
    String url = System.getenv("PRICE_URL");
    int fetches = Integer.parseInt(Optional.ofNullable(System.getenv("FETCHES")).orElse("2"));
    if (url == null || fetches < 1 || fetches > MAX_FETCHES) {
      System.err.println("PRICE_URL must be set and FETCHES within 1.." + MAX_FETCHES);
      System.exit(2);
    }
    AgentClient.Keys keys = agent.keys();
    Secp256k1Key wallet = keys.wallet();
    long seenBefore = agent.restoredState()
        .map(b -> Long.parseLong(new String(b, StandardCharsets.UTF_8).split(";")[0].substring("seen=".length())))
        .orElse(0L);

    List<byte[]> bodies = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    String symbol = "";
    for (int i = 0; i < fetches; i++) {
      AgentClient.Fetched f = agent.fetch(url);
      if (f.status() != 200) {
        System.err.println("GET " + url + " answered " + f.status());
        System.exit(1);
      }
      JsonNode quote = JSON.readTree(f.body());
      symbol = quote.path("symbol").asText();
      sum = sum.add(new BigDecimal(quote.path("price").asText()));
      bodies.add(f.body());
      Thread.sleep(50);
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(fetches), 4, RoundingMode.HALF_EVEN);
    long seen = seenBefore + fetches;
    String answer = symbol + " mean price " + mean.toPlainString() + " over " + fetches + " fetches; " + seen
        + " prices seen by app " + appId + " since its first launch";

    AgentClient.Evidence ev = agent.evidence(SignedAnswer.appData(answer, wallet.address()));
    byte[] transcript = agent.transcript();
    SignedAnswer bundle = new SignedAnswer(appId, answer, wallet.address(), wallet.signEip191(SignedAnswer.digest(answer)),
        ev.envelope(), transcript, bodies);
    Files.writeString(out.resolve("answer.json"), bundle.toJson());
    Files.write(out.resolve("evidence.bin"), ev.envelope());
    Files.write(out.resolve("transcript.bin"), transcript);
    agent.putState(("seen=" + seen + ";last=" + mean.toPlainString()).getBytes(StandardCharsets.UTF_8));
    System.out.println(answer);
    System.out.println("wallet " + wallet.address() + " (app version " + keys.appVersion() + ", simulated: true)");
  }
}
