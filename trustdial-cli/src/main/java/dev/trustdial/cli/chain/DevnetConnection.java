package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the chain commands: which devnet, and which of its accounts acts. */
public final class DevnetConnection {
  @Option(
      names = "--dir",
      defaultValue = ".devnet",
      description = "Devnet directory holding devnet.json (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--as",
      defaultValue = "deployer",
      paramLabel = "ACCOUNT",
      description =
          "Devnet account that signs (a name from devnet.json, e.g. operator-1, watchtower-1, developer; default: ${DEFAULT-VALUE}).")
  String as;

  public Settlement connect() {
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    return Settlement.connect(
        d.rpcUrl(), d.deployment(), Secp256k1Key.fromPrivateKeyHex(d.account(as).privateKey()));
  }

  /**
   * The devnet's REEXEC_OBJECTIVE contracts (mode flag, ObjectiveConfig, InputOracle), acting as
   * the --as account.
   */
  public dev.trustdial.chain.ObjectiveApps objective() {
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    return dev.trustdial.chain.ObjectiveApps.connect(
        d.rpcUrl(), d.deployment(), Secp256k1Key.fromPrivateKeyHex(d.account(as).privateKey()));
  }

  /**
   * The devnet's DA network (DA nodes registered onchain, certificates in BlobRegistry), paid by
   * the --as account.
   */
  public dev.trustdial.da.DaClient da() {
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    return dev.trustdial.da.DaClient.onChain(
        dev.trustdial.da.chain.ChainConfig.read(dir.resolve(DevnetDescriptor.FILE)),
        Secp256k1Key.fromPrivateKeyHex(d.account(as).privateKey()),
        dev.trustdial.cli.devnet.Devnet.DA_THRESHOLD_BPS,
        java.time.Duration.ofDays(7));
  }

  /** The devnet's account names by address (for tables). */
  java.util.Map<Address, String> names() {
    java.util.Map<Address, String> m = new java.util.HashMap<>();
    for (DevnetDescriptor.Account a : DevnetDescriptor.read(dir).accounts()) {
      m.put(Address.parse(a.address()), a.name());
    }
    return m;
  }

  /** The --as account's address. */
  Address self() {
    return resolve(as);
  }

  /** A devnet account name or an address. */
  Address resolve(String nameOrAddress) {
    if (nameOrAddress.length() > 64) {
      throw new InvalidInputException(
          "'"
              + nameOrAddress.substring(0, 20)
              + "…' is neither an address (0x + 40 hex digits) nor a devnet account name");
    }
    if (nameOrAddress.startsWith("0x") || nameOrAddress.startsWith("0X")) {
      return Address.parse(nameOrAddress);
    }
    DevnetDescriptor d = DevnetDescriptor.read(dir);
    try {
      return Address.parse(d.account(nameOrAddress).address());
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          "'"
              + nameOrAddress
              + "' is neither an address (0x + 40 hex digits) nor a devnet account name");
    }
  }
}
