package dev.trustdial.da.assignment;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The DA operators at a reference block, in canonical order (ascending signer address), which is
 * what operator indices in certificates refer to, and the total weight {@code W} the certificate
 * check measures signers against (docs/spec/da.md §5): onchain the registry's total DA weight,
 * which also counts operators below the DA minimum that are not in the set; for a fixed set the
 * members' sum.
 */
public record OperatorSet(long referenceBlock, List<Operator> operators, BigInteger totalWeight) {
  public static final int MAX_OPERATORS = 1024;

  /** A set whose total weight is its members' stake (local mode, tests). */
  public OperatorSet(long referenceBlock, List<Operator> operators) {
    this(referenceBlock, operators, sum(operators));
  }

  public OperatorSet {
    if (referenceBlock < 0) {
      throw new InvalidInputException("reference block must be >= 0, got " + referenceBlock);
    }
    BigInteger members = sum(operators);
    if (totalWeight.compareTo(members) < 0) {
      throw new InvalidInputException(
          "total weight " + totalWeight + " is below the " + members + " the set's operators hold");
    }
    List<Operator> sorted = new ArrayList<>(operators);
    sorted.sort(Comparator.comparing(Operator::signer));
    if (sorted.isEmpty() || sorted.size() > MAX_OPERATORS) {
      throw new InvalidInputException(
          "an operator set has 1.." + MAX_OPERATORS + " operators, got " + sorted.size());
    }
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).signer().equals(sorted.get(i - 1).signer())) {
        throw new InvalidInputException(
            "operator " + sorted.get(i).signer() + " appears twice in the set");
      }
    }
    operators = List.copyOf(sorted);
  }

  public int size() {
    return operators.size();
  }

  public Operator get(int index) {
    return operators.get(index);
  }

  /** {@code T}: the members' stake, which chunk assignment divides (not {@link #totalWeight()}). */
  public BigInteger totalStake() {
    return sum(operators);
  }

  private static BigInteger sum(List<Operator> operators) {
    return operators.stream().map(Operator::stake).reduce(BigInteger.ZERO, BigInteger::add);
  }

  public Optional<Integer> indexOf(Address signer) {
    for (int i = 0; i < operators.size(); i++) {
      if (operators.get(i).signer().equals(signer)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
