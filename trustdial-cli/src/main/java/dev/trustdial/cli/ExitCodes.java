package dev.trustdial.cli;

/** The exit codes every trustdial command keeps to. */
public final class ExitCodes {
  public static final int OK = 0;

  /** The command ran and the answer is negative (a failed verification), or an internal failure. */
  public static final int FAILURE = 1;

  /** The input was refused; nothing was changed. */
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
