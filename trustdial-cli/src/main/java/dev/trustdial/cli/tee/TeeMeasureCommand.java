package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.measure;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.LaunchConfig;
import dev.trustdial.tee.sim.Rtmrs;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "measure",
    description =
        "Print what the dev runtime will measure for a launch (artifact digest, RTMR0, RTMR3).")
final class TeeMeasureCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AppArtifact app;

  @Override
  public Integer call() {
    AppMeasurement m = measure(app.id(), app.artifact, app.config);
    Rtmrs r = m.registers();
    PrintWriter out = spec.commandLine().getOut();
    out.println("artifactDigest " + m.artifactDigest().toHex());
    out.println("RTMR0          " + Hex.encode(r.get(0)));
    out.println("RTMR3          " + Hex.encode(r.get(3)));
    out.println(
        "kmsPublicKey   "
            + LaunchConfig.parse(m.config().toArray())
                .kmsPublicKey()
                .map(Bytes::toHex)
                .orElse("none (the config pins no KMS: a launch gets no keys)"));
    out.flush();
    return ExitCodes.OK;
  }
}
