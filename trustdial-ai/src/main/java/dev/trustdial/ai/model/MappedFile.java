package dev.trustdial.ai.model;

import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Read-only memory maps of model files and the little-endian reads we do on them. */
public final class MappedFile {
  public static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfShort I16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private MappedFile() {}

  /** Maps the whole file into {@code arena}; the mapping lives until the arena closes. */
  public static MemorySegment map(Path file, Arena arena) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("model file " + file + " does not exist");
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        throw new InvalidInputException("model path " + file + " is a directory, not a model file");
      }
      throw new UncheckedIOException("cannot map model file " + file, e);
    }
  }

  public static String sha256(MemorySegment data) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      long chunk = 1 << 20;
      for (long off = 0; off < data.byteSize(); off += chunk) {
        md.update(data.asSlice(off, Math.min(chunk, data.byteSize() - off)).asByteBuffer());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static float[] readF32(MemorySegment segment, long offset, int count) {
    float[] out = new float[count];
    MemorySegment.copy(segment, F32, offset, out, 0, count);
    return out;
  }
}
