package dev.trustdial.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmIT {
  @TempDir Path dir;

  private ChildJvm.Launch launch(String... args) {
    return ChildJvm.Launch.of("scripted", ScriptedChild.class, dir.resolve("child.log"))
        .withJvmFlags(List.of("-XX:TieredStopAtLevel=1"))
        .withArgs(List.of(args));
  }

  @Test
  void returnsOnTheReadyLineWithItsPortAndWords() throws Exception {
    try (ChildJvm.Started s =
        launch("serve", "starting up", "err:a warning", "listening 4242 account 0xabc url http://x")
            .start()) {
      assertThat(s.port()).isEqualTo(4242);
      assertThat(s.readyLine()).isEqualTo("listening 4242 account 0xabc url http://x");
      assertThat(s.word("account")).isEqualTo("0xabc");
      assertThat(s.word("url")).isEqualTo("http://x");
      assertThatThrownBy(() -> s.word("public-key"))
          .hasMessageContaining("scripted printed no public-key");
      assertThat(s.isAlive()).isTrue();
      assertThat(Files.readString(s.log())).contains("starting up", "a warning");
      s.kill();
      assertThat(s.isAlive()).isFalse();
    }
  }

  @Test
  void waitsForTheReadyLineOfThisStartNotAnEarlierOneInTheSameLog() throws Exception {
    Files.writeString(dir.resolve("child.log"), "listening 1111 from an earlier run\n");
    try (ChildJvm.Started s = launch("serve", "listening 2222 account 0xdef").start()) {
      assertThat(s.port()).isEqualTo(2222);
    }
    assertThat(Files.readString(dir.resolve("child.log")))
        .startsWith("listening 1111")
        .contains("listening 2222");
  }

  @Test
  void aLineThatOnlyMentionsListeningIsNotReady() {
    assertThatThrownBy(() -> launch("exit:0", "not listening yet", "listening soon").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code 0 before listening");
  }

  @Test
  void anExitBeforeListeningQuotesTheLastLines() {
    String[] args = new String[30];
    args[0] = "exit:3";
    for (int i = 1; i < args.length; i++) {
      args[i] = "line " + i;
    }
    assertThatThrownBy(() -> launch(args).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scripted exited with code 3 before listening")
        .hasMessageContaining("line 29")
        .hasMessageContaining("line 10")
        .hasMessageNotContaining("line 9\n");
  }

  @Test
  void aSilentChildIsKilledAtTheTimeoutAndTheErrorQuotesItsOutput() throws Exception {
    long before = ProcessHandle.current().children().count();
    assertThatThrownBy(
            () -> launch("serve", "stuck on something").withTimeout(Duration.ofSeconds(3)).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scripted did not print 'listening PORT' within 3 s")
        .hasMessageContaining("stuck on something");
    // The child was killed: no process of ours outlives the failure.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.current().children().filter(ProcessHandle::isAlive).count() > before
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count())
        .isEqualTo(before);
  }

  @Test
  void passesEnvironmentAndWorkingDirectory() throws Exception {
    Path work = dir.resolve("work");
    try (ChildJvm.Started s =
        launch("env:TD_CHILD_TEST")
            .withEnv(Map.of("TD_CHILD_TEST", "yes"))
            .withWorkDir(work)
            .start()) {
      assertThat(s.port()).isEqualTo(7);
      assertThat(s.readyLine()).endsWith("\u00e9t\u00e9");
      assertThat(Files.readString(s.log()))
          .contains("env TD_CHILD_TEST=yes cwd=" + work.toAbsolutePath());
    }
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThatThrownBy(() -> launch("serve").withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
