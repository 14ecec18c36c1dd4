package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.printTx;
import static dev.trustdial.cli.tee.TeeCommand.readPolicy;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.tee.runtime.ArtifactDigest;
import java.io.PrintWriter;
import java.math.BigInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "upgrade-app",
    description =
        "Upgrade a TEE app: new artifact digest and policy; the id (and so the app's keys) stay.")
final class TeeUpgradeAppCommand extends AppTx {
  @Parameters(paramLabel = "APP_ID")
  String appId;

  @Override
  public Integer call() {
    BigInteger id = KmsCommand.appId(appId);
    byte[] p = readPolicy(policy).encode();
    Bytes32 digest = new Bytes32(ArtifactDigest.of(artifact));
    try (Settlement s = account.connect()) {
      TxOutcome tx = s.upgradeApp(id, digest, p);
      PrintWriter out = spec.commandLine().getOut();
      out.println("app " + id + " version " + s.app(id).version());
      out.println("  programDigest " + digest);
      printTx(out, tx);
      out.flush();
    }
    return ExitCodes.OK;
  }
}
