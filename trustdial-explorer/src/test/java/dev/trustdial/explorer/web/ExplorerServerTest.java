package dev.trustdial.explorer.web;

import static dev.trustdial.explorer.Scenario.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.BlobInspector;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.da.node.UnknownBlobException;
import dev.trustdial.da.retriever.BlobUnavailableException;
import dev.trustdial.explorer.ExplorerMetrics;
import dev.trustdial.explorer.Scenario;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.index.Indexer;
import dev.trustdial.explorer.store.ExplorerStore;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplorerServerTest {
  @TempDir static Path dir;
  static ExplorerStore store;
  static ExplorerServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  static final Address DA_A = Address.parse("0x00000000000000000000000000000000000000a1");
  static final Address DA_B = Address.parse("0x00000000000000000000000000000000000000b2");
  static final Address DA_C = Address.parse("0x00000000000000000000000000000000000000c3");

  /**
   * DA that holds the plain job's checkpoint only (any other blob is "unavailable"); its inspection
   * names two signers of three nodes, and in the retrieval test node #2 does not answer.
   */
  static final class OneBlobDa implements DataAvailability, BlobInspector {
    @Override
    public BlobInspection inspect(Bytes32 key) {
      if (!key.equals(CHECKPOINT_1)) {
        throw new UnknownBlobException("no certificate and no DA node knows blob " + key);
      }
      BigInteger ten = BigInteger.TEN;
      BigInteger thirty = BigInteger.valueOf(30);
      return new BlobInspection(
          key,
          3,
          7,
          2_000_000_000L,
          1,
          Optional.of(
              new BlobInspection.CertificateReport(
                  "BlobRegistry 0xfeed, transaction 0xabc",
                  List.of(
                      new BlobInspection.Signer(DA_A, Optional.of(0), ten, 3333),
                      new BlobInspection.Signer(DA_B, Optional.of(1), ten, 3333)),
                  BigInteger.valueOf(20),
                  thirty,
                  6667,
                  false,
                  84)),
          List.of(
              new BlobInspection.NodeAssignment(
                  0, DA_A, URI.create("http://127.0.0.1:1"), ten, 3333, true, range(0, 43)),
              new BlobInspection.NodeAssignment(
                  1, DA_B, URI.create("http://127.0.0.1:2"), ten, 3333, true, range(43, 86)),
              new BlobInspection.NodeAssignment(
                  2, DA_C, URI.create("http://127.0.0.1:3"), ten, 3333, false, range(86, 128))));
    }

    @Override
    public RetrievalTest testRetrieval(Bytes32 key) {
      BlobInspection in = inspect(key);
      List<RetrievalTest.NodeRetrieval> nodes = new ArrayList<>();
      for (BlobInspection.NodeAssignment n : in.nodes()) {
        boolean down = n.operatorIndex() == 2;
        nodes.add(
            new RetrievalTest.NodeRetrieval(
                n.operatorIndex(),
                n.signer(),
                n.endpoint(),
                n.assignedChunks(),
                down ? List.of() : n.assignedChunks(),
                0,
                down
                    ? Optional.of(n.endpoint() + " unreachable: connection refused")
                    : Optional.empty()));
      }
      return new RetrievalTest(key, nodes, 86, true, 5);
    }

    private static List<Integer> range(int from, int to) {
      return java.util.stream.IntStream.range(from, to).boxed().toList();
    }

    @Override
    public DaCertificate put(byte[] data) {
      throw new UnsupportedOperationException("the explorer never writes");
    }

    @Override
    public byte[] get(Bytes32 key) {
      if (key.equals(CHECKPOINT_1)) {
        return new byte[] {1, 2, 3};
      }
      throw new BlobUnavailableException("only 0 of 4 DA nodes answered for " + key);
    }

    @Override
    public boolean isAvailable(Bytes32 key) {
      return key.equals(CHECKPOINT_1);
    }
  }

  @BeforeAll
  static void start() {
    store = ExplorerStore.open(dir, "test");
    ExplorerMetrics metrics = new ExplorerMetrics();
    new Indexer(Scenario.record(), store, metrics, 100).catchUp();
    server =
        ExplorerServer.start(
            new Views(store, new TrustAdvisor(store, true), Optional.of(new OneBlobDa())),
            metrics,
            "127.0.0.1",
            0);
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pagesRenderTheIndexedHistory() throws Exception {
    HttpResponse<String> overview = get("/");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(overview.body())
        .contains("REEXEC_OBJECTIVE", "liveness", "DA nodes", "/operators/" + OP2);

    HttpResponse<String> takeover = get("/jobs/2");
    assertThat(takeover.statusCode()).isEqualTo(200);
    assertThat(takeover.body())
        .contains("HeartbeatMissed", "Slashed", "liveness", "FINALIZED", "reportMissed");

    assertThat(get("/jobs/3").body()).contains("CHALLENGER_WINS", "Voted", "intersubjective");
    assertThat(get("/jobs/4").body())
        .contains("Bisection game", "<svg class=\"bisection\"", "OPERATOR_REFUTED", "StepProven");
    assertThat(get("/operators/" + OP2).body())
        .contains("<svg class=\"chart\"", "liveness", "Stake history");
    assertThat(get("/operators/" + OP2.toString().toLowerCase()).statusCode()).isEqualTo(200);
    assertThat(get("/jobs?status=finalized&limit=2").body())
        .contains("/jobs/3", "/jobs/2")
        .doesNotContain("/jobs/1\"");
    assertThat(get("/blobs/" + CHECKPOINT_1.toHex()).body())
        .contains("registered and unexpired", "checkpoint", "verify availability");
    assertThat(get("/blobs/" + CHECKPOINT_1.toHex().substring(2).toUpperCase()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theJsonApiHoldsTheSameData() throws Exception {
    JsonNode job = JSON.readTree(get("/api/jobs/2").body());
    assertThat(job.path("job").path("takeovers").asInt()).isEqualTo(1);
    assertThat(job.path("job").path("operator").asText()).isEqualTo(OP3.toString());
    assertThat(job.path("timeline").findValuesAsText("kind"))
        .contains("HeartbeatMissed", "Slashed");
    JsonNode overview = JSON.readTree(get("/api/overview").body());
    assertThat(overview.path("jobs").asInt()).isEqualTo(4);
    assertThat(overview.path("jobsByStatus").path("FINALIZED").asInt()).isEqualTo(3);
    JsonNode advisor = JSON.readTree(get("/api/advisor").body());
    assertThat(advisor.path("apps").size()).isEqualTo(2);
    assertThat(advisor.path("apps").get(0).path("measured").path("finalized").asInt()).isEqualTo(3);
  }

  @Test
  void verifyAvailabilityFetchesThroughDaAndShowsAFailure() throws Exception {
    JsonNode ok = JSON.readTree(post("/api/blobs/" + CHECKPOINT_1.toHex() + "/verify").body());
    assertThat(ok.path("available").asBoolean()).isTrue();
    assertThat(ok.path("bytes").asInt()).isEqualTo(3);
    JsonNode bad = JSON.readTree(post("/api/blobs/" + OUTPUT_1.toHex() + "/verify").body());
    assertThat(bad.path("available").asBoolean()).isFalse();
    assertThat(bad.path("error").asText()).contains("0 of 4 DA nodes");
    assertThat(post("/blobs/" + OUTPUT_1.toHex() + "/verify").body())
        .contains("unavailable", "0 of 4 DA nodes");
  }

  @Test
  void theBlobPageShowsTheCertificateItsSignersAndTheChunksEachNodeHolds() throws Exception {
    String page = get("/blobs/" + CHECKPOINT_1.toHex()).body();
    assertThat(page)
        .contains(
            "Certificate",
            "BlobRegistry 0xfeed, transaction 0xabc",
            "quorum NOT met",
            "84 of 128",
            DA_A.toString(),
            DA_B.toString(),
            "33.33%",
            "Chunks per DA node",
            "0-42",
            "86-127",
            "run the retrieval test");
    JsonNode api = JSON.readTree(get("/api/blobs/" + CHECKPOINT_1.toHex()).body());
    assertThat(
            api.path("inspection").path("certificate").path("signers").findValuesAsText("signer"))
        .containsExactly(DA_A.toString(), DA_B.toString());
    assertThat(api.path("inspection").path("certificate").path("signedStake").asText())
        .isEqualTo("20");
    assertThat(api.path("inspection").path("nodes").get(2).path("signed").asBoolean()).isFalse();
    assertThat(api.path("inspection").path("nodes").get(2).path("assignedChunks").size())
        .isEqualTo(42);

    // The retrieval test fills in what each node holds, and names the node that did not answer.
    String tested = post("/blobs/" + CHECKPOINT_1.toHex() + "/verify").body();
    assertThat(tested)
        .contains(
            "43 of 43",
            "no answer: http://127.0.0.1:3 unreachable",
            "86 verified chunks of 128",
            "available: 3 bytes");
    JsonNode verified =
        JSON.readTree(post("/api/blobs/" + CHECKPOINT_1.toHex() + "/verify").body());
    assertThat(verified.path("nodes").path("nodes").get(2).path("error").asText())
        .contains("unreachable");

    // A blob DA does not know: the page still renders, and says why there is no certificate.
    assertThat(get("/blobs/" + OUTPUT_1.toHex()).body())
        .contains("DA inspection failed", "no certificate and no DA node knows blob");
  }

  @Test
  void theAdvisorRecommendsModesWithReasons() throws Exception {
    JsonNode prices =
        JSON.readTree(
            get("/api/advisor/recommend?deterministic=true&timeVarying=true&steps=1000").body());
    assertThat(prices.path("modes").get(0).path("mode").asText()).isEqualTo("TEE");
    assertThat(prices.path("modes").size()).isEqualTo(4);
    assertThat(prices.path("modes").get(1).path("fits").asBoolean()).isFalse();
    assertThat(prices.toString()).contains("TEE is the only mode for time-varying imports");
    JsonNode big =
        JSON.readTree(
            get("/api/advisor/recommend?deterministic=true&steps=50000000&inputBytes=1000000")
                .body());
    assertThat(big.path("modes").get(0).path("mode").asText()).isEqualTo("REEXEC_INTERSUBJECTIVE");
    assertThat(big.toString()).contains("prover costs up to ~10^5", "at most 65536 bytes");
    String page = get("/advisor?deterministic=true&steps=1000").body();
    assertThat(page).contains("Modes for this workload", "simulated", "latency to finality");
  }

  @Test
  void badInputIsA400AndUnknownThingsA404() throws Exception {
    assertThat(get("/jobs/99").statusCode()).isEqualTo(404);
    assertThat(get("/jobs/99").body()).contains("no job 99");
    HttpResponse<String> api404 = get("/api/jobs/99");
    assertThat(api404.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(api404.body()).path("error").asText()).contains("no job 99");
    assertThat(get("/jobs/abc").statusCode()).isEqualTo(400);
    assertThat(get("/jobs/1234567890123456789012").statusCode()).isEqualTo(400);
    assertThat(get("/jobs?limit=1000").statusCode()).isEqualTo(400);
    assertThat(get("/jobs?status=NOPE").body()).contains("status must be one of");
    assertThat(get("/operators/0x12").statusCode()).isEqualTo(400);
    assertThat(get("/blobs/0x1234").statusCode()).isEqualTo(400);
    assertThat(get("/advisor?steps=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/advisor/recommend?steps=5&deterministic=maybe").statusCode())
        .isEqualTo(400);
    assertThat(get("/no/such/page").statusCode()).isEqualTo(404);
    assertThat(get("/static/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(get("/jobs/%3Cscript%3E").body()).doesNotContain("<script>");
  }

  @Test
  void assetsAndMetricsAreServedByTheExplorer() throws Exception {
    assertThat(get("/static/explorer.js").body()).contains("verify");
    assertThat(get("/static/explorer.css").statusCode()).isEqualTo(200);
    assertThat(get("/static/favicon.svg").statusCode()).isEqualTo(200);
    get("/");
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains(
            "trustdial_explorer_events_indexed_total",
            "trustdial_explorer_http_requests_total{route=\"/\",status=\"200\"}");
  }
}
