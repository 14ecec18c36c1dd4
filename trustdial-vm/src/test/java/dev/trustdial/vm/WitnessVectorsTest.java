package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.testing.RandomProgram;
import dev.trustdial.vm.testing.VectorPrograms;
import dev.trustdial.vm.testing.VectorPrograms.Program;
import dev.trustdial.vm.witness.Witness;
import dev.trustdial.vm.witness.WitnessChecker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/spec/vm-witness-vectors.json: step witnesses the Solidity step function must accept (and
 * whose post-state hash and status it must reproduce). This test regenerates them and requires the
 * file to be identical; run with -Dtrustdial.vm.writeVectors=true to rewrite it after a deliberate
 * spec change.
 */
class WitnessVectorsTest {
  static final Path FILE = Path.of("..", "docs", "spec", "vm-witness-vectors.json");

  static List<Program> programs() {
    List<Program> ps = new ArrayList<>(VectorPrograms.all());
    ps.add(
        new Program(
            "random-seed-3",
            "RandomProgram.generate(3, 60): every RV32IM opcode kind",
            RandomProgram.generate(3, 60),
            new byte[0],
            VmConfig.defaults(),
            62,
            130,
            false));
    return ps;
  }

  static String render() {
    StringBuilder s = new StringBuilder("{\n\"spec\": \"docs/spec/vm.md v2\",\n\"programs\": [\n");
    List<Program> ps = programs();
    for (int p = 0; p < ps.size(); p++) {
      Program prog = ps.get(p);
      s.append("{\"name\": \"")
          .append(prog.name())
          .append("\", \"description\": \"")
          .append(prog.description())
          .append("\",\n \"ramEnd\": \"")
          .append(String.format("0x%08x", prog.config().ramEnd()))
          .append("\", \"outputLimit\": ")
          .append(prog.config().outputLimit())
          .append(",\n \"elf\": \"")
          .append(Hex.encode(prog.elf()))
          .append("\",\n \"input\": \"")
          .append(Hex.encode(prog.input()))
          .append("\",\n \"witnesses\": [\n");
      List<String> ws = new ArrayList<>();
      for (Witness w : prog.witnesses()) {
        assertThat(Vm.checkWitness(w))
            .isEqualTo(new WitnessChecker.Result(w.postStateHash(), w.status()));
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
    assertThat(Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "")
        .as("regenerate with -Dtrustdial.vm.writeVectors=true")
        .isEqualTo(fresh);
  }

  /** Each fault program ends in its class, and every faulted or exited state steps to itself. */
  @Test
  void faultProgramsCoverEveryClassAndTerminalStates() {
    List<Integer> classes = new ArrayList<>();
    for (Program p : VectorPrograms.faults()) {
      List<Witness> ws = p.witnesses();
      Witness last = ws.getLast();
      assertThat(last.postStateHash()).as(p.name()).isEqualTo(last.preStateHash());
      assertThat(last.proof().isEmpty()).isTrue();
      Witness fault = ws.get(ws.size() - 2 < 0 ? 0 : ws.size() - 2);
      if (last.status() == 2) {
        classes.add(dev.trustdial.vm.state.VmState.decode(fault.postState().toArray()).exitCode());
      }
    }
    assertThat(classes).containsExactly(1, 2, 3, 4, 5);
  }
}
