package dev.trustdial.ai;

/**
 * Always-on checks of invariants that are cheap to test (TigerStyle): unlike {@code assert}, which
 * the product never enables, a broken one stops the work at once with an {@link
 * IllegalStateException} instead of letting a wrong value reach a receipt or a commitment. Not for
 * inner loops.
 */
public final class Invariant {
  private Invariant() {}

  /** Throws {@code IllegalStateException("invariant broken: " + what)} unless {@code holds}. */
  public static void check(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException("invariant broken: " + what);
    }
  }
}
