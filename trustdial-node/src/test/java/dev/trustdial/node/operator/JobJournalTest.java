package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
  @TempDir Path dir;

  @Test
  void survivesReopeningWithCursorEntriesAndSnapshots() {
    JobJournal j = JobJournal.open(dir);
    j.setNextBlock(42);
    Bytes32 hash = Hashes.keccak256(new byte[] {1});
    Bytes32 key = Hashes.keccak256(new byte[] {2});
    j.checkpoint(new JobJournal.Entry(BigInteger.valueOf(7), 1, 65536, hash, key, false), new byte[] {9, 8, 7});
    j.put(new JobJournal.Entry(BigInteger.valueOf(8), 0, 0, Bytes32.ZERO, Bytes32.ZERO, true));

    JobJournal again = JobJournal.open(dir);
    assertThat(again.nextBlock()).isEqualTo(42);
    assertThat(again.job(BigInteger.valueOf(7))).contains(new JobJournal.Entry(BigInteger.valueOf(7), 1, 65536, hash, key, false));
    assertThat(again.job(BigInteger.valueOf(8)).orElseThrow().submitted()).isTrue();
    assertThat(again.snapshot(BigInteger.valueOf(7))).hasValueSatisfying(b -> assertThat(b).containsExactly(9, 8, 7));
    assertThat(again.snapshot(BigInteger.valueOf(8))).isEmpty();
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    JobJournal j = JobJournal.open(dir);
    j.checkpoint(new JobJournal.Entry(BigInteger.ONE, 0, 1, Bytes32.ZERO, Bytes32.ZERO, false), new byte[] {1});
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    }
  }
}
