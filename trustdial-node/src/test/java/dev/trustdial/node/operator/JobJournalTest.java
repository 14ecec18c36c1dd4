package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
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
    j.checkpoint(
        new JobJournal.Entry(BigInteger.valueOf(7), 1, 65536, hash, key, false),
        new byte[] {9, 8, 7});
    j.put(new JobJournal.Entry(BigInteger.valueOf(8), 0, 0, Bytes32.ZERO, Bytes32.ZERO, true));

    JobJournal again = JobJournal.open(dir);
    assertThat(again.nextBlock()).isEqualTo(42);
    assertThat(again.job(BigInteger.valueOf(7)))
        .contains(new JobJournal.Entry(BigInteger.valueOf(7), 1, 65536, hash, key, false));
    assertThat(again.job(BigInteger.valueOf(8)).orElseThrow().submitted()).isTrue();
    assertThat(again.snapshot(BigInteger.valueOf(7)))
        .hasValueSatisfying(b -> assertThat(b).containsExactly(9, 8, 7));
    assertThat(again.snapshot(BigInteger.valueOf(8))).isEmpty();
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    JobJournal j = JobJournal.open(dir);
    j.checkpoint(
        new JobJournal.Entry(BigInteger.ONE, 0, 1, Bytes32.ZERO, Bytes32.ZERO, false),
        new byte[] {1});
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    }
  }

  private Path file() {
    return dir.resolve("state.json");
  }

  private JobJournal withOneJobAt(long nextBlock) {
    JobJournal j = JobJournal.open(dir);
    j.setNextBlock(nextBlock);
    j.put(new JobJournal.Entry(BigInteger.valueOf(7), 1, 0, Bytes32.ZERO, Bytes32.ZERO, false));
    return j;
  }

  @Test
  void refusesGarbageNamingTheFileAndHowToRebuild() throws Exception {
    Files.write(file(), new byte[] {0x00, (byte) 0xff, 'x', '{'});
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("--rebuild-journal")
        .hasMessageContaining("rebuilds its journal from the chain");
  }

  @Test
  void refusesATruncatedFile() throws Exception {
    withOneJobAt(42);
    byte[] whole = Files.readAllBytes(file());
    Files.write(file(), java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("truncated");
    Files.write(file(), new byte[0]);
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void refusesWellFormedJsonWithValuesTheWriterNeverWrites() throws Exception {
    Files.writeString(file(), "[1, 2]");
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a JSON object");
    Files.writeString(file(), "{\"nextBlock\": \"soon\", \"jobs\": []}");
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nextBlock");
    Files.writeString(file(), "{\"nextBlock\": 3, \"jobs\": [{\"jobId\": \"7\", \"attempt\": 1}]}");
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("job entry")
        .hasMessageContaining("step");
    Files.writeString(file(), "{\"nextBlock\": 3, \"jobs\": []} trailing");
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void rewindsACursorPastTheHeadToZeroAndKeepsTheJobs() {
    withOneJobAt(1000);
    JobJournal j = JobJournal.open(dir);
    assertThat(j.rewindIfAhead(99)).isTrue();
    assertThat(j.nextBlock()).isZero();
    assertThat(j.job(BigInteger.valueOf(7))).isPresent();
    JobJournal again = JobJournal.open(dir);
    assertThat(again.nextBlock()).isZero();
    assertThat(again.job(BigInteger.valueOf(7))).isPresent();
  }

  @Test
  void keepsACursorUpToOnePastTheHead() {
    withOneJobAt(100);
    JobJournal j = JobJournal.open(dir);
    assertThat(j.rewindIfAhead(99)).isFalse();
    assertThat(j.rewindIfAhead(500)).isFalse();
    assertThat(j.nextBlock()).isEqualTo(100);
  }

  @Test
  void movesADamagedJournalAsideSoTheOperatorStartsFresh() throws Exception {
    Files.writeString(file(), "{\"nextBlock\": 12, \"jo");
    Path aside = JobJournal.moveAside(dir).orElseThrow();
    assertThat(aside.getFileName().toString()).startsWith("state.json.damaged-");
    assertThat(Files.readString(aside)).isEqualTo("{\"nextBlock\": 12, \"jo");
    assertThat(file()).doesNotExist();
    JobJournal fresh = JobJournal.open(dir);
    assertThat(fresh.nextBlock()).isZero();
    assertThat(fresh.jobs()).isEmpty();
    assertThat(JobJournal.moveAside(dir)).isEmpty();
  }

  @Test
  void movesAnIntactJournalAsideAsOld() {
    withOneJobAt(5);
    assertThat(JobJournal.moveAside(dir).orElseThrow().getFileName().toString())
        .startsWith("state.json.old-");
    assertThat(JobJournal.open(dir).jobs()).isEmpty();
  }
}
