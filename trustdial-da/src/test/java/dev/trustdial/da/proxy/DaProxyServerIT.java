package dev.trustdial.da.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.node.UnknownBlobException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's HTTP mapping over a map-backed DataAvailability (the real one is covered elsewhere).
 */
class DaProxyServerIT {
  private final Map<Bytes32, byte[]> blobs = new HashMap<>();
  private DaProxyServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    DataAvailability fake =
        new DataAvailability() {
          @Override
          public DaCertificate put(byte[] data) {
            List<KzgCommitment> cs = new ArrayList<>();
            for (int i = 0; i < BlobCodec.subBlobCount(data.length); i++) {
              byte[] c = new byte[48];
              c[0] = (byte) 0xc0;
              cs.add(new KzgCommitment(c));
            }
            DaCertificate cert =
                new DaCertificate(new BlobHeader(data.length, 0, 4_000_000_000L, cs), List.of());
            blobs.put(cert.blobKey(), data);
            return cert;
          }

          @Override
          public byte[] get(Bytes32 key) {
            byte[] b = blobs.get(key);
            if (b == null) {
              throw new UnknownBlobException("no blob " + key);
            }
            return b;
          }

          @Override
          public boolean isAvailable(Bytes32 key) {
            return blobs.containsKey(key);
          }
        };
    server = DaProxyServer.start(fake, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void putAnswersTheCertificateAndGetTakesTheKeyOrTheCertificate() throws Exception {
    byte[] data = "rollup batch 42".getBytes();
    HttpResponse<byte[]> put =
        send(
            HttpRequest.newBuilder(url("/put")).POST(HttpRequest.BodyPublishers.ofByteArray(data)));
    assertThat(put.statusCode()).isEqualTo(200);
    DaCertificate cert = DaCertificate.decode(put.body());
    assertThat(put.headers().firstValue("X-Blob-Key")).contains(cert.blobKey().toHex());

    assertThat(send(HttpRequest.newBuilder(url("/get/" + cert.blobKey().toHex()))).body())
        .isEqualTo(data);
    assertThat(send(HttpRequest.newBuilder(url("/get/" + Hex.encode(put.body())))).body())
        .isEqualTo(data);
  }

  @Test
  void refusesUnknownAndMalformedReferencesAndOversizedBlobs() throws Exception {
    assertThat(send(HttpRequest.newBuilder(url("/get/0x" + "11".repeat(32)))).statusCode())
        .isEqualTo(404);
    assertThat(send(HttpRequest.newBuilder(url("/get/xyz"))).statusCode()).isEqualTo(400);
    assertThat(send(HttpRequest.newBuilder(url("/get/0x0102"))).statusCode()).isEqualTo(400);
    HttpResponse<byte[]> big =
        send(
            HttpRequest.newBuilder(url("/put"))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[BlobCodec.MAX_BLOB_BYTES + 1])));
    assertThat(big.statusCode()).isBetween(400, 499);
    assertThat(blobs).isEmpty();
  }
}
