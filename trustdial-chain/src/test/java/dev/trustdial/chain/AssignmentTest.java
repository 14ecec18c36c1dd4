package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The assignment rule of docs/spec/settlement.md §2 (v2): r = keccak256(abi.encode(seedBlockHash,
 * jobId, attempt)) mod W over the candidates' weights, first cumulative weight above r. The spec's
 * vectors A0-A4, plus more computed independently (js-sha3 and BigInt in node); SettlementIT checks
 * the rule against JobManager.assign on anvil.
 */
class AssignmentTest {
  private static final Address A = Address.parse("0x00000000000000000000000000000000000000a1");
  private static final Address B = Address.parse("0x00000000000000000000000000000000000000b2");
  private static final Address C = Address.parse("0x00000000000000000000000000000000000000c3");

  /** The seed block's hash in every vector: 32 bytes of 0x11. */
  private static final Bytes32 SEED = Bytes32.fromHex("0x" + "11".repeat(32));

  private static final List<Assignment.Candidate> THREE =
      List.of(
          new Assignment.Candidate(A, tokens(100)),
          new Assignment.Candidate(B, tokens(300)),
          new Assignment.Candidate(C, tokens(600)));

  private static BigInteger tokens(long n) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(n));
  }

  private static BigInteger id(long n) {
    return BigInteger.valueOf(n);
  }

  /**
   * docs/spec/settlement.md §7, A0-A4, which JobManagerTest.test_assignment_vector checks against
   * the contract.
   */
  @Test
  void specVectors() {
    Bytes32 seed =
        dev.trustdial.core.hash.Hashes.keccak256(
            "trustdial assignment vector".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(seed.toHex())
        .isEqualTo("0xbf8e5dad6fbe09145e02bf3452db5f9905efdcf97703538a5a25914f8597c549"); // A0
    assertThat(Assignment.draw(seed, id(1), 0).toHex())
        .isEqualTo("0x25f27306ba0e3eccdea34332f198c38c17733da121e096ca78831fbdaa778194"); // A1
    assertThat(new BigInteger(1, Assignment.draw(seed, id(1), 0).bytes()).mod(tokens(1000)))
        .isEqualTo(new BigInteger("770643327552190906772"));
    assertThat(Assignment.pick(seed, id(1), 0, THREE, Set.of())).contains(C); // A2
    assertThat(Assignment.draw(seed, id(1), 1).toHex())
        .isEqualTo("0x059253d7101eb961c055a816b3a5fe7f5841f5ae6c2b210bbc6d6caa66f2dd87"); // A3
    assertThat(new BigInteger(1, Assignment.draw(seed, id(1), 1).bytes()).mod(tokens(400)))
        .isEqualTo(new BigInteger("383061698537139133831"));
    assertThat(Assignment.pick(seed, id(1), 1, THREE, Set.of(C))).contains(B); // A4
  }

  @Test
  void drawsMatchTheVectors() {
    assertThat(Assignment.draw(SEED, id(1), 0).toHex())
        .isEqualTo("0xe8b4839877f2cf91d8dc0c11f4d511afcdcadf219cff6b08fbc164a1a916c29c");
    assertThat(Assignment.draw(SEED, id(1), 1).toHex())
        .isEqualTo("0x14383b4fd54d8969f7d79f7a3e1853750786a477dc9d86d73bcf2d8fc5acb861");
    assertThat(Assignment.draw(SEED, id(2), 0).toHex())
        .isEqualTo("0x75ef84b96a975216c3f8bbd9bc53c18b79c8f895298dada2e4b28d83b8c3dd38");
  }

  @Test
  void picksTheVectorsAssignees() {
    assertThat(Assignment.pick(SEED, id(1), 0, THREE, Set.of()))
        .contains(B); // r = 249.02e18 of W = 1000e18
    assertThat(Assignment.pick(SEED, id(4), 0, THREE, Set.of())).contains(C); // r = 727.31e18
    assertThat(Assignment.pick(SEED, id(11), 0, THREE, Set.of())).contains(A); // r = 40.25e18
    // Left out (failed this job, or at maxActiveJobs): W shrinks to the others' weights.
    assertThat(Assignment.pick(SEED, id(7), 1, THREE, Set.of(C)))
        .contains(A); // r = 2.04e18 of 400e18
    assertThat(Assignment.pick(SEED, id(1), 1, THREE, Set.of(C)))
        .contains(B); // r = 350.29e18 of 400e18
  }

  @Test
  void theAttemptAndTheSeedChangeTheDraw() {
    assertThat(Assignment.draw(SEED, id(1), 0)).isNotEqualTo(Assignment.draw(SEED, id(1), 1));
    assertThat(Assignment.draw(SEED, id(1), 0))
        .isNotEqualTo(Assignment.draw(Bytes32.ZERO, id(1), 0));
  }

  @Test
  void nobodyWhenEveryCandidateIsLeftOutOrHasNoWeight() {
    assertThat(
            Assignment.pick(
                SEED, id(1), 0, List.of(new Assignment.Candidate(A, tokens(1))), Set.of(A)))
        .isEmpty();
    assertThat(
            Assignment.pick(
                SEED, id(1), 0, List.of(new Assignment.Candidate(A, BigInteger.ZERO)), Set.of()))
        .isEmpty();
    assertThat(Assignment.pick(SEED, id(1), 0, List.of(), Set.of())).isEmpty();
  }
}
