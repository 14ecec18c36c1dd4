package dev.trustdial.http;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What one client may hold of a daemon: a connection that sends or reads nothing for {@code
 * idleTimeout} is closed (a body that stalls mid-way included), and one remote address keeps at
 * most {@code maxConnectionsPerAddress} connections open; requests run on virtual threads, so a
 * blocked read never starves other clients of a thread.
 */
public record ConnectionLimits(Duration idleTimeout, int maxConnectionsPerAddress) {
  /**
   * Every daemon's default (KMS, attestation agent, DA node, DA proxy; README "HTTP limits"): 30 s
   * idle (Jetty's own default, longer than any honest pause of a client mid-body), 64 connections
   * per address.
   */
  public static final ConnectionLimits DEFAULT = new ConnectionLimits(Duration.ofSeconds(30), 64);

  public ConnectionLimits {
    if (idleTimeout.isNegative()
        || idleTimeout.isZero()
        || idleTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("idle timeout must be in (0, 1 h], got " + idleTimeout);
    }
    if (maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsPerAddress must be >= 1, got " + maxConnectionsPerAddress);
    }
  }

  /**
   * Listens on {@code host:port} with these limits, on virtual threads; start the app with {@code
   * start()}.
   */
  public void applyTo(JavalinConfig config, String host, int port) {
    config.concurrency.useVirtualThreads = true;
    config.jetty.addConnector((server, http) -> {
      ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
      c.setHost(host);
      c.setPort(port);
      c.setIdleTimeout(idleTimeout.toMillis());
      c.addBean(new PerAddressConnectionLimit(maxConnectionsPerAddress));
      return c;
    });
  }
}
