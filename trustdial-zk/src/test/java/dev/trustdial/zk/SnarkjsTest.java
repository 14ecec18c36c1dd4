package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnarkjsTest {
  @Test
  void findsTheCheckoutAboveTheWorkingDirectory(@TempDir Path dir) throws IOException {
    Path root = checkout(dir, true);
    Path module = Files.createDirectories(root.resolve("trustdial-zk/target"));
    assertThat(Snarkjs.findHome(null, module)).isEqualTo(root);
    assertThat(Snarkjs.findHome("", module)).isEqualTo(root);
    assertThat(Snarkjs.findHome(root.toString(), dir)).isEqualTo(root);
  }

  @Test
  void aCheckoutWithoutNodeModulesSaysToRunTheBuild(@TempDir Path dir) throws IOException {
    Path root = checkout(dir, false);
    assertThatThrownBy(() -> Snarkjs.findHome(null, root.resolve("trustdial-zk")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "node_modules/snarkjs not found under " + root + ": run ./trustdial build (npm ci)");
    assertThatThrownBy(() -> Snarkjs.findHome(root.toString(), dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "node_modules/snarkjs not found under " + root + " ($TRUSTDIAL_HOME)");
  }

  @Test
  void noCheckoutAtAll(@TempDir Path dir) {
    assertThatThrownBy(() -> Snarkjs.findHome(null, dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot find the TrustDial checkout")
        .hasMessageContaining("TRUSTDIAL_HOME");
  }

  @Test
  void tailKeepsTheEnd() {
    String long_ = "x".repeat(5000) + "the error";
    assertThat(Snarkjs.tail(long_)).startsWith("...").endsWith("the error").hasSizeLessThan(2100);
    assertThat(Snarkjs.tail("  short\n")).isEqualTo("short");
  }

  private static Path checkout(Path dir, boolean withSnarkjs) throws IOException {
    Path root = Files.createDirectories(dir.resolve("repo"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.writeString(root.resolve("trustdial"), "#!/bin/sh\n");
    Files.createDirectories(root.resolve("trustdial-zk"));
    if (withSnarkjs) {
      Files.createDirectories(root.resolve("node_modules/snarkjs"));
    }
    return root;
  }
}
