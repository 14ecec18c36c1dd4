package dev.trustdial.node.config;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.DaClient;
import java.nio.file.Path;
import java.time.Duration;

/** The DA network a node uses: its operator set file and the shared certificate directory. */
public record DaSettings(Path operators, Path certs, int thresholdBps, Duration retention) {
  public DaSettings {
    if (retention.isNegative() || retention.isZero()) {
      throw new InvalidInputException("da.retentionSeconds must be > 0");
    }
  }

  public DaClient client() {
    return DaClient.local(operators, certs, thresholdBps, retention);
  }
}
