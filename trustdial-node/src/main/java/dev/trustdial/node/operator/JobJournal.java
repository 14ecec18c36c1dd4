package dev.trustdial.node.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's local state in its data dir: the next block to read and, per job, the last
 * checkpoint it wrote (with the snapshot bytes; journaled just before its heartbeat). Every write
 * is a file written aside and renamed over the old one, so a SIGKILL leaves either the old or the
 * new state, never a torn one.
 */
public final class JobJournal implements SnapshotSource.Local {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
  private static final String FILE = "state.json";

  /**
   * The NodeMain flag that moves a journal aside before the operator starts ({@link #moveAside}).
   */
  public static final String REBUILD_FLAG = "--rebuild-journal";

  /** The last checkpoint this operator wrote for a job (zero keys until the first). */
  public record Entry(
      BigInteger jobId,
      long attempt,
      long step,
      Bytes32 stateHash,
      Bytes32 snapshotBlobKey,
      boolean submitted) {}

  private final Path dir;
  private long nextBlock;
  private final Map<BigInteger, Entry> jobs = new TreeMap<>();

  /**
   * Per job written through {@link #checkpointLink}: the link hashes of its chain (docs/spec/vm.md
   * §8.1) from the full snapshot to the entry's checkpoint, each kept in
   * snapshots/<job>/<hash>.link. A job without one keeps a whole snapshot in snapshots/<job>.snap
   * ({@link #checkpoint}).
   */
  private final Map<BigInteger, List<Bytes32>> chains = new TreeMap<>();

  /** The most links a journal entry's chain may list (readers refuse deeper chains anyway). */
  static final int MAX_CHAIN_LINKS = 1024;

  private JobJournal(Path dir) {
    this.dir = dir;
  }

  /** The journal file in {@code dataDir}. */
  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /**
   * The journal in {@code dataDir} (empty when there is none yet).
   *
   * @throws InvalidInputException when the file is truncated or garbled: the message names it, what
   *     is wrong and how to rebuild it from the chain
   */
  public static JobJournal open(Path dataDir) {
    JobJournal j = new JobJournal(dataDir);
    Path state = file(dataDir);
    try {
      Files.createDirectories(dataDir.resolve("snapshots"));
      if (Files.exists(state)) {
        j.load(Files.readAllBytes(state));
      }
    } catch (Damaged e) {
      throw new InvalidInputException(
          "the operator journal "
              + state
              + " is damaged: "
              + e.getMessage()
              + ". Move it aside (or start the"
              + " operator with "
              + REBUILD_FLAG
              + ", which renames it to "
              + FILE
              + ".damaged-<time>): the operator then rebuilds its"
              + " journal from the chain, resuming its assigned jobs from their onchain checkpoints",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the operator journal in " + dataDir, e);
    }
    return j;
  }

  /**
   * Moves the journal in {@code dataDir} aside so that the next {@link #open} starts fresh and the
   * operator rebuilds it from the chain: to {@code state.json.damaged-<time>} when it does not
   * load, {@code state.json.old-<time>} when it does. The snapshots stay (a fresh journal names
   * none of them, so none is used before it is rewritten).
   *
   * @return where it went; empty when there was none
   */
  public static Optional<Path> moveAside(Path dataDir) {
    Path state = file(dataDir);
    if (!Files.exists(state)) {
      return Optional.empty();
    }
    String kind;
    try {
      new JobJournal(dataDir).load(Files.readAllBytes(state));
      kind = "old";
    } catch (Damaged | IOException e) {
      kind = "damaged";
    }
    String time =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path aside = state.resolveSibling(FILE + "." + kind + "-" + time);
    try {
      Files.move(state, aside);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move the operator journal " + state + " aside to " + aside, e);
    }
    LOG.warn(
        "moved the operator journal {} aside to {}: the operator rebuilds it from the chain",
        state,
        aside);
    return Optional.of(aside);
  }

  /** A journal file that does not parse or holds values the writer never writes. */
  private static final class Damaged extends Exception {
    Damaged(String message) {
      super(message);
    }
  }

  private void load(byte[] bytes) throws Damaged {
    if (bytes.length == 0) {
      throw new Damaged("it is empty (truncated)");
    }
    JsonNode root;
    try {
      root = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(bytes);
    } catch (IOException e) {
      String why =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new Damaged("it is not valid JSON (truncated or garbled): " + why);
    }
    if (root == null || !root.isObject()) {
      throw new Damaged("it is not a JSON object");
    }
    JsonNode next = root.get("nextBlock");
    if (next == null || !next.canConvertToLong() || !next.isIntegralNumber() || next.asLong() < 0) {
      throw new Damaged("\"nextBlock\" is missing or not a block number: " + next);
    }
    nextBlock = next.asLong();
    JsonNode list = root.get("jobs");
    if (list == null || !list.isArray()) {
      throw new Damaged("\"jobs\" is missing or not a list");
    }
    for (JsonNode e : list) {
      Entry entry;
      try {
        entry =
            new Entry(
                new BigInteger(text(e, "jobId")),
                number(e, "attempt"),
                number(e, "step"),
                Bytes32.fromHex(text(e, "stateHash")),
                Bytes32.fromHex(text(e, "snapshotBlobKey")),
                bool(e, "submitted"));
      } catch (RuntimeException ex) {
        throw new Damaged("job entry " + e + " is malformed: " + ex.getMessage());
      }
      if (entry.jobId().signum() < 0) {
        throw new Damaged("job entry " + e + " has a negative job id");
      }
      jobs.put(entry.jobId(), entry);
      JsonNode chain = e.get("chain");
      if (chain != null) {
        if (!chain.isArray() || chain.isEmpty() || chain.size() > MAX_CHAIN_LINKS) {
          throw new Damaged(
              "job entry "
                  + entry.jobId()
                  + " has a \"chain\" that is not a list of 1 to "
                  + MAX_CHAIN_LINKS
                  + " link hashes");
        }
        List<Bytes32> links = new ArrayList<>();
        for (JsonNode h : chain) {
          try {
            links.add(Bytes32.fromHex(h.asText()));
          } catch (RuntimeException ex) {
            throw new Damaged(
                "job entry "
                    + entry.jobId()
                    + " lists a malformed link hash "
                    + h
                    + ": "
                    + ex.getMessage());
          }
        }
        chains.put(entry.jobId(), List.copyOf(links));
      }
    }
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode e, String field) {
    JsonNode v = e.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException(
          "\"" + field + "\" is missing or not a non-negative integer");
    }
    return v.asLong();
  }

  private static boolean bool(JsonNode e, String field) {
    JsonNode v = e.get(field);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException("\"" + field + "\" is missing or not true/false");
    }
    return v.asBoolean();
  }

  /**
   * Checks the event cursor against the chain's head at start. A cursor past {@code head + 1} was
   * written against another chain (a devnet restarted from genesis, another deployment): kept, it
   * would skip every assignment up to it. It is rewound to block 0, which is what a fresh journal
   * reads from; the jobs the journal lists stay (each is re-read onchain before it runs, and the
   * replayed assignments add or update the ones that are ours on this chain).
   *
   * @return whether the cursor was rewound
   */
  public synchronized boolean rewindIfAhead(long head) {
    if (nextBlock <= head + 1) {
      return false;
    }
    LOG.warn(
        "the operator journal {} resumes events at block {}, past the chain's head {} (it was written against another chain or"
            + " a restarted devnet); rewinding its cursor to block 0 so that no assignment is missed (its {} job entries stay)",
        file(dir),
        nextBlock,
        head,
        jobs.size());
    nextBlock = 0;
    save();
    return true;
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

  @Override
  public synchronized Optional<Entry> job(BigInteger jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  /**
   * Records a checkpoint about to be heartbeated; the snapshot goes to disk before the entry that
   * names it.
   */
  public synchronized void checkpoint(Entry entry, byte[] snapshot) {
    writeAtomically(snapshotPath(entry.jobId()), snapshot);
    jobs.put(entry.jobId(), entry);
    List<Bytes32> old = chains.remove(entry.jobId());
    save();
    if (old != null) {
      deleteLinksExcept(entry.jobId(), List.of());
    }
  }

  /**
   * Records a checkpoint stored as a chain link (docs/spec/vm.md §8.1) about to be heartbeated: the
   * link goes to disk before the entry that names it. A full link starts a new chain, a delta
   * extends the job's chain. Links of older chains are deleted, except those of the chain this
   * replaces: until this checkpoint's heartbeat is onchain, the previous one is what a restart
   * resumes from.
   *
   * @param stored the link's stored bytes (compressed or not)
   */
  public synchronized void checkpointLink(
      Entry entry, byte[] stored, Bytes32 linkHash, boolean full) {
    List<Bytes32> old = chains.getOrDefault(entry.jobId(), List.of());
    if (!full && old.isEmpty()) {
      throw new IllegalStateException(
          "job "
              + entry.jobId()
              + ": a delta link needs its chain's full snapshot journaled first");
    }
    if (!full && old.size() >= MAX_CHAIN_LINKS) {
      throw new IllegalStateException(
          "job " + entry.jobId() + ": a chain of more than " + MAX_CHAIN_LINKS + " links");
    }
    Path dir = linkDir(entry.jobId());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    writeAtomically(dir.resolve(linkHash.toHex() + ".link"), stored);
    List<Bytes32> chain = new ArrayList<>(full ? List.of() : old);
    chain.add(linkHash);
    chains.put(entry.jobId(), List.copyOf(chain));
    jobs.put(entry.jobId(), entry);
    save();
    List<Bytes32> keep = new ArrayList<>(chain);
    keep.addAll(old);
    deleteLinksExcept(entry.jobId(), keep);
  }

  /**
   * The link hashes of the job's journaled chain, full snapshot first; empty for a job without one.
   */
  public synchronized List<Bytes32> chain(BigInteger jobId) {
    return chains.getOrDefault(jobId, List.of());
  }

  /** A link of the job's chain kept locally, by its hash. */
  @Override
  public Optional<byte[]> link(BigInteger jobId, Bytes32 linkHash) {
    Path p = linkDir(jobId).resolve(linkHash.toHex() + ".link");
    try {
      return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void deleteLinksExcept(BigInteger jobId, List<Bytes32> keep) {
    Path dir = linkDir(jobId);
    if (!Files.isDirectory(dir)) {
      return;
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    keep.forEach(h -> names.add(h.toHex() + ".link"));
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (!names.contains(f.getFileName().toString())) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("job {}: cannot delete old checkpoint links in {}: {}", jobId, dir, e.toString());
    }
  }

  private Path linkDir(BigInteger jobId) {
    return dir.resolve("snapshots").resolve(jobId.toString());
  }

  public synchronized void put(Entry entry) {
    jobs.put(entry.jobId(), entry);
    save();
  }

  /**
   * The locally kept snapshot of the job's last checkpoint (its chain's head link when it has a
   * chain), if it is still there.
   */
  @Override
  public Optional<byte[]> snapshot(BigInteger jobId) {
    List<Bytes32> chain;
    synchronized (this) {
      chain = chains.get(jobId);
    }
    if (chain != null) {
      return link(jobId, chain.getLast());
    }
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
      List<Bytes32> chain = chains.get(e.jobId());
      if (chain != null) {
        var links = n.putArray("chain");
        chain.forEach(h -> links.add(h.toHex()));
      }
    }
    try {
      writeAtomically(file(dir), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (var ch =
        java.nio.channels.FileChannel.open(
            tmp,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
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
