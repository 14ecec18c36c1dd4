package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CeremonyTest {
  @Test
  void pinnedTableIsTheSnarkjsReadmes() throws IOException {
    // The pins are the BLAKE2b-512 digests the pinned snarkjs publishes for the Hermez files.
    Path readme = repositoryRoot().resolve("node_modules/snarkjs/README.md");
    Matcher m =
        Pattern.compile(
                "\\|\\s+(\\d+)\\s+\\|[^|]+\\|\\s*\\[powersOfTau28_hez_final(?:_\\d+)?\\.ptau]\\([^)]+\\)\\s*\\|\\s*([0-9a-f]{128})\\s*\\|")
            .matcher(Files.readString(readme));
    Map<String, Integer> published = new HashMap<>();
    while (m.find()) {
      published.put(m.group(2), Integer.parseInt(m.group(1)));
    }
    assertThat(published).hasSize(21);
    assertThat(Ceremony.PINNED_BLAKE2B).isEqualTo(published);
  }

  @Test
  void anUnpinnedFileIsRefusedPointingAtDevPtau(@TempDir Path dir) throws IOException {
    Path ptau =
        Files.write(
            dir.resolve("pot12.ptau"), new byte[] {'p', 't', 'a', 'u', 1, 0, 0, 0, 0, 0, 0, 0});
    assertThatThrownBy(() -> Ceremony.publicFile(ptau))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not one of the pinned public ceremony files")
        .hasMessageContaining("--dev-ptau");
    assertThatThrownBy(() -> Ceremony.publicFile(dir.resolve("missing.ptau")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void digestsAreSha256AndBlake2b(@TempDir Path dir) throws IOException {
    String[] d = Ceremony.digests(Files.write(dir.resolve("abc"), "abc".getBytes()));
    assertThat(d[0]).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 7693 Appendix A: BLAKE2b-512("abc")
    assertThat(d[1])
        .isEqualTo(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  }

  @Test
  void aTruncatedPtauIsRefused(@TempDir Path dir) throws IOException {
    Path ptau =
        Files.write(
            dir.resolve("t.ptau"),
            new byte[] {
              'p', 't', 'a', 'u', 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0
            });
    assertThatThrownBy(() -> Ceremony.power(ptau))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("past the end");
    Path notPtau = Files.write(dir.resolve("n.ptau"), "zkey........".getBytes());
    assertThatThrownBy(() -> Ceremony.power(notPtau)).hasMessageContaining("no 'ptau' header");
  }

  @Test
  void contributionHashIsReadFromSnarkjsOutput() {
    String out =
        "[INFO]  snarkJS: Circuit Hash: \n\t\t063f58ca 5430d898 a91ce2bd f1cebdfd\n\t\td345e278 cda8558a 04d03a4c 3f00bda5\n"
            + "\t\tebdbe109 6f7c82ea 29900d64 27438f49\n\t\t1ede159d fd54ed07 8996d1b5 2b6e37df\n"
            + "[INFO]  snarkJS: Contribution Hash: \n\t\te4c1185b 8fd4db44 7f248445 48178e44\n\t\t49eab6c0 9359b25a ce5e2010 ffc3bcb0\n"
            + "\t\t3113383c f6b3f375 2cf45bb0 7364f9a2\n\t\te4704112 b2a0512d 694e8fae 3ef956b2\n";
    assertThat(ZkBuilder.contributionHash(out))
        .isEqualTo(
            "e4c1185b8fd4db447f24844548178e4449eab6c09359b25ace5e2010ffc3bcb0"
                + "3113383cf6b3f3752cf45bb07364f9a2e4704112b2a0512d694e8fae3ef956b2");
    assertThatThrownBy(() -> ZkBuilder.contributionHash("nothing"))
        .isInstanceOf(IllegalStateException.class);
  }

  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("node_modules/snarkjs"))
          && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
