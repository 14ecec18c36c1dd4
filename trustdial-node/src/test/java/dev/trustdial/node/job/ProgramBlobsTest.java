package dev.trustdial.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.ProgramPartList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Programs stored as part lists on DA (the TDPARTS1 format itself and vector P1:
 * ProgramPartListTest in trustdial-core): round trips and refusals. The DA here is an in-memory
 * double keyed by keccak; PriceAgentJobIT stores and runs a three-part artifact on the real DA
 * nodes.
 */
class ProgramBlobsTest {
  @Test
  void aLargeProgramComesBackFromItsPartsAndASmallOneIsOneBlob() {
    MemoryDa da = new MemoryDa();
    byte[] program = new byte[ProgramBlobs.MAX_BLOB_BYTES + 12345];
    new Random(7).nextBytes(program);
    List<byte[]> parts =
        List.of(
            Arrays.copyOfRange(program, 0, 1 << 23),
            Arrays.copyOfRange(program, 1 << 23, 1 << 24),
            Arrays.copyOfRange(program, 1 << 24, program.length));
    List<Bytes32> keys = parts.stream().map(da::putKey).toList();
    Bytes32 listKey =
        da.putKey(new ProgramPartList(program.length, Hashes.keccak256(program), keys).encode());
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
    Bytes32 wrongDigest =
        da.putKey(
            new ProgramPartList(program.length, new Bytes32(filled(9)), List.of(a, b)).encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, wrongDigest))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hash to");
    Bytes32 shortList =
        da.putKey(
            new ProgramPartList(program.length + 1, Hashes.keccak256(program), List.of(a, b))
                .encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, shortList))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hold");
    Bytes32 longList =
        da.putKey(
            new ProgramPartList(program.length, Hashes.keccak256(program), List.of(a, b, b))
                .encode());
    assertThatThrownBy(() -> ProgramBlobs.get(da, longList))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("add up");
    Bytes32 trailing =
        da.putKey(
            Arrays.copyOf(
                new ProgramPartList(program.length, Hashes.keccak256(program), List.of(a, b))
                    .encode(),
                52 + 64 + 1));
    assertThatThrownBy(() -> ProgramBlobs.get(da, trailing))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is malformed")
        .hasMessageContaining("carries");
    assertThatThrownBy(() -> ProgramBlobs.put(da, program, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("part size");
    assertThatThrownBy(() -> ProgramBlobs.put(da, program, 1 << 16))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use larger parts");
  }

  private static byte[] filled(int b) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) b);
    return out;
  }
}
