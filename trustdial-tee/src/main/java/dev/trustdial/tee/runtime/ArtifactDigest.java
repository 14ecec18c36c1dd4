package dev.trustdial.tee.runtime;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The digest of an app artifact, AppRegistry's programDigest for a TEE app
 * (docs/spec/tee-runtime.md, "Artifact digest"): SHA-256 of a single file (a JAR), or of a manifest
 * of a directory's files (a command with its files).
 */
public final class ArtifactDigest {
  public static final int MAX_FILES = 4096;
  public static final long MAX_BYTES = 512L * 1024 * 1024;
  public static final int MAX_PATH = 1024;
  static final byte[] DIR_LABEL = "TrustDial artifact dir v1".getBytes(StandardCharsets.US_ASCII);

  private ArtifactDigest() {}

  public static byte[] of(Path artifact) {
    if (Files.isSymbolicLink(artifact)) {
      throw new InvalidInputException(
          "artifact " + artifact + " is a symbolic link; give the file or directory itself");
    }
    if (Files.isRegularFile(artifact, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (Files.size(artifact) > MAX_BYTES) {
          throw new InvalidInputException(
              "artifact " + artifact + " is over " + MAX_BYTES + " bytes");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return sha256File(artifact);
    }
    if (Files.isDirectory(artifact, LinkOption.NOFOLLOW_LINKS)) {
      return ofDirectory(artifact);
    }
    throw new InvalidInputException("artifact " + artifact + " is neither a file nor a directory");
  }

  /** The relative paths of a directory artifact's files, sorted by their UTF-8 bytes. */
  public static List<String> files(Path dir) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(dir) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidInputException(
              "artifact entry " + p + " is not a regular file (links and devices are refused)");
        }
        if (out.size() >= MAX_FILES) {
          throw new InvalidInputException("artifact " + dir + " has over " + MAX_FILES + " files");
        }
        String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (rel.getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
          throw new InvalidInputException(
              "artifact path " + rel + " is over " + MAX_PATH + " bytes");
        }
        out.add(rel);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the artifact " + dir, e);
    }
    out.sort(
        Comparator.comparing(
            s -> s.getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned));
    return out;
  }

  static byte[] ofDirectory(Path dir) {
    List<String> files = files(dir);
    BigEndianWriter w = new BigEndianWriter().bytes(DIR_LABEL).u8(0).u32(files.size());
    long total = 0;
    for (String rel : files) {
      Path p = dir.resolve(rel);
      byte[] name = rel.getBytes(StandardCharsets.UTF_8);
      long size;
      try {
        size = Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      total += size;
      if (total > MAX_BYTES) {
        throw new InvalidInputException("artifact " + dir + " is over " + MAX_BYTES + " bytes");
      }
      w.u16(name.length).bytes(name).u64(size).bytes(sha256File(p));
    }
    return sha256(w.toByteArray());
  }

  static byte[] sha256File(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return d.digest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
