package dev.trustdial.tee.nitro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CborReaderTest {
  static CborValue decode(String hex) throws VerificationFailedException {
    return CborReader.decode(Hex.decode(hex), "test");
  }

  @Test
  void definiteAndIndefiniteItemsDecodeAlike() throws Exception {
    // {"a": [1, -2, h'0102'], 5: "x"} definite, then with an indefinite map, array and byte string.
    CborValue definite = decode("a2616183012142010205617" + "8");
    CborValue indefinite = decode("bf61619f0121" + "5f41014102ff" + "ff05617" + "8ff");
    for (CborValue v : List.of(definite, indefinite)) {
      var m = (CborValue.MapValue) v;
      var arr = (CborValue.Array) m.get("a").orElseThrow();
      assertThat(arr.items().get(0)).isEqualTo(new CborValue.UInt(1));
      assertThat(arr.items().get(1)).isEqualTo(new CborValue.NInt(-2));
      assertThat(((CborValue.Bytes) arr.items().get(2)).value()).containsExactly(1, 2);
      assertThat(m.get(5L)).contains(new CborValue.Text("x"));
    }
  }

  @Test
  void strictnessRules() {
    assertRefused("a201010102", "duplicate map key");
    assertRefused("0001", "trailing");
    assertRefused("f93c00", "floats");
    assertRefused("a1a0a0", "not an integer or text");
    assertRefused("5f61", "wrong type");
    assertRefused("9f01", "ends inside");
    assertRefused("5a00010000", "runs past the end");
    assertRefused("62c328", "not UTF-8");
    assertRefused("ff", "unexpected break");
    assertRefused("81".repeat(20) + "00", "nesting deeper");
    assertRefused("1c", "reserved");
    // Found by the property below: an 8-byte length with the top bit set.
    assertRefused("5bffffffffff000009", "runs past the end");
  }

  /** Arbitrary bytes either decode or are refused as Malformed: no other exception escapes. */
  @net.jqwik.api.Property(tries = 2000)
  void arbitraryBytesNeverEscapeAsAnotherException(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(max = 64) byte[] b) {
    try {
      CborReader.decode(b, "fuzz");
    } catch (VerificationFailedException e) {
      assertThat(e.failure()).isInstanceOf(dev.trustdial.tee.attest.Failure.Malformed.class);
    }
  }

  @Test
  void sigStructureMatchesTheSpecVector() {
    assertThat(
            Hex.encodeBare(
                NitroDocumentVerifier.sigStructure(Hex.decode("a1013822"), Hex.decode("a0"))))
        .isEqualTo("846a5369676e61747572653144a10138224041a0");
  }

  static void assertRefused(String hex, String reason) {
    assertThatThrownBy(() -> decode(hex))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining(reason);
  }
}
