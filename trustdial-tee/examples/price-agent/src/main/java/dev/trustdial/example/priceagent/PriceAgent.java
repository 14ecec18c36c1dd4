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
 * An agent app for TEE mode: fetches a time-varying price {@code FETCHES} times from {@code
 * PRICE_URL} through its attestation agent (so every fetch lands in the attested transcript),
 * answers with the mean, signs the answer with its app wallet (released by the KMS), and writes
 * answer.json (the signed answer bundle), evidence.bin and transcript.bin to TRUSTDIAL_APP_OUT. Its
 * state (how many prices it has seen, across launches) is sealed with its app key after every
 * fetch, so a restart or a successor operator carries on from it; run as an operator's TEE job, the
 * job input says how many prices the job sees in all.
 */
public final class PriceAgent {
  static final int MAX_FETCHES = 16;
  static final int MAX_JOB_FETCHES = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PriceAgent() {}

  public static void main(String[] args) throws Exception {
    AgentClient agent = AgentClient.fromEnvironment();
    BigInteger appId = new BigInteger(System.getenv("TRUSTDIAL_APP_ID"));
    Path out = Path.of(System.getenv("TRUSTDIAL_APP_OUT"));
    String url = System.getenv("PRICE_URL");
    int perLaunch = Integer.parseInt(Optional.ofNullable(System.getenv("FETCHES")).orElse("2"));
    long intervalMs = 50;
    if (url == null || perLaunch < 1 || perLaunch > MAX_FETCHES) {
      System.err.println("PRICE_URL must be set and FETCHES within 1.." + MAX_FETCHES);
      System.exit(2);
    }
    AgentClient.Keys keys = agent.keys();
    Secp256k1Key wallet = keys.wallet();
    long seenBefore =
        agent
            .restoredState()
            .map(b ->
                Long.parseLong(
                    new String(b, StandardCharsets.UTF_8)
                        .split(";")[0].substring("seen=".length())))
            .orElse(0L);
    // Outside a job each launch fetches FETCHES prices. As an operator's job, the job input
    // {"fetches": N, "intervalMs": M} sets how many prices the whole job sees: a successor that
    // restores the state sealed after each fetch only fetches the rest.
    long target = seenBefore + perLaunch;
    String jobInput = System.getenv("TRUSTDIAL_JOB_INPUT");
    if (jobInput != null) {
      JsonNode job = JSON.readTree(Files.readAllBytes(Path.of(jobInput)));
      target = job.path("fetches").asLong(-1);
      intervalMs = job.path("intervalMs").asLong(intervalMs);
      if (target < 1 || target > MAX_JOB_FETCHES || intervalMs < 0 || intervalMs > 60_000) {
        System.err.println(
            "job input must be {\"fetches\": 1.."
                + MAX_JOB_FETCHES
                + ", \"intervalMs\": 0..60000}");
        System.exit(2);
      }
    }

    List<byte[]> bodies = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    String symbol = "";
    long seen = seenBefore;
    // At least one fetch per launch, so every answer carries a body its transcript proves (a
    // successor restored after the last fetch fetches once more).
    while (seen < target || bodies.isEmpty()) {
      AgentClient.Fetched f = agent.fetch(url);
      if (f.status() != 200) {
        System.err.println("GET " + url + " answered " + f.status());
        System.exit(1);
      }
      JsonNode quote = JSON.readTree(f.body());
      symbol = quote.path("symbol").asText();
      BigDecimal price = new BigDecimal(quote.path("price").asText());
      sum = sum.add(price);
      bodies.add(f.body());
      seen++;
      // Sealed after every fetch: the operator checkpoints it to DA with a heartbeat.
      agent.putState(
          ("seen=" + seen + ";last=" + price.toPlainString()).getBytes(StandardCharsets.UTF_8));
      System.out.println("price " + seen + "/" + target + ": " + price.toPlainString());
      System.out.flush();
      if (seen < target) {
        Thread.sleep(intervalMs);
      }
    }
    int fetches = bodies.size();
    BigDecimal mean = sum.divide(BigDecimal.valueOf(fetches), 4, RoundingMode.HALF_EVEN);
    String answer =
        symbol
            + " mean price "
            + mean.toPlainString()
            + " over "
            + fetches
            + " fetches; "
            + seen
            + " prices seen by app "
            + appId
            + " since its first launch";

    AgentClient.Evidence ev = agent.evidence(SignedAnswer.appData(answer, wallet.address()));
    byte[] transcript = agent.transcript();
    SignedAnswer bundle =
        new SignedAnswer(
            appId,
            answer,
            wallet.address(),
            wallet.signEip191(SignedAnswer.digest(answer)),
            ev.envelope(),
            transcript,
            bodies);
    Files.writeString(out.resolve("answer.json"), bundle.toJson());
    Files.write(out.resolve("evidence.bin"), ev.envelope());
    Files.write(out.resolve("transcript.bin"), transcript);
    System.out.println(answer);
    System.out.println(
        "wallet " + wallet.address() + " (app version " + keys.appVersion() + ", simulated: true)");
  }
}
