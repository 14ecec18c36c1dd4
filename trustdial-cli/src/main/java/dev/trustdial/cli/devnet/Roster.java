package dev.trustdial.cli.devnet;

import java.util.List;

/**
 * Who is who among the devnet's funded accounts (anvil's test mnemonic, index = account index).
 * Operators also carry the VERIFIER role so the staked verifier set can vote in disputes; two
 * delegators stake through the operators' pools.
 */
public final class Roster {
  public record Member(String name, int index, String purpose) {}

  public static final Member DEPLOYER =
      new Member("deployer", 0, "owns the contracts, mints devnet stake");
  public static final List<Member> OPERATORS =
      List.of(
          new Member("operator-1", 1, "COMPUTE+VERIFIER operator"),
          new Member("operator-2", 2, "COMPUTE+VERIFIER operator"),
          new Member("operator-3", 3, "COMPUTE+VERIFIER operator"));
  public static final Member WATCHTOWER =
      new Member("watchtower-1", 4, "VERIFIER: re-executes, reports, challenges");
  public static final Member DEVELOPER = new Member("developer", 5, "creates apps, submits jobs");

  /**
   * Stakers that are not operators: they delegate to operators' pools and share their rewards' risk
   * (slashes).
   */
  public static final List<Member> DELEGATORS =
      List.of(
          new Member("delegator-1", 6, "delegates stake to operator-1 and operator-2"),
          new Member("delegator-2", 7, "delegates stake to operator-2 and operator-3"));

  public static final List<Member> DA_NODES =
      List.of(
          new Member("da-node-1", 8, "DA node"), new Member("da-node-2", 9, "DA node"),
          new Member("da-node-3", 10, "DA node"), new Member("da-node-4", 11, "DA node"));
  public static final int ACCOUNTS = 20;

  private Roster() {}

  /** The operator or watchtower with this name. */
  public static java.util.Optional<Member> node(String name) {
    java.util.stream.Stream<Member> nodes =
        java.util.stream.Stream.concat(OPERATORS.stream(), java.util.stream.Stream.of(WATCHTOWER));
    return nodes.filter(m -> m.name().equals(name)).findFirst();
  }

  public static List<Member> all() {
    List<Member> m = new java.util.ArrayList<>();
    m.add(DEPLOYER);
    m.addAll(OPERATORS);
    m.add(WATCHTOWER);
    m.add(DEVELOPER);
    m.addAll(DELEGATORS);
    m.addAll(DA_NODES);
    return m;
  }
}
