package dev.trustdial.tee.runtime;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An app artifact as one byte string, so it can travel on DA (docs/spec/tee-runtime.md, "Artifact
 * archive"): a single file (a JAR) or a directory's files in {@link ArtifactDigest}'s order.
 * Unpacking rebuilds a tree whose {@link ArtifactDigest} is the packed artifact's, so the runtime's
 * digest check against AppRegistry covers what arrived.
 */
public final class ArtifactArchive {
  static final byte[] MAGIC = "TDARTIF1".getBytes(StandardCharsets.US_ASCII);
  public static final int KIND_FILE = 0;
  public static final int KIND_DIRECTORY = 1;

  /**
   * As large as an artifact may be (its files plus the archive's framing); on DA, more than one
   * blob is stored as parts.
   */
  public static final int MAX_BYTES = (int) ArtifactDigest.MAX_BYTES;

  private ArtifactArchive() {}

  /** Packs a JAR file or a directory artifact; refuses one over {@link #MAX_BYTES} packed. */
  public static byte[] pack(Path artifact) {
    boolean file = Files.isRegularFile(artifact, LinkOption.NOFOLLOW_LINKS);
    if (!file && !Files.isDirectory(artifact, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(
          "artifact " + artifact + " is neither a file nor a directory");
    }
    Path root = file ? artifact.getParent() : artifact;
    List<String> names =
        file ? List.of(artifact.getFileName().toString()) : ArtifactDigest.files(artifact);
    BigEndianWriter w =
        new BigEndianWriter().bytes(MAGIC).u8(file ? KIND_FILE : KIND_DIRECTORY).u32(names.size());
    long total = MAGIC.length + 5;
    for (String rel : names) {
      byte[] name = rel.getBytes(StandardCharsets.UTF_8);
      checkPath(rel, name.length);
      Path p = root.resolve(rel);
      long size;
      try {
        size = Files.size(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
      total += 2 + name.length + 4 + size;
      if (total > MAX_BYTES) {
        throw new InvalidInputException(
            "artifact " + artifact + " packs to more than " + MAX_BYTES + " bytes");
      }
      try {
        w.u16(name.length).bytes(name).u32(size).bytes(Files.readAllBytes(p));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
    }
    return w.toByteArray();
  }

  /**
   * Unpacks into {@code into} (created; must not exist or be empty) and returns the artifact path
   * to launch: the one file for a file artifact, {@code into} for a directory. Files are written
   * owner-only, readable and executable (the digest does not cover modes; a command may be a
   * binary).
   */
  public static Path unpack(byte[] archive, Path into) {
    if (archive.length > MAX_BYTES) {
      throw new InvalidInputException(
          "artifact archive is "
              + archive.length
              + " bytes, above the "
              + MAX_BYTES
              + "-byte limit");
    }
    if (archive.length < MAGIC.length + 5
        || !Arrays.equals(archive, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new InvalidInputException("artifact archive does not start with the magic TDARTIF1");
    }
    ByteBuffer b = ByteBuffer.wrap(archive, MAGIC.length, archive.length - MAGIC.length);
    int kind = b.get() & 0xff;
    long count = Integer.toUnsignedLong(b.getInt());
    if (kind != KIND_FILE && kind != KIND_DIRECTORY) {
      throw new InvalidInputException(
          "artifact archive kind " + kind + " is neither 0 (file) nor 1 (directory)");
    }
    if (kind == KIND_FILE ? count != 1 : count < 1 || count > ArtifactDigest.MAX_FILES) {
      throw new InvalidInputException(
          "artifact archive of kind "
              + kind
              + " holds "
              + count
              + " files (file: exactly 1; directory: 1.."
              + ArtifactDigest.MAX_FILES
              + ")");
    }
    try {
      if (Files.exists(into) && Files.list(into).findAny().isPresent()) {
        throw new InvalidInputException("cannot unpack into " + into + ": not empty");
      }
      Files.createDirectories(into);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + into, e);
    }
    Set<String> seen = new HashSet<>();
    byte[] previous = null;
    Path first = null;
    for (long i = 0; i < count; i++) {
      if (b.remaining() < 2) {
        throw new InvalidInputException("artifact archive ends inside entry " + i);
      }
      int nameLength = b.getShort() & 0xffff;
      if (b.remaining() < nameLength + 4) {
        throw new InvalidInputException("artifact archive ends inside entry " + i + "'s name");
      }
      byte[] name = new byte[nameLength];
      b.get(name);
      String rel = utf8(name, i);
      checkPath(rel, nameLength);
      if (kind == KIND_FILE && rel.contains("/")) {
        throw new InvalidInputException("a file artifact's name must not contain '/': " + rel);
      }
      if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
        throw new InvalidInputException(
            "artifact archive entries are not in strictly increasing byte order at " + rel);
      }
      previous = name;
      seen.add(rel);
      long size = Integer.toUnsignedLong(b.getInt());
      if (size > b.remaining()) {
        throw new InvalidInputException(
            "artifact archive entry "
                + rel
                + " declares "
                + size
                + " bytes but "
                + b.remaining()
                + " remain");
      }
      byte[] content = new byte[(int) size];
      b.get(content);
      Path to = into.resolve(rel).normalize();
      if (!to.startsWith(into.normalize())) {
        throw new InvalidInputException(
            "artifact archive path " + rel + " leaves the artifact directory");
      }
      try {
        Files.createDirectories(to.getParent());
        Files.write(to, content);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("r-x------"));
      } catch (IOException e) {
        // A file where a directory is needed ("a" then "a/b") lands here too.
        throw new InvalidInputException(
            "cannot unpack artifact entry " + rel + ": " + e.getMessage());
      }
      first = first == null ? to : first;
    }
    if (b.hasRemaining()) {
      throw new InvalidInputException(
          "artifact archive has " + b.remaining() + " bytes after its last entry");
    }
    return kind == KIND_FILE ? first : into;
  }

  private static String utf8(byte[] name, long entry) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(name))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(
          "artifact archive entry " + entry + " has a name that is not UTF-8");
    }
  }

  /** Relative, '/'-separated, no empty, '.' or '..' segment, no NUL or backslash. */
  static void checkPath(String rel, int byteLength) {
    if (byteLength == 0 || byteLength > ArtifactDigest.MAX_PATH) {
      throw new InvalidInputException(
          "artifact path length " + byteLength + " is outside 1.." + ArtifactDigest.MAX_PATH);
    }
    if (rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0) {
      throw new InvalidInputException("artifact path " + rel + " contains NUL or a backslash");
    }
    for (String segment : rel.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidInputException(
            "artifact path " + rel + " has an empty, '.' or '..' segment");
      }
    }
  }
}
