package dev.trustdial.vm.elf;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.vm.memory.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses ELF32 little-endian RISC-V static executables (docs/spec/vm.md "Program loading") with
 * explicit limits; anything else is refused with a reason a user can act on.
 */
public final class ElfLoader {
  private ElfLoader() {}

  public static final int MAX_ELF_BYTES = 64 << 20;
  public static final int MAX_PROGRAM_HEADERS = 64;
  static final int EM_RISCV = 243;
  static final int PT_LOAD = 1;
  static final int PT_DYNAMIC = 2;
  static final int PT_INTERP = 3;
  static final int EF_RISCV_RVC = 0x1;
  static final int EF_RISCV_FLOAT_ABI = 0x6;
  static final int EF_RISCV_RVE = 0x8;

  /** Parses and checks an ELF for the RAM window [RAM_BASE, ramEnd) (docs/spec/vm.md §3). */
  public static ElfImage parse(byte[] elf, long ramEnd) {
    if (elf.length > MAX_ELF_BYTES) {
      throw bad("is " + elf.length + " bytes, above the " + MAX_ELF_BYTES + "-byte limit");
    }
    if (elf.length < 52 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
      throw bad("is not an ELF file (bad magic)");
    }
    if (elf[4] != 1) {
      throw bad("is not 32-bit (ELFCLASS " + elf[4] + "); build with -march=rv32im -mabi=ilp32");
    }
    if (elf[5] != 1) {
      throw bad("is not little-endian");
    }
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    int type = b.getShort(16) & 0xffff;
    int machine = b.getShort(18) & 0xffff;
    int entry = b.getInt(24);
    int phoff = b.getInt(28);
    int flags = b.getInt(36);
    int phentsize = b.getShort(42) & 0xffff;
    int phnum = b.getShort(44) & 0xffff;
    if (machine != EM_RISCV) {
      throw bad("is for machine " + machine + ", not RISC-V (243)");
    }
    if (type != 2) {
      throw bad("is not a static executable (e_type " + type + "; 2 = ET_EXEC)");
    }
    if ((flags & EF_RISCV_RVC) != 0) {
      throw bad("uses compressed instructions (RVC); build with -march=rv32im");
    }
    if ((flags & (EF_RISCV_FLOAT_ABI | EF_RISCV_RVE)) != 0) {
      throw bad(
          "uses a hardware-float or RV32E ABI (e_flags 0x"
              + Integer.toHexString(flags)
              + "); build with -mabi=ilp32");
    }
    if (phentsize != 32 || phnum == 0 || phnum > MAX_PROGRAM_HEADERS) {
      throw bad(
          "has "
              + phnum
              + " program headers of "
              + phentsize
              + " bytes (need 1.."
              + MAX_PROGRAM_HEADERS
              + " of 32)");
    }
    if (Integer.toUnsignedLong(phoff) + 32L * phnum > elf.length) {
      throw bad("program headers run past the end of the file");
    }
    List<ElfImage.Segment> segs = new ArrayList<>();
    for (int i = 0; i < phnum; i++) {
      int h = phoff + 32 * i;
      int ptype = b.getInt(h);
      if (ptype == PT_DYNAMIC || ptype == PT_INTERP) {
        throw bad(
            "is dynamically linked; link statically (-static, or the guest SDK's linker script)");
      }
      if (ptype != PT_LOAD) {
        continue;
      }
      long off = Integer.toUnsignedLong(b.getInt(h + 4));
      int vaddr = b.getInt(h + 8);
      long filesz = Integer.toUnsignedLong(b.getInt(h + 16));
      long memsz = Integer.toUnsignedLong(b.getInt(h + 20));
      int pflags = b.getInt(h + 24);
      if (memsz == 0) {
        continue;
      }
      if (filesz > memsz || off + filesz > elf.length) {
        throw bad(
            String.format(
                "segment at 0x%08x has file size %d beyond its memory size or the file",
                vaddr, filesz));
      }
      long end = Integer.toUnsignedLong(vaddr) + memsz;
      if (Integer.toUnsignedLong(vaddr) < Memory.RAM_BASE || end > ramEnd) {
        throw bad(
            String.format(
                "segment 0x%08x..0x%08x lies outside guest RAM 0x%08x..0x%08x (the app's ramEnd)",
                vaddr, end - 1, Memory.RAM_BASE, ramEnd - 1));
      }
      Bytes data = Bytes.of(elf, (int) off, (int) (off + filesz));
      segs.add(new ElfImage.Segment(vaddr, data, (int) memsz, (pflags & 1) != 0));
    }
    if (segs.isEmpty()) {
      throw bad("has no loadable segment");
    }
    segs.sort(Comparator.comparingLong(s -> Integer.toUnsignedLong(s.vaddr())));
    for (int i = 1; i < segs.size(); i++) {
      if (Integer.toUnsignedLong(segs.get(i).vaddr()) < segs.get(i - 1).end()) {
        throw bad(String.format("segments overlap at 0x%08x", segs.get(i).vaddr()));
      }
    }
    if ((entry & 3) != 0) {
      throw bad(String.format("entry point 0x%08x is not 4-byte aligned", entry));
    }
    boolean entryOk =
        segs.stream()
            .anyMatch(s ->
                s.executable()
                    && Integer.toUnsignedLong(entry) >= Integer.toUnsignedLong(s.vaddr())
                    && Integer.toUnsignedLong(entry) < s.end());
    if (!entryOk) {
      throw bad(String.format("entry point 0x%08x is not inside an executable segment", entry));
    }
    return new ElfImage(entry, segs);
  }

  /** Copies the image into memory (non-zero bytes only; absent pages already read as zero). */
  public static void load(ElfImage image, Memory mem) {
    for (ElfImage.Segment s : image.segments()) {
      Bytes d = s.data();
      for (int i = 0; i < d.length(); i++) {
        byte b = d.get(i);
        if (b != 0) {
          mem.storeByte(s.vaddr() + i, b);
        }
      }
    }
  }

  private static InvalidInputException bad(String why) {
    return new InvalidInputException("program ELF " + why);
  }
}
