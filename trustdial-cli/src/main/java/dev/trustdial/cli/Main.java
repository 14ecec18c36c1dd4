package dev.trustdial.cli;

import dev.trustdial.core.InvalidInputException;
import picocli.CommandLine;

/**
 * Entry point of the {@code trustdial} command. Exit codes: 0 ok, 1 failure/invalid verdict, 2 bad
 * input.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TrustdialCommand());
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      Throwable t = ex;
      while (t.getCause() != null && !(t instanceof InvalidInputException)) {
        if (t.getCause() instanceof InvalidInputException) {
          t = t.getCause();
          break;
        }
        t = t.getCause();
      }
      if (t instanceof InvalidInputException bad) {
        cmd.getErr().println("error: " + bad.getMessage());
        return ExitCodes.BAD_INPUT;
      }
      cmd.getErr().println("error: " + ex.getMessage());
      if (System.getenv("TRUSTDIAL_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("(set TRUSTDIAL_DEBUG=1 for the stack trace)");
      }
      return ExitCodes.FAILURE;
    });
    // picocli's own usage errors (unknown option, value out of type) are bad input too.
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("error: " + ex.getMessage());
      ex.getCommandLine().usage(ex.getCommandLine().getErr());
      return ExitCodes.BAD_INPUT;
    });
    return cl;
  }
}
