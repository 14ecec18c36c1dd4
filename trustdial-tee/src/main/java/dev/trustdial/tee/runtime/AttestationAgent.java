package dev.trustdial.tee.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.http.ConnectionLimits;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.ReportData;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.http.JsonExchange.HttpError;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.seal.SealedState;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.tee.transcript.Transcript;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The local attestation agent an app talks to (docs/spec/tee-runtime.md, "Agent API"): HTTP on
 * loopback, every request carrying the launch's bearer token. Evidence binds the app's 64 bytes and
 * the transcript head; fetches go through the recording fetcher; keys come from the KMS.
 */
public final class AttestationAgent implements AutoCloseable {
  public static final String EVIDENCE_PURPOSE = "app-evidence";
  static final int MAX_JSON = 64 * 1024;

  /** The largest body the agent reads: sealed state (JSON bodies stop at {@link #MAX_JSON}). */
  static final int MAX_BODY = Math.max(MAX_JSON, SealedState.MAX_STATE);

  private final Javalin server;
  private final String token;
  private final BigInteger appId;
  private final SimulatedTee tee;
  private final List<MeasurementEvent> events;
  private final boolean debug;
  private final Transcript transcript;
  private final RecordingFetcher fetcher;
  private final Optional<KeySet> keys;
  private final Optional<byte[]> restored;
  private final Path sealedOut;
  private final Clock clock;
  private final SecureRandom random;
  private volatile Optional<byte[]> latestSealed = Optional.empty();

  AttestationAgent(
      BigInteger appId,
      SimulatedTee tee,
      List<MeasurementEvent> events,
      boolean debug,
      Transcript transcript,
      RecordingFetcher fetcher,
      Optional<KeySet> keys,
      Optional<byte[]> restored,
      Path sealedOut,
      Clock clock,
      SecureRandom random) {
    this.appId = appId;
    this.tee = tee;
    this.events = List.copyOf(events);
    this.debug = debug;
    this.transcript = transcript;
    this.fetcher = fetcher;
    this.keys = keys;
    this.restored = restored.map(byte[]::clone);
    this.sealedOut = sealedOut;
    this.clock = clock;
    this.random = random;
    byte[] t = new byte[32];
    random.nextBytes(t);
    this.token = Hex.encodeBare(t);
    server =
        JsonExchange.start(
            "127.0.0.1",
            0,
            ConnectionLimits.DEFAULT,
            MAX_BODY,
            this::authorize,
            routes ->
                routes
                    .get("/v1/info", this::info)
                    .post("/v1/evidence", this::evidence)
                    .post("/v1/fetch", this::fetch)
                    .get("/v1/keys", this::keys)
                    .get("/v1/transcript", this::transcript)
                    .get("/v1/state", this::restoredState)
                    .put("/v1/state", this::sealState));
  }

  /** Every request, unknown paths included, carries the launch's bearer token. */
  private void authorize(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null
        || !MessageDigest.isEqual(
            auth.getBytes(StandardCharsets.US_ASCII),
            ("Bearer " + token).getBytes(StandardCharsets.US_ASCII))) {
      throw new HttpError(
          401, "Unauthorized", "the agent takes the launch's bearer token (TRUSTDIAL_AGENT_TOKEN)");
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public String token() {
    return token;
  }

  public Transcript transcriptLog() {
    return transcript;
  }

  public Optional<byte[]> latestSealedState() {
    return latestSealed.map(byte[]::clone);
  }

  /** The report data of app evidence: SHA-512 binding of app data, transcript head, entry count. */
  public static byte[] evidenceReportData(byte[] appData, Transcript.Head head) {
    return ReportData.bind(
        EVIDENCE_PURPOSE,
        appData,
        head.hash().bytes(),
        new BigEndianWriter().u32(head.entries()).toByteArray());
  }

  private ObjectNode json() {
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("simulated", true);
    return n;
  }

  private void info(Context ex) throws IOException {
    ObjectNode n = json();
    n.put("appId", appId.toString());
    n.put("runtime", AppMeasurement.RUNTIME_IDENTITY);
    n.put("platform", "SIMULATED");
    keys.ifPresent(k -> n.put("appVersion", k.appVersion()));
    JsonExchange.send(ex, 200, n);
  }

  /** POST {"appData": hex of 64 bytes}. */
  private void evidence(Context ex) throws IOException {
    JsonNode body = JsonExchange.jsonBody(ex, MAX_JSON);
    byte[] appData = hex(JsonExchange.text(body, "appData", 200), "appData");
    if (appData.length != ReportData.SIZE) {
      throw JsonExchange.badRequest("appData is 64 bytes, got " + appData.length);
    }
    Transcript.Head head = transcript.snapshot();
    byte[] reportData = evidenceReportData(appData, head);
    byte[] evidence = tee.attest(events, reportData, clock.instant(), debug);
    byte[] envelope;
    try {
      envelope = EvidenceEnvelope.of(evidence, Optional.empty()).encode();
    } catch (VerificationFailedException e) {
      throw new IllegalStateException("the simulated backend produced unclassifiable evidence", e);
    }
    ObjectNode n = json();
    n.put("platform", "SIMULATED");
    n.put("evidence", Base64.getEncoder().encodeToString(envelope));
    n.put("reportData", Hex.encode(reportData));
    n.put("transcriptHead", head.hash().toHex());
    n.put("transcriptEntries", head.entries());
    JsonExchange.send(ex, 200, n);
  }

  /** POST {"url": "https://..."}. */
  private void fetch(Context ex) throws IOException {
    JsonNode body = JsonExchange.jsonBody(ex, MAX_JSON);
    String url = JsonExchange.text(body, "url", 4 * 1024);
    RecordingFetcher.Fetched f;
    try {
      f = fetcher.fetch(url);
    } catch (RecordingFetcher.FetchFailedException e) {
      throw new HttpError(e.status(), e.reason(), e.getMessage());
    }
    ObjectNode n = json();
    n.put("index", f.entry().index());
    n.put("status", f.entry().status());
    n.put("time", f.entry().time().toString());
    n.put("body", Base64.getEncoder().encodeToString(f.body()));
    n.put("bodySha256", f.entry().bodySha256().toHex());
    n.put("certChainSha256", f.entry().certChainSha256().toHex());
    n.put("transcriptHead", Hex.encode(transcript.head()));
    JsonExchange.send(ex, 200, n);
  }

  private KeySet requireKeys() {
    return keys.orElseThrow(() ->
        new HttpError(503, "NoKms", "this launch has no KMS configured, so the app has no keys"));
  }

  private void keys(Context ex) throws IOException {
    KeySet k = requireKeys();
    ObjectNode n = json();
    n.put("appId", k.appId().toString());
    n.put("appVersion", k.appVersion());
    n.putObject("wallet")
        .put("privateKey", k.walletKey().toHex())
        .put("address", k.wallet().address().toString());
    n.put("sealKey", k.sealKey().toHex());
    ObjectNode s = n.putObject("secrets");
    k.secrets()
        .forEach(x -> s.put(x.name(), Base64.getEncoder().encodeToString(x.value().toArray())));
    JsonExchange.send(ex, 200, n);
  }

  private void transcript(Context ex) throws IOException {
    ObjectNode n = json();
    Transcript.Head h = transcript.snapshot();
    n.put("transcript", Base64.getEncoder().encodeToString(transcript.encode()));
    n.put("head", h.hash().toHex());
    n.put("entries", h.entries());
    JsonExchange.send(ex, 200, n);
  }

  /** PUT raw bytes: sealed with the app's seal key and kept. */
  private void sealState(Context ex) throws IOException {
    KeySet k = requireKeys();
    byte[] state = JsonExchange.body(ex, SealedState.MAX_STATE);
    byte[] sealed =
        SealedState.seal(k.sealKey().toArray(), k.appId(), k.appVersion(), state, random);
    Path tmp = sealedOut.resolveSibling(sealedOut.getFileName() + ".tmp");
    Files.write(tmp, sealed);
    Files.move(tmp, sealedOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    latestSealed = Optional.of(sealed);
    ObjectNode n = json();
    n.put("sealedBytes", sealed.length);
    n.put("sealedSha256", Hex.encode(Transcript.sha256(sealed)));
    n.put("appVersion", k.appVersion());
    JsonExchange.send(ex, 200, n);
  }

  /** GET: the state this launch was restored with. */
  private void restoredState(Context ex) {
    byte[] s =
        restored.orElseThrow(
            () -> new HttpError(404, "NoState", "this launch was not restored from sealed state"));
    JsonExchange.send(ex, 200, "application/octet-stream", s);
  }

  private static byte[] hex(String s, String field) {
    try {
      return Hex.decode(s);
    } catch (RuntimeException e) {
      throw JsonExchange.badRequest("'" + field + "' is not hex");
    }
  }

  @Override
  public void close() {
    server.stop();
  }

  /**
   * EIP-191 signature by the app wallet, made inside the runtime (the key does not leave it); empty
   * without keys.
   */
  Optional<dev.trustdial.core.crypto.Signature> signWithAppWallet(
      dev.trustdial.core.bytes.Bytes32 digest) {
    return keys.map(k -> k.wallet().signEip191(digest));
  }
}
