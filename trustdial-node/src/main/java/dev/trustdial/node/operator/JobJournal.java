package dev.trustdial.node.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Bytes32;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The operator's local state in its data dir: the next block to read and, per job, the last
 * checkpoint it wrote (with the snapshot bytes; journaled just before its heartbeat). Every write is a file written aside and
 * renamed over the old one, so a SIGKILL leaves either the old or the new state, never a torn one.
 */
public final class JobJournal {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last checkpoint this operator wrote for a job (zero keys until the first). */
  public record Entry(BigInteger jobId, long attempt, long step, Bytes32 stateHash, Bytes32 snapshotBlobKey, boolean submitted) {}

  private final Path dir;
  private long nextBlock;
  private final Map<BigInteger, Entry> jobs = new TreeMap<>();

  private JobJournal(Path dir) {
    this.dir = dir;
  }

  public static JobJournal open(Path dataDir) {
    JobJournal j = new JobJournal(dataDir);
    try {
      Files.createDirectories(dataDir.resolve("snapshots"));
      Path state = dataDir.resolve("state.json");
      if (Files.exists(state)) {
        JsonNode root = JSON.readTree(state.toFile());
        j.nextBlock = root.path("nextBlock").asLong(0);
        for (Iterator<JsonNode> it = root.path("jobs").elements(); it.hasNext(); ) {
          JsonNode e = it.next();
          Entry entry = new Entry(new BigInteger(e.get("jobId").asText()), e.get("attempt").asLong(), e.get("step").asLong(),
              Bytes32.fromHex(e.get("stateHash").asText()), Bytes32.fromHex(e.get("snapshotBlobKey").asText()),
              e.get("submitted").asBoolean());
          j.jobs.put(entry.jobId(), entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the operator journal in " + dataDir, e);
    }
    return j;
  }

  public synchronized long nextBlock() {
    return nextBlock;
  }

  public synchronized void setNextBlock(long block) {
    assert block >= nextBlock : "the event cursor never moves back";
    nextBlock = block;
    save();
  }

  public synchronized Map<BigInteger, Entry> jobs() {
    return Map.copyOf(jobs);
  }

  public synchronized Optional<Entry> job(BigInteger jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  /** Records a checkpoint about to be heartbeated; the snapshot goes to disk before the entry that names it. */
  public synchronized void checkpoint(Entry entry, byte[] snapshot) {
    writeAtomically(snapshotPath(entry.jobId()), snapshot);
    jobs.put(entry.jobId(), entry);
    save();
  }

  public synchronized void put(Entry entry) {
    jobs.put(entry.jobId(), entry);
    save();
  }

  /** The locally kept snapshot of the job's last checkpoint, if it is still there. */
  public Optional<byte[]> snapshot(BigInteger jobId) {
    Path p = snapshotPath(jobId);
    try {
      return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Path snapshotPath(BigInteger jobId) {
    return dir.resolve("snapshots").resolve(jobId + ".snap");
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("nextBlock", nextBlock);
    var arr = root.putArray("jobs");
    for (Entry e : jobs.values()) {
      ObjectNode n = arr.addObject();
      n.put("jobId", e.jobId().toString());
      n.put("attempt", e.attempt());
      n.put("step", e.step());
      n.put("stateHash", e.stateHash().toHex());
      n.put("snapshotBlobKey", e.snapshotBlobKey().toHex());
      n.put("submitted", e.submitted());
    }
    try {
      writeAtomically(dir.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace " + target, e);
    }
  }
}
