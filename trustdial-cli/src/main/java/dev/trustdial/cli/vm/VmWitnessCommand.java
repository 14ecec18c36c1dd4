package dev.trustdial.cli.vm;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.elf.ElfLoader;
import dev.trustdial.vm.witness.Witness;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial vm witness}: the step witness of one step, as JSON (docs/spec/vm.md §9). */
@Command(
    name = "witness",
    mixinStandardHelpOptions = true,
    description =
        "Print the witness of step N (the step from the state at step N) as JSON, with the compressed proof bytes "
            + "the onchain step reads (docs/spec/vm.md §9), after checking it with the independent witness checker. The run's "
            + "terminal state (exited or faulted) has a witness too: it steps to itself.")
public final class VmWitnessCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROGRAM.elf")
  Path program;

  @Option(names = "--step", paramLabel = "N", required = true, description = "0-based step number")
  long step;

  @Option(names = "--input", paramLabel = "FILE", description = "job input (default: empty)")
  Optional<Path> input = Optional.empty();

  @Option(
      names = "--ram-end",
      paramLabel = "ADDR",
      description = "the app's ramEnd (default 0x20010000)")
  Optional<String> ramEnd = Optional.empty();

  @Option(
      names = "--output-limit",
      paramLabel = "BYTES",
      description = "the app's outputLimit (default: 64 MiB)")
  Optional<Long> outputLimit = Optional.empty();

  @Override
  public Integer call() {
    if (step < 0) {
      throw new InvalidInputException("--step must be non-negative, got " + step);
    }
    VmConfig cfg = VmRunCommand.appParameters(VmConfig.defaults(), ramEnd, outputLimit);
    byte[] elf = VmFiles.read(program, "program", ElfLoader.MAX_ELF_BYTES);
    byte[] in = VmFiles.input(input, cfg.maxInputBytes());
    Witness w = Vm.witness(elf, in, cfg, step);
    Vm.checkWitness(w); // never print a witness our own checker would reject
    spec.commandLine().getOut().println(w.toJson());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
