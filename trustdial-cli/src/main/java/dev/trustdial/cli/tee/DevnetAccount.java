package dev.trustdial.cli.tee;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which devnet and which of its accounts signs and pays (the app's owner for app transactions). */
final class DevnetAccount {
  @Option(
      names = "--devnet",
      defaultValue = ".devnet",
      paramLabel = "DIR",
      description = "Devnet directory (default: ${DEFAULT-VALUE}).")
  Path devnet;

  @Option(
      names = "--as",
      defaultValue = "developer",
      paramLabel = "ACCOUNT",
      description = "Devnet account that signs and pays (default: ${DEFAULT-VALUE}).")
  String as;

  Secp256k1Key key() {
    return Secp256k1Key.fromPrivateKeyHex(DevnetDescriptor.read(devnet).account(as).privateKey());
  }

  Settlement connect() {
    DevnetDescriptor d = DevnetDescriptor.read(devnet);
    return Settlement.connect(d.rpcUrl(), d.deployment(), key());
  }

  /**
   * The devnet's DA (nodes registered onchain, certificates in BlobRegistry), paid by this account.
   */
  dev.trustdial.da.DaClient da() {
    return dev.trustdial.da.DaClient.onChain(
        dev.trustdial.da.chain.ChainConfig.read(devnet.resolve(DevnetDescriptor.FILE)),
        key(),
        dev.trustdial.cli.devnet.Devnet.DA_THRESHOLD_BPS,
        java.time.Duration.ofDays(7));
  }
}
