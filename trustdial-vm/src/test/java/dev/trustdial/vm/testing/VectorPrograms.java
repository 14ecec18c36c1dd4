package dev.trustdial.vm.testing;

import static dev.trustdial.vm.testing.Asm.*;

import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.witness.Witness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The small programs of docs/spec/vm.md §10 (exit42, io, misaligned, faults) whose step witnesses
 * are in docs/spec/vm-witness-vectors.json and, every step, in the differential corpus.
 */
public final class VectorPrograms {
  private VectorPrograms() {}

  /**
   * A program with its input and app parameters, and the steps whose witnesses it contributes:
   * {@code firstStep..lastStep} while running, plus the terminal state's self-step when {@code
   * terminalStep} is set.
   */
  public record Program(
      String name,
      String description,
      byte[] elf,
      byte[] input,
      VmConfig config,
      long firstStep,
      long lastStep,
      boolean terminalStep) {
    public List<Witness> witnesses() {
      Machine m = Vm.load(elf, input, config);
      m.runTo(firstStep, CheckpointSink.NONE);
      List<Witness> ws = new ArrayList<>();
      while (m.step() <= lastStep) {
        boolean wasTerminal = m.terminal();
        if (wasTerminal && !terminalStep) {
          break;
        }
        ws.add(m.witnessNextStep());
        if (wasTerminal) {
          break;
        }
      }
      return ws;
    }
  }

  public static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  static final VmConfig CFG = VmConfig.defaults();
  public static final int DATA = TestElf.BASE + 0x1000;

  public static byte[] exit42() {
    return TestElf.build(concat(li(10, 42), li(17, 93), new int[] {ECALL}), 0);
  }

  public static List<Program> basics() {
    int data = DATA;
    // read 40 input bytes into a leaf-aligned buffer (one call moves 32), echo them, exit 0
    byte[] io =
        TestElf.build(
            concat(
                li(17, 63),
                li(10, 0),
                li(11, data),
                li(12, 40),
                new int[] {ECALL},
                li(17, 64),
                li(10, 1),
                new int[] {ECALL},
                li(10, 2),
                new int[] {ECALL},
                li(17, 93),
                li(10, 0),
                new int[] {ECALL}),
            0x1100);
    // a word store and loads across the leaf boundary at data+0x20, then a halfword at a page
    // boundary
    byte[] misaligned =
        TestElf.build(
            concat(
                li(6, data + 0x1e),
                li(5, 0x11223344),
                new int[] {sw(5, 6, 0), lw(7, 6, 0), i(0, 6, 5, 8, 0x03), i(1, 6, 1, 9, 0x03)},
                li(6, data + 0xfff),
                new int[] {s(0, 5, 6, 1)},
                li(17, 93),
                new int[] {ECALL}),
            0x1100);
    return List.of(
        new Program(
            "exit42",
            "docs/spec/vm.md section 10 program",
            exit42(),
            new byte[0],
            CFG,
            0,
            4,
            false),
        new Program(
            "io",
            "read_input (32-byte leaf chunk), write_output, log, exit",
            io,
            "0123456789abcdefghijklmnopqrstuvwxyzABCD".getBytes(StandardCharsets.US_ASCII),
            CFG,
            0,
            19,
            false),
        new Program(
            "misaligned",
            "stores and loads crossing a 32-byte leaf and a 4 KiB page",
            misaligned,
            new byte[0],
            CFG,
            0,
            13,
            false));
  }

  /**
   * One program per fault class 1..5, each with its faulting step and the faulted state's
   * self-step, and an exited state's step.
   */
  public static List<Program> faults() {
    int data = DATA;
    byte[] illegal =
        TestElf.build(new int[] {addi(5, 0, 1), 0xc0002573}, 0); // csrr a0, cycle: no Zicsr
    byte[] misalignedPc =
        TestElf.build(
            concat(li(5, TestElf.BASE + 0x12), new int[] {i(0, 5, 0, 0, 0x67)}),
            0); // jalr to +0x12
    byte[] outOfRange =
        TestElf.build(
            concat(li(6, 0x2001_0000), new int[] {lw(5, 6, -2)}), 0); // a word across ramEnd
    byte[] unknownEcall = TestElf.build(concat(li(17, 1234), new int[] {ECALL}), 0);
    // limit 40: 32 bytes go out (one full chunk), the next 32-byte write would pass the limit
    byte[] outputLimit =
        TestElf.build(
            concat(
                li(17, 64),
                li(10, 1),
                li(11, data),
                li(12, 32),
                new int[] {ECALL},
                li(10, 1),
                new int[] {ECALL}),
            0x1100);
    return List.of(
        new Program(
            "fault-1-illegal-instruction",
            "a CSR instruction (csrr a0, cycle) faults with class 1",
            illegal,
            new byte[0],
            CFG,
            0,
            10,
            true),
        new Program(
            "fault-2-misaligned-pc",
            "jalr to a pc = 2 mod 4: the fetch faults with class 2",
            misalignedPc,
            new byte[0],
            CFG,
            0,
            10,
            true),
        new Program(
            "fault-3-out-of-range",
            "a word load across ramEnd faults with class 3",
            outOfRange,
            new byte[0],
            CFG,
            0,
            10,
            true),
        new Program(
            "fault-4-unknown-ecall",
            "ecall a7=1234 faults with class 4",
            unknownEcall,
            new byte[0],
            CFG,
            0,
            10,
            true),
        new Program(
            "fault-5-output-limit",
            "outputLimit 40: a second 32-byte write_output faults with class 5",
            outputLimit,
            new byte[0],
            CFG.withOutputLimit(40),
            0,
            20,
            true),
        new Program(
            "exited",
            "exit42's exited state steps to itself",
            exit42(),
            new byte[0],
            CFG,
            5,
            5,
            true));
  }

  public static List<Program> all() {
    List<Program> ps = new ArrayList<>(basics());
    ps.addAll(faults());
    return ps;
  }
}
