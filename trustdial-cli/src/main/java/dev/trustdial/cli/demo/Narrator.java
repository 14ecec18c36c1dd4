package dev.trustdial.cli.demo;

import java.io.PrintWriter;

/**
 * Prints the demo's story for people: numbered phases, indented details, progress bars on a
 * terminal.
 */
final class Narrator {
  private final PrintWriter out;
  private final boolean terminal;
  private final long t0 = System.nanoTime();
  private int phase;
  private final int phases;

  Narrator(PrintWriter out, boolean terminal, int phases) {
    this.out = out;
    this.terminal = terminal;
    this.phases = phases;
  }

  void phase(String title) {
    phase++;
    out.printf("%n[%d/%d] %s  (t=%.1fs)%n", phase, phases, title, seconds());
    out.flush();
  }

  void say(String fmt, Object... args) {
    out.println("      " + String.format(fmt, args));
    out.flush();
  }

  /** A progress bar on a terminal; nothing in logs (the checkpoint lines say enough there). */
  void progress(String label, long done, long total) {
    if (!terminal) {
      return;
    }
    int width = 30;
    int filled = (int) (width * done / Math.max(1, total));
    out.printf(
        "\r      %-28s [%s%s] %3d%%",
        label, "#".repeat(filled), ".".repeat(width - filled), 100 * done / Math.max(1, total));
    if (done >= total) {
      out.print("\r" + " ".repeat(80) + "\r");
    }
    out.flush();
  }

  double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  PrintWriter out() {
    return out;
  }
}
