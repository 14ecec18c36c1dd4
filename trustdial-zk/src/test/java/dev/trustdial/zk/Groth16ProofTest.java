package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Groth16ProofTest {
  @Test
  void wordsAreInTheOrderSnarkjsSolidityCalldataPrints() {
    // calldata.txt is snarkjs's own soliditycalldata for proof.json: 8 proof words, then the public
    // signals.
    List<BigInteger> calldata = Fixtures.calldataWords(Fixtures.text("calldata.txt"));
    Groth16Proof proof = Groth16Proof.fromSnarkjs(Fixtures.json("proof.json"));
    assertThat(proof.words()).isEqualTo(calldata.subList(0, 8));
    assertThat(calldata.subList(8, calldata.size()))
        .containsExactly(
            BigInteger.valueOf(14), BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
  }

  @Test
  void bCoordinatesAreSwapped() {
    JsonNode json = Fixtures.json("proof.json");
    Groth16Proof proof = Groth16Proof.fromSnarkjs(json);
    JsonNode b = json.get("pi_b");
    assertThat(proof.words().get(2)).isEqualTo(new BigInteger(b.get(0).get(1).asText()));
    assertThat(proof.words().get(3)).isEqualTo(new BigInteger(b.get(0).get(0).asText()));
    assertThat(proof.words().get(4)).isEqualTo(new BigInteger(b.get(1).get(1).asText()));
    assertThat(proof.words().get(5)).isEqualTo(new BigInteger(b.get(1).get(0).asText()));
  }

  @Test
  void toSnarkjsUndoesTheSwap() {
    JsonNode json = Fixtures.json("proof.json");
    Groth16Proof proof = Groth16Proof.fromSnarkjs(json);
    assertThat(proof.toSnarkjs()).isEqualTo(json);
    assertThat(Groth16Proof.fromSnarkjs(proof.toSnarkjs())).isEqualTo(proof);
    assertThat(Groth16Proof.decode(proof.encode())).isEqualTo(proof);
    assertThat(proof.encode()).hasSize(256);
  }

  @Test
  void wordsMustBeEightAndBelowQ() {
    List<BigInteger> words =
        new ArrayList<>(Groth16Proof.fromSnarkjs(Fixtures.json("proof.json")).words());
    assertThatThrownBy(() -> new Groth16Proof(words.subList(0, 7)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("8 words");
    words.set(6, Groth16Proof.BASE_FIELD);
    assertThatThrownBy(() -> new Groth16Proof(words))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("word 6");
    assertThat(Groth16Proof.BASE_FIELD).isGreaterThan(ZkWords.FIELD_ORDER);
  }

  @Test
  void malformedSnarkjsProofsAreRefused() {
    ObjectNode projective = (ObjectNode) Fixtures.json("proof.json");
    ((ArrayNode) projective.get("pi_a")).set(2, "2");
    assertThatThrownBy(() -> Groth16Proof.fromSnarkjs(projective))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("pi_a");
    ObjectNode plonk = (ObjectNode) Fixtures.json("proof.json");
    plonk.put("protocol", "plonk");
    assertThatThrownBy(() -> Groth16Proof.fromSnarkjs(plonk))
        .hasMessageContaining("not a Groth16 proof");
    ObjectNode shortB = (ObjectNode) Fixtures.json("proof.json");
    ((ArrayNode) shortB.get("pi_b")).remove(2);
    assertThatThrownBy(() -> Groth16Proof.fromSnarkjs(shortB)).hasMessageContaining("pi_b");
    ObjectNode hex = (ObjectNode) Fixtures.json("proof.json");
    ((ArrayNode) hex.get("pi_c")).set(0, "0x12");
    assertThatThrownBy(() -> Groth16Proof.fromSnarkjs(hex)).hasMessageContaining("pi_c[0]");
  }
}
