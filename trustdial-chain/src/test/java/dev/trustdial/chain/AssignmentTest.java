package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The vectors A1-A5 of docs/spec/settlement.md §7, which forge checks against JobManager too. */
class AssignmentTest {
  private static final Address A = Address.parse("0x00000000000000000000000000000000000000a1");
  private static final Address B = Address.parse("0x00000000000000000000000000000000000000b2");
  private static final Address C = Address.parse("0x00000000000000000000000000000000000000c3");

  private static BigInteger tokens(long n) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(n));
  }

  @Test
  void seedsMatchTheSpecVectors() {
    assertThat(Assignment.seed(BigInteger.ONE, 0).toHex()).isEqualTo("0xada5013122d395ba3c54772283fb069b10426056ef8ca54750cb9bb552a59e7d");
    assertThat(Assignment.seed(BigInteger.ONE, 1).toHex()).isEqualTo("0xcc69885fda6bcc1a4ace058b4a62bf5e179ea78fd58a1ccd71c22cc9b688792f");
  }

  @Test
  void picksTheSpecVectorsAssignees() {
    List<Assignment.Candidate> three = List.of(new Assignment.Candidate(A, tokens(100)), new Assignment.Candidate(B, tokens(300)),
        new Assignment.Candidate(C, tokens(600)));
    assertThat(Assignment.pick(BigInteger.ONE, 0, three, Set.of())).contains(C);          // A2
    assertThat(Assignment.pick(BigInteger.ONE, 1, three, Set.of(C))).contains(B);         // A4
    List<Assignment.Candidate> slashed = List.of(new Assignment.Candidate(A, tokens(100)), new Assignment.Candidate(B, tokens(300)),
        new Assignment.Candidate(C, tokens(540)));
    assertThat(Assignment.pick(BigInteger.TWO, 0, slashed, Set.of())).contains(B);        // A5
  }

  @Test
  void nobodyWhenEveryCandidateFailedOrHasNoStake() {
    assertThat(Assignment.pick(BigInteger.ONE, 0, List.of(new Assignment.Candidate(A, tokens(1))), Set.of(A))).isEmpty();
    assertThat(Assignment.pick(BigInteger.ONE, 0, List.of(), Set.of())).isEmpty();
  }
}
