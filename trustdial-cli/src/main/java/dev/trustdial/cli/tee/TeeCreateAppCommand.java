package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.printTx;
import static dev.trustdial.cli.tee.TeeCommand.readPolicy;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.tee.runtime.ArtifactDigest;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(
    name = "create-app",
    description =
        "Create a TEE app in AppRegistry: programDigest = the artifact digest, policy = the policy bytes.")
final class TeeCreateAppCommand extends AppTx {
  @Override
  public Integer call() {
    byte[] p = readPolicy(policy).encode();
    Bytes32 digest = new Bytes32(ArtifactDigest.of(artifact));
    try (Settlement s = account.connect()) {
      Settlement.Created c = s.createApp(TrustMode.TEE, digest, p);
      PrintWriter out = spec.commandLine().getOut();
      out.println("app " + c.id());
      out.println("  programDigest " + digest);
      printTx(out, c.tx());
      out.flush();
    }
    return ExitCodes.OK;
  }
}
