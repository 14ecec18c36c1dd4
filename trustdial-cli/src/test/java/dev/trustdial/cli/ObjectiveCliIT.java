package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.cli.chain.ObjectiveApp;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.state.VmState;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

/**
 * REEXEC_OBJECTIVE's developer CLI on a real devnet (anvil, one DA node): the devnet deployment
 * enables mode 2; once governance disables it through the timelock the CLI refuses the mode with no
 * transaction, and once governance enables it again an app is created from the sha256chain guest
 * with the prestate the VM computes, and a job's envelope reaches the InputOracle (input root
 * computed onchain = the VM's) before the job is submitted.
 */
class ObjectiveCliIT {
  static Path dir;
  static final Path SHA256CHAIN =
      Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("objective-cli-it");
    CliRun up =
        CliRun.of(
            "devnet",
            "up",
            "--dir",
            dir.toString(),
            "--da-nodes",
            "1",
            "--operators",
            "0",
            "--watchtowers",
            "0");
    assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
  }

  @AfterAll
  static void down() {
    CliRun.of("devnet", "down", "--dir", dir.toString());
  }

  static CliRun chain(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "chain";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--dir";
    all[args.length + 2] = dir.toString();
    return CliRun.of(all);
  }

  static CliRun ok(CliRun r) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    return r;
  }

  static void refused(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }

  static DevnetDescriptor devnet() {
    return DevnetDescriptor.read(dir);
  }

  static Secp256k1Key key(String account) {
    return Secp256k1Key.fromPrivateKeyHex(devnet().account(account).privateKey());
  }

  static Settlement settlement(String account) {
    return Settlement.connect(devnet().rpcUrl(), devnet().deployment(), key(account));
  }

  static ObjectiveApps objective() {
    return ObjectiveApps.connect(devnet().rpcUrl(), devnet().deployment(), key("developer"));
  }

  /** How many transactions a devnet account has sent. */
  static long nonce(String account) {
    Web3j web3 = Web3j.build(new org.web3j.protocol.http.HttpService(devnet().rpcUrl()));
    try {
      return web3.ethGetTransactionCount(
              devnet().account(account).address(),
              org.web3j.protocol.core.DefaultBlockParameterName.PENDING)
          .send()
          .getTransactionCount()
          .longValueExact();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      web3.shutdown();
    }
  }

  /**
   * Governance toggles mode 2: the deployer (the timelock's proposer and executor) schedules
   * AppRegistry.setModeEnabled(2, enabled) on the SettlementTimelock that owns the registry, the
   * devnet clock passes the delay, and the deployer executes it
   * (ObjectiveApps.enableMode/disableMode).
   */
  static void setObjectiveModeAsGovernance(boolean enabled) {
    try (Settlement deployer = settlement("deployer")) {
      if (enabled) {
        ObjectiveApps.of(deployer).enableMode();
      } else {
        ObjectiveApps.of(deployer).disableMode();
      }
    }
  }

  static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex + " in\n" + text).isTrue();
    return m.group(1);
  }

  @Test
  void objectiveAppsOnceGovernanceEnablesTheMode() throws Exception {
    assertThat(SHA256CHAIN).as("guest built by trustdial-vm/setup.sh").isRegularFile();
    byte[] elf = Files.readAllBytes(SHA256CHAIN);
    String program = SHA256CHAIN.toString();

    // The devnet's deployment enables mode 2 (its players exist); once governance disables it,
    // creation is refused
    // before any transaction (and before DA); governance enables it again.
    try (ObjectiveApps o = objective()) {
      assertThat(o.modeEnabled()).isTrue();
      assertThat(o.court()).isPresent();
    }
    setObjectiveModeAsGovernance(false);
    long nonce = nonce("developer");
    try (ObjectiveApps o = objective()) {
      assertThat(o.modeEnabled()).isFalse();
    }
    refused(
        chain(
            "create-app", "--as", "developer", "--mode", "REEXEC_OBJECTIVE", "--program", program),
        ObjectiveApp.NOT_ENABLED);
    assertThat(nonce("developer")).as("no transaction was sent").isEqualTo(nonce);

    setObjectiveModeAsGovernance(true);
    try (ObjectiveApps o = objective()) {
      assertThat(o.modeEnabled()).isTrue();
    }

    // An app under the VM's default parameters: its config holds the prestate the VM computes.
    CliRun created =
        ok(
            chain(
                "create-app",
                "--as",
                "developer",
                "--mode",
                "REEXEC_OBJECTIVE",
                "--program",
                program));
    BigInteger appId = new BigInteger(group(created.out(), "app (\\d+) \\(REEXEC_OBJECTIVE\\)"));
    Address configAt =
        Address.parse(group(created.out(), "ObjectiveConfig at (0x[0-9a-fA-F]{40})"));
    Bytes32 programKey = Bytes32.fromHex(group(created.out(), "on DA as blob (0x[0-9a-f]{64})"));
    VmState loaded = Vm.load(elf, new byte[0], VmConfig.defaults()).state();
    assertThat(created.out())
        .contains(
            String.format("entry pc     0x%08x", loaded.pc()),
            "image root   " + loaded.memRoot(),
            "stride       2^20 = 1048576 steps",
            "deploy ObjectiveConfig: tx",
            "createApp: tx",
            "setAppConfig: tx");
    try (Settlement s = settlement("developer");
        ObjectiveApps o = objective()) {
      assertThat(s.app(appId).mode()).isEqualTo(TrustMode.REEXEC_OBJECTIVE);
      assertThat(s.app(appId).programDigest()).isEqualTo(Hashes.keccak256(elf));
      assertThat(s.appConfigOf(appId)).contains(configAt);
      assertThat(o.config(configAt))
          .isEqualTo(
              new ObjectiveAppConfig(
                  Hashes.keccak256(elf),
                  Integer.toUnsignedLong(loaded.pc()),
                  loaded.memRoot(),
                  VmConfig.DEFAULT_RAM_END,
                  VmConfig.DEFAULT_OUTPUT_LIMIT,
                  20));
    }

    // Its own parameters, read back from the chain; a window too small for the ELF is refused with
    // no transaction.
    CliRun small =
        ok(
            chain(
                "create-app",
                "--as",
                "developer",
                "--mode",
                "REEXEC_OBJECTIVE",
                "--program",
                program,
                "--ram-end",
                "0x600000",
                "--output-limit",
                "4096",
                "--stride-log2",
                "4"));
    Address smallAt = Address.parse(group(small.out(), "ObjectiveConfig at (0x[0-9a-fA-F]{40})"));
    try (ObjectiveApps o = objective()) {
      ObjectiveAppConfig c = o.config(smallAt);
      assertThat(c)
          .extracting(
              ObjectiveAppConfig::ramEnd,
              ObjectiveAppConfig::outputLimit,
              ObjectiveAppConfig::strideLog2)
          .containsExactly(0x600000L, 4096L, 4);
      assertThat(c.imageRoot()).isEqualTo(loaded.memRoot());
    }
    nonce = nonce("developer");
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_OBJECTIVE",
            "--program",
            program,
            "--ram-end",
            "0x100000"),
        "does not load under ramEnd 0x100000");
    refused(
        chain(
            "create-app", "--as", "operator-1", "--mode", "REEXEC_OBJECTIVE", "--program", program),
        "NotAllowlisted");
    assertThat(nonce("developer")).as("no transaction was sent").isEqualTo(nonce);

    // A job: its envelope goes to DA and to the InputOracle, then submitJob; the oracle's input
    // root is the VM's.
    byte[] input = new byte[1000];
    new java.util.Random(15).nextBytes(input);
    Path inputFile = Files.write(dir.resolve("input.bin"), input);
    CliRun job =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--program-blob",
                programKey.toString(),
                "--input",
                inputFile.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    Bytes32 digest = new JobEnvelope(programKey, 1 << 20, input).digest();
    VmState withInput = Vm.load(elf, input, VmConfig.defaults()).state();
    assertThat(job.out())
        .contains(
            "job input posted to the InputOracle",
            "digest " + digest,
            "input root " + withInput.inputRoot(),
            "postInput: tx",
            "submitJob: tx");
    BigInteger jobId = new BigInteger(group(job.out(), "job (\\d+) queued"));
    try (Settlement s = settlement("developer");
        ObjectiveApps o = objective()) {
      ObjectiveApps.InputEntry e = o.inputOf(digest).orElseThrow();
      assertThat(e.inputRoot()).isEqualTo(withInput.inputRoot());
      assertThat(e.inputLength()).isEqualTo(input.length).isEqualTo(withInput.inputLength());
      assertThat(s.job(jobId).appId()).isEqualTo(appId);
      JobPin pin = s.pin(jobId);
      assertThat(pin.mode()).isEqualTo(TrustMode.REEXEC_OBJECTIVE);
      assertThat(pin.appConfig()).contains(configAt);
      assertThat(pin.adapter()).isEqualTo(o.court());
    }

    // The same envelope again: not posted twice; a raw job with its digest is taken since it is
    // posted.
    CliRun again =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--program-blob",
                programKey.toString(),
                "--input",
                inputFile.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    assertThat(again.out())
        .contains("job input already on the InputOracle", "not posted again")
        .doesNotContain("postInput: tx");
    CliRun raw =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--input-digest",
                digest.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    assertThat(raw.out())
        .contains("job input on the InputOracle", "input root " + withInput.inputRoot());

    // Refused before any DA write or transaction: an envelope over MAX_ENVELOPE, a raw digest the
    // oracle does not hold.
    nonce = nonce("developer");
    Path big = Files.write(dir.resolve("big.bin"), new byte[65_537]);
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            appId.toString(),
            "--program-blob",
            programKey.toString(),
            "--input",
            big.toString(),
            "--max-steps",
            "1000000",
            "--no-assign"),
        "above the InputOracle's MAX_ENVELOPE of 65588");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            appId.toString(),
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "1000000",
            "--no-assign"),
        "is not on the InputOracle");
    assertThat(nonce("developer")).as("no transaction was sent").isEqualTo(nonce);
    // The largest input the oracle takes: 64 KiB (random, so its root is not the empty input's).
    byte[] largestInput = new byte[65_536];
    new java.util.Random(16).nextBytes(largestInput);
    Path max = Files.write(dir.resolve("max.bin"), largestInput);
    CliRun largest =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--program-blob",
                programKey.toString(),
                "--input",
                max.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    try (ObjectiveApps o = objective()) {
      Bytes32 d = new JobEnvelope(programKey, 1 << 20, largestInput).digest();
      ObjectiveApps.InputEntry e = o.inputOf(d).orElseThrow();
      assertThat(e.inputRoot())
          .isEqualTo(Vm.load(elf, largestInput, VmConfig.defaults()).state().inputRoot());
      assertThat(e.inputLength()).isEqualTo(65_536);
    }
    assertThat(largest.out()).contains("job input posted to the InputOracle");
  }

  /**
   * An app created with --input-blobs: submit-job puts the envelope on DA and posts its DA
   * sub-blobs to the InputOracle as EIP-4844 blobs (a type-3 transaction); the oracle's root is the
   * VM's blob-form inputRoot (vm.md §4.1.1) over the same KZG commitments as the DA certificate. A
   * raw job needs its blobs posted under its blob key, an input beyond six blobs is refused before
   * any DA write or transaction.
   */
  @Test
  void blobInputApp_postsItsInputsAsEip4844Blobs() throws Exception {
    byte[] elf = Files.readAllBytes(SHA256CHAIN);
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            SHA256CHAIN.toString(),
            "--input-blobs"),
        "go with --mode REEXEC_OBJECTIVE");
    CliRun created =
        ok(
            chain(
                "create-app",
                "--as",
                "developer",
                "--mode",
                "REEXEC_OBJECTIVE",
                "--program",
                SHA256CHAIN.toString(),
                "--input-blobs"));
    assertThat(created.out()).contains("inputs       EIP-4844 blobs");
    BigInteger appId = new BigInteger(group(created.out(), "app (\\d+) \\(REEXEC_OBJECTIVE\\)"));
    Bytes32 programKey = Bytes32.fromHex(group(created.out(), "on DA as blob (0x[0-9a-f]{64})"));
    try (ObjectiveApps o = objective();
        Settlement s = settlement("developer")) {
      assertThat(o.config(s.appConfigOf(appId).orElseThrow()).blobInputs()).isTrue();
    }

    byte[] input = new byte[200_000]; // 200,056 payload bytes: two blobs
    new java.util.Random(17).nextBytes(input);
    Path inputFile = Files.write(dir.resolve("blob-input.bin"), input);
    CliRun job =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--program-blob",
                programKey.toString(),
                "--input",
                inputFile.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    JobEnvelope envelope = new JobEnvelope(programKey, 1 << 20, input);
    var blobs =
        dev.trustdial.node.objective.BlobInputs.of(
            envelope.encode(), dev.trustdial.da.kzg.JniKzg.load());
    Bytes32 root = Vm.load(elf, blobs.vmInput(), VmConfig.defaults()).state().inputRoot();
    assertThat(job.out())
        .contains(
            "as 2 EIP-4844 blob(s)", "input root " + root, "postInputBlobs: tx", "submitJob: tx");
    Bytes32 blobKey =
        Bytes32.fromHex(group(job.out(), "job envelope on DA as blob (0x[0-9a-f]{64})"));
    BigInteger jobId = new BigInteger(group(job.out(), "job (\\d+) queued"));
    try (Settlement s = settlement("developer");
        ObjectiveApps o = objective()) {
      ObjectiveApps.InputEntry e = o.blobInputOf(blobKey).orElseThrow();
      assertThat(e.inputRoot())
          .isEqualTo(root)
          .isEqualTo(dev.trustdial.vm.input.BlobInput.root(input.length, blobs.versionedHashes()));
      assertThat(e.inputLength()).isEqualTo(200_000);
      assertThat(s.job(jobId).inputBlobKey()).isEqualTo(blobKey);
      assertThat(o.inputOf(envelope.digest())).as("nothing posted as calldata").isEmpty();
    }

    CliRun again =
        ok(
            chain(
                "submit-job",
                "--as",
                "developer",
                "--app",
                appId.toString(),
                "--program-blob",
                programKey.toString(),
                "--input",
                inputFile.toString(),
                "--max-steps",
                "1000000",
                "--no-assign"));
    // Each DA put is a new blob (its header names a new reference block): posted again under its
    // own key, with the same root.
    Bytes32 againKey =
        Bytes32.fromHex(group(again.out(), "job envelope on DA as blob (0x[0-9a-f]{64})"));
    assertThat(againKey).isNotEqualTo(blobKey);
    assertThat(again.out()).contains("postInputBlobs: tx", "input root " + root);
    ok(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            appId.toString(),
            "--input-digest",
            envelope.digest().toString(),
            "--input-blob-key",
            blobKey.toString(),
            "--max-steps",
            "1000000",
            "--no-assign"));

    long nonce = nonce("developer");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            appId.toString(),
            "--input-digest",
            envelope.digest().toString(),
            "--input-blob-key",
            "0x" + "33".repeat(32),
            "--max-steps",
            "1000000",
            "--no-assign"),
        "has no blob input on the InputOracle");
    Path tooBig =
        Files.write(
            dir.resolve("too-big.bin"),
            new byte[dev.trustdial.vm.input.BlobInput.MAX_INPUT_BYTES + 1]);
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            appId.toString(),
            "--program-blob",
            programKey.toString(),
            "--input",
            tooBig.toString(),
            "--max-steps",
            "1000000",
            "--no-assign"),
        "6 EIP-4844 blobs");
    assertThat(nonce("developer")).as("no transaction was sent").isEqualTo(nonce);
  }
}
