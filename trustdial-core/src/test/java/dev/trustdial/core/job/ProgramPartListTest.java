package dev.trustdial.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The part list of docs/spec/job-input.md ({@code TDPARTS1}): vector P1 and refusals. */
class ProgramPartListTest {
  private static final Bytes32 A = new Bytes32(filled(0x11));
  private static final Bytes32 B = new Bytes32(filled(0x22));

  @Test
  void encodesVectorP1() {
    byte[] program = new byte[ProgramPartList.MAX_BLOB_BYTES + 1];
    ProgramPartList list =
        new ProgramPartList(program.length, Hashes.keccak256(program), List.of(A, B));
    String hex =
        "5444504152545331"
            + "0000000001000001"
            + "729d5b9dec5d017cec028192cc92750053201893c6e3789ce3950791dfb020ba"
            + "00000002"
            + "11".repeat(32)
            + "22".repeat(32);
    assertThat(Hex.encode(list.encode())).isEqualTo("0x" + hex);
    assertThat(ProgramPartList.isPartList(Hex.decode("0x" + hex))).isTrue();
    assertThat(ProgramPartList.decode(Hex.decode("0x" + hex))).isEqualTo(list);
  }

  @Test
  void refusesMalformedLists() {
    byte[] ok = new ProgramPartList(10, Bytes32.ZERO, List.of(A, B)).encode();
    for (int n = 0; n < ok.length; n++) {
      byte[] cut = Arrays.copyOf(ok, n);
      assertThatThrownBy(() -> ProgramPartList.decode(cut))
          .isInstanceOf(InvalidInputException.class);
    }
    byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> ProgramPartList.decode(trailing))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("carries");
    byte[] elf = {0x7f, 'E', 'L', 'F', 1, 1, 1, 0};
    assertThat(ProgramPartList.isPartList(elf)).isFalse();
    assertThatThrownBy(() -> ProgramPartList.decode(elf)).hasMessageContaining("magic TDPARTS1");
    assertThatThrownBy(() -> new ProgramPartList(1, Bytes32.ZERO, List.of(A, B)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("every part holds at least one byte");
    assertThatThrownBy(() -> new ProgramPartList(10, Bytes32.ZERO, List.of(A)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2..32 parts");
    assertThatThrownBy(() ->
            new ProgramPartList(ProgramPartList.MAX_PROGRAM_BYTES + 1, Bytes32.ZERO, List.of(A, B)))
        .isInstanceOf(InvalidInputException.class);
  }

  private static byte[] filled(int b) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) b);
    return out;
  }
}
