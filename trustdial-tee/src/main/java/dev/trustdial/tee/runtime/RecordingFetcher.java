package dev.trustdial.tee.runtime;

import dev.trustdial.tee.transcript.Transcript;
import dev.trustdial.tee.transcript.TranscriptEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The agent's HTTPS client: GETs a URL (no redirects, bounded body), validates the server's TLS
 * chain against the JDK's roots plus the app's configured extra roots, and appends (url, time,
 * status, certificate chain digest, body hash, length) to the transcript.
 */
public final class RecordingFetcher {
  /** A fetch that produced no response to record (bad URL, TLS failure, limit). */
  public static final class FetchFailedException extends Exception {
    private final int status;
    private final String reason;

    public FetchFailedException(int status, String reason, String message) {
      super(message);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }

  public record Fetched(TranscriptEntry entry, byte[] body) {}

  private final Transcript transcript;
  private final HttpClient client;
  private final int maxResponseBytes;
  private final int maxFetches;
  private final Clock clock;
  private int fetches;

  public RecordingFetcher(
      Transcript transcript,
      List<X509Certificate> extraRoots,
      int maxResponseBytes,
      int maxFetches,
      Clock clock) {
    this.transcript = transcript;
    this.maxResponseBytes = maxResponseBytes;
    this.maxFetches = maxFetches;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(sslContext(extraRoots))
            .build();
  }

  public Fetched fetch(String url) throws FetchFailedException {
    if (url.getBytes(StandardCharsets.UTF_8).length > TranscriptEntry.MAX_URL) {
      throw new FetchFailedException(
          400, "UrlTooLong", "URL is over " + TranscriptEntry.MAX_URL + " bytes");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new FetchFailedException(400, "BadUrl", "not a URL: " + e.getMessage());
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || uri.getUserInfo() != null) {
      throw new FetchFailedException(
          400, "BadUrl", "only https://host/... URLs without user info are fetched");
    }
    synchronized (this) {
      if (fetches >= maxFetches) {
        throw new FetchFailedException(
            429, "FetchLimit", "the app's configuration allows " + maxFetches + " fetches");
      }
      fetches++;
    }
    HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30)).build();
    HttpResponse<InputStream> resp;
    try {
      resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new FetchFailedException(
          502, "FetchFailed", "GET " + url + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchFailedException(503, "Interrupted", "interrupted");
    }
    byte[] body;
    try (InputStream in = resp.body()) {
      body = in.readNBytes(maxResponseBytes + 1);
    } catch (IOException e) {
      throw new FetchFailedException(
          502, "FetchFailed", "reading the response of " + url + " failed: " + e.getMessage());
    }
    if (body.length > maxResponseBytes) {
      throw new FetchFailedException(
          502,
          "ResponseTooLarge",
          "the response of " + url + " is over " + maxResponseBytes + " bytes");
    }
    SSLSession session =
        resp.sslSession()
            .orElseThrow(() -> new FetchFailedException(502, "FetchFailed", "no TLS session"));
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate c : session.getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new FetchFailedException(
          502, "FetchFailed", "the server's certificate chain is unavailable");
    }
    try {
      TranscriptEntry e =
          transcript.append(
              clock.instant(),
              url,
              resp.statusCode(),
              Transcript.certChainDigest(chain),
              Transcript.sha256(body),
              body.length);
      return new Fetched(e, body);
    } catch (IllegalStateException full) {
      throw new FetchFailedException(429, "TranscriptFull", full.getMessage());
    }
  }

  static SSLContext sslContext(List<X509Certificate> extraRoots) {
    try {
      if (extraRoots.isEmpty()) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory def =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      def.init((KeyStore) null);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (var tm : def.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("jdk-" + i++, c);
          }
        }
      }
      for (X509Certificate c : extraRoots) {
        ks.setCertificateEntry("extra-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the agent's TLS trust store", e);
    }
  }
}
