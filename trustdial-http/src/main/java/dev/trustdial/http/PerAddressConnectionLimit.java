package dev.trustdial.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its remote address already holds {@code max} open ones,
 * before it is read: many idle or slow connections from one client cannot starve the others (a
 * slowloris never reaches a handler, so a per-request check would not see it).
 */
final class PerAddressConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);

  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  PerAddressConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1");
    }
    this.max = max;
  }

  @Override
  public void onOpened(Connection connection) {
    remote(connection)
        .ifPresent(a -> {
          int n = open.merge(a, 1, Integer::sum);
          if (n > max) {
            if (n == max + 1) {
              LOG.warn(
                  "{} holds {} connections, the per-address limit: closing its new ones",
                  a.getHostAddress(),
                  max);
            }
            connection.getEndPoint().close();
          }
        });
  }

  @Override
  public void onClosed(Connection connection) {
    // Every opened connection is closed exactly once, the refused ones included.
    remote(connection).ifPresent(a -> open.computeIfPresent(a, (k, n) -> n == 1 ? null : n - 1));
  }

  private static Optional<InetAddress> remote(Connection connection) {
    return connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress s
            && s.getAddress() != null
        ? Optional.of(s.getAddress())
        : Optional.empty();
  }
}
