package dev.trustdial.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Part lists of docs/spec/job-input.md: vector P1, round trips and refusals. The DA here is an
 * in-memory double keyed by keccak; PriceAgentJobIT stores and runs a three-part artifact on the
 * real DA nodes.
 */
class ProgramBlobsTest {
  @Test
  void encodesVectorP1() {
    byte[] program = new byte[ProgramBlobs.MAX_BLOB_BYTES + 1];
    ProgramBlobs.PartList list = new ProgramBlobs.PartList(program.length, Hashes.keccak256(program),
        List.of(new Bytes32(filled(0x11)), new Bytes32(filled(0x22))));
    String hex = "5444504152545331" + "0000000001000001" + "729d5b9dec5d017cec028192cc92750053201893c6e3789ce3950791dfb020ba" + "00000002"
        + "11".repeat(32) + "22".repeat(32);
    assertThat(Hex.encode(list.encode())).isEqualTo("0x" + hex);
    assertThat(ProgramBlobs.decode(Hex.decode("0x" + hex))).isEqualTo(list);
  }

  @Test
  void aLargeProgramComesBackFromItsPartsAndASmallOneIsOneBlob() {
    MemoryDa da = new MemoryDa();
    byte[] program = new byte[ProgramBlobs.MAX_BLOB_BYTES + 12345];
    new Random(7).nextBytes(program);
    List<byte[]> parts = List.of(Arrays.copyOfRange(program, 0, 1 << 23), Arrays.copyOfRange(program, 1 << 23, 1 << 24),
        Arrays.copyOfRange(program, 1 << 24, program.length));
    List<Bytes32> keys = parts.stream().map(da::putKey).toList();
    Bytes32 listKey = da.putKey(new ProgramBlobs.PartList(program.length, Hashes.keccak256(program), keys).encode());
    assertThat(ProgramBlobs.get(da, listKey)).isEqualTo(program);
    byte[] small = {0x7f, 'E', 'L', 'F', 1};
    assertThat(ProgramBlobs.get(da, da.putKey(small))).isEqualTo(small);
  }

  @Test
  void refusesPartsThatDoNotMatchTheirList() {
    MemoryDa da = new MemoryDa();
    byte[] program = new byte[ProgramBlobs.MAX_BLOB_BYTES + 2];
    Bytes32 a = da.putKey(Arrays.copyOfRange(program, 0, 1 << 24));
    Bytes32 b = da.putKey(Arrays.copyOfRange(program, 1 << 24, program.length));
    Bytes32 wrongDigest = da.putKey(new ProgramBlobs.PartList(program.length, new Bytes32(filled(9)), List.of(a, b)).encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, wrongDigest)).isInstanceOf(InvalidInputException.class).hasMessageContaining("hash to");
    Bytes32 shortList = da.putKey(new ProgramBlobs.PartList(program.length + 1, Hashes.keccak256(program), List.of(a, b)).encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, shortList)).isInstanceOf(InvalidInputException.class).hasMessageContaining("hold");
    Bytes32 longList = da.putKey(new ProgramBlobs.PartList(program.length, Hashes.keccak256(program), List.of(a, b, b)).encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, longList)).isInstanceOf(InvalidInputException.class).hasMessageContaining("add up");
    byte[] trailing = Arrays.copyOf(new ProgramBlobs.PartList(program.length, Hashes.keccak256(program), List.of(a, b)).encode(), 52 + 64 + 1);
    assertThatThrownBy(() -> ProgramBlobs.decode(trailing)).isInstanceOf(InvalidInputException.class).hasMessageContaining("carries");
    assertThatThrownBy(() -> new ProgramBlobs.PartList(1, Bytes32.ZERO, List.of(a, b))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("every part holds at least one byte");
    assertThatThrownBy(() -> new ProgramBlobs.PartList(program.length, Bytes32.ZERO, List.of(a))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2..32 parts");
    assertThatThrownBy(() -> ProgramBlobs.put(da, program, 0)).isInstanceOf(InvalidInputException.class).hasMessageContaining("part size");
    assertThatThrownBy(() -> ProgramBlobs.put(da, program, 1 << 16)).isInstanceOf(InvalidInputException.class).hasMessageContaining("use larger parts");
  }

  private static byte[] filled(int b) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) b);
    return out;
  }
}
