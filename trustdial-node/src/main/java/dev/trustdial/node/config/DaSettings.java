package dev.trustdial.node.config;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The DA network a node writes to and reads from. {@link OnChain}: the DA operators registered in
 * StakeRegistry and certificates recorded by BlobRegistry (the devnet's and any real network's).
 * {@link Local}: an operator-set file and a shared certificate directory (tests without a chain).
 */
public sealed interface DaSettings {
  int thresholdBps();

  Duration retention();

  /** A client that pays for certificate registration (on chain) with {@code key}. */
  DaClient client(Secp256k1Key key);

  record Local(Path operators, Path certs, int thresholdBps, Duration retention)
      implements DaSettings {
    public Local {
      check(thresholdBps, retention);
    }

    @Override
    public DaClient client(Secp256k1Key key) {
      return client();
    }

    /** Local certificates cost nothing onchain, so no key is needed. */
    public DaClient client() {
      return DaClient.local(operators, certs, thresholdBps, retention);
    }
  }

  record OnChain(ChainConfig chain, int thresholdBps, Duration retention) implements DaSettings {
    public OnChain {
      check(thresholdBps, retention);
      if (chain.blobRegistry().isEmpty()) {
        throw new InvalidInputException(
            "da.source 'chain' needs a BlobRegistry address in the chain's contracts");
      }
    }

    @Override
    public DaClient client(Secp256k1Key key) {
      return DaClient.onChain(chain, key, thresholdBps, retention);
    }
  }

  private static void check(int thresholdBps, Duration retention) {
    if (thresholdBps < 1 || thresholdBps > 10_000) {
      throw new InvalidInputException("da.thresholdBps must be 1..10000, got " + thresholdBps);
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new InvalidInputException("da.retentionSeconds must be > 0");
    }
  }
}
