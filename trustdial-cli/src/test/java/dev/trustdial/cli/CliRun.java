package dev.trustdial.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs and requires exit 0, showing the command and its output otherwise. */
  public static CliRun ok(String... args) {
    CliRun r = of(args);
    org.assertj.core.api.Assertions.assertThat(r.exitCode())
        .as(String.join(" ", args) + "\n" + r.out() + r.err())
        .isZero();
    return r;
  }
}
