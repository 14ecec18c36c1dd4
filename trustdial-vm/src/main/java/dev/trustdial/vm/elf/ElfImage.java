package dev.trustdial.vm.elf;

import dev.trustdial.core.bytes.Bytes;
import java.util.List;

/** A validated RV32IM static executable: entry point and loadable segments. */
public record ElfImage(int entry, List<Segment> segments) {
  public ElfImage {
    segments = List.copyOf(segments);
  }

  /** A PT_LOAD segment: file bytes at vaddr, zero-filled up to memSize. */
  public record Segment(int vaddr, Bytes data, int memSize, boolean executable) {
    public Segment {
      if (Integer.compareUnsigned(data.length(), memSize) > 0) {
        throw new IllegalArgumentException("file size above memory size");
      }
    }

    public long end() {
      return Integer.toUnsignedLong(vaddr) + Integer.toUnsignedLong(memSize);
    }
  }
}
