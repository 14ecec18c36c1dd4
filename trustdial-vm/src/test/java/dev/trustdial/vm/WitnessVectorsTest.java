package dev.trustdial.vm;

import static dev.trustdial.vm.testing.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.vm.testing.RandomProgram;
import dev.trustdial.vm.testing.TestElf;
import dev.trustdial.vm.witness.Witness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * docs/spec/vm-witness-vectors.json: step witnesses the Solidity step function must accept (and
 * whose post-state hash it must reproduce). This test regenerates them and requires the file to be
 * identical; run with -Dtrustdial.vm.writeVectors=true to rewrite it after a deliberate spec change.
 */
class WitnessVectorsTest {
  static final Path FILE = Path.of("..", "docs", "spec", "vm-witness-vectors.json");

  static int[] concat(int[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  record Program(String name, String description, byte[] elf, byte[] input, long firstStep, long lastStep) {}

  static List<Program> programs() {
    int data = TestElf.BASE + 0x1000;
    byte[] exit42 = TestElf.build(concat(li(10, 42), li(17, 93), new int[] {ECALL}), 0);
    // read 40 input bytes into a leaf-aligned buffer (one call moves 32), echo them, exit 0
    byte[] io = TestElf.build(concat(li(17, 63), li(10, 0), li(11, data), li(12, 40), new int[] {ECALL},
        li(17, 64), li(10, 1), new int[] {ECALL}, li(10, 2), new int[] {ECALL}, li(17, 93), li(10, 0), new int[] {ECALL}), 0x1100);
    // a word store and loads across the leaf boundary at data+0x20, then a halfword at a page boundary
    byte[] misaligned = TestElf.build(concat(li(6, data + 0x1e), li(5, 0x11223344), new int[] {sw(5, 6, 0), lw(7, 6, 0),
        i(0, 6, 5, 8, 0x03), i(1, 6, 1, 9, 0x03)}, li(6, data + 0xfff), new int[] {s(0, 5, 6, 1)}, li(17, 93), new int[] {ECALL}), 0x1100);
    return List.of(
        new Program("exit42", "docs/spec/vm.md section 10 program", exit42, new byte[0], 0, 4),
        new Program("io", "read_input (32-byte leaf chunk), write_output, log, exit", io,
            "0123456789abcdefghijklmnopqrstuvwxyzABCD".getBytes(StandardCharsets.US_ASCII), 0, 19),
        new Program("misaligned", "stores and loads crossing a 32-byte leaf and a 4 KiB page", misaligned, new byte[0], 0, 13),
        new Program("random-seed-3", "RandomProgram.generate(3, 60): every RV32IM opcode kind", RandomProgram.generate(3, 60),
            new byte[0], 62, 130));
  }

  static String render() {
    StringBuilder s = new StringBuilder("{\n\"spec\": \"docs/spec/vm.md v1\",\n\"programs\": [\n");
    List<Program> ps = programs();
    for (int p = 0; p < ps.size(); p++) {
      Program prog = ps.get(p);
      s.append("{\"name\": \"").append(prog.name()).append("\", \"description\": \"").append(prog.description())
          .append("\",\n \"elf\": \"").append(dev.trustdial.core.bytes.Hex.encode(prog.elf()))
          .append("\",\n \"input\": \"").append(dev.trustdial.core.bytes.Hex.encode(prog.input())).append("\",\n \"witnesses\": [\n");
      Machine m = Vm.load(prog.elf(), prog.input(), VmConfig.defaults());
      m.runTo(prog.firstStep(), dev.trustdial.vm.checkpoint.CheckpointSink.NONE);
      List<String> ws = new ArrayList<>();
      while (!m.exited() && m.step() <= prog.lastStep()) {
        Witness w = m.witnessNextStep();
        assertThat(Vm.checkWitness(w, prog.input())).isEqualTo(m.stateHash());
        ws.add(w.toJson());
      }
      s.append(String.join(",\n", ws)).append("\n]}").append(p + 1 < ps.size() ? ",\n" : "\n");
    }
    return s.append("]\n}\n").toString();
  }

  @Test
  void vectorsFileMatchesTheVm() throws Exception {
    String fresh = render();
    if (Boolean.getBoolean("trustdial.vm.writeVectors")) {
      Files.writeString(FILE, fresh, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(FILE, StandardCharsets.UTF_8)).as("regenerate with -Dtrustdial.vm.writeVectors=true").isEqualTo(fresh);
  }
}
