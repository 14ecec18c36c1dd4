package dev.trustdial.explorer.advisor;

import dev.trustdial.core.InvalidInputException;

/**
 * What a developer says about a workload in the advisor's form: whether the program is
 * deterministic, whether it imports time-varying data (web prices, say), whether its inputs must
 * stay private, its input size and its run time on one machine (steps of the RV32IM guest).
 */
public record Workload(
    boolean deterministic,
    boolean timeVaryingData,
    boolean privateInputs,
    long inputBytes,
    long steps) {
  public static final long MAX_INPUT_BYTES = 16L << 20;
  public static final long MAX_STEPS = 1L << 40;

  public Workload {
    if (inputBytes < 0 || inputBytes > MAX_INPUT_BYTES) {
      throw new InvalidInputException(
          "input size must be within 0.."
              + MAX_INPUT_BYTES
              + " bytes (a DA blob's limit), got "
              + inputBytes);
    }
    if (steps < 1 || steps > MAX_STEPS) {
      throw new InvalidInputException("steps must be within 1.." + MAX_STEPS + ", got " + steps);
    }
  }
}
