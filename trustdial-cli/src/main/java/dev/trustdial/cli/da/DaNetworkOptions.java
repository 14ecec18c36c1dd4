package dev.trustdial.cli.da;

import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.chain.ChainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the DA network is described (operator set file) and where certificates are kept without a
 * chain.
 */
final class DaNetworkOptions {
  @Option(
      names = "--operators",
      paramLabel = "FILE",
      defaultValue = "${env:TRUSTDIAL_DA_OPERATORS:-.trustdial/da/operators.json}",
      description = "Operator set (JSON), default: ${DEFAULT-VALUE}.")
  Path operators;

  @Option(
      names = "--certs",
      paramLabel = "DIR",
      defaultValue = "${env:TRUSTDIAL_DA_CERTS:-.trustdial/da/certs}",
      description =
          "Directory of certificates registered without a chain, default: ${DEFAULT-VALUE}.")
  Path certs;

  @Option(
      names = "--threshold-bps",
      defaultValue = "6667",
      description = "Confirmation threshold in basis points of stake, default: ${DEFAULT-VALUE}.")
  int thresholdBps;

  @Option(
      names = "--retention",
      defaultValue = "P14D",
      description = "How long nodes keep the blob (ISO-8601 duration), default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(
      names = "--chain",
      paramLabel = "FILE",
      description =
          "Use the chain instead of --operators/--certs: a chain config or the devnet's devnet.json "
              + "(rpcUrl, chainId, contracts incl. BlobRegistry).")
  Path chain;

  @Option(
      names = "--key",
      paramLabel = "HEX",
      defaultValue = "${env:TRUSTDIAL_DA_KEY}",
      description =
          "Private key that pays for certificate registration with --chain (env TRUSTDIAL_DA_KEY).")
  String key;

  /** A client that may register certificates (put): on a chain it needs a paying account. */
  DaClient client(java.io.PrintWriter err) {
    return client(true, err);
  }

  /**
   * The DA network named by --chain, else the local one of --operators/--certs. On a chain, a put
   * is paid by --key; without one, a devnet's devnet.json pays with its developer account (as
   * {@code chain --as developer} does), and any other chain config is refused before anything is
   * sent.
   */
  DaClient client(boolean pays, java.io.PrintWriter err) {
    if (chain != null) {
      Secp256k1Key k;
      if (key != null && !key.isBlank()) {
        k = Secp256k1Key.fromPrivateKeyHex(key);
      } else if (!pays) {
        k = Secp256k1Key.generate();
      } else {
        k =
            devnetDeveloper()
                .orElseThrow(() ->
                    new InvalidInputException(
                        "--chain "
                            + chain
                            + " is not a devnet's "
                            + DevnetDescriptor.FILE
                            + ": give --key HEX (or set TRUSTDIAL_DA_KEY), the private key of a funded account that pays for registering the certificate"));
        err.println(
            "paying for the certificate with the devnet's developer account "
                + k.address()
                + " (give --key to pay with another)");
        err.flush();
      }
      return DaClient.onChain(ChainConfig.read(chain), k, thresholdBps, retention);
    }
    if (!Files.isRegularFile(operators)) {
      throw new InvalidInputException(
          "operator set file not found: "
              + operators
              + "; point 'da' at a network with --chain FILE "
              + "(a chain config, or a devnet's devnet.json such as .devnet/devnet.json), or at a local one with --operators FILE "
              + "(written by 'trustdial da init-local')");
    }
    return DaClient.local(operators, certs, thresholdBps, retention);
  }

  /** The developer account of the devnet whose devnet.json --chain names, if it is one. */
  private Optional<Secp256k1Key> devnetDeveloper() {
    Path name = chain.getFileName();
    if (name == null
        || !name.toString().equals(DevnetDescriptor.FILE)
        || !Files.isRegularFile(chain)) {
      return Optional.empty();
    }
    DevnetDescriptor d;
    try {
      d = DevnetDescriptor.read(chain.toAbsolutePath().getParent());
    } catch (InvalidInputException | IllegalArgumentException notADevnet) {
      return Optional.empty();
    }
    if (d.accounts() == null
        || d.accounts().stream().noneMatch(a -> "developer".equals(a.name()))) {
      return Optional.empty();
    }
    return Optional.of(Secp256k1Key.fromPrivateKeyHex(d.account("developer").privateKey()));
  }
}
