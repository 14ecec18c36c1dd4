package dev.trustdial.cli.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import dev.trustdial.node.job.ProgramBlobs;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial chain ...}: act on the settlement contracts of a devnet by hand. */
@Command(name = "chain", mixinStandardHelpOptions = true,
    description = "Act on the settlement contracts of a running devnet: operators, stake and delegation, apps, jobs, events.",
    subcommands = {
      ChainCommand.Register.class, ChainCommand.Stake.class, ChainCommand.Operator.class, StakeCommands.Stakes.class,
      StakeCommands.Delegate.class, StakeCommands.Undelegate.class, StakeCommands.Withdraw.class, StakeCommands.Allocate.class,
      StakeCommands.Deregister.class,
      ChainCommand.CreateApp.class, ChainCommand.App.class,
      ChainCommand.SubmitJob.class, ChainCommand.Assign.class, ChainCommand.Job.class, ChainCommand.Heartbeat.class,
      ChainCommand.ReportMissed.class, ChainCommand.Expire.class, ChainCommand.Events.class})
public final class ChainCommand implements Runnable {
  @Spec CommandSpec spec;

  static final long MAX_TOKENS = 1_000_000_000L;
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new SimpleModule()
          .addSerializer(Bytes32.class, ToStringSerializer.instance)
          .addSerializer(dev.trustdial.core.crypto.Address.class, ToStringSerializer.instance)
          .addSerializer(java.util.Optional.class, new com.fasterxml.jackson.databind.JsonSerializer<java.util.Optional>() {
            @Override
            public void serialize(java.util.Optional v, com.fasterxml.jackson.core.JsonGenerator g,
                com.fasterxml.jackson.databind.SerializerProvider p) throws java.io.IOException {
              if (v.isPresent()) {
                p.defaultSerializeValue(v.get(), g);
              } else {
                g.writeNull();
              }
            }
          }))
      .enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Longest text accepted for an amount, a fraction or an id: anything longer is not one. */
  static final int MAX_ARG_CHARS = 80;

  static String bounded(String text, String what) {
    if (text.length() > MAX_ARG_CHARS) {
      throw new InvalidInputException(what + " is " + text.length() + " characters long; at most " + MAX_ARG_CHARS + " are accepted");
    }
    return text;
  }

  /** A positive TDS amount with at most 18 decimals (a fee, a stake), in wei; bad text is a clear error. */
  public static BigInteger tokens(String text, String what) {
    bounded(text, what);
    try {
      BigDecimal v = new BigDecimal(text.trim());
      if (v.signum() <= 0 || v.compareTo(BigDecimal.valueOf(MAX_TOKENS)) > 0 || v.scale() > 18) {
        throw new InvalidInputException(what + " must be within (0, " + MAX_TOKENS + "] TDS with at most 18 decimals, got " + text);
      }
      return v.movePointRight(18).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(what + " is not a number: '" + text + "'");
    }
  }

  static Bytes32 bytes32(String text, String what) {
    bounded(text, what);
    try {
      return Bytes32.fromHex(text);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(what + " must be 32 bytes as 0x + 64 hex digits: " + e.getMessage());
    }
  }

  public static BigInteger id(String text, String what) {
    bounded(text, what);
    try {
      BigInteger v = new BigInteger(text.trim());
      if (v.signum() <= 0 || v.bitLength() > 255) {
        throw new InvalidInputException(what + " must be a positive integer, got " + text);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " must be a positive integer, got '" + text + "'");
    }
  }

  public static void printTx(PrintWriter out, TxOutcome t) {
    out.printf("%s: tx %s in block %d, gas %,d%n", t.action(), t.txHash(), t.block(), t.gasUsed());
    out.flush();
  }

  static void printJson(PrintWriter out, Object o) {
    try {
      out.println(JSON.writeValueAsString(o));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Command(name = "register", description = "Register the --as account as an operator with --stake TDS of its own (at least the registry's minimum self-stake).")
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Option(names = "--roles", required = true, split = ",", description = "Comma-separated roles: ${COMPLETION-CANDIDATES}.")
    Set<Role> roles;

    @Option(names = "--endpoint", defaultValue = "http://127.0.0.1/", description = "Operator endpoint URL (at most 256 bytes).")
    String endpoint;

    @Option(names = "--stake", required = true, paramLabel = "AMOUNT", description = "TDS of its own to stake, e.g. 1000.")
    String stake;

    @Override
    public Integer call() {
      BigInteger wei = tokens(stake, "--stake");
      if (endpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
        throw new InvalidInputException("--endpoint must be at most 256 bytes");
      }
      try (Settlement s = devnet.connect()) {
        printTx(spec.commandLine().getOut(), s.register(EnumSet.copyOf(roles), s.account(), endpoint, wei));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stake", description = "Deposit AMOUNT TDS more of the --as operator's own stake into its pool.")
  static final class Stake implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "AMOUNT", description = "TDS to stake, e.g. 1000 or 0.5.")
    String amount;

    @Override
    public Integer call() {
      BigInteger wei = tokens(amount, "stake");
      try (Settlement s = devnet.connect()) {
        printTx(spec.commandLine().getOut(), s.deposit(wei));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "operator", description = "Show an operator (an address or a devnet account name).")
  static final class Operator implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "OPERATOR")
    String who;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      var addr = devnet.resolve(who);
      try (Settlement s = devnet.connect()) {
        var o = s.operator(addr);
        if (!o.registered()) {
          throw new InvalidInputException(addr + " is not a registered operator");
        }
        PrintWriter out = spec.commandLine().getOut();
        java.util.Map<String, Object> roles = new java.util.TreeMap<>();
        for (Role r : o.roles()) {
          roles.put(r.name(), java.util.Map.of("allocation", StakeCommands.percent(s.allocation(addr, r)), "weight", Tokens.format(s.weightOf(addr, r))));
        }
        var obligations = s.obligations(addr);
        if (json) {
          java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
          m.put("operator", o);
          m.put("delegatedStake", o.delegatedStake());
          m.put("roles", roles);
          m.put("obligations", obligations);
          printJson(out, m);
        } else {
          out.printf("operator %s (%s)%n  roles       %s%n  signer      %s%n  endpoint    %s%n", o.operator(), o.status(), o.roles(), o.signer(), o.endpoint());
          out.printf("  stake       %s active: %s its own, %s delegated; %s queued for withdrawal%n", Tokens.format(o.stake()),
              Tokens.format(o.selfStake()), Tokens.format(o.delegatedStake()), Tokens.format(o.pendingStake()));
          roles.forEach((r, v) -> out.printf("  %-11s %s%n", r, v));
          out.printf("  obligations %d open (low water %d, next %d)%n", obligations.open(), obligations.lowWater(), obligations.next());
          out.flush();
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "create-app", description = {
      "Create an app owned by the --as account (it must be allowlisted while creation is permissioned).",
      "REEXEC_OBJECTIVE (--program ELF [--ram-end --output-limit --stride-log2 --input-blobs]): computes the ELF's absolute prestate "
          + "with the VM, deploys its ObjectiveConfig, creates the app and names the config. Only once governance enabled mode 2 "
          + "(AppRegistry.setModeEnabled(2); the devnet's deployment does)."})
  static final class CreateApp implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Option(names = "--mode", required = true, description = "Trust mode: ${COMPLETION-CANDIDATES}.")
    TrustMode mode;

    @Option(names = "--digest", description = "Program or artifact digest, 0x + 64 hex digits.")
    String digest;

    @Option(names = "--program", paramLabel = "FILE",
        description = "A guest ELF or a GGUF model: put it on the devnet's DA (as parts over 16 MiB) and use its keccak256 as the digest (instead of --digest).")
    java.nio.file.Path program;

    @Option(names = "--part-bytes", defaultValue = "16777216", paramLabel = "N",
        description = "A program larger than this goes to DA as parts of N bytes and a part list, 1..16777216 (default: ${DEFAULT-VALUE}).")
    int partBytes;

    @Option(names = "--ram-end", paramLabel = "HEX",
        description = "REEXEC_OBJECTIVE: the app's ramEnd (vm.md §3), a multiple of 0x1000 in (0x10000, 0x80000000] (default: 0x20010000).")
    String ramEnd;

    @Option(names = "--output-limit", paramLabel = "BYTES",
        description = "REEXEC_OBJECTIVE: the most output bytes a job may write (default: 67108864).")
    Long outputLimit;

    @Option(names = "--stride-log2", paramLabel = "S",
        description = "REEXEC_OBJECTIVE: the trace commitment's stride is 2^S steps, 0..40 (default: 20).")
    Integer strideLog2;

    @Option(names = "--input-blobs",
        description = "REEXEC_OBJECTIVE: job inputs go onchain as EIP-4844 blobs (up to 6 blobs, 761,800 bytes of input; read steps proven "
            + "with the point-evaluation precompile) instead of as calldata (up to 64 KiB).")
    boolean inputBlobs;

    @Override
    public Integer call() {
      if (mode == TrustMode.REEXEC_OBJECTIVE) {
        return createObjective();
      }
      if (ramEnd != null || outputLimit != null || strideLog2 != null || inputBlobs) {
        throw new InvalidInputException("--ram-end, --output-limit, --stride-log2 and --input-blobs go with --mode REEXEC_OBJECTIVE");
      }
      if ((digest == null) == (program == null)) {
        throw new InvalidInputException("give exactly one of --digest and --program");
      }
      if (mode == TrustMode.OTHER) {
        throw new InvalidInputException("--mode OTHER is not a mode: give one of TEE, REEXEC_INTERSUBJECTIVE, REEXEC_OBJECTIVE, ZK");
      }
      if (mode == TrustMode.ZK) {
        throw new InvalidInputException("a ZK app is created with 'trustdial zk create-app': it deploys the circuit's verifier and checks it "
            + "against the artifact before the app exists");
      }
      if (program != null && mode == TrustMode.TEE) {
        throw new InvalidInputException("a TEE app's digest is its artifact digest and it needs a policy: create it with "
            + "'trustdial tee create-app --artifact PATH --policy FILE'");
      }
      if (partBytes < 1 || partBytes > ProgramBlobs.MAX_BLOB_BYTES) {
        throw new InvalidInputException("--part-bytes must be 1.." + ProgramBlobs.MAX_BLOB_BYTES + ", got " + partBytes);
      }
      PrintWriter out = spec.commandLine().getOut();
      Bytes32 d;
      if (program != null) {
        byte[] elf = dev.trustdial.cli.InputFiles.read(program, "--program", ProgramBlobs.MAX_PROGRAM_BYTES);
        checkRunnable(program, elf);
        long parts = (elf.length + (long) partBytes - 1) / partBytes;
        if (elf.length > partBytes && parts > ProgramBlobs.MAX_PARTS) {
          throw new InvalidInputException("--program is " + elf.length + " bytes: in " + partBytes + "-byte parts that is " + parts
              + " parts, above " + ProgramBlobs.MAX_PARTS + "; give larger --part-bytes");
        }
        d = dev.trustdial.core.hash.Hashes.keccak256(elf);
        ProgramBlobs.Stored stored = ProgramBlobs.put(devnet.da(), elf, partBytes);
        out.println("program " + program + " on DA as " + (stored.parts() == 1 ? "blob " : "a part list of " + stored.parts() + " parts, ")
            + stored.key() + " (digest " + d + ")");
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
     * mode 2 checked enabled onchain, then the program on DA, its ObjectiveConfig deployed,
     * createApp and setAppConfig. Nothing is written or sent before every check has passed.
     */
    private Integer createObjective() {
      if (digest != null || program == null) {
        throw new InvalidInputException("a REEXEC_OBJECTIVE app is created from its program: give --program ELF (not --digest); its "
            + "ObjectiveConfig holds the ELF's entry pc and image root, computed here with the VM");
      }
      if (partBytes < 1 || partBytes > ProgramBlobs.MAX_BLOB_BYTES) {
        throw new InvalidInputException("--part-bytes must be 1.." + ProgramBlobs.MAX_BLOB_BYTES + ", got " + partBytes);
      }
      ObjectiveApp.Params params = ObjectiveApp.Params.parse(ramEnd, outputLimit, strideLog2, inputBlobs);
      byte[] elf = dev.trustdial.cli.InputFiles.read(program, "--program", dev.trustdial.vm.elf.ElfLoader.MAX_ELF_BYTES);
      dev.trustdial.chain.ObjectiveAppConfig config = ObjectiveApp.prestate(program, elf, params);
      PrintWriter out = spec.commandLine().getOut();
      try (Settlement s = devnet.connect(); dev.trustdial.chain.ObjectiveApps objective = devnet.objective()) {
        ObjectiveApp.checkCreatable(objective);
        ProgramBlobs.Stored stored = ProgramBlobs.put(devnet.da(), elf, partBytes);
        out.println("program " + program + " on DA as " + (stored.parts() == 1 ? "blob " : "a part list of " + stored.parts() + " parts, ")
            + stored.key() + " (digest " + config.programDigest() + ")");
        out.flush();
        ObjectiveApp.print(out, ObjectiveApp.create(s, objective, config, new byte[0]));
      }
      return ExitCodes.OK;
    }
  }

  /** The bytes of a REEXEC app's program must be what a node runs: an RV32IM ELF the VM loads, or a GGUF model the engine loads. */
  static void checkRunnable(java.nio.file.Path file, byte[] program) {
    if (startsWith(program, new byte[] {'G', 'G', 'U', 'F'})) {
      try (var model = dev.trustdial.ai.model.GgufModelLoader.load(file)) {
        return;
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--program " + file + " is not a GGUF model the engine loads: " + e.getMessage());
      }
    }
    if (!startsWith(program, new byte[] {0x7f, 'E', 'L', 'F'})) {
      throw new InvalidInputException("--program " + file + " is neither an RV32IM ELF nor a GGUF model (it starts with 0x"
          + dev.trustdial.core.bytes.Hex.encode(java.util.Arrays.copyOf(program, Math.min(4, program.length))).replaceFirst("^0x", "") + ")");
    }
    try {
      dev.trustdial.vm.elf.ElfLoader.parse(program, dev.trustdial.vm.VmConfig.defaults().ramEnd());
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--program " + file + ": " + e.getMessage());
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Command(name = "app", description = "Show an app.")
  static final class App implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "APP_ID")
    String appId;

    @Override
    public Integer call() {
      BigInteger id = id(appId, "app id");
      try (Settlement s = devnet.connect()) {
        var a = s.app(id);
        spec.commandLine().getOut().printf("app %s%n  owner    %s%n  mode     %s%n  digest   %s%n  version  %d%n",
            a.appId(), a.owner(), a.mode(), a.programDigest(), a.version());
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "submit-job", description = {"Submit a job to an app, escrowing the fee.",
      "For a REEXEC_OBJECTIVE app the job's envelope (at most 65,588 bytes: 64 KiB of input) is also posted to the InputOracle "
          + "before submitJob (skipped when it is there already); a raw --input-digest must have been posted before."})
  static final class SubmitJob implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Option(names = "--app", required = true)
    String appId;

    @Option(names = "--input-digest", description = "Digest of the job input, 0x + 64 hex digits (a raw job; or use --program-blob).")
    String inputDigest;

    @Option(names = "--input-blob-key", description = "DA blob key of the input (default: the input digest).")
    String inputBlobKey;

    @Option(names = "--program-blob", paramLabel = "KEY",
        description = "DA blob key of the app's program: build the job envelope (docs/spec/job-input.md) from it, --input and --stride, put it on DA and submit it.")
    String programBlob;

    @Option(names = "--input", paramLabel = "FILE", description = "Guest input bytes for --program-blob (default: empty).")
    java.nio.file.Path input;

    @Option(names = "--stride", defaultValue = "1048576", description = "Steps between checkpoints for --program-blob, 1..2^32 (default: ${DEFAULT-VALUE}).")
    long stride;

    @Option(names = "--max-steps", required = true, description = "Step budget, 1..2^40.")
    long maxSteps;

    @Option(names = "--fee", defaultValue = "1", description = "Fee in TDS (default: ${DEFAULT-VALUE}).")
    String fee;

    @Override
    public Integer call() {
      // Everything is checked before anything is written to DA or sent onchain (an approve included).
      if (maxSteps < 1 || maxSteps > (1L << 40)) {
        throw new InvalidInputException("--max-steps must be within 1..2^40, got " + maxSteps);
      }
      if ((inputDigest == null) == (programBlob == null)) {
        throw new InvalidInputException("give exactly one of --input-digest (a raw job) and --program-blob (a job envelope built here)");
      }
      BigInteger app = id(appId, "--app");
      BigInteger wei = tokens(fee, "--fee");
      PrintWriter out = spec.commandLine().getOut();
      Bytes32 digest = null;
      Bytes32 key = null;
      Bytes32 programKey = null;
      byte[] bytes = null;
      if (programBlob != null) {
        if (inputBlobKey != null) {
          throw new InvalidInputException("--input-blob-key goes with --input-digest; with --program-blob the envelope's blob key is used");
        }
        programKey = bytes32(programBlob, "--program-blob");
        if (stride < 1 || stride > dev.trustdial.node.job.JobEnvelope.MAX_STRIDE) {
          throw new InvalidInputException("--stride: checkpoint stride must be 1..2^32, got " + stride);
        }
        bytes = input == null ? new byte[0]
            : dev.trustdial.cli.InputFiles.read(input, "--input", dev.trustdial.node.job.JobEnvelope.MAX_INPUT_BYTES);
      } else {
        if (input != null) {
          throw new InvalidInputException("--input goes with --program-blob; a raw job's input is on DA already (--input-digest)");
        }
        digest = bytes32(inputDigest, "--input-digest");
        key = inputBlobKey == null ? digest : bytes32(inputBlobKey, "--input-blob-key");
      }
      try (Settlement s = devnet.connect()) {
        dev.trustdial.chain.AppInfo info = checkJob(s, app, maxSteps, wei, programKey != null);
        boolean objective = info.mode() == TrustMode.REEXEC_OBJECTIVE;
        try (dev.trustdial.chain.ObjectiveApps oracle = objective ? devnet.objective() : null) {
          boolean blobs = objective && oracle.config(s.appConfigOf(app).orElseThrow()).blobInputs();
          if (programKey != null) {
            var envelope = new dev.trustdial.node.job.JobEnvelope(programKey, stride, bytes);
            byte[] encoded = envelope.encode();
            if (objective) {
              ObjectiveApp.checkEnvelopeSize(oracle, encoded, blobs);
            }
            var da = devnet.da();
            checkProgram(da, info, programKey);
            digest = envelope.digest();
            var cert = da.put(encoded);
            key = cert.blobKey();
            out.println("job envelope on DA as blob " + key + " (digest " + digest + ")");
            // The court reads the job's input root from the oracle: it must be there before the job exists.
            if (blobs) {
              ObjectiveApp.postBlobs(oracle, encoded, cert, out);
            } else if (objective) {
              ObjectiveApp.post(oracle, encoded, out);
            }
          } else if (blobs) {
            ObjectiveApp.requireBlobsPosted(oracle, key, out);
          } else if (objective) {
            ObjectiveApp.requirePosted(oracle, digest, out);
          }
        }
        Settlement.Created c = s.submitJob(app, key, digest, maxSteps, wei);
        long seedBlock = s.job(c.id()).seedBlock();
        out.println("job " + c.id() + " queued: it is assigned from the hash of block " + seedBlock + ", once that block is mined");
        printTx(out, c.tx());
        if (!noAssign) {
          Assign.assignWhenDue(s, c.id(), out);
        }
      }
      return ExitCodes.OK;
    }

    /**
     * What JobManager.submitJob would revert on, and what the submitter cannot pay, checked with
     * calls only: the app exists and takes jobs, the step budget and the fee are within the
     * parameters, and the account holds the fee plus the deposit.
     */
    static dev.trustdial.chain.AppInfo checkJob(Settlement s, BigInteger app, long maxSteps, BigInteger fee, boolean envelope) {
      BigInteger count = s.appCount();
      if (app.compareTo(count) > 0) {
        throw new InvalidInputException("--app " + app + ": there is no such app (UnknownApp); the registry holds "
            + (count.signum() == 0 ? "none yet" : "apps 1.." + count));
      }
      dev.trustdial.chain.AppInfo info = s.app(app);
      switch (info.mode()) {
        case REEXEC_INTERSUBJECTIVE -> { }
        case REEXEC_OBJECTIVE -> ObjectiveApp.checkJob(s, info);
        case TEE -> {
          if (envelope) {
            throw new InvalidInputException("app " + app + " is a TEE app: submit its jobs with 'trustdial tee submit-job' (its input is a "
                + "TDTEEJB1 record and its program the artifact archive)");
          }
          if (s.teeSignerOf(app).isEmpty()) {
            throw new InvalidInputException("app " + app + " is a TEE app with no signer yet (NoTeeSigner): its owner sets one with "
                + "'trustdial tee set-signer' first");
          }
        }
        case ZK -> {
          if (s.modeAdapterOf(TrustMode.ZK.code()).isEmpty()) {
            throw new InvalidInputException("app " + app + " is a ZK app but this deployment has no ZK mode adapter (ModeNotRegistered)");
          }
          if (s.appConfigOf(app).isEmpty()) {
            throw new InvalidInputException("app " + app + " is a ZK app with no verifier set (NoAppConfig)");
          }
        }
        case OTHER -> {
          if (envelope) {
            throw new InvalidInputException("app " + app + " has a third-party trust mode: this client builds job envelopes for REEXEC and "
                + "ZK apps only; give --input-digest");
          }
        }
      }
      dev.trustdial.chain.JobParams p = s.params();
      if (maxSteps > p.maxStepsLimit()) {
        throw new InvalidInputException("--max-steps " + maxSteps + " is above the deployment's limit of " + p.maxStepsLimit());
      }
      if (fee.compareTo(p.minFee()) < 0) {
        throw new InvalidInputException("--fee " + Tokens.format(fee) + " is below the minimum fee " + Tokens.format(p.minFee()));
      }
      BigInteger escrow = fee.add(p.submitterDeposit());
      BigInteger balance = s.balanceOf(s.account());
      if (balance.compareTo(escrow) < 0) {
        throw new InvalidInputException("the fee " + Tokens.format(fee) + " plus the submitter deposit " + Tokens.format(p.submitterDeposit())
            + " is " + Tokens.format(escrow) + ", but " + s.account() + " holds " + Tokens.format(balance));
      }
      return info;
    }

    /** The program a job envelope names must be on DA and be the app's program (keccak256 of its bytes, or of its parts). */
    static void checkProgram(dev.trustdial.da.DataAvailability da, dev.trustdial.chain.AppInfo app, Bytes32 programKey) {
      if (!da.isAvailable(programKey)) {
        throw new InvalidInputException("--program-blob " + programKey + " is not on DA (no live certificate for it); give the key "
            + "'chain create-app --program' printed, or put the program with 'trustdial da put'");
      }
      byte[] program;
      try {
        program = ProgramBlobs.get(da, programKey);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--program-blob " + programKey + ": " + e.getMessage());
      }
      Bytes32 d = dev.trustdial.core.hash.Hashes.keccak256(program);
      if (!d.equals(app.programDigest())) {
        throw new InvalidInputException("--program-blob " + programKey + " holds a program with digest " + d + ", not app " + app.appId()
            + "'s programDigest " + app.programDigest() + " (give the key 'chain create-app --program' printed)");
      }
    }

    @Option(names = "--no-assign", description = "Do not wait for the seed block and assign the job here (keepers, i.e. the devnet's nodes, do it).")
    boolean noAssign;
  }

  @Command(name = "assign", description = "Assign a queued job once its seed block is mined (anyone may; the nodes do it as keepers).")
  public static final class Assign implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    /** Waits (at most 60 s) for the seed block, then assigns the job unless someone else did. */
    public static void assignWhenDue(Settlement s, BigInteger id, PrintWriter out) {
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      dev.trustdial.chain.JobInfo j = s.job(id);
      while (j.status() == dev.trustdial.chain.JobStatus.QUEUED && s.blockNumber() <= j.seedBlock()) {
        if (System.nanoTime() > deadline) {
          throw new InvalidInputException("job " + id + "'s seed block " + j.seedBlock() + " was not mined within 60 s; is the devnet mining?");
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InvalidInputException("interrupted while waiting for job " + id + "'s seed block");
        }
        j = s.job(id);
      }
      if (j.status() == dev.trustdial.chain.JobStatus.QUEUED) {
        try {
          printTx(out, s.assign(id));
        } catch (dev.trustdial.chain.tx.ContractRevertException e) {
          if (!e.errorName().equals("WrongStatus")) {
            throw e;
          }
          // A keeper (a devnet node) assigned it first.
        }
        j = s.job(id);
      }
      out.println(j.status() == dev.trustdial.chain.JobStatus.ASSIGNED
          ? "job " + id + " assigned to " + j.assignee() + " (attempt " + j.attempt() + ")"
          : "job " + id + " is " + j.status());
      out.flush();
    }

    @Override
    public Integer call() {
      BigInteger id = id(jobId, "job id");
      try (Settlement s = devnet.connect()) {
        var j = s.job(id);
        if (j.status() != dev.trustdial.chain.JobStatus.QUEUED) {
          throw new InvalidInputException("job " + id + " is " + j.status() + ", not queued");
        }
        assignWhenDue(s, id, spec.commandLine().getOut());
      }
      return ExitCodes.OK;
    }
  }

  /** A command that sends one transaction about one job, given by its id. */
  abstract static class JobTransaction implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    abstract TxOutcome send(Settlement s, BigInteger jobId);

    @Override
    public Integer call() {
      BigInteger id = id(jobId, "job id");
      try (Settlement s = devnet.connect()) {
        printTx(spec.commandLine().getOut(), send(s, id));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "expire", description = "End a queued or assigned job past its expiry: fee and deposit go back to the submitter, nobody is slashed.")
  static final class Expire extends JobTransaction {
    @Override
    TxOutcome send(Settlement s, BigInteger jobId) {
      return s.expire(jobId);
    }
  }

  @Command(name = "job", description = "Show a job.")
  static final class Job implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      BigInteger id = id(jobId, "job id");
      try (Settlement s = devnet.connect()) {
        var j = s.job(id);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          printJson(out, j);
        } else {
          out.printf("job %s (app %s): %s%n", j.jobId(), j.appId(), j.status());
          if (j.status() == dev.trustdial.chain.JobStatus.QUEUED) {
            out.printf("  queued      attempt %d, seed block %d, stake snapshot at block %d%n", j.attempt(), j.seedBlock(), j.snapshotBlock());
          } else {
            out.printf("  assignee    %s (attempt %d, deadline %d)%n", j.assignee(), j.attempt(), j.deadline());
          }
          out.printf("  last step   %,d (state %s, checkpoint %s)%n  fee         %s (+ %s deposit), expires at %d%n", j.lastStep(),
              j.lastStateHash(), j.lastCheckpointBlobKey(), Tokens.format(j.fee()), Tokens.format(j.deposit()), j.expiresAt());
          if (j.openDisputes() > 0) {
            out.printf("  disputes    %d open%n", j.openDisputes());
          }
          j.result().ifPresent(r -> out.printf("  result      output %s (DA blob %s), %,d steps, checkpoint root %s%n", r.outputHash(),
              j.outputBlobKey(), r.stepCount(), r.checkpointRoot()));
          out.flush();
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "heartbeat", description = "Post a heartbeat (checkpoint) for a job as its assignee.")
  static final class Heartbeat implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--step", required = true)
    long step;

    @Option(names = "--state", required = true, description = "State hash, 0x + 64 hex digits.")
    String state;

    @Option(names = "--checkpoint", required = true, description = "Checkpoint blob key, 0x + 64 hex digits.")
    String checkpoint;

    @Override
    public Integer call() {
      if (step < 0) {
        throw new InvalidInputException("--step must not be negative");
      }
      BigInteger id = id(jobId, "job id");
      try (Settlement s = devnet.connect()) {
        printTx(spec.commandLine().getOut(), s.heartbeat(id, step, bytes32(state, "--state"), bytes32(checkpoint, "--checkpoint")));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "report-missed", description = "Report a job whose assignee missed its heartbeat deadline (slashes it, queues the job again).")
  static final class ReportMissed extends JobTransaction {
    @Override
    TxOutcome send(Settlement s, BigInteger jobId) {
      return s.reportMissed(jobId);
    }
  }

  @Command(name = "events", description = "Print the settlement events of a block range.")
  static final class Events implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Option(names = "--from", defaultValue = "0")
    long from;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
      if (from < 0) {
        throw new InvalidInputException("--from must not be negative");
      }
      try (Settlement s = devnet.connect()) {
        long head = s.blockNumber();
        if (from > head) {
          throw new InvalidInputException("--from " + from + " is past the chain head " + head);
        }
        List<SettlementEvent> events = s.events().read(from, head);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          printJson(out, events.stream().map(e -> java.util.Map.of("type", e.getClass().getSimpleName(), "event", e)).toList());
        } else {
          for (SettlementEvent e : events) {
            out.printf("block %-6d %s%n", e.where().block(), e);
          }
          out.flush();
        }
      }
      return ExitCodes.OK;
    }
  }
}
