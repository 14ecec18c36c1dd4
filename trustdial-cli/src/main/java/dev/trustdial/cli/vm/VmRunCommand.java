package dev.trustdial.cli.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.GuestFault;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.StepLimitExceededException;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.elf.ElfLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial vm run}: run a guest to its exit, with checkpoints and optional snapshots. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run PROGRAM.elf on the deterministic RV32IM VM and print its output, final state hash, "
            + "step count and checkpoint root. Exit 0 if the guest exits 0, 1 for another exit code, 2 for bad "
            + "input (bad ELF, step limit exceeded, unknown ecall, out-of-range access, output limit); a run that stops "
            + "early still prints the output written so far (with --json, an object saying where and why it stopped).")
public final class VmRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "PROGRAM.elf",
      description = "RV32IM static ELF (see trustdial-vm/guest)")
  Path program;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "job input served to read_input (default: empty)")
  Optional<Path> input = Optional.empty();

  @Option(
      names = "--max-steps",
      paramLabel = "N",
      description = "step limit (default: ${DEFAULT-VALUE})",
      defaultValue = "10000000000")
  long maxSteps;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "checkpoint stride in steps (default: 2^20)")
  Optional<Long> checkpointEvery = Optional.empty();

  @Option(
      names = "--snapshot-dir",
      paramLabel = "D",
      description = "write a snapshot at every checkpoint to D/step-N.snap")
  Optional<Path> snapshotDir = Optional.empty();

  @Option(
      names = "--resume",
      paramLabel = "SNAPSHOT",
      description = "continue from a snapshot taken of PROGRAM with the same input")
  Optional<Path> resume = Optional.empty();

  @Option(
      names = {"--output-limit", "--max-output"},
      paramLabel = "BYTES",
      description =
          "the app's outputLimit: largest output the guest may write; more faults (default: 64 MiB)")
  Optional<Long> maxOutput = Optional.empty();

  @Option(
      names = "--ram-end",
      paramLabel = "ADDR",
      description = "the app's ramEnd: the RAM window is [0x10000, ramEnd) (default 0x20010000)")
  Optional<String> ramEnd = Optional.empty();

  @Option(names = "--json", description = "print one JSON object for machines")
  boolean json;

  @Option(
      names = "--no-jit",
      description =
          "run everything on the interpreter instead of translating hot code to JVM bytecode "
              + "(the states, checkpoints and result are the same either way)")
  boolean noJit;

  @Override
  public Integer call() throws IOException {
    if (maxSteps < 1) {
      throw new InvalidInputException("--max-steps must be at least 1, got " + maxSteps);
    }
    VmConfig cfg = VmConfig.defaults().withJit(!noJit);
    if (checkpointEvery.isPresent()) {
      cfg = cfg.withCheckpointEvery(checkpointEvery.get());
    }
    cfg = appParameters(cfg, ramEnd, maxOutput);
    byte[] elf = VmFiles.read(program, "program", ElfLoader.MAX_ELF_BYTES);
    byte[] in = VmFiles.input(input, cfg.maxInputBytes());
    Machine m = Vm.load(elf, in, cfg);
    if (resume.isPresent()) {
      Checkpoint start = m.checkpoints().getFirst();
      byte[] snap = VmFiles.read(resume.get(), "snapshot", Integer.MAX_VALUE - 8);
      m = Vm.restore(snap, in, cfg);
      if (!m.checkpoints().getFirst().equals(start)) {
        throw new InvalidInputException(
            "snapshot " + resume.get() + " was not taken from " + program + " with this input");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    m.setLogSink(bytes -> err.print(new String(bytes, StandardCharsets.UTF_8)));
    if (snapshotDir.isPresent()) {
      Files.createDirectories(snapshotDir.get());
    }
    CheckpointSink snapshots =
        snapshotDir
            .<CheckpointSink>map(dir ->
                (cp, machine) -> {
                  try {
                    Files.write(dir.resolve("step-" + cp.step() + ".snap"), machine.snapshot());
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot write snapshot to " + dir, e);
                  }
                })
            .orElse(CheckpointSink.NONE);
    // people at a terminal get a progress line per checkpoint; pipes and --json stay clean
    boolean progress = !json && System.console() != null;
    long startNanos = System.nanoTime();
    long startStep = m.step();
    CheckpointSink sink =
        (cp, machine) -> {
          snapshots.accept(cp, machine);
          if (progress) {
            double s = (System.nanoTime() - startNanos) / 1e9;
            err.printf(
                "\rstep %,d  %.0f MIPS  state %s",
                cp.step(),
                (cp.step() - startStep) / Math.max(s, 1e-9) / 1e6,
                cp.stateHash().toHex().substring(0, 18));
            err.flush();
          }
        };
    PrintWriter out = spec.commandLine().getOut();
    RunResult r;
    try {
      r = m.run(maxSteps, sink);
    } catch (GuestFault | StepLimitExceededException e) {
      throw stopped(m, e, json, out);
    } finally {
      if (progress) {
        err.print("\r\033[K");
      }
      err.flush();
    }
    if (json) {
      out.println(toJson(r));
    } else {
      out.println("output:          " + describe(r.output().toArray()));
      out.println("output hash:     " + r.outputHash());
      out.println("exit code:       " + r.exitCode());
      out.println("steps:           " + r.steps());
      out.println("final state:     " + r.finalStateHash());
      out.println(
          "checkpoint root: "
              + r.checkpointRoot()
              + " ("
              + r.checkpoints().size()
              + " checkpoints)");
    }
    out.flush();
    return r.exitCode() == 0 ? 0 : 1;
  }

  /**
   * The config with the app parameters given on the command line; a host allowance that fits the
   * window.
   */
  static VmConfig appParameters(VmConfig cfg, Optional<String> ramEnd, Optional<Long> outputLimit) {
    if (outputLimit.isPresent()) {
      if (outputLimit.get() < 0) {
        throw new InvalidInputException(
            "--output-limit must not be negative, got " + outputLimit.get());
      }
      cfg = cfg.withOutputLimit(outputLimit.get());
    }
    if (ramEnd.isPresent()) {
      long end;
      try {
        String t = ramEnd.get().trim().toLowerCase(java.util.Locale.ROOT);
        end = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "--ram-end must be a number like 0x20010000, got " + ramEnd.get());
      }
      cfg = cfg.withRamEnd(end);
      cfg = cfg.withHostMemoryBytes(Math.max(cfg.hostMemoryBytes(), VmConfig.windowBytes(end)));
    }
    return cfg;
  }

  /**
   * Largest output printed in full (as hex) in the JSON of a run that did not finish; past it only
   * its size and hash.
   */
  static final int MAX_PARTIAL_JSON_OUTPUT = 1 << 20;

  /**
   * A run that faulted or hit the step limit: prints what the guest wrote until then on stdout
   * (with --json one object saying where and why it stopped) and returns the one-line error for
   * stderr.
   */
  static InvalidInputException stopped(
      Machine m, InvalidInputException e, boolean json, PrintWriter out) {
    String message = e.getMessage();
    byte[] output = m.output();
    java.util.OptionalLong limit =
        e instanceof GuestFault f ? f.outputLimit() : java.util.OptionalLong.empty();
    if (limit.isPresent()) {
      message += "; raise it with --output-limit";
    }
    if (json) {
      StringBuilder s = new StringBuilder("{");
      s.append("\"error\":\"")
          .append(jsonText(message))
          .append('"')
          .append(",\"stopped\":\"")
          .append(e instanceof GuestFault ? "fault" : "stepLimit")
          .append('"')
          .append(",\"steps\":")
          .append(m.step());
      if (e instanceof GuestFault f) {
        s.append(",\"pc\":\"")
            .append(String.format("0x%08x", f.pc()))
            .append('"')
            .append(",\"faultClass\":")
            .append(f.faultClass().code());
      }
      if (limit.isPresent()) {
        s.append(",\"outputLimit\":").append(limit.getAsLong());
      }
      s.append(",\"stateHash\":\"")
          .append(m.stateHash())
          .append('"')
          .append(",\"outputBytes\":")
          .append(output.length)
          .append(",\"outputHash\":\"")
          .append(dev.trustdial.core.hash.Hashes.keccak256(output))
          .append('"')
          .append(",\"output\":")
          .append(
              output.length <= MAX_PARTIAL_JSON_OUTPUT ? "\"" + Hex.encode(output) + "\"" : "null")
          .append('}');
      out.println(s);
    } else {
      out.println("output so far:   " + describe(output));
      out.println(
          "stopped at step: "
              + m.step()
              + (e instanceof GuestFault f
                  ? " (guest fault, class "
                      + f.faultClass().code()
                      + ": "
                      + f.faultClass().text()
                      + ")"
                  : " (step limit)"));
      out.println("state:           " + m.stateHash());
    }
    out.flush();
    return new InvalidInputException(message, e);
  }

  static String jsonText(String text) {
    StringBuilder b = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * Short text as text, short binary as hex, anything long only by size (its hash is printed too).
   */
  static String describe(byte[] output) {
    if (output.length == 0) {
      return "(empty)";
    }
    if (output.length <= 4096) {
      try {
        String s =
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(output)).toString();
        if (s.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t')) {
          return s.replace("\n", "\n                 ");
        }
      } catch (CharacterCodingException notText) {
        // binary output: fall through to hex
      }
    }
    return output.length <= 256 ? Hex.encode(output) : "(" + output.length + " bytes)";
  }

  static String toJson(RunResult r) {
    StringBuilder s = new StringBuilder("{");
    s.append("\"exitCode\":")
        .append(r.exitCode())
        .append(",\"steps\":")
        .append(r.steps())
        .append(",\"finalStateHash\":\"")
        .append(r.finalStateHash())
        .append('"')
        .append(",\"checkpointRoot\":\"")
        .append(r.checkpointRoot())
        .append('"')
        .append(",\"outputHash\":\"")
        .append(r.outputHash())
        .append('"')
        .append(",\"output\":\"")
        .append(r.output().toHex())
        .append('"')
        .append(",\"checkpoints\":[");
    for (int i = 0; i < r.checkpoints().size(); i++) {
      Checkpoint c = r.checkpoints().get(i);
      s.append(i == 0 ? "" : ",")
          .append("{\"step\":")
          .append(c.step())
          .append(",\"stateHash\":\"")
          .append(c.stateHash())
          .append("\"}");
    }
    return s.append("]}").toString();
  }
}
