package dev.trustdial.explorer.detail;

import static dev.trustdial.explorer.Scenario.DEV;
import static dev.trustdial.explorer.Scenario.OP1;
import static dev.trustdial.explorer.Scenario.big;
import static dev.trustdial.explorer.Scenario.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.inference.Inference;
import dev.trustdial.ai.inference.InferenceResult;
import dev.trustdial.ai.inference.RequestLimits;
import dev.trustdial.ai.model.BundledModel;
import dev.trustdial.ai.receipt.CanonicalJson;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.SettlementEvent.AppCreated;
import dev.trustdial.chain.SettlementEvent.JobSubmitted;
import dev.trustdial.chain.SettlementEvent.ResultSubmitted;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.retriever.BlobUnavailableException;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.RecordedChain;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.index.Indexer;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.web.ExplorerServer;
import dev.trustdial.explorer.web.Views;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.runtime.AttestationAgent;
import dev.trustdial.tee.sim.MeasurementEvent;
import dev.trustdial.tee.sim.SimulatedTee;
import dev.trustdial.tee.transcript.Transcript;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job details against a recorded history and DA contents built through the same types the node
 * uses: an honest inference job (its output made by the engine), a lying one, one without result, a
 * TEE job whose app failed, and a plain ELF job.
 */
class JobDetailsTest {
  static final String REQUEST =
      "{\"prompt\":\"Once upon a time\",\"max_tokens\":12,\"temperature\":0}";
  static final Bytes32 MODEL_KEY = word(0xe1);
  static final Bytes32 ELF_KEY = word(0xe2);
  static final Bytes32 ARTIFACT_KEY = word(0xe3);
  static final Address SIGNER = Address.parse("0x00000000000000000000000000000000000000a7");

  @TempDir static Path dir;
  static ExplorerStore store;
  static ExplorerServer server;
  static final MapDa DA = new MapDa();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static byte[] policy;
  static String honestText;

  /** DA as a map; a key may be made to block its first reader until released. */
  static final class MapDa implements DataAvailability {
    final Map<Bytes32, byte[]> blobs = new ConcurrentHashMap<>();
    volatile Bytes32 gate;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Bytes32 put(int tag, byte[] data) {
      Bytes32 k = word(tag);
      blobs.put(k, data);
      return k;
    }

    @Override
    public DaCertificate put(byte[] data) {
      throw new UnsupportedOperationException("the explorer never writes");
    }

    @Override
    public byte[] get(Bytes32 key) {
      if (key.equals(gate)) {
        gate = null;
        reached.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] b = blobs.get(key);
      if (b == null) {
        throw new BlobUnavailableException("no DA node holds " + key);
      }
      return b.clone();
    }

    @Override
    public boolean isAvailable(Bytes32 key) {
      return blobs.containsKey(key);
    }
  }

  static byte[] envelope(Bytes32 program, long stride, byte[] input) {
    return ByteBuffer.allocate(52 + input.length)
        .put("TDJOBIN1".getBytes(StandardCharsets.US_ASCII))
        .put(program.bytes())
        .putLong(stride)
        .putInt(input.length)
        .put(input)
        .array();
  }

  /** The output bytes and commitment of docs/spec/job-input.md for a completion. */
  record Output(byte[] bytes, ResultCommitment commitment) {}

  static Output output(InferenceResult c, String modelSha256, String text) {
    ObjectNode o = JSON.createObjectNode();
    o.put("finish_reason", c.finishReason());
    o.put("model_sha256", modelSha256);
    var ids = o.putArray("output_tokens");
    for (int t : c.outputTokens()) {
      ids.add(t);
    }
    o.put("prompt_tokens_hash", c.promptTokensHash().toHex());
    o.set("request", c.request().canonical());
    o.put("text", text);
    byte[] bytes = CanonicalJson.encode(o);
    return new Output(
        bytes,
        new ResultCommitment(
            Hashes.keccak256(bytes),
            c.outputTokensHash(),
            c.outputTokens().length,
            c.promptTokensHash()));
  }

  @BeforeAll
  static void record() throws Exception {
    byte[] model = Files.readAllBytes(BundledModel.defaultModel());
    DA.blobs.put(MODEL_KEY, model);
    DA.blobs.put(ELF_KEY, new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
    InferenceResult c;
    String sha;
    try (EngineBackend backend =
        EngineBackend.load(
            BundledModel.defaultModel(), Optional.empty(), EngineOptions.defaults())) {
      Inference inference = new Inference(backend, RequestLimits.defaults(), () -> 0);
      ObjectNode body = (ObjectNode) JSON.readTree(REQUEST);
      body.put("model", backend.modelName());
      c = inference.run(inference.parse(ApiRequest.TEXT_ENDPOINT, body));
      sha = backend.fileSha256();
    }
    honestText = c.text();
    Output honest = output(c, sha, c.text());
    Output lie = output(c, sha, c.text() + " and they all lied");
    byte[] req = REQUEST.getBytes(StandardCharsets.UTF_8);
    Bytes32 in1 = DA.put(0x31, envelope(MODEL_KEY, 1, req));
    Bytes32 out1 = DA.put(0x41, honest.bytes());
    Bytes32 out2 = DA.put(0x42, lie.bytes());

    // TEE job: config, one sealed secret, an app input; the app failed (its failure record is the
    // output).
    byte[] config =
        "{\"timeoutSeconds\":60,\"kmsPublicKey\":\"aa\"}".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream tee = new ByteArrayOutputStream();
    tee.writeBytes("TDTEEJB1".getBytes(StandardCharsets.US_ASCII));
    tee.writeBytes(ByteBuffer.allocate(4).putInt(config.length).array());
    tee.writeBytes(config);
    tee.writeBytes(new byte[] {0, 1, 7});
    tee.writeBytes("API_KEY".getBytes(StandardCharsets.US_ASCII));
    tee.writeBytes(new byte[] {0, 3, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc});
    byte[] appInput = "{\"fetches\":6}".getBytes(StandardCharsets.UTF_8);
    tee.writeBytes(ByteBuffer.allocate(4).putInt(appInput.length).array());
    tee.writeBytes(appInput);
    Bytes32 in4 = DA.put(0x34, envelope(ARTIFACT_KEY, 1, tee.toByteArray()));
    byte[] failed =
        "{\"appFailed\":true,\"exitCode\":3,\"simulated\":true,\"timedOut\":false}"
            .getBytes(StandardCharsets.UTF_8);
    Bytes32 out4 = DA.put(0x44, failed);
    Bytes32 in5 = DA.put(0x35, envelope(ELF_KEY, 65536, new byte[] {1, 2, 3}));
    // TEE job 6 of app 4 (no policy): a signed answer bundle with simulated evidence, as the dev
    // runtime writes it.
    Bytes32 in6 = DA.put(0x36, envelope(ARTIFACT_KEY, 1, tee.toByteArray()));
    byte[] bundle = signedAnswer().getBytes(StandardCharsets.UTF_8);
    Bytes32 out6 = DA.put(0x46, bundle);
    policy =
        new AppPolicy(
                false,
                true,
                false,
                TcbStatus.UP_TO_DATE,
                List.of(
                    new AppPolicy.AllowedMeasurement(
                        Platform.INTEL_TDX, List.of(new NamedBytes("MRTD", new byte[48]))),
                    new AppPolicy.AllowedMeasurement(
                        Platform.SIMULATED, List.of(new NamedBytes("APP", new byte[32])))))
            .encode();

    RecordedChain chain = new RecordedChain();
    chain.tx(
        1,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w ->
            new AppCreated(
                w, big(1), DEV, TrustMode.REEXEC_INTERSUBJECTIVE, Hashes.keccak256(model)));
    chain.tx(
        1,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w -> new AppCreated(w, big(2), DEV, TrustMode.TEE, word(0xa2)));
    chain.tx(
        1,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w -> new AppCreated(w, big(3), DEV, TrustMode.REEXEC_INTERSUBJECTIVE, word(0xa3)));
    chain.tx(
        1,
        DEV,
        120_000,
        "AppRegistry.createApp",
        w -> new AppCreated(w, big(4), DEV, TrustMode.TEE, word(0xa4)));
    chain.tx(
        2,
        DEV,
        200_000,
        "JobManager.submitJob",
        w -> new JobSubmitted(w, big(1), big(1), DEV, in1, 1000, Tokens.of(1)),
        w -> new JobSubmitted(w, big(2), big(1), DEV, in1, 1000, Tokens.of(1)),
        w -> new JobSubmitted(w, big(3), big(1), DEV, in1, 1000, Tokens.of(1)),
        w -> new JobSubmitted(w, big(4), big(2), DEV, in4, 10, Tokens.of(1)),
        w -> new JobSubmitted(w, big(5), big(3), DEV, in5, 1000, Tokens.of(1)),
        w -> new JobSubmitted(w, big(6), big(4), DEV, in6, 10, Tokens.of(1)));
    chain.tx(
        3,
        OP1,
        110_000,
        "JobManager.submitResult",
        w -> new ResultSubmitted(w, big(1), OP1, honest.commitment(), out1),
        w -> new ResultSubmitted(w, big(2), OP1, lie.commitment(), out2),
        w ->
            new ResultSubmitted(
                w,
                big(4),
                OP1,
                new ResultCommitment(Hashes.keccak256(failed), Bytes32.ZERO, 0, word(0x77)),
                out4),
        w ->
            new ResultSubmitted(
                w, big(5), OP1, new ResultCommitment(word(1), word(2), 3, word(4)), word(0x45)),
        w ->
            new ResultSubmitted(
                w,
                big(6),
                OP1,
                new ResultCommitment(Hashes.keccak256(bundle), Bytes32.ZERO, 0, word(0x78)),
                out6));
    store = ExplorerStore.open(dir, "test");
    ExplorerMetrics metrics = new ExplorerMetrics();
    new Indexer(chain, store, metrics, 100).catchUp();
    server =
        ExplorerServer.start(
            new Views(
                store,
                new TrustAdvisor(store, true),
                Optional.of(DA),
                details(JobDetails.Limits.DEFAULT)),
            metrics,
            "127.0.0.1",
            0);
  }

  static SimulatedTee sim;
  static Address wallet;

  /**
   * A bundle as the dev runtime's agent makes it: one fetch in the transcript, evidence binding
   * answer, wallet and transcript head.
   */
  static String signedAnswer() {
    sim = SimulatedTee.createInstall(new SecureRandom(), Instant.now().minusSeconds(60));
    Secp256k1Key key = Secp256k1Key.generate();
    wallet = key.address();
    Transcript t = new Transcript();
    byte[] body = "1.00".getBytes(StandardCharsets.UTF_8);
    t.append(
        Instant.now().minusSeconds(5),
        "https://feed.example/price",
        200,
        new byte[32],
        Transcript.sha256(body),
        body.length);
    String answer = "TDS/USD 1.00";
    byte[] reportData =
        AttestationAgent.evidenceReportData(SignedAnswer.appData(answer, wallet), t.snapshot());
    byte[] evidence =
        sim.attest(
            List.of(MeasurementEvent.of(MeasurementEvent.Type.APP_ID, new byte[] {4})),
            reportData,
            Instant.now().minusSeconds(1),
            false);
    try {
      return new SignedAnswer(
              BigInteger.valueOf(4),
              answer,
              wallet,
              key.signEip191(SignedAnswer.digest(answer)),
              EvidenceEnvelope.of(evidence, Optional.empty()).encode(),
              t.encode(),
              List.of(body))
          .toJson();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JobDetails details(JobDetails.Limits limits) {
    return new JobDetails(
        Optional.of(DA),
        new AppChainView() {
          @Override
          public byte[] policy(long appId) {
            return appId == 2 ? policy.clone() : new byte[0];
          }

          @Override
          public Optional<Address> teeSigner(long appId) {
            return appId == 2
                ? Optional.of(SIGNER)
                : appId == 4 ? Optional.of(wallet) : Optional.empty();
          }
        },
        limits,
        List.of(sim.root()));
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  static HttpResponse<String> send(String path, boolean post) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    return HTTP.send(
        (post ? b.POST(HttpRequest.BodyPublishers.noBody()) : b).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode api(String path, boolean post, int status) throws Exception {
    HttpResponse<String> r = send(path, post);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  @Test
  void inferenceJobShowsRequestCompletionAndCommitmentChecks() throws Exception {
    JsonNode d = api("/api/jobs/1", false, 200).path("detail");
    assertThat(d.path("kind").asText()).isEqualTo("inference");
    assertThat(d.path("endpoint").asText()).isEqualTo(ApiRequest.TEXT_ENDPOINT);
    assertThat(d.path("request").path("prompt").asText()).isEqualTo("Once upon a time");
    assertThat(d.path("sampling").path("temperature").asDouble()).isEqualTo(0.0);
    assertThat(d.path("sampling").path("maxTokens").asLong()).isEqualTo(12);
    JsonNode c = d.path("completion");
    assertThat(c.path("text").asText()).isEqualTo(honestText).isNotEmpty();
    assertThat(c.path("outputTokens").asInt()).isBetween(1, 12);
    for (String f :
        List.of(
            "outputHashMatches", "tokensHashMatches", "tokenCountMatches", "promptHashMatches")) {
      assertThat(c.path(f).asBoolean()).as(f).isTrue();
    }
    assertThat(d.path("notes").toString()).contains("seed 0");

    // The lie's output is hashed consistently, but its text is not what its token ids decode to:
    // only re-execution shows it.
    JsonNode lie = api("/api/jobs/2", false, 200).path("detail").path("completion");
    assertThat(lie.path("text").asText()).endsWith("and they all lied");
    assertThat(lie.path("outputHashMatches").asBoolean()).isTrue();

    String html = send("/jobs/1", false).body();
    assertThat(html)
        .contains("<h2>Inference</h2>")
        .contains("action=\"/jobs/1/reexecute\"")
        .contains("Once upon a time");
  }

  @Test
  void reexecutionMatchesTheHonestJobAndRefutesTheLie() throws Exception {
    JsonNode ok = api("/api/jobs/1/reexecute", true, 200);
    assertThat(ok.path("outcome").asText()).isEqualTo("MATCH");
    assertThat(ok.path("text").asText()).isEqualTo(honestText);
    assertThat(ok.path("recomputed").path("outputHash").asText())
        .isEqualTo(ok.path("onchain").path("outputHash").asText());
    JsonNode bad = api("/api/jobs/2/reexecute", true, 200);
    assertThat(bad.path("outcome").asText()).isEqualTo("MISMATCH");
    assertThat(bad.path("recomputed").path("outputHash").asText())
        .isNotEqualTo(bad.path("onchain").path("outputHash").asText());
    assertThat(send("/jobs/2/reexecute", true).body())
        .contains("MISMATCH")
        .contains("Recomputed commitment");
  }

  @Test
  void reexecutionRefusesWhatItCannotCompareAs4xx() throws Exception {
    assertThat(api("/api/jobs/3/reexecute", true, 400).path("error").asText())
        .contains("no result onchain yet");
    assertThat(api("/api/jobs/5/reexecute", true, 400).path("error").asText())
        .contains("not an inference job");
    assertThat(api("/api/jobs/4/reexecute", true, 400).path("error").asText()).contains("TEE job");
    assertThat(api("/api/jobs/99/reexecute", true, 404).path("error").asText())
        .contains("no job 99");
    assertThat(api("/api/jobs/x1/reexecute", true, 400).path("error").asText())
        .contains("decimal number");
    assertThat(send("/jobs/3/reexecute", true).statusCode()).isEqualTo(400);
    assertThat(send("/api/jobs/1/reexecute", false).statusCode()).isIn(404, 405);
  }

  @Test
  void reexecutionLimitsModelSizeAndTime() {
    Views small =
        new Views(
            store,
            new TrustAdvisor(store, true),
            Optional.of(DA),
            details(new JobDetails.Limits(1_000, Duration.ofSeconds(60))));
    assertThatThrownBy(() -> small.reexecute(1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("over this explorer's re-execution limit of 1000 bytes");
    Views hurried =
        new Views(
            store,
            new TrustAdvisor(store, true),
            Optional.of(DA),
            details(new JobDetails.Limits(64L << 20, Duration.ofNanos(1))));
    Reexecution r = hurried.reexecute(1);
    assertThat(r.outcome()).isEqualTo("TIMED_OUT");
    assertThat(r.recomputed()).isEmpty();
    assertThatThrownBy(() -> new JobDetails.Limits(0, Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new JobDetails.Limits(1, Duration.ofHours(1)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void reexecutionRunsOneAtATime() throws Exception {
    Views views =
        new Views(
            store,
            new TrustAdvisor(store, true),
            Optional.of(DA),
            details(JobDetails.Limits.DEFAULT));
    DA.gate = MODEL_KEY;
    Thread first = Thread.ofVirtual().start(() -> views.reexecute(1));
    assertThat(DA.reached.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      assertThatThrownBy(() -> views.reexecute(2))
          .isInstanceOf(ReexecutionBusyException.class)
          .hasMessageContaining("one at a time");
    } finally {
      DA.release.countDown();
    }
    first.join(60_000);
    assertThat(views.reexecute(1).outcome()).isEqualTo("MATCH");
  }

  @Test
  void teeJobShowsInputPolicySignerAndTheFailureRecord() throws Exception {
    JsonNode d = api("/api/jobs/4", false, 200).path("detail");
    assertThat(d.path("kind").asText()).isEqualTo("tee");
    assertThat(d.path("artifactBlobKey").asText()).isEqualTo(ARTIFACT_KEY.toHex());
    assertThat(d.path("launchConfig").path("timeoutSeconds").asInt()).isEqualTo(60);
    assertThat(d.path("secrets").get(0).path("name").asText()).isEqualTo("API_KEY");
    assertThat(d.path("secrets").get(0).path("ciphertextBytes").asInt()).isEqualTo(3);
    assertThat(d.path("appInputText").asText()).isEqualTo("{\"fetches\":6}");
    assertThat(d.path("signer").asText()).isEqualTo(SIGNER.toString());
    assertThat(d.path("policy").path("allowSimulated").asBoolean()).isTrue();
    assertThat(d.path("policy").path("allowed").get(0).asText()).startsWith("INTEL_TDX MRTD=");
    assertThat(d.path("failureRecord").path("exitCode").asInt()).isEqualTo(3);
    assertThat(d.path("answer").isNull()).isTrue();
    assertThat(d.path("onchain").path("checkpointRoot").asText()).isEqualTo(word(0x77).toHex());
    assertThat(send("/jobs/4", false).body())
        .contains("<h2>TEE</h2>")
        .contains("API_KEY")
        .contains("App failed");
  }

  @Test
  void teeAnswerIsCheckedWithTheTeeVerifier() throws Exception {
    JsonNode d = api("/api/jobs/6", false, 200).path("detail");
    JsonNode a = d.path("answer");
    assertThat(a.path("answer").asText()).isEqualTo("TDS/USD 1.00");
    assertThat(a.path("valid").asBoolean()).as(a.toString()).isTrue();
    assertThat(a.path("simulated").asBoolean()).isTrue();
    assertThat(a.path("walletIsAppSigner").asBoolean()).isTrue();
    assertThat(a.path("transcript").get(0).path("url").asText())
        .isEqualTo("https://feed.example/price");
    assertThat(a.path("checks").toString()).contains("signature by the app wallet");
    assertThat(d.path("notes").toString()).contains("no policy").contains("INSECURE");
    assertThat(send("/jobs/6", false).body()).contains("VALID").contains("simulated evidence");
    // Without the simulation root the same bundle fails at the evidence, and the page says why.
    Views pinned =
        new Views(
            store,
            new TrustAdvisor(store, true),
            Optional.of(DA),
            new JobDetails(Optional.of(DA), AppChainView.NONE, JobDetails.Limits.DEFAULT));
    JobDetail.Tee t = (JobDetail.Tee) pinned.job(6).detail();
    assertThat(t.answer().orElseThrow().valid()).isFalse();
    assertThat(t.answer().orElseThrow().failure().orElseThrow()).startsWith("evidence:");
    assertThat(t.signer()).isEmpty();
    assertThat(t.notes()).anySatisfy(n -> assertThat(n).contains("reads no app state"));
  }

  @Test
  void plainAndUnreadableJobsSayWhy() throws Exception {
    assertThat(api("/api/jobs/5", false, 200).path("detail").path("kind").asText())
        .isEqualTo("plain");
    // Without a DA client nothing beyond the events can be read, and the page says so.
    Views noDa = new Views(store, new TrustAdvisor(store, true), Optional.empty());
    assertThat(noDa.job(1).detail()).isInstanceOf(JobDetail.Unavailable.class);
    assertThatThrownBy(() -> noDa.reexecute(1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no DA client");
  }

  @Test
  void envelopeReaderRefusesMalformedRecords() {
    byte[] ok = envelope(MODEL_KEY, 1, new byte[] {1, 2, 3});
    assertThat(JobDetails.envelope(ok).input()).containsExactly(1, 2, 3);
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> JobDetails.envelope(trailing))
        .isInstanceOf(DetailException.class)
        .hasMessageContaining("declares 3 input bytes but carries 4");
    assertThatThrownBy(() -> JobDetails.envelope(envelope(MODEL_KEY, 0, new byte[0])))
        .isInstanceOf(DetailException.class)
        .hasMessageContaining("stride");
    assertThatThrownBy(
            () -> JobDetails.teeInput("TDTEEJB1\0\0\0\5{}".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(DetailException.class)
        .hasMessageContaining("TDTEEJB1");
    // The spec's rejected-outcome vector r=5 (docs/spec/job-input.md).
    assertThat(JobDetails.rejected(5).outputHash())
        .isEqualTo("0xcabb1db451e96bcb75f354fb0fc27113a688fee5453fd9c059532dc7ed6fd533");
  }
}
