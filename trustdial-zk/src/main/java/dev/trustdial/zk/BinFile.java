package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The iden3 binary container that .r1cs, .ptau and .zkey files share: a 4-byte magic, u32 version,
 * u32 section count, then sections of (u32 type, u64 size, data), little-endian. Only the section
 * table and small sections are read, so a multi-gigabyte .ptau costs a few reads.
 */
final class BinFile {
  private static final int MAX_SECTIONS = 64;
  private static final int MAX_SMALL_SECTION = 1 << 16;

  private final Path file;
  private final Map<Integer, long[]> sections; // type -> {offset, size}

  private BinFile(Path file, Map<Integer, long[]> sections) {
    this.file = file;
    this.sections = sections;
  }

  static BinFile open(Path file, String magic, String what) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = read(ch, 0, 12, file, what);
      byte[] m = new byte[4];
      head.get(m);
      if (!magic.equals(new String(m, StandardCharsets.ISO_8859_1))) {
        throw new InvalidInputException(
            file + " is not a " + what + " (no '" + magic + "' header)");
      }
      head.getInt(); // version
      long count = Integer.toUnsignedLong(head.getInt());
      if (count > MAX_SECTIONS) {
        throw new InvalidInputException(
            file + " declares " + count + " sections, more than a " + what + " has");
      }
      Map<Integer, long[]> sections = new HashMap<>();
      long offset = 12;
      for (long i = 0; i < count; i++) {
        ByteBuffer s = read(ch, offset, 12, file, what);
        int type = s.getInt();
        long length = s.getLong();
        if (length < 0 || length > size - offset - 12) {
          throw new InvalidInputException(
              file
                  + " section "
                  + type
                  + " runs past the end of the file (truncated "
                  + what
                  + "?)");
        }
        sections.putIfAbsent(type, new long[] {offset + 12, length});
        offset += 12 + length;
      }
      return new BinFile(file, sections);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  boolean has(int type) {
    return sections.containsKey(type);
  }

  /** A small section's bytes, little-endian. */
  ByteBuffer section(int type, String what) {
    long[] s = sections.get(type);
    if (s == null || s[1] > MAX_SMALL_SECTION) {
      throw new InvalidInputException(
          file + " has no readable section " + type + " (" + what + ")");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch, s[0], (int) s[1], file, what);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static ByteBuffer read(FileChannel ch, long offset, int length, Path file, String what)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, offset + b.position()) < 0) {
        throw new InvalidInputException(file + " ends early (truncated " + what + "?)");
      }
    }
    return b.flip();
  }
}
