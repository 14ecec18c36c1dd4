package dev.trustdial.zk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trustdial zk build}: turns a circom 2 circuit into a {@link ZkArtifact} and its Solidity
 * verifier. Compiles with circom2 (--O2, circomlib on the include path), checks the circuit's
 * public signals are {@code out[M]} then {@code in[N]} with no private input (docs/spec/zk.md §2)
 * and that the phase-1 file is large enough, runs the Groth16 setup and one phase-2 contribution,
 * exports the verification key and the verifier, and compiles the verifier with solcjs.
 */
public final class ZkBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(ZkBuilder.class);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);
  public static final String ARTIFACT_FILE = "circuit.tdzk";
  public static final String VERIFIER_SOURCE = "Verifier.sol";
  public static final String VERIFIER_BIN = "verifier.bin";
  public static final String MANIFEST_FILE = "manifest.json";

  /** The contract snarkjs 0.7's verifier template declares. */
  static final String VERIFIER_CONTRACT = "Groth16Verifier";

  private static final Pattern SIGNAL = Pattern.compile("main\\.(in|out)\\[(\\d+)\\]");

  private final Snarkjs tool;

  public ZkBuilder(Snarkjs tool) {
    this.tool = tool;
  }

  /**
   * What a build wrote into its output directory.
   *
   * @param artifactFile outDir/circuit.tdzk, the artifact's bytes
   * @param verifierSource outDir/Verifier.sol (contract {@code Groth16Verifier})
   * @param verifierCreationCodeHex the verifier's creation code, 0x-prefixed (outDir/verifier.bin
   *     holds it bare, as solc writes it)
   */
  public record BuildResult(
      ZkArtifact artifact,
      Path artifactFile,
      Path verifierSource,
      String verifierCreationCodeHex,
      Duration elapsed) {}

  /**
   * A Groth16 verifier for an artifact's proving key.
   *
   * @param creationCodeHex 0x-prefixed creation code (solcjs, optimizer on)
   */
  public record Verifier(String source, String creationCodeHex) {}

  /**
   * Builds {@code circuitFile} (NAME.circom; NAME becomes the manifest's circuit) into {@code
   * outDir}: circuit.tdzk, Verifier.sol, verifier.bin and manifest.json.
   *
   * @throws InvalidInputException the circuit does not compile, breaks zk.md §2, or needs a larger
   *     ceremony
   */
  public BuildResult build(
      Path circuitFile, Path outDir, Ceremony.PhaseOne ptau, String contributorName) {
    long t0 = System.nanoTime();
    String fileName = circuitFile.getFileName().toString();
    if (!fileName.endsWith(".circom") || !Files.isRegularFile(circuitFile)) {
      throw new InvalidInputException("circuit " + circuitFile + " is not a .circom file");
    }
    String name = fileName.substring(0, fileName.length() - ".circom".length());
    if (!ZkManifest.NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "circuit file name '"
              + name
              + "' must match [A-Za-z0-9_.-]{1,64} (it names the circuit)");
    }
    if (!ZkManifest.CONTRIBUTOR.matcher(contributorName).matches()) {
      throw new InvalidInputException(
          "contributor name '"
              + ZkWords.abbreviate(contributorName)
              + "' must be 1..64 characters of A-Z a-z 0-9 space _ . , : @ + -");
    }
    Path work = null;
    try {
      Files.createDirectories(outDir);
      work = Files.createTempDirectory(outDir.toAbsolutePath(), ".zk-build-");
      try {
        tool.circom(
            STEP_TIMEOUT,
            circuitFile.toAbsolutePath().toString(),
            "--r1cs",
            "--wasm",
            "--sym",
            "--O2",
            "-l",
            tool.nodeModules().toString(),
            "-o",
            work.toString());
      } catch (ToolFailedException e) {
        throw new InvalidInputException(
            "circom2 cannot compile " + circuitFile + ":\n" + Snarkjs.tail(e.output()));
      }
      R1cs r1cs = R1cs.read(work.resolve(name + ".r1cs"));
      int inputWords = checkSignals(name, r1cs, work.resolve(name + ".sym"));
      int outputWords = (int) r1cs.outputs();
      int needed = r1cs.neededPower();
      if (needed > ptau.power()) {
        throw new InvalidInputException(
            "circuit "
                + name
                + " needs a powers-of-tau file of power "
                + needed
                + " ("
                + r1cs.constraints()
                + " constraints + "
                + (inputWords + outputWords)
                + " public signals + 1 > 2^"
                + ptau.power()
                + "), but "
                + (ptau.dev() ? "the dev ceremony" : ptau.file().getFileName().toString())
                + " is power "
                + ptau.power()
                + (ptau.dev()
                    ? "; use a public ceremony file of power " + needed + " or more"
                    : ""));
      }
      LOG.info(
          "circuit {}: {} constraints, {} input and {} output words; setting up Groth16 with {} (power {})",
          name,
          r1cs.constraints(),
          inputWords,
          outputWords,
          ptau.dev() ? "the dev ceremony" : ptau.file(),
          ptau.power());
      tool.snarkjs(
          work,
          STEP_TIMEOUT,
          "groth16",
          "setup",
          name + ".r1cs",
          ptau.file().toAbsolutePath().toString(),
          "circuit_0.zkey");
      String hash = contribute(tool, work, "circuit_0.zkey", "circuit.zkey", contributorName);
      JsonNode vk = exportKey(tool, work, "circuit.zkey");
      ZkManifest manifest =
          new ZkManifest(
              name,
              inputWords,
              outputWords,
              r1cs.constraints(),
              ptau.toManifest(),
              List.of(new ZkManifest.Contribution(contributorName, hash)),
              vk);
      ZkArtifact artifact =
          new ZkArtifact(
              manifest,
              Bytes.of(Files.readAllBytes(work.resolve(name + "_js").resolve(name + ".wasm"))),
              Bytes.of(Files.readAllBytes(work.resolve("circuit.zkey"))));
      Verifier verifier = verifier(work, work.resolve("circuit.zkey"));
      write(artifact, verifier, outDir);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      LOG.info(
          "built {} ({}) in {} ms",
          outDir.resolve(ARTIFACT_FILE),
          artifact.digest(),
          elapsed.toMillis());
      return new BuildResult(
          artifact,
          outDir.resolve(ARTIFACT_FILE),
          outDir.resolve(VERIFIER_SOURCE),
          verifier.creationCodeHex(),
          elapsed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build " + circuitFile + " into " + outDir, e);
    } finally {
      if (work != null) {
        Ceremony.deleteTree(work);
      }
    }
  }

  /**
   * Writes a build directory: circuit.tdzk (the artifact), Verifier.sol, verifier.bin (bare hex
   * creation code) and manifest.json; what {@code zk build} and {@code zk contribute} leave behind.
   */
  public static void write(ZkArtifact artifact, Verifier verifier, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Files.write(outDir.resolve(ARTIFACT_FILE), artifact.encode());
    Files.writeString(outDir.resolve(VERIFIER_SOURCE), verifier.source());
    Files.writeString(outDir.resolve(VERIFIER_BIN), verifier.creationCodeHex().substring(2));
    Files.write(outDir.resolve(MANIFEST_FILE), artifact.manifest().toJson());
  }

  /**
   * Exports the Solidity verifier of an artifact's proving key and compiles it (it changes with
   * every contribution).
   */
  public Verifier verifier(ZkArtifact artifact) {
    Path work = null;
    try {
      work = Files.createTempDirectory("trustdial-zk-verifier-");
      Files.write(work.resolve("circuit.zkey"), artifact.zkey().toArray());
      return verifier(work, work.resolve("circuit.zkey"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export the verifier", e);
    } finally {
      if (work != null) {
        Ceremony.deleteTree(work);
      }
    }
  }

  private Verifier verifier(Path work, Path zkey) throws IOException {
    tool.snarkjs(
        work, STEP_TIMEOUT, "zkey", "export", "solidityverifier", zkey.toString(), VERIFIER_SOURCE);
    Path out = Files.createDirectories(work.resolve("solc"));
    tool.solcjs(
        work,
        STEP_TIMEOUT,
        "--bin",
        "--optimize",
        "--base-path",
        work.toString(),
        "--output-dir",
        out.toString(),
        VERIFIER_SOURCE);
    Path bin;
    try (Stream<Path> files = Files.list(out)) {
      bin =
          files
              .filter(p -> p.getFileName().toString().endsWith("_" + VERIFIER_CONTRACT + ".bin"))
              .findFirst()
              .orElseThrow(() ->
                  new IllegalStateException(
                      "solcjs wrote no " + VERIFIER_CONTRACT + ".bin in " + out));
    }
    String hex = Files.readString(bin).strip();
    if (!hex.matches("([0-9a-f]{2})+")) {
      throw new IllegalStateException("solcjs wrote no creation code for " + VERIFIER_CONTRACT);
    }
    return new Verifier(Files.readString(work.resolve(VERIFIER_SOURCE)), "0x" + hex);
  }

  /**
   * One phase-2 contribution with fresh entropy; returns snarkjs's contribution hash (128 hex
   * digits).
   */
  static String contribute(Snarkjs tool, Path work, String from, String to, String name) {
    byte[] entropy = new byte[32];
    new SecureRandom().nextBytes(entropy);
    Snarkjs.ToolOutput out =
        tool.snarkjs(
            work,
            STEP_TIMEOUT,
            "zkey",
            "contribute",
            from,
            to,
            "--name=" + name,
            "-e=" + HexFormat.of().formatHex(entropy));
    return contributionHash(out.all());
  }

  /** The 16 groups of 8 hex digits snarkjs prints after "Contribution Hash:". */
  static String contributionHash(String output) {
    int at = output.indexOf("Contribution Hash:");
    if (at < 0) {
      throw new IllegalStateException(
          "snarkjs zkey contribute printed no contribution hash:\n" + output.strip());
    }
    Matcher g =
        Pattern.compile("\\b[0-9a-f]{8}\\b")
            .matcher(output.substring(at + "Contribution Hash:".length()));
    StringBuilder hash = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (!g.find()) {
        throw new IllegalStateException(
            "snarkjs printed a short contribution hash:\n" + output.strip());
      }
      hash.append(g.group());
    }
    return hash.toString();
  }

  static JsonNode exportKey(Snarkjs tool, Path work, String zkey) throws IOException {
    tool.snarkjs(
        work, STEP_TIMEOUT, "zkey", "export", "verificationkey", zkey, "verification_key.json");
    return ZkManifest.JSON.readTree(Files.readString(work.resolve("verification_key.json")));
  }

  /**
   * Checks zk.md §2 on the compiled circuit: BN254, no private input, outputs {@code out[0..M-1]}
   * on wires 1..M then public inputs {@code in[0..N-1]}, 1 <= N, 1 <= M, N + M <= 64. Returns N.
   */
  private static int checkSignals(String name, R1cs r1cs, Path sym) throws IOException {
    if (!r1cs.prime().equals(ZkWords.FIELD_ORDER)) {
      throw new InvalidInputException(
          "circuit "
              + name
              + " is compiled for another prime; ZK mode uses BN254 (circom's default, -p bn128)");
    }
    String shape =
        "declare `signal input in[N]; signal output out[M];` and `component main {public [in]} = ...` (docs/spec/zk.md §2)";
    if (r1cs.privateInputs() > 0) {
      throw new InvalidInputException(
          "circuit "
              + name
              + " has "
              + r1cs.privateInputs()
              + " private input signals; a ZK job's input is"
              + " public: "
              + shape);
    }
    if (r1cs.outputs() < 1) {
      throw new InvalidInputException("circuit " + name + " has no output signals: " + shape);
    }
    if (r1cs.publicInputs() < 1) {
      throw new InvalidInputException("circuit " + name + " has no public input `in`: " + shape);
    }
    if (r1cs.outputs() + r1cs.publicInputs() > ZkWords.MAX_SIGNALS) {
      throw new InvalidInputException(
          "circuit "
              + name
              + " has "
              + r1cs.publicInputs()
              + " input and "
              + r1cs.outputs()
              + " output signals; ZK mode v1 allows at most "
              + ZkWords.MAX_SIGNALS
              + " together (zk.md §1)");
    }
    int publicCount = (int) (r1cs.outputs() + r1cs.publicInputs());
    Map<Integer, String> names = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(sym, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(",", 4);
        if (f.length == 4) {
          int wire = Integer.parseInt(f[1]);
          if (wire >= 1 && wire <= publicCount) {
            names.putIfAbsent(wire, f[3]);
          }
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalStateException("circom wrote an unreadable symbol file " + sym, e);
    }
    for (int wire = 1; wire <= publicCount; wire++) {
      boolean output = wire <= r1cs.outputs();
      String expected =
          output ? "main.out[" + (wire - 1) + "]" : "main.in[" + (wire - 1 - r1cs.outputs()) + "]";
      String actual = names.getOrDefault(wire, "?");
      if (!expected.equals(actual)) {
        Matcher m = SIGNAL.matcher(actual);
        throw new InvalidInputException(
            "circuit "
                + name
                + "'s public signal "
                + wire
                + " is "
                + actual
                + ", not "
                + expected
                + (m.matches()
                    ? ""
                    : ": the outputs must be one array `out` and the public inputs one array `in`")
                + "; "
                + shape);
      }
    }
    return (int) r1cs.publicInputs();
  }
}
