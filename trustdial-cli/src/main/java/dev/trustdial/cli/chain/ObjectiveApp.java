package dev.trustdial.cli.chain;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.node.objective.BlobInputs;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.elf.ElfLoader;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.state.VmState;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The developer's side of a REEXEC_OBJECTIVE app (docs/spec/objective.md): create it from its ELF
 * (the absolute prestate computed with the VM, an ObjectiveConfig deployed, createApp,
 * setAppConfig) and post a job's envelope to the InputOracle before submitJob. Everything is
 * checked before the first transaction; a deployment that has not enabled mode 2 is refused with no
 * transaction.
 */
public final class ObjectiveApp {
  /**
   * What a deployment whose governance has not enabled mode 2 (or disabled it) answers: its
   * contracts may exist, its apps may not.
   */
  public static final String NOT_ENABLED =
      "REEXEC_OBJECTIVE is not enabled on this deployment: governance enables it with "
          + "AppRegistry.setModeEnabled(2, true) through the timelock (the devnet's deployment does)";

  /**
   * The default stride of the trace commitment: 2^20 steps per stride leaf, as the VM's checkpoint
   * stride.
   */
  public static final int DEFAULT_STRIDE_LOG2 = 20;

  private ObjectiveApp() {}

  /**
   * The app parameters given on the command line, checked as ObjectiveConfig's constructor checks
   * them (and the output limit as the VM holds output).
   */
  public record Params(long ramEnd, long outputLimit, int strideLog2, boolean blobInputs) {
    public Params {
      try {
        ObjectiveAppConfig.checkRamEnd(ramEnd);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--ram-end: " + e.getMessage());
      }
      if (outputLimit < 0 || outputLimit > ObjectiveAppConfig.MAX_UINT32) {
        throw new InvalidInputException(
            "--output-limit must be 0..4294967295 bytes (a uint32 onchain), got " + outputLimit);
      }
      if (outputLimit > VmConfig.MAX_OUTPUT_LIMIT) {
        throw new InvalidInputException(
            "--output-limit "
                + outputLimit
                + " is above the "
                + VmConfig.MAX_OUTPUT_LIMIT
                + " bytes a node's VM holds as output: no operator could run the app");
      }
      try {
        ObjectiveAppConfig.checkStrideLog2(strideLog2);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--stride-log2: " + e.getMessage());
      }
    }

    /** Parameters of an app whose inputs go onchain as calldata. */
    public Params(long ramEnd, long outputLimit, int strideLog2) {
      this(ramEnd, outputLimit, strideLog2, false);
    }

    /**
     * As {@link #parse(String, Long, Integer, boolean)} for an app whose inputs go onchain as
     * calldata.
     */
    public static Params parse(String ramEndHex, Long outputLimit, Integer strideLog2) {
      return parse(ramEndHex, outputLimit, strideLog2, false);
    }

    /**
     * Parses the options; {@code ramEndHex} is hex with or without 0x, {@code null} values take the
     * VM's defaults.
     */
    public static Params parse(
        String ramEndHex, Long outputLimit, Integer strideLog2, boolean blobInputs) {
      long ramEnd = VmConfig.DEFAULT_RAM_END;
      if (ramEndHex != null) {
        String t = ChainCommand.bounded(ramEndHex, "--ram-end").strip();
        String digits = t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t;
        if (digits.isEmpty()
            || digits.length() > 8
            || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          throw new InvalidInputException(
              "--ram-end must be a hex address of at most 8 digits (e.g. 0x20010000), got '"
                  + t
                  + "'");
        }
        ramEnd = Long.parseLong(digits, 16);
      }
      return new Params(
          ramEnd,
          outputLimit == null ? VmConfig.DEFAULT_OUTPUT_LIMIT : outputLimit,
          strideLog2 == null ? DEFAULT_STRIDE_LOG2 : strideLog2,
          blobInputs);
    }

    /**
     * The VM configuration a node loads the program with under these parameters (memory is sparse:
     * the window is only a bound).
     */
    VmConfig vmConfig() {
      return VmConfig.defaults()
          .withRamEnd(ramEnd)
          .withOutputLimit(outputLimit)
          .withHostMemoryBytes(Math.max(4096, VmConfig.windowBytes(ramEnd)));
    }
  }

  /**
   * The app's config: its program digest and the absolute prestate of its ELF under {@code params}
   * (vm.md §3: entry pc and memRoot of the loaded image; the input does not enter it). A program
   * the VM does not load under these parameters is refused.
   */
  public static ObjectiveAppConfig prestate(Path file, byte[] elf, Params params) {
    if (elf.length < 4 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
      throw new InvalidInputException(
          "--program "
              + file
              + " is not an RV32IM ELF: a REEXEC_OBJECTIVE app runs a guest program");
    }
    if (elf.length > ElfLoader.MAX_ELF_BYTES) {
      throw new InvalidInputException(
          "--program "
              + file
              + " is "
              + elf.length
              + " bytes, above the VM's "
              + ElfLoader.MAX_ELF_BYTES
              + "-byte ELF limit");
    }
    VmState s;
    try {
      Machine m = Vm.load(elf, new byte[0], params.vmConfig());
      s = m.state();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          String.format(
              "--program %s does not load under ramEnd 0x%x: %s",
              file, params.ramEnd(), e.getMessage()));
    }
    return new ObjectiveAppConfig(
        Hashes.keccak256(elf),
        Integer.toUnsignedLong(s.pc()),
        s.memRoot(),
        params.ramEnd(),
        params.outputLimit(),
        params.strideLog2(),
        params.blobInputs());
  }

  /** A created app: its id, config contract and fields, and the transactions it took. */
  public record Created(
      BigInteger appId,
      dev.trustdial.core.crypto.Address config,
      ObjectiveAppConfig fields,
      List<TxOutcome> txs) {}

  /**
   * Refuses, with calls only, what would make creation fail or leave a half-made app: mode 2 not
   * enabled, no court registered for it, an account that may not create apps.
   */
  public static void checkCreatable(ObjectiveApps objective) {
    if (!objective.modeEnabled()) {
      throw new InvalidInputException(NOT_ENABLED);
    }
    if (objective.court().isEmpty()) {
      throw new InvalidInputException(
          "REEXEC_OBJECTIVE is enabled but this deployment registers no court for it "
              + "(JobManager.modeAdapterOf(2) is 0): JobManager would take none of the app's jobs (ModeNotRegistered)");
    }
    if (!objective.canCreateApps(objective.account())) {
      throw new InvalidInputException(
          objective.account()
              + " may not create apps (NotAllowlisted): app creation is allowlisted "
              + "on this deployment");
    }
  }

  /**
   * Deploys the ObjectiveConfig, then createApp(REEXEC_OBJECTIVE, programDigest, policy) and
   * setAppConfig.
   */
  public static Created create(
      Settlement chain, ObjectiveApps objective, ObjectiveAppConfig config, byte[] policy) {
    checkCreatable(objective);
    List<TxOutcome> txs = new ArrayList<>();
    Settlement.Deployed deployed = objective.deployConfig(config);
    txs.add(deployed.tx());
    Settlement.Created app =
        chain.createApp(TrustMode.REEXEC_OBJECTIVE, config.programDigest(), policy);
    txs.add(app.tx());
    txs.add(chain.setAppConfig(app.id(), deployed.address()));
    return new Created(app.id(), deployed.address(), config, txs);
  }

  /** Prints what {@code chain create-app --mode REEXEC_OBJECTIVE} made. */
  static void print(PrintWriter out, Created c) {
    ObjectiveAppConfig f = c.fields();
    out.println("app " + c.appId() + " (REEXEC_OBJECTIVE)");
    out.println("  config       ObjectiveConfig at " + c.config());
    out.printf("  entry pc     0x%08x%n", f.entryPc());
    out.println("  image root   " + f.imageRoot());
    out.printf("  ramEnd       0x%08x, output limit %d bytes%n", f.ramEnd(), f.outputLimit());
    out.printf("  stride       2^%d = %d steps per trace leaf%n", f.strideLog2(), f.stride());
    out.println(
        "  inputs       "
            + (f.blobInputs()
                ? "EIP-4844 blobs (InputOracle.postInputBlobs, up to "
                    + BlobInput.MAX_INPUT_BYTES
                    + " bytes)"
                : "calldata (InputOracle.postInput, up to 64 KiB)"));
    out.println("  program      " + f.programDigest());
    for (TxOutcome t : c.txs()) {
      ChainCommand.printTx(out, t);
    }
    out.flush();
  }

  /**
   * What submitJob of an objective app needs besides the common checks: the mode's court and the
   * app's config.
   */
  static void checkJob(Settlement s, AppInfo app) {
    if (s.modeAdapterOf(TrustMode.REEXEC_OBJECTIVE.code()).isEmpty()) {
      throw new InvalidInputException(
          "app "
              + app.appId()
              + " is a REEXEC_OBJECTIVE app but this deployment registers no court for "
              + "the mode (ModeNotRegistered)");
    }
    if (s.appConfigOf(app.appId()).isEmpty()) {
      throw new InvalidInputException(
          "app "
              + app.appId()
              + " is a REEXEC_OBJECTIVE app with no ObjectiveConfig set (NoAppConfig): "
              + "its owner sets one with setAppConfig ('chain create-app --mode REEXEC_OBJECTIVE' does)");
    }
  }

  /** Refuses, before anything is written, an envelope the oracle would refuse for its size. */
  static void checkEnvelopeSize(ObjectiveApps objective, byte[] envelope, boolean blobs) {
    if (blobs) {
      int input = envelope.length - 52;
      if (input > BlobInput.MAX_INPUT_BYTES) {
        throw new InvalidInputException(
            "the job input is "
                + input
                + " bytes, above the "
                + BlobInput.MAX_INPUT_BYTES
                + " bytes an "
                + "app with blob inputs takes ("
                + BlobInput.MAX_BLOBS
                + " EIP-4844 blobs of 126,976 payload bytes, less 56 bytes of header)");
      }
      return;
    }
    long max = objective.maxEnvelopeBytes();
    if (envelope.length > max) {
      throw new InvalidInputException(
          "the job envelope is "
              + envelope.length
              + " bytes, above the InputOracle's MAX_ENVELOPE of "
              + max
              + " (64 KiB of input plus the 52-byte header): a REEXEC_OBJECTIVE job's --input is at most "
              + (max - 52)
              + " bytes");
    }
  }

  /** Posts the envelope to the InputOracle unless it is there already, and says which. */
  static void post(ObjectiveApps objective, byte[] envelope, PrintWriter out) {
    ObjectiveApps.InputPost p = objective.postInput(envelope);
    ObjectiveApps.InputEntry e =
        objective
            .inputOf(p.digest())
            .orElseThrow(() ->
                new IllegalStateException(
                    "the InputOracle has no entry for " + p.digest() + " after posting it"));
    if (p.tx().isPresent()) {
      out.println(
          "job input posted to the InputOracle "
              + objective.oracle()
              + ": digest "
              + p.digest()
              + ", input root "
              + e.inputRoot()
              + ", "
              + e.inputLength()
              + " bytes");
      ChainCommand.printTx(out, p.tx().get());
    } else {
      out.println(
          "job input already on the InputOracle "
              + objective.oracle()
              + " (posted in block "
              + e.postedBlock()
              + "): digest "
              + p.digest()
              + ", input root "
              + e.inputRoot()
              + "; not posted again");
    }
    out.flush();
  }

  /**
   * Posts a job's envelope as EIP-4844 blobs (objective.md §3.2): the same sub-blobs and KZG
   * commitments as its DA put {@code cert}, in a type-3 transaction to InputOracle.postInputBlobs
   * with the DA header; skipped when the blob key is posted already.
   */
  static void postBlobs(
      ObjectiveApps objective,
      byte[] envelope,
      dev.trustdial.da.cert.DaCertificate cert,
      PrintWriter out) {
    BlobInputs blobs = BlobInputs.of(envelope, JniKzg.load());
    List<Bytes32> fromDa =
        cert.header().commitments().stream().map(c -> BlobInput.versionedHash(c.bytes())).toList();
    if (!fromDa.equals(blobs.versionedHashes())) {
      throw new IllegalStateException(
          "the DA certificate's commitments are not the envelope's sub-blobs' ("
              + fromDa
              + " vs "
              + blobs.versionedHashes()
              + ")");
    }
    ObjectiveApps.BlobInputPost p =
        objective.postInputBlobs(
            cert.header().encode(),
            blobs.blobBytes(),
            blobs.commitments().stream().map(c -> c.bytes()).toList(),
            blobs.blobProofs().stream().map(x -> x.bytes()).toList(),
            blobs.versionedHashes());
    ObjectiveApps.InputEntry e =
        objective
            .blobInputOf(p.blobKey())
            .orElseThrow(() ->
                new IllegalStateException(
                    "the InputOracle has no blob entry for " + p.blobKey() + " after posting it"));
    if (p.tx().isPresent()) {
      out.println(
          "job input posted to the InputOracle "
              + objective.oracle()
              + " as "
              + blobs.versionedHashes().size()
              + " EIP-4844 blob(s): blob key "
              + p.blobKey()
              + ", input root "
              + e.inputRoot()
              + ", "
              + e.inputLength()
              + " bytes");
      ChainCommand.printTx(out, p.tx().get());
    } else {
      out.println(
          "job input already on the InputOracle "
              + objective.oracle()
              + " as blobs (posted in block "
              + e.postedBlock()
              + "): blob key "
              + p.blobKey()
              + "; not posted again");
    }
    out.flush();
  }

  /**
   * A raw job of an objective app with blob inputs: its blobs must be on the oracle under the job's
   * DA blob key.
   */
  static void requireBlobsPosted(ObjectiveApps objective, Bytes32 blobKey, PrintWriter out) {
    ObjectiveApps.InputEntry e =
        objective
            .blobInputOf(blobKey)
            .orElseThrow(() ->
                new InvalidInputException(
                    "--input-blob-key "
                        + blobKey
                        + " has no blob input on the InputOracle "
                        + objective.oracle()
                        + ": this app takes its inputs as EIP-4844 blobs; "
                        + "give --program-blob (and --input) so this client builds, puts, posts and submits it"));
    out.println(
        "job input on the InputOracle "
            + objective.oracle()
            + " as blobs (posted in block "
            + e.postedBlock()
            + "): input root "
            + e.inputRoot()
            + ", "
            + e.inputLength()
            + " bytes");
    out.flush();
  }

  /**
   * A raw job (--input-digest) of an objective app: its envelope must be on the oracle already (the
   * court reads it from there).
   */
  static void requirePosted(ObjectiveApps objective, Bytes32 digest, PrintWriter out) {
    ObjectiveApps.InputEntry e =
        objective
            .inputOf(digest)
            .orElseThrow(() ->
                new InvalidInputException(
                    "--input-digest "
                        + digest
                        + " is not on the InputOracle "
                        + objective.oracle()
                        + ": a REEXEC_OBJECTIVE job's envelope must be posted there; give "
                        + "--program-blob (and --input) so this client builds, posts and submits it"));
    out.println(
        "job input on the InputOracle "
            + objective.oracle()
            + " (posted in block "
            + e.postedBlock()
            + "): input root "
            + e.inputRoot()
            + ", "
            + e.inputLength()
            + " bytes");
    out.flush();
  }
}
