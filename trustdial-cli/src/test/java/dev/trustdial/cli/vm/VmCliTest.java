package dev.trustdial.cli.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VmCliTest {
  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A one-segment RV32 ELF at 0x10000 (the layout docs/spec/vm.md §3 accepts). */
  static byte[] elf(int... code) {
    ByteBuffer b = ByteBuffer.allocate(0x1000 + 4 * code.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2)
        .putShort((short) 243)
        .putInt(1)
        .putInt(0x10000)
        .putInt(52)
        .putInt(0)
        .putInt(0)
        .putShort((short) 52)
        .putShort((short) 32)
        .putShort((short) 1)
        .putShort((short) 40)
        .putShort((short) 0)
        .putShort((short) 0);
    b.putInt(1)
        .putInt(0x1000)
        .putInt(0x10000)
        .putInt(0x10000)
        .putInt(4 * code.length)
        .putInt(4 * code.length)
        .putInt(7)
        .putInt(0x1000);
    b.position(0x1000);
    for (int w : code) {
      b.putInt(w);
    }
    return b.array();
  }

  static int addi(int rd, int rs1, int imm) {
    return (imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
  }

  static final int ECALL = 0x73;

  /**
   * x5 = 1500; loop: x5 -= 1; bne x5, x0, loop; write 3 bytes "ok\n" from a stack-free buffer;
   * exit(0).
   */
  static final int[] LOOP = {
    addi(5, 0, 1500),
    addi(5, 5, -1),
    0xfe029ee3, // bne x5, x0, -4
    0x00010337, // lui x6, 0x10 -> x6 = 0x10000 (the code page holds "ok\n" below)
    addi(11, 6, 0x30),
    addi(10, 0, 1),
    addi(12, 0, 3),
    addi(17, 0, 64),
    ECALL,
    addi(10, 0, 0),
    addi(17, 0, 93),
    ECALL,
    0x000a6b6f, // "ok\n\0" at 0x10030
  };

  @Test
  void runPrintsResultAndResumeFromASnapshotEndsTheSame(@TempDir Path dir) throws Exception {
    Path prog = dir.resolve("loop.elf");
    Files.write(prog, elf(LOOP));
    Run full =
        cli(
            "vm",
            "run",
            prog.toString(),
            "--json",
            "--checkpoint-every",
            "1000",
            "--snapshot-dir",
            dir.resolve("snaps").toString());
    assertThat(full.code()).as(full.err()).isZero();
    assertThat(full.out()).contains("\"exitCode\":0", "\"steps\":3010", "\"output\":\"0x6f6b0a\"");
    assertThat(dir.resolve("snaps/step-2000.snap")).exists();
    Run resumed =
        cli(
            "vm",
            "run",
            prog.toString(),
            "--json",
            "--resume",
            dir.resolve("snaps/step-2000.snap").toString());
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).isEqualTo(full.out());
    Run human = cli("vm", "run", prog.toString());
    assertThat(human.out())
        .contains("output:          ok", "steps:           3010", "checkpoint root: 0x");
  }

  @Test
  void noJitRunsTheInterpreterToTheSameResult(@TempDir Path dir) throws Exception {
    Path prog = dir.resolve("loop.elf");
    Files.write(prog, elf(LOOP));
    Run jit = cli("vm", "run", prog.toString(), "--json", "--checkpoint-every", "97");
    Run interpreted =
        cli("vm", "run", prog.toString(), "--json", "--checkpoint-every", "97", "--no-jit");
    assertThat(jit.code()).as(jit.err()).isZero();
    assertThat(interpreted.code()).as(interpreted.err()).isZero();
    assertThat(interpreted.out()).contains("\"steps\":3010").isEqualTo(jit.out());
  }

  @Test
  void badInputsExitTwoWithOneLine(@TempDir Path dir) throws Exception {
    Path prog = dir.resolve("loop.elf");
    Files.write(prog, elf(LOOP));
    Run limit = cli("vm", "run", prog.toString(), "--max-steps", "100");
    assertThat(limit.code()).isEqualTo(2);
    assertThat(limit.err()).startsWith("error: step limit of 100 reached").hasLineCount(1);
    Path junk = dir.resolve("junk.elf");
    Files.writeString(junk, "not an elf at all, just text......................................");
    assertThat(cli("vm", "run", junk.toString()).err()).contains("not an ELF file");
    Path ecall = dir.resolve("ecall.elf");
    Files.write(ecall, elf(addi(17, 0, 999), ECALL));
    Run unknown = cli("vm", "run", ecall.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown ecall a7=999").hasLineCount(1);
    Path oob = dir.resolve("oob.elf");
    Files.write(oob, elf(0x00002283)); // lw x5, 0(x0)
    Run range = cli("vm", "run", oob.toString());
    assertThat(range.code()).isEqualTo(2);
    assertThat(range.err()).contains("out-of-range load");
  }

  /**
   * Writes "ok\n" to the output forever: a1 = 0x10030, a2 = 3, a7 = write; loop: a0 = 1; ecall; j
   * loop.
   */
  static final int[] SPAM = {
    0x00010337,
    addi(11, 6, 0x30),
    addi(12, 0, 3),
    addi(17, 0, 64),
    addi(10, 0, 1),
    ECALL,
    0xff9ff06f, // jal x0, -8
    0,
    0,
    0,
    0,
    0,
    0x000a6b6f, // "ok\n\0" at 0x10030
  };

  @Test
  void aRunThatStopsEarlyPrintsItsOutputSoFarAndTheLimit(@TempDir Path dir) throws Exception {
    Path prog = dir.resolve("spam.elf");
    Files.write(prog, elf(SPAM));
    Run human = cli("vm", "run", prog.toString(), "--max-output", "100");
    assertThat(human.code()).isEqualTo(2);
    assertThat(human.err())
        .startsWith("error: guest fault at step ")
        .contains("output limit reached (the limit is 100 bytes; 99 were written")
        .hasLineCount(1);
    assertThat(human.out()).contains("output so far:   ok", "stopped at step: ");
    Run json = cli("vm", "run", prog.toString(), "--max-output", "100", "--json");
    assertThat(json.code()).isEqualTo(2);
    assertThat(json.err()).hasLineCount(1);
    assertThat(json.out())
        .startsWith("{\"error\":\"guest fault at step")
        .contains(
            "\"stopped\":\"fault\"",
            "\"outputLimit\":100",
            "\"outputBytes\":99",
            "\"output\":\"0x6f6b0a6f6b0a")
        .hasLineCount(1);
    Run steps = cli("vm", "run", prog.toString(), "--max-steps", "40", "--json");
    assertThat(steps.code()).isEqualTo(2);
    assertThat(steps.err()).startsWith("error: step limit of 40 reached");
    assertThat(steps.out())
        .contains("\"stopped\":\"stepLimit\"", "\"steps\":40", "\"output\":\"0x6f6b0a");
    Path oob = dir.resolve("oob.elf");
    Files.write(oob, elf(0x00002283)); // lw x5, 0(x0)
    Run fault = cli("vm", "run", oob.toString(), "--json");
    assertThat(fault.out())
        .contains(
            "\"stopped\":\"fault\"",
            "\"pc\":\"0x00010000\"",
            "\"faultClass\":3",
            "\"steps\":1",
            "\"outputBytes\":0");
  }

  @Test
  void witnessPrintsJson(@TempDir Path dir) throws Exception {
    Path prog = dir.resolve("loop.elf");
    Files.write(prog, elf(LOOP));
    Run w = cli("vm", "witness", prog.toString(), "--step", "8");
    assertThat(w.code()).as(w.err()).isZero();
    assertThat(w.out())
        .contains(
            "\"step\": 8",
            "\"instruction\": \"0x",
            "\"postStateHash\": \"0x",
            "\"siblings\": [",
            "\"proof\": \"0x");
    Run terminal = cli("vm", "witness", prog.toString(), "--step", "3010");
    assertThat(terminal.code()).as(terminal.err()).isZero();
    assertThat(terminal.out()).contains("\"status\": 1", "\"proof\": \"0x\"");
    Run past = cli("vm", "witness", prog.toString(), "--step", "999999");
    assertThat(past.code()).isEqualTo(2);
    assertThat(past.err()).contains("exited at step 3010");
  }
}
