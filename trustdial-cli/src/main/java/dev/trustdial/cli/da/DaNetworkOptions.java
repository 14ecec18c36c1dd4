package dev.trustdial.cli.da;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the DA network is described (operator set file) and where certificates are kept without a chain. */
final class DaNetworkOptions {
  @Option(names = "--operators", paramLabel = "FILE",
      defaultValue = "${env:TRUSTDIAL_DA_OPERATORS:-.trustdial/da/operators.json}",
      description = "Operator set (JSON), default: ${DEFAULT-VALUE}.")
  Path operators;

  @Option(names = "--certs", paramLabel = "DIR", defaultValue = "${env:TRUSTDIAL_DA_CERTS:-.trustdial/da/certs}",
      description = "Directory of certificates registered without a chain, default: ${DEFAULT-VALUE}.")
  Path certs;

  @Option(names = "--threshold-bps", defaultValue = "6667",
      description = "Confirmation threshold in basis points of stake, default: ${DEFAULT-VALUE}.")
  int thresholdBps;

  @Option(names = "--retention", defaultValue = "P14D",
      description = "How long nodes keep the blob (ISO-8601 duration), default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(names = "--chain", paramLabel = "FILE",
      description = "Use the chain instead of --operators/--certs: a chain config or the devnet's devnet.json "
          + "(rpcUrl, chainId, contracts incl. BlobRegistry).")
  Path chain;

  @Option(names = "--key", paramLabel = "HEX", defaultValue = "${env:TRUSTDIAL_DA_KEY}",
      description = "Private key that pays for certificate registration with --chain (env TRUSTDIAL_DA_KEY).")
  String key;

  DaClient client() {
    if (chain != null) {
      Secp256k1Key k = key == null || key.isBlank() ? Secp256k1Key.generate() : Secp256k1Key.fromPrivateKeyHex(key);
      return DaClient.onChain(ChainConfig.read(chain), k, thresholdBps, retention);
    }
    return DaClient.local(operators, certs, thresholdBps, retention);
  }
}
