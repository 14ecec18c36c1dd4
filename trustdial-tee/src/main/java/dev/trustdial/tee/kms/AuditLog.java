package dev.trustdial.tee.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The KMS's append-only audit log: one JSON object per line for every release and refusal, each
 * carrying the SHA-256 of the previous line ({@code prev}), so a deleted or edited line breaks the
 * chain that {@link #verify} walks.
 */
public final class AuditLog {
  static final String GENESIS = "0x" + "00".repeat(32);
  private static final ObjectMapper JSON = Json.mapper();

  /** A line longer than this is a damaged log, not one the KMS wrote. */
  static final int MAX_LINE = 64 * 1024;

  private final Path file;
  private String prev;
  private long seq;

  private AuditLog(Path file, String prev, long seq) {
    this.file = file;
    this.prev = prev;
    this.seq = seq;
  }

  /** Opens (or creates) the log, checking its chain first: a KMS never appends to a damaged log. */
  public static AuditLog open(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the audit log " + file, e);
    }
    Verified v = verify(file);
    return new AuditLog(file, v.head(), v.entries());
  }

  /** What a verified log holds: its entry count and the hash of its last line. */
  public record Verified(long entries, String head) {}

  /** Walks the chain; throws IllegalStateException naming the first bad line. */
  public static Verified verify(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + file, e);
    }
    String prev = GENESIS;
    long n = 0;
    for (String line : lines) {
      n++;
      if (line.length() > MAX_LINE) {
        throw new IllegalStateException(
            file + " line " + n + " is over " + MAX_LINE + " characters");
      }
      try {
        JsonNode e = JSON.readTree(line);
        if (e.path("seq").asLong(-1) != n || !prev.equals(e.path("prev").asText())) {
          throw new IllegalStateException(
              file + " line " + n + " does not follow line " + (n - 1) + " (seq or prev hash)");
        }
      } catch (IOException ex) {
        throw new IllegalStateException(file + " line " + n + " is not JSON");
      }
      prev = sha256(line);
    }
    return new Verified(n, prev);
  }

  /** Appends one entry; the caller's fields plus seq, prev. */
  public synchronized void append(ObjectNode entry) {
    ObjectNode line = JSON.createObjectNode();
    line.put("seq", seq + 1);
    line.put("prev", prev);
    line.setAll(entry);
    String text;
    try {
      text = JSON.writeValueAsString(line);
      Files.writeString(
          file,
          text + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the audit log " + file, e);
    }
    seq++;
    prev = sha256(text);
  }

  public synchronized long entries() {
    return seq;
  }

  public static ObjectNode entry() {
    return JSON.createObjectNode();
  }

  static String sha256(String line) {
    try {
      return Hex.encode(
          MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
