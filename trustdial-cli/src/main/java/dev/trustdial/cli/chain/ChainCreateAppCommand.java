package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.bytes32;
import static dev.trustdial.cli.chain.ChainCommand.printTx;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.node.job.ProgramBlobs;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "create-app",
    description = {
      "Create an app owned by the --as account (it must be allowlisted while creation is permissioned).",
      "REEXEC_OBJECTIVE (--program ELF [--ram-end --output-limit --stride-log2 --input-blobs]): computes the ELF's absolute prestate "
          + "with the VM, deploys its ObjectiveConfig, creates the app and names the config. Only once governance enabled mode 2 "
          + "(AppRegistry.setModeEnabled(2); the devnet's deployment does)."
    })
final class ChainCreateAppCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Option(names = "--mode", required = true, description = "Trust mode: ${COMPLETION-CANDIDATES}.")
  TrustMode mode;

  @Option(names = "--digest", description = "Program or artifact digest, 0x + 64 hex digits.")
  String digest;

  @Option(
      names = "--program",
      paramLabel = "FILE",
      description =
          "A guest ELF or a GGUF model: put it on the devnet's DA (as parts over 16 MiB) and use its keccak256 as the digest (instead of --digest).")
  java.nio.file.Path program;

  @Option(
      names = "--part-bytes",
      defaultValue = "16777216",
      paramLabel = "N",
      description =
          "A program larger than this goes to DA as parts of N bytes and a part list, 1..16777216 (default: ${DEFAULT-VALUE}).")
  int partBytes;

  @Option(
      names = "--ram-end",
      paramLabel = "HEX",
      description =
          "REEXEC_OBJECTIVE: the app's ramEnd (vm.md §3), a multiple of 0x1000 in (0x10000, 0x80000000] (default: 0x20010000).")
  String ramEnd;

  @Option(
      names = "--output-limit",
      paramLabel = "BYTES",
      description = "REEXEC_OBJECTIVE: the most output bytes a job may write (default: 67108864).")
  Long outputLimit;

  @Option(
      names = "--stride-log2",
      paramLabel = "S",
      description =
          "REEXEC_OBJECTIVE: the trace commitment's stride is 2^S steps, 0..40 (default: 20).")
  Integer strideLog2;

  @Option(
      names = "--input-blobs",
      description =
          "REEXEC_OBJECTIVE: job inputs go onchain as EIP-4844 blobs (up to 6 blobs, 761,800 bytes of input; read steps proven "
              + "with the point-evaluation precompile) instead of as calldata (up to 64 KiB).")
  boolean inputBlobs;

  @Override
  public Integer call() {
    if (mode == TrustMode.REEXEC_OBJECTIVE) {
      return createObjective();
    }
    if (ramEnd != null || outputLimit != null || strideLog2 != null || inputBlobs) {
      throw new InvalidInputException(
          "--ram-end, --output-limit, --stride-log2 and --input-blobs go with --mode REEXEC_OBJECTIVE");
    }
    if ((digest == null) == (program == null)) {
      throw new InvalidInputException("give exactly one of --digest and --program");
    }
    if (mode == TrustMode.OTHER) {
      throw new InvalidInputException(
          "--mode OTHER is not a mode: give one of TEE, REEXEC_INTERSUBJECTIVE, REEXEC_OBJECTIVE, ZK");
    }
    if (mode == TrustMode.ZK) {
      throw new InvalidInputException(
          "a ZK app is created with 'trustdial zk create-app': it deploys the circuit's verifier and checks it "
              + "against the artifact before the app exists");
    }
    if (program != null && mode == TrustMode.TEE) {
      throw new InvalidInputException(
          "a TEE app's digest is its artifact digest and it needs a policy: create it with "
              + "'trustdial tee create-app --artifact PATH --policy FILE'");
    }
    if (partBytes < 1 || partBytes > ProgramBlobs.MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "--part-bytes must be 1.." + ProgramBlobs.MAX_BLOB_BYTES + ", got " + partBytes);
    }
    PrintWriter out = spec.commandLine().getOut();
    Bytes32 d;
    if (program != null) {
      byte[] elf =
          dev.trustdial.cli.InputFiles.read(program, "--program", ProgramBlobs.MAX_PROGRAM_BYTES);
      checkRunnable(program, elf);
      long parts = (elf.length + (long) partBytes - 1) / partBytes;
      if (elf.length > partBytes && parts > ProgramBlobs.MAX_PARTS) {
        throw new InvalidInputException(
            "--program is "
                + elf.length
                + " bytes: in "
                + partBytes
                + "-byte parts that is "
                + parts
                + " parts, above "
                + ProgramBlobs.MAX_PARTS
                + "; give larger --part-bytes");
      }
      d = dev.trustdial.core.hash.Hashes.keccak256(elf);
      ProgramBlobs.Stored stored;
      try (dev.trustdial.da.DaClient da = devnet.da()) {
        stored = ProgramBlobs.put(da, elf, partBytes);
      }
      out.println(
          "program "
              + program
              + " on DA as "
              + (stored.parts() == 1 ? "blob " : "a part list of " + stored.parts() + " parts, ")
              + stored.key()
              + " (digest "
              + d
              + ")");
    } else {
      d = bytes32(digest, "--digest");
    }
    try (Settlement s = devnet.connect()) {
      Settlement.Created c = s.createApp(mode, d, new byte[0]);
      out.println("app " + c.id());
      printTx(out, c.tx());
    }
    return ExitCodes.OK;
  }

  /**
   * A REEXEC_OBJECTIVE app (docs/spec/objective.md §1): the ELF's absolute prestate computed here,
   * mode 2 checked enabled onchain, then the program on DA, its ObjectiveConfig deployed, createApp
   * and setAppConfig. Nothing is written or sent before every check has passed.
   */
  private Integer createObjective() {
    if (digest != null || program == null) {
      throw new InvalidInputException(
          "a REEXEC_OBJECTIVE app is created from its program: give --program ELF (not --digest); its "
              + "ObjectiveConfig holds the ELF's entry pc and image root, computed here with the VM");
    }
    if (partBytes < 1 || partBytes > ProgramBlobs.MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "--part-bytes must be 1.." + ProgramBlobs.MAX_BLOB_BYTES + ", got " + partBytes);
    }
    ObjectiveApp.Params params =
        ObjectiveApp.Params.parse(ramEnd, outputLimit, strideLog2, inputBlobs);
    byte[] elf =
        dev.trustdial.cli.InputFiles.read(
            program, "--program", dev.trustdial.vm.elf.ElfLoader.MAX_ELF_BYTES);
    dev.trustdial.chain.ObjectiveAppConfig config = ObjectiveApp.prestate(program, elf, params);
    PrintWriter out = spec.commandLine().getOut();
    try (Settlement s = devnet.connect();
        dev.trustdial.chain.ObjectiveApps objective = devnet.objective()) {
      ObjectiveApp.checkCreatable(objective);
      ProgramBlobs.Stored stored;
      try (dev.trustdial.da.DaClient da = devnet.da()) {
        stored = ProgramBlobs.put(da, elf, partBytes);
      }
      out.println(
          "program "
              + program
              + " on DA as "
              + (stored.parts() == 1 ? "blob " : "a part list of " + stored.parts() + " parts, ")
              + stored.key()
              + " (digest "
              + config.programDigest()
              + ")");
      out.flush();
      ObjectiveApp.print(out, ObjectiveApp.create(s, objective, config, new byte[0]));
    }
    return ExitCodes.OK;
  }

  /**
   * The bytes of a REEXEC app's program must be what a node runs: an RV32IM ELF the VM loads, or a
   * GGUF model the engine loads.
   */
  private static void checkRunnable(java.nio.file.Path file, byte[] program) {
    if (startsWith(program, new byte[] {'G', 'G', 'U', 'F'})) {
      try (var model = dev.trustdial.ai.model.GgufModelLoader.load(file)) {
        return;
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "--program " + file + " is not a GGUF model the engine loads: " + e.getMessage());
      }
    }
    if (!startsWith(program, new byte[] {0x7f, 'E', 'L', 'F'})) {
      throw new InvalidInputException(
          "--program "
              + file
              + " is neither an RV32IM ELF nor a GGUF model (it starts with 0x"
              + dev.trustdial.core.bytes.Hex.encode(
                      java.util.Arrays.copyOf(program, Math.min(4, program.length)))
                  .replaceFirst("^0x", "")
              + ")");
    }
    try {
      dev.trustdial.vm.elf.ElfLoader.parse(program, dev.trustdial.vm.VmConfig.defaults().ramEnd());
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--program " + file + ": " + e.getMessage());
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }
}
