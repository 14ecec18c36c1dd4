package dev.trustdial.da.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.BlobEncoder;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.ChunkVerifier;
import dev.trustdial.da.chunk.EncodedBlob;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.network.FreePorts;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNodeMain;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 9: a DA node (its own JVM, 256 MiB heap, exits on OutOfMemoryError) receives 12
 * concurrent uploads of the largest size (all 128 chunks of a 16 MiB blob, about 34 MiB each). It
 * used to read every body into the heap at once and died at about five. Now the in-flight upload
 * budget admits what fits and answers the rest 503 with Retry-After; the node keeps answering
 * {@code /v1/health} and what it stored verifies.
 */
class UploadFloodIT {
  private static final int UPLOADS = 12;
  @TempDir Path dir;

  @Test
  void concurrentMaximalUploadsAreStoredOrRefusedRetryablyAndTheNodeStaysUp() throws Exception {
    Secp256k1Key key = Secp256k1Key.fromPrivateKeyHex("0x" + String.format("%064x", 7000));
    int port = FreePorts.next();
    // One operator holds all 128 chunks, so an upload is as large as the protocol allows.
    OperatorSet set =
        new OperatorSet(
            0,
            List.of(
                new Operator(
                    key.address(), BigInteger.ONE, URI.create("http://127.0.0.1:" + port))));
    OperatorSetFile.write(set, dir.resolve("operators.json"));
    Files.writeString(
        dir.resolve("node.json"),
        """
        {"privateKey": "%s", "host": "127.0.0.1", "port": %d, "dataDir": "data",
         "operators": "operators.json", "sweepIntervalSeconds": 60, "maxRetentionSeconds": 86400}
        """
            .formatted(key.privateKeyHex(), port));
    Kzg kzg = JniKzg.load(8);
    byte[] data = new byte[BlobCodec.MAX_BLOB_BYTES];
    new Random(17).nextBytes(data);
    EncodedBlob encoded = new BlobEncoder(kzg).encode(data);
    BlobHeader header =
        new BlobHeader(
            data.length,
            0,
            Clock.systemUTC().instant().getEpochSecond() + 3600,
            encoded.commitments());
    byte[] body = new ChunkUpload(header, encoded.chunks()).encode();
    assertThat(body.length).isGreaterThan(34 * 1024 * 1024);

    try (ChildJvm.Started node =
        ChildJvm.Launch.of("da node", DaNodeMain.class, dir.resolve("node.log"))
            .withJvmFlags(List.of("-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"))
            .withArgs(List.of(dir.resolve("node.json").toString()))
            .start()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      List<String> healthFailures = new CopyOnWriteArrayList<>();
      AtomicBoolean uploading = new AtomicBoolean(true);
      Thread health =
          Thread.ofVirtual()
              .start(() -> {
                while (uploading.get()) {
                  try {
                    int s =
                        http.send(
                                HttpRequest.newBuilder(base.resolve("/v1/health"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    if (s != 200) {
                      healthFailures.add("status " + s);
                    }
                    Thread.sleep(200);
                  } catch (Exception e) {
                    healthFailures.add(e.toString());
                  }
                }
              });
      List<HttpResponse<String>> answers = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<HttpResponse<String>>> futures =
            IntStream.range(0, UPLOADS)
                .mapToObj(i ->
                    pool.submit(() ->
                        http.send(
                            HttpRequest.newBuilder(base.resolve("/v1/chunks"))
                                .timeout(Duration.ofMinutes(3))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())))
                .toList();
        for (Future<HttpResponse<String>> f : futures) {
          answers.add(f.get());
        }
      } finally {
        uploading.set(false);
        health.join();
      }

      assertThat(node.isAlive()).as("the node survives the flood").isTrue();
      assertThat(healthFailures).as("/v1/health answers throughout").isEmpty();
      for (HttpResponse<String> a : answers) {
        assertThat(a.statusCode()).as(a.body()).isIn(200, 503);
        if (a.statusCode() == 503) {
          assertThat(a.headers().firstValue("Retry-After")).isPresent();
          assertThat(a.body()).contains("try again");
        }
      }
      assertThat(answers).as("at least one upload is stored").anyMatch(a -> a.statusCode() == 200);

      // What the node stored is the blob, every cell of it.
      String key0 = header.blobKey().toHex();
      HttpResponse<byte[]> h =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/blobs/" + key0 + "/header")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(BlobHeader.decode(h.body())).isEqualTo(header);
      ChunkVerifier verifier = new ChunkVerifier(kzg);
      for (int from = 0; from < Kzg.CELLS; from += 32) {
        String query =
            IntStream.range(from, from + 32)
                .mapToObj(j -> "index=" + j)
                .reduce((a, b) -> a + "&" + b)
                .orElseThrow();
        byte[] chunks =
            http.send(
                    HttpRequest.newBuilder(base.resolve("/v1/blobs/" + key0 + "/chunks?" + query))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body();
        List<Chunk> got = Chunk.decodeList(ByteBuffer.wrap(chunks));
        assertThat(got).hasSize(32);
        assertThat(verifier.verifyAll(header.commitments(), got)).isTrue();
      }
    }
  }
}
