package dev.trustdial.cli.da;

import dev.trustdial.chain.Settlement;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.chain.ChainCertificateRegistry;
import dev.trustdial.da.chain.ChainConfig;
import dev.trustdial.da.chain.ChainOperatorSetSource;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.LocalCertificateRegistry;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.retriever.Retriever;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
    // Encoding computes cell proofs: the precomputed tables pay off after one sub-blob.
    Kzg kzg = JniKzg.load(8);
    CertificateVerifier verifier = new CertificateVerifier(new SecurityParams(thresholdBps));
    HttpDaNodeClient transport = new HttpDaNodeClient(Duration.ofMinutes(2));
    OperatorSetSource source;
    CertificateRegistry registry;
    if (chain != null) {
      ChainConfig c = ChainConfig.read(chain);
      Secp256k1Key k = key == null || key.isBlank() ? Secp256k1Key.generate() : Secp256k1Key.fromPrivateKeyHex(key);
      Address blobRegistry = c.blobRegistry().orElseThrow(() -> new InvalidInputException(
          chain + " names no BlobRegistry contract"));
      source = new ChainOperatorSetSource(Settlement.connect(c.rpcUrl(), c.deployment(), k), c.rpcUrl(),
          DaNodeMain.MAX_REFERENCE_AGE_BLOCKS);
      registry = new ChainCertificateRegistry(c.rpcUrl(), c.chainId(), blobRegistry, k);
    } else {
      source = new StaticOperatorSetSource(OperatorSetFile.read(operators));
      registry = new LocalCertificateRegistry(verifier, source, Clock.systemUTC(), Optional.of(certs));
    }
    Disperser disperser = new Disperser(kzg, source, transport, verifier, Clock.systemUTC(), retention);
    return new DaClient(disperser, new Retriever(kzg, source, transport), registry);
  }
}
