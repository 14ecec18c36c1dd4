package dev.trustdial.da.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link DaNodeTransport} over the node HTTP API (docs/spec/da.md §7) with java.net.http. {@link
 * #close} ends its HTTP client (its selector thread and pooled connections).
 */
public final class HttpDaNodeClient implements DaNodeTransport, AutoCloseable {
  private static final ObjectMapper JSON = Json.mapper();

  /** The largest legitimate answer: all 128 chunks of a 16 MiB blob. */
  private static final long MAX_RESPONSE_BYTES = ChunkUpload.MAX_BYTES;

  private final HttpClient http;
  private final Duration timeout;

  private static final int BUSY_ATTEMPTS = 4;
  private static final Duration BUSY_PAUSE = Duration.ofSeconds(2);

  public HttpDaNodeClient(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Waits for the requests in flight, then releases the HTTP client's thread and connections. */
  @Override
  public void close() {
    http.close();
  }

  @Override
  public StoreReceipt store(Operator operator, ChunkUpload upload) {
    HttpRequest req =
        HttpRequest.newBuilder(endpoint(operator, "/v1/chunks"))
            .timeout(timeout)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(upload.encode()))
            .build();
    byte[] body = null;
    for (int attempt = 1; body == null; attempt++) {
      try {
        body = send(operator, req);
      } catch (DaNodeException e) {
        // A node busy with other uploads says when to come back; a few tries, then its answer
        // stands.
        if (e.status() != 503 || attempt >= BUSY_ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(BUSY_PAUSE.toMillis() * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    try {
      JsonNode r = JSON.readTree(body);
      return new StoreReceipt(
          Bytes32.fromHex(r.path("blobKey").asText()),
          Address.parse(r.path("operator").asText()),
          Signature.fromHex(r.path("signature").asText()));
    } catch (IOException | InvalidInputException e) {
      throw new DaNodeException(
          operator.endpoint() + " answered a malformed receipt: " + e.getMessage(), 0, e);
    }
  }

  @Override
  public BlobHeader header(Operator operator, Bytes32 blobKey) {
    HttpRequest req =
        HttpRequest.newBuilder(endpoint(operator, "/v1/blobs/" + blobKey.toHex() + "/header"))
            .timeout(timeout)
            .GET()
            .build();
    byte[] body = send(operator, req);
    try {
      return BlobHeader.decode(body);
    } catch (InvalidInputException e) {
      throw new DaNodeException(
          operator.endpoint() + " answered a malformed header: " + e.getMessage(), 0, e);
    }
  }

  @Override
  public List<Chunk> chunks(Operator operator, Bytes32 blobKey, List<Integer> indices) {
    String query = indices.stream().map(i -> "index=" + i).collect(Collectors.joining("&"));
    HttpRequest req =
        HttpRequest.newBuilder(
                endpoint(operator, "/v1/blobs/" + blobKey.toHex() + "/chunks?" + query))
            .timeout(timeout)
            .GET()
            .build();
    byte[] body = send(operator, req);
    try {
      ByteBuffer b = ByteBuffer.wrap(body);
      List<Chunk> chunks = Chunk.decodeList(b);
      if (b.hasRemaining()) {
        throw new InvalidInputException(b.remaining() + " trailing bytes");
      }
      return chunks;
    } catch (InvalidInputException e) {
      throw new DaNodeException(
          operator.endpoint() + " answered malformed chunks: " + e.getMessage(), 0, e);
    }
  }

  private byte[] send(Operator operator, HttpRequest req) {
    int status;
    byte[] body;
    try {
      HttpResponse<java.io.InputStream> resp =
          http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      status = resp.statusCode();
      try (java.io.InputStream in = resp.body()) {
        // A node must not be able to exhaust our memory with an endless answer.
        body = in.readNBytes((int) MAX_RESPONSE_BYTES + 1);
      }
      if (body.length > MAX_RESPONSE_BYTES) {
        throw new DaNodeException(
            operator.endpoint() + " answered more than " + MAX_RESPONSE_BYTES + " bytes", 0, null);
      }
    } catch (IOException e) {
      throw new DaNodeException(operator.endpoint() + " unreachable: " + e, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DaNodeException("interrupted while calling " + operator.endpoint(), 0, e);
    }
    if (status != 200) {
      String msg = new String(body, StandardCharsets.UTF_8);
      try {
        msg = JSON.readTree(body).path("error").asText(msg);
      } catch (IOException ignored) {
        // not JSON: keep the raw text
      }
      throw new DaNodeException(
          operator.endpoint() + " answered " + status + ": " + msg, status, null);
    }
    return body;
  }

  private static URI endpoint(Operator operator, String path) {
    String base = operator.endpoint().toString();
    return URI.create(
        base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
  }
}
