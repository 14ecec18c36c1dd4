package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.printTx;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "set-signer",
    description = {
      "Require a TEE app's job results to be signed by its app wallet (JobManager checks it onchain).",
      "The wallet comes from the KMS that serves the app (--kms) or is given (--address); --address 0x000...0 requires none."
    })
final class TeeSetSignerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "APP_ID")
  String appId;

  @Mixin DevnetAccount account;

  @Option(names = "--kms", paramLabel = "URL", description = "Ask this KMS for the app's wallet.")
  Optional<URI> kms;

  @Option(names = "--address", paramLabel = "ADDRESS", description = "The signer's address.")
  Optional<String> address;

  @Override
  public Integer call() {
    BigInteger id = KmsCommand.appId(appId);
    if (kms.isPresent() == address.isPresent()) {
      throw new InvalidInputException("give exactly one of --kms and --address");
    }
    Address signer =
        kms.map(u -> TeeJobs.walletFromKms(u, id)).orElseGet(() -> Address.parse(address.get()));
    try (Settlement s = account.connect()) {
      if (s.app(id).mode() != TrustMode.TEE) {
        throw new InvalidInputException(
            "app " + id + " is a " + s.app(id).mode() + " app; only TEE apps have a signer");
      }
      TxOutcome tx = s.setTeeSigner(id, signer);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "app "
              + id
              + " results must now be signed by "
              + s.teeSignerOf(id).map(Object::toString).orElse("nobody (none required)"));
      printTx(out, tx);
      out.flush();
    }
    return ExitCodes.OK;
  }
}
