package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.measure;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.kms.KmsCommand;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.kms.AppPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "policy",
    description = {
      "Write an app policy (AppRegistry policy bytes) that admits the given launches on the dev runtime.",
      "One allowed measurement per --artifact (with the --config at the same position, or the only --config)."
    })
final class TeePolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--app-id", required = true)
  String appId;

  @Option(names = "--artifact", required = true, paramLabel = "PATH")
  List<Path> artifacts;

  @Option(names = "--config", required = true, paramLabel = "FILE")
  List<Path> configs;

  @Option(names = "--allow-debug")
  boolean allowDebug;

  @Option(
      names = "--worst-tcb",
      defaultValue = "UpToDate",
      description = "Most severe TCB status accepted (default: ${DEFAULT-VALUE}).")
  String worstTcb;

  @Option(
      names = "--refuse-not-evaluated",
      description =
          "Refuse evidence without a TCB evaluation (simulated evidence then never passes).")
  boolean refuseNotEvaluated;

  @Option(names = "--out", required = true, paramLabel = "FILE")
  Path outFile;

  @Override
  public Integer call() throws IOException {
    BigInteger id = KmsCommand.appId(appId);
    if (configs.size() != 1 && configs.size() != artifacts.size()) {
      throw new InvalidInputException("give one --config, or one per --artifact");
    }
    TcbStatus worst =
        TcbStatus.fromWireName(worstTcb)
            .orElseThrow(() ->
                new InvalidInputException(
                    "--worst-tcb '"
                        + worstTcb
                        + "' is not a TCB status (UpToDate, SWHardeningNeeded, ..., OutOfDateConfigurationNeeded)"));
    List<AppPolicy.AllowedMeasurement> allowed = new ArrayList<>();
    for (int i = 0; i < artifacts.size(); i++) {
      allowed.add(
          measure(id, artifacts.get(i), configs.get(configs.size() == 1 ? 0 : i))
              .simulatedPolicyEntry());
    }
    AppPolicy p;
    try {
      p = new AppPolicy(allowDebug, true, !refuseNotEvaluated, worst, allowed);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
    byte[] bytes = p.encode();
    Files.write(outFile, bytes);
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + bytes.length + " policy bytes to " + outFile + ": " + p);
    out.println(Hex.encode(bytes));
    out.flush();
    return ExitCodes.OK;
  }
}
