package dev.trustdial.cli.chaos;

/**
 * One fault of a chaos plan: what is done to which devnet process, and the earliest second of the
 * run it may start (it starts later when its lane or its target is still busy).
 */
public sealed interface Fault {
  /** The kinds a report counts, in the order it prints them. */
  enum Kind {
    KILL("kill + restart (SIGKILL)"),
    STALL("stall (SIGSTOP/SIGCONT)"),
    DA_DOWN("DA node down and back"),
    LIAR("liar (--lie)"),
    FALSE_CHALLENGER("false challenger");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  String target();

  long notBeforeSeconds();

  Kind kind();

  /** One line for the printed plan. */
  String describe();

  /** SIGKILL an operator, leave it dead {@code downSeconds}, restart it on its data dir. */
  record Kill(String target, long notBeforeSeconds, long downSeconds) implements Fault {
    @Override
    public Kind kind() {
      return Kind.KILL;
    }

    @Override
    public String describe() {
      return "SIGKILL " + target + ", restart it after " + downSeconds + " s";
    }
  }

  /** SIGSTOP an operator for {@code stallSeconds}, then SIGCONT. */
  record Stall(String target, long notBeforeSeconds, long stallSeconds, boolean pastWindow)
      implements Fault {
    @Override
    public Kind kind() {
      return Kind.STALL;
    }

    @Override
    public String describe() {
      return "SIGSTOP "
          + target
          + " for "
          + stallSeconds
          + " s, then SIGCONT"
          + (pastWindow ? " (longer than the heartbeat window)" : "");
    }
  }

  /** SIGKILL a DA node, restart it on the same port after {@code downSeconds}. */
  record DaDown(String target, long notBeforeSeconds, long downSeconds) implements Fault {
    @Override
    public Kind kind() {
      return Kind.DA_DOWN;
    }

    @Override
    public String describe() {
      return "SIGKILL " + target + ", restart it on its port after " + downSeconds + " s";
    }
  }

  /**
   * Restart an operator with the test-only {@code --lie} fault until it has posted a result (at
   * most {@code maxSeconds}), then restart it honest.
   */
  record Liar(String target, long notBeforeSeconds, long maxSeconds) implements Fault {
    @Override
    public Kind kind() {
      return Kind.LIAR;
    }

    @Override
    public String describe() {
      return "restart "
          + target
          + " with --lie until it posts a result (at most "
          + maxSeconds
          + " s), then honest again";
    }
  }

  /**
   * Restart the watchtower with {@code --false-challenge} (it disputes correct results) for {@code
   * windowSeconds}, then honest again.
   */
  record FalseChallenger(String target, long notBeforeSeconds, long windowSeconds)
      implements Fault {
    @Override
    public Kind kind() {
      return Kind.FALSE_CHALLENGER;
    }

    @Override
    public String describe() {
      return "restart "
          + target
          + " with --false-challenge for "
          + windowSeconds
          + " s, then honest again";
    }
  }
}
