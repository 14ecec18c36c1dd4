package dev.trustdial.chain.tx;

import dev.trustdial.core.InvalidInputException;
import java.util.List;

/**
 * A call or transaction that the contracts refuse, decoded to its custom error (e.g. {@code
 * NotAssignee(jobId=3, caller=0x...)}). Detected by simulation before anything is sent, so a
 * refused transaction changes nothing onchain.
 */
public final class ContractRevertException extends InvalidInputException {
  private final String errorName;
  private final List<String> arguments;

  public ContractRevertException(String action, String errorName, List<String> arguments) {
    super(
        action
            + " refused by the contract: "
            + errorName
            + "("
            + String.join(", ", arguments)
            + ")");
    this.errorName = errorName;
    this.arguments = List.copyOf(arguments);
  }

  /**
   * The Solidity custom error name, {@code Error} for require-strings, {@code Panic} for asserts.
   */
  public String errorName() {
    return errorName;
  }

  public List<String> arguments() {
    return arguments;
  }
}
