package dev.trustdial.cli.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.cli.InputFiles;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.ProgramBlobs;
import dev.trustdial.zk.Groth16Proof;
import dev.trustdial.zk.ProveResult;
import dev.trustdial.zk.UnprovableInputException;
import dev.trustdial.zk.ZkArtifact;
import dev.trustdial.zk.ZkProver;
import dev.trustdial.zk.ZkWords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The developer's side of a ZK app (docs/spec/zk.md): create it from what {@code trustdial zk
 * build} wrote (deploy the verifier, prove a sample input and check the deployed verifier accepts
 * it, create the app, name the verifier as its config), and submit jobs to it (artifact and
 * envelope on DA, then submitJob). Everything an operator would refuse is checked first, so a bad
 * submission costs no gas.
 */
public final class ZkApps {
  /** An input file ({"in": [...]}) is at most this large. */
  public static final long MAX_INPUT_FILE_BYTES = 64 * 1024;

  /** The verifier's creation code (hex) is at most this large. */
  static final long MAX_VERIFIER_HEX_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = Json.mapper();

  private ZkApps() {}

  /**
   * What {@code zk build} wrote to its output directory: the artifact and the verifier's creation
   * code.
   */
  public record BuildDir(
      Path dir, ZkArtifact artifact, byte[] artifactBytes, byte[] verifierCreationCode) {
    public static BuildDir read(Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new InvalidInputException(
            dir + " is not a directory written by 'trustdial zk build'");
      }
      byte[] bytes =
          InputFiles.read(dir.resolve("circuit.tdzk"), "the artifact", ZkArtifact.MAX_BYTES);
      ZkArtifact artifact;
      try {
        artifact = ZkArtifact.decode(bytes);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            "the artifact " + dir.resolve("circuit.tdzk") + " is malformed: " + e.getMessage());
      }
      String hex =
          new String(
                  InputFiles.read(
                      dir.resolve("verifier.bin"),
                      "the verifier's creation code",
                      MAX_VERIFIER_HEX_BYTES),
                  StandardCharsets.US_ASCII)
              .strip();
      byte[] code;
      try {
        code = Hex.decode(hex.startsWith("0x") ? hex.substring(2) : hex);
      } catch (RuntimeException e) {
        throw new InvalidInputException(
            dir.resolve("verifier.bin") + " is not hex creation code: " + e.getMessage());
      }
      if (code.length == 0) {
        throw new InvalidInputException(dir.resolve("verifier.bin") + " is empty");
      }
      return new BuildDir(dir, artifact, bytes, code);
    }

    public Bytes32 digest() {
      return Hashes.keccak256(artifactBytes);
    }
  }

  /**
   * The app, its verifier and the transactions it took; {@code selfTest} is the sample input's
   * proof.
   */
  public record Created(
      BigInteger appId,
      Address verifier,
      Bytes32 programDigest,
      List<TxOutcome> txs,
      ProveResult selfTest) {}

  /** A submitted job: the artifact's and the envelope's DA keys and the submission. */
  public record Submitted(
      BigInteger jobId,
      Bytes32 artifactKey,
      int artifactParts,
      Bytes32 envelopeKey,
      Bytes32 inputDigest,
      TxOutcome tx) {}

  /**
   * Creates a ZK app: proves {@code sampleInput} with the artifact and checks the proof against the
   * manifest's verification key (before any transaction), deploys the verifier and checks that it
   * accepts the same proof (eth_call), then createApp(ZK, keccak256(artifact)) and
   * setAppConfig(verifier). An artifact whose proving key, verification key or verifier do not
   * belong together is refused before the app exists (a refused verifier is left deployed and
   * unused).
   */
  public static Created create(
      Settlement chain, BuildDir build, List<BigInteger> sampleInput, ZkProver prover) {
    ZkArtifact artifact = build.artifact();
    checkInputCount(artifact, sampleInput);
    ProveResult proof;
    try {
      proof = prover.prove(artifact, sampleInput);
    } catch (UnprovableInputException e) {
      throw new InvalidInputException(
          "the circuit refuses the sample input, so the artifact cannot be checked: "
              + e.getMessage());
    }
    List<BigInteger> signals = new ArrayList<>(proof.output());
    signals.addAll(sampleInput);
    if (!prover.verify(artifact, signals, proof.proof())) {
      throw new InvalidInputException(
          "the artifact is malformed: a proof made with its proving key does not verify against its own "
              + "verification key (proving key and manifest from different setups?)");
    }
    List<TxOutcome> txs = new ArrayList<>();
    Settlement.Deployed verifier =
        chain.deployContract(
            "ZK verifier of " + artifact.manifest().circuit(), build.verifierCreationCode());
    txs.add(verifier.tx());
    byte[] calldata = verifyCalldata(proof.proof(), signals);
    byte[] answer = chain.staticCall(verifier.address(), calldata);
    if (answer.length != 32 || !new BigInteger(1, answer).equals(BigInteger.ONE)) {
      throw new InvalidInputException(
          "the verifier built with the artifact ("
              + verifier.address()
              + ") refuses a proof the artifact's "
              + "verification key accepts: verifier.bin is not this circuit's verifier; nothing was registered");
    }
    Settlement.Created app = chain.createApp(TrustMode.ZK, build.digest(), new byte[0]);
    txs.add(app.tx());
    txs.add(chain.setAppConfig(app.id(), verifier.address()));
    return new Created(app.id(), verifier.address(), build.digest(), txs, proof);
  }

  /** The calldata JobManager sends the verifier (docs/spec/zk.md §4). */
  static byte[] verifyCalldata(Groth16Proof proof, List<BigInteger> signals) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ZkWords.selector(signals.size()));
    b.writeBytes(proof.encode());
    b.writeBytes(ZkWords.encode(signals));
    return b.toByteArray();
  }

  /**
   * Submits a job to a ZK app: the artifact (one blob, or parts of {@code partBytes}) and the
   * envelope (stride 1, the input words) on DA, then submitJob with maxSteps 1.
   */
  public static Submitted submit(
      Settlement chain,
      DataAvailability da,
      BigInteger appId,
      BuildDir build,
      List<BigInteger> input,
      BigInteger fee,
      int partBytes) {
    AppInfo app = chain.app(appId);
    if (app.mode() != TrustMode.ZK) {
      throw new InvalidInputException(
          "app " + appId + " is a " + app.mode() + " app, not a ZK app");
    }
    if (!build.digest().equals(app.programDigest())) {
      throw new InvalidInputException(
          "the artifact in "
              + build.dir()
              + " has digest "
              + build.digest()
              + ", not app "
              + appId
              + "'s programDigest "
              + app.programDigest());
    }
    if (chain.appConfigOf(appId).isEmpty()) {
      throw new InvalidInputException(
          "app "
              + appId
              + " has no verifier yet (setAppConfig): JobManager takes none of its jobs");
    }
    checkInputCount(build.artifact(), input);
    ProgramBlobs.Stored stored = ProgramBlobs.put(da, build.artifactBytes(), partBytes);
    JobEnvelope envelope = new JobEnvelope(stored.key(), 1, ZkWords.encode(input));
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    Settlement.Created c = chain.submitJob(appId, envelopeKey, envelope.digest(), 1, fee);
    return new Submitted(
        c.id(), stored.key(), stored.parts(), envelopeKey, envelope.digest(), c.tx());
  }

  private static void checkInputCount(ZkArtifact artifact, List<BigInteger> input) {
    int n = artifact.manifest().inputWords();
    if (input.size() != n) {
      throw new InvalidInputException(
          "circuit "
              + artifact.manifest().circuit()
              + " takes "
              + n
              + " input words, got "
              + input.size());
    }
  }

  /**
   * Reads an input file: JSON {"in": [word, ...]} (a test vector may also hold "out"), each word a
   * decimal string or number or a 0x-hex string below the field order.
   */
  public static List<BigInteger> readInput(Path file) {
    byte[] bytes = InputFiles.read(file, "the input file", MAX_INPUT_FILE_BYTES);
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidInputException("the input file " + file + " is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("in").isArray()) {
      throw new InvalidInputException(
          "the input file " + file + " must be a JSON object with an \"in\" array of words");
    }
    JsonNode in = root.get("in");
    if (in.size() > ZkWords.MAX_SIGNALS) {
      throw new InvalidInputException(
          "the input file holds "
              + in.size()
              + " words; at most "
              + ZkWords.MAX_SIGNALS
              + " are allowed");
    }
    List<BigInteger> words = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      words.add(word(in.get(i), "word " + i + " of " + file));
    }
    return words;
  }

  static BigInteger word(JsonNode n, String what) {
    BigInteger v;
    try {
      if (n.isIntegralNumber()) {
        v = n.bigIntegerValue();
      } else if (n.isTextual() && n.asText().length() <= 80) {
        String t = n.asText().strip();
        v =
            t.startsWith("0x") || t.startsWith("0X")
                ? new BigInteger(t.substring(2), 16)
                : new BigInteger(t);
      } else {
        throw new InvalidInputException(
            what + " must be a decimal or 0x-hex number, got " + abbreviate(n.toString()));
      }
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " is not a number: " + abbreviate(n.toString()));
    }
    if (v.signum() < 0 || v.compareTo(ZkWords.FIELD_ORDER) >= 0) {
      throw new InvalidInputException(
          what + " is outside the field [0, r): " + abbreviate(v.toString()));
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
