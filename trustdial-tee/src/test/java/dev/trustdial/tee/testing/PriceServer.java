package dev.trustdial.tee.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local HTTPS server with time-varying data, for tests of fetches through the attestation agent:
 * its CA and leaf certificate (for 127.0.0.1) are generated here by BouncyCastle at start.
 * {@code GET /price} answers {"symbol":"TDS","price":"12.3456","at":"..."}, the price moving
 * with the clock.
 */
public final class PriceServer implements AutoCloseable {
  private final HttpsServer server;
  private final X509Certificate root;
  private final AtomicInteger requests = new AtomicInteger();

  private PriceServer(HttpsServer server, X509Certificate root) {
    this.server = server;
    this.root = root;
  }

  public static PriceServer start() {
    try {
      SecureRandom random = new SecureRandom();
      Instant now = Instant.now();
      KeyPair caKeys = p256(random);
      KeyPair leafKeys = p256(random);
      X500Principal caName = new X500Principal("CN=TrustDial test price CA");
      var ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(
          ca.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
      var leaf = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(1))), new X500Principal("CN=127.0.0.1"), leafKeys.getPublic());
      leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      X509Certificate leafCert = new JcaX509CertificateConverter().getCertificate(
          leaf.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("leaf", leafKeys.getPrivate(), new char[0], new X509Certificate[] {leafCert, caCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, random);
      HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      s.setHttpsConfigurator(new HttpsConfigurator(ctx));
      s.setExecutor(Executors.newFixedThreadPool(2));
      PriceServer ps = new PriceServer(s, caCert);
      s.createContext("/price", ex -> {
        ps.requests.incrementAndGet();
        long ms = System.currentTimeMillis();
        String body = "{\"symbol\":\"TDS\",\"price\":\"" + String.format("%d.%04d", 10 + (ms / 1000) % 10, ms % 10_000)
            + "\",\"at\":\"" + Instant.ofEpochMilli(ms) + "\"}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(b);
        }
      });
      s.createContext("/big", ex -> {
        byte[] b = new byte[2 * 1024 * 1024];
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(b);
        }
      });
      s.start();
      return ps;
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot start the test price server", e);
    }
  }

  private static KeyPair p256(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  public String url(String path) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int requests() {
    return requests.get();
  }

  /** The CA certificate as PEM, for the app's launch configuration (fetch.extraRootsPem). */
  public String rootPem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(root.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
