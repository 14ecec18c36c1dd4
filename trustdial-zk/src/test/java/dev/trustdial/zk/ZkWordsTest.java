package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZkWordsTest {
  private static final BigInteger R = ZkWords.FIELD_ORDER;

  @Test
  void selectorMatchesTheSpecVector() {
    // zk.md §7: keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[5])")[0..4]
    assertThat(Hex.encode(ZkWords.selector(5))).isEqualTo("0x34baeab9");
    assertThat(ZkWords.selector(4)).hasSize(4).isNotEqualTo(ZkWords.selector(5));
  }

  @Test
  void selectorNeedsOneToSixtyFourSignals() {
    assertThatThrownBy(() -> ZkWords.selector(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZkWords.selector(65)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ZkWords.selector(64)).hasSize(4);
  }

  @Test
  void fieldOrderIsTheSpecsR() {
    assertThat(R.toString(16))
        .isEqualTo("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
  }

  @Test
  void wordsRoundTripBigEndian() {
    List<BigInteger> words =
        List.of(
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.valueOf(0x0102),
            R.subtract(BigInteger.ONE));
    byte[] bytes = ZkWords.encode(words);
    assertThat(bytes).hasSize(128);
    assertThat(bytes[63]).isEqualTo((byte) 1);
    assertThat(bytes[94]).isEqualTo((byte) 1);
    assertThat(bytes[95]).isEqualTo((byte) 2);
    assertThat(Hex.encodeBare(bytes).substring(192))
        .isEqualTo("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000");
    assertThat(ZkWords.decode(bytes)).isEqualTo(words);
    assertThat(ZkWords.decode(new byte[0])).isEmpty();
  }

  @Test
  void aWordAtOrAboveRIsRefusedWithItsIndex() {
    byte[] bytes = ZkWords.encode(List.of(BigInteger.ONE, BigInteger.TWO));
    byte[] r = Hex.decode("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
    System.arraycopy(r, 0, bytes, 32, 32);
    assertThatThrownBy(() -> ZkWords.decode(bytes))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("word 1");
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xff);
    assertThatThrownBy(() -> ZkWords.decode(max)).hasMessageContaining("word 0");
    assertThatThrownBy(() -> ZkWords.encode(List.of(BigInteger.ONE, R)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("word 1");
    assertThatThrownBy(() -> ZkWords.encode(List.of(BigInteger.ONE.negate())))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void badLengthsAreRefused() {
    assertThatThrownBy(() -> ZkWords.decode(new byte[31]))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("31 bytes is not a multiple of 32");
    assertThatThrownBy(() -> ZkWords.decode(new byte[33])).hasMessageContaining("multiple of 32");
    assertThat(ZkWords.decode(new byte[64 * 32])).hasSize(64);
    assertThatThrownBy(() -> ZkWords.decode(new byte[65 * 32]))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("65 ZK words");
  }

  @Test
  void inputJsonIsTheWitnessGeneratorsInput() {
    assertThat(
            ZkWords.inputJson(
                List.of(BigInteger.valueOf(7), BigInteger.ZERO, R.subtract(BigInteger.ONE))))
        .isEqualTo("{\"in\":[\"7\",\"0\",\"" + R.subtract(BigInteger.ONE) + "\"]}");
    assertThat(ZkWords.inputJson(Collections.nCopies(2, BigInteger.TEN)))
        .isEqualTo("{\"in\":[\"10\",\"10\"]}");
    assertThatThrownBy(() -> ZkWords.inputJson(List.of(R)))
        .isInstanceOf(InvalidInputException.class);
  }
}
