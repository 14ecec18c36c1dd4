package dev.trustdial.node.objective;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.chain.ObjectiveMatch.Side;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The matches a node plays, in {@code matches.json} in its data dir (next to the operator's
 * JobJournal, written the same way: aside, forced, renamed over the old file, so a SIGKILL leaves
 * the old or the new list, never a torn one). A record is written before its first move and removed
 * when the match is over; a restarted node re-attaches every record ({@link
 * MatchKeeper#resumeAll}).
 */
public final class MatchJournal {
  /** The file's name in the data dir. */
  public static final String FILE = "matches.json";

  /**
   * Matches kept at most: one per dispute the node is a party to; more is not a state this node
   * writes.
   */
  public static final int MAX_RECORDS = 10_000;

  private static final ObjectMapper JSON = Json.mapper();

  private final Path file;
  private final Map<BigInteger, MatchRecord> records = new TreeMap<>();

  private MatchJournal(Path file) {
    this.file = file;
  }

  /**
   * The match journal in {@code dataDir} (empty when there is none yet).
   *
   * @throws InvalidInputException when the file is damaged: the message names it and what to do
   */
  public static MatchJournal open(Path dataDir) {
    MatchJournal j = new MatchJournal(dataDir.resolve(FILE));
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(j.file)) {
        j.load(Files.readAllBytes(j.file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the match journal " + j.file, e);
    }
    return j;
  }

  private void load(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(bytes);
    } catch (IOException e) {
      throw damaged("it is not valid JSON (truncated or garbled)");
    }
    JsonNode list = root == null ? null : root.get("matches");
    if (list == null || !list.isArray()) {
      throw damaged("\"matches\" is missing or not a list");
    }
    if (list.size() > MAX_RECORDS) {
      throw damaged(
          "it lists " + list.size() + " matches, above the " + MAX_RECORDS + " this node keeps");
    }
    for (JsonNode n : list) {
      MatchRecord r;
      try {
        r =
            new MatchRecord(
                new BigInteger(text(n, "disputeId")),
                new BigInteger(text(n, "jobId")),
                number(n, "attempt"),
                Side.valueOf(text(n, "side")),
                Bytes32.fromHex(text(n, "traceRoot")),
                number(n, "lieAtStep"));
      } catch (RuntimeException e) {
        throw damaged("match entry " + n + " is malformed: " + e.getMessage());
      }
      records.put(r.disputeId(), r);
    }
  }

  private InvalidInputException damaged(String why) {
    return new InvalidInputException(
        "the match journal "
            + file
            + " is damaged: "
            + why
            + ". Move it aside: the node then plays no"
            + " match it had started before (their clocks run out), and plays every new one");
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException(
          "\"" + field + "\" is missing or not a non-negative integer");
    }
    return v.asLong();
  }

  public synchronized List<MatchRecord> records() {
    return List.copyOf(records.values());
  }

  public synchronized Optional<MatchRecord> record(BigInteger disputeId) {
    return Optional.ofNullable(records.get(disputeId));
  }

  /** Adds or replaces a record (durable when this returns). */
  public synchronized void put(MatchRecord r) {
    if (!records.containsKey(r.disputeId()) && records.size() >= MAX_RECORDS) {
      throw new IllegalStateException(
          "the match journal " + file + " holds " + MAX_RECORDS + " matches already");
    }
    records.put(r.disputeId(), r);
    save();
  }

  /** Removes a match's record (the match is over). */
  public synchronized void remove(BigInteger disputeId) {
    if (records.remove(disputeId) != null) {
      save();
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("matches");
    for (MatchRecord r : records.values()) {
      ObjectNode n = arr.addObject();
      n.put("disputeId", r.disputeId().toString());
      n.put("jobId", r.jobId().toString());
      n.put("attempt", r.attempt());
      n.put("side", r.side().name());
      n.put("traceRoot", r.traceRoot().toHex());
      n.put("lieAtStep", r.lieAtStep());
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace " + file, e);
    }
  }
}
