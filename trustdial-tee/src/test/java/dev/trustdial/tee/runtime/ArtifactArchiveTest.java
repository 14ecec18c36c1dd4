package dev.trustdial.tee.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact archive of docs/spec/job-input.md ("TEE jobs"): vectors A1, A2, round trips and
 * refusals.
 */
class ArtifactArchiveTest {
  static final String A1 =
      "5444415254494631"
          + "00"
          + "00000001"
          + "0007"
          + "6170702e6a6172"
          + "00000005"
          + "68656c6c6f";
  static final String A2 =
      "5444415254494631"
          + "01"
          + "00000002"
          + "000a"
          + "62696e2f72756e2e7368"
          + "00000008"
          + "6563686f2068690a"
          + "0008"
          + "646174612e747874"
          + "00000001"
          + "78";

  @TempDir Path tmp;

  @Test
  void fileArtifactMatchesVectorA1AndUnpacksToTheSameDigest() throws Exception {
    Path jar = Files.writeString(tmp.resolve("app.jar"), "hello");
    byte[] archive = ArtifactArchive.pack(jar);
    assertThat(Hex.encode(archive)).isEqualTo("0x" + A1);
    Path unpacked = ArtifactArchive.unpack(archive, tmp.resolve("out"));
    assertThat(unpacked.getFileName().toString()).isEqualTo("app.jar");
    assertThat(Hex.encode(ArtifactDigest.of(unpacked)))
        .isEqualTo("0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  }

  @Test
  void directoryArtifactMatchesVectorA2AndUnpacksToTheSameDigest() throws Exception {
    Path dir = tmp.resolve("app");
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("data.txt"), "x");
    Files.writeString(dir.resolve("bin/run.sh"), "echo hi\n");
    byte[] archive = ArtifactArchive.pack(dir);
    assertThat(Hex.encode(archive)).isEqualTo("0x" + A2);
    Path unpacked = ArtifactArchive.unpack(archive, tmp.resolve("out"));
    assertThat(unpacked).isEqualTo(tmp.resolve("out"));
    assertThat(Hex.encode(ArtifactDigest.of(unpacked)))
        .isEqualTo("0xd81169765a32cc934d908597abe16a6fa7049458149e599452a2bf6e6ca47c81");
    assertThat(ArtifactDigest.of(unpacked)).isEqualTo(ArtifactDigest.of(dir));
    assertThat(Files.isExecutable(unpacked.resolve("bin/run.sh"))).isTrue();
  }

  @Test
  void refusesMalformedArchivesWithoutWritingOutsideTheTarget() {
    assertRefused(Hex.decode("0x" + A1.replace("54444152", "54444153")), "magic TDARTIF1");
    assertRefused(Hex.decode("0x" + A1 + "00"), "after its last entry");
    assertRefused(Arrays.copyOf(Hex.decode("0x" + A1), 20), "ends inside");
    assertRefused(
        Hex.decode("0x" + A1.replace("5444415254494631" + "00", "5444415254494631" + "07")),
        "kind 7");
    // Kind 0 with two entries, a directory with the entries out of order, a file name with '/'.
    assertRefused(
        Hex.decode("0x" + A2.replace("5444415254494631" + "01", "5444415254494631" + "00")),
        "holds 2 files");
    String swapped =
        "5444415254494631"
            + "01"
            + "00000002"
            + "0008"
            + "646174612e747874"
            + "00000001"
            + "78"
            + "000a"
            + "62696e2f72756e2e7368"
            + "00000008"
            + "6563686f2068690a";
    assertRefused(Hex.decode("0x" + swapped), "strictly increasing");
    assertRefused(entry(0, "a/b"), "must not contain '/'");
    assertRefused(entry(1, "../escape"), "'..' segment");
    assertRefused(entry(1, "/etc/passwd"), "empty");
    assertRefused(entry(1, "a//b"), "empty");
    assertRefused(entry(1, "a\\b"), "backslash");
    assertThat(tmp.getParent().resolve("escape")).doesNotExist();
  }

  @Test
  void refusesATargetThatIsNotEmptyAndAnArtifactOverTheLimit() throws Exception {
    Path target = tmp.resolve("busy");
    Files.createDirectories(target);
    Files.writeString(target.resolve("keep"), "mine");
    assertThatThrownBy(() -> ArtifactArchive.unpack(Hex.decode("0x" + A1), target))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not empty");
    assertThat(Files.readString(target.resolve("keep"))).isEqualTo("mine");
    Path big = tmp.resolve("big.jar");
    try (var ch =
        java.nio.channels.FileChannel.open(
            big,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[1]), ArtifactArchive.MAX_BYTES);
    }
    assertThatThrownBy(() -> ArtifactArchive.pack(big))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("packs to more than");
  }

  private static byte[] entry(int kind, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 1 + 4 + 2 + n.length + 4 + 1);
    b.put("TDARTIF1".getBytes(StandardCharsets.US_ASCII))
        .put((byte) kind)
        .putInt(1)
        .putShort((short) n.length)
        .put(n)
        .putInt(1)
        .put((byte) 'x');
    return b.array();
  }

  private void assertRefused(byte[] archive, String message) {
    Path into = tmp.resolve("t" + System.nanoTime());
    assertThatThrownBy(() -> ArtifactArchive.unpack(archive, into))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }
}
