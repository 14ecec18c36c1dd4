package dev.trustdial.zk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves and verifies ZK jobs with snarkjs: the witness from the artifact's witness generator
 * ({@code wtns calculate}), then the Groth16 proof ({@code groth16 prove}), each timed. An artifact
 * is extracted once per digest under {@code workDir/artifacts}; each call works in a private
 * directory of its own under {@code workDir/runs}, removed afterwards. Thread-safe.
 */
public final class ZkProver {
  private static final Logger LOG = LoggerFactory.getLogger(ZkProver.class);
  private static final Duration WITNESS_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration PROVE_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(2);

  /**
   * What circom's witness calculator says when the input breaks the circuit or does not fit its
   * inputs.
   */
  private static final List<String> REFUSALS =
      List.of(
          "Assert Failed",
          "Not enough values for input signal",
          "Too many values for input signal",
          "Signal in not found",
          "Not all inputs have been set");

  /** What {@code groth16 verify} logs when it answers false (anything else is a tool failure). */
  private static final List<String> INVALID =
      List.of("Invalid proof", "Proof commitments are not valid", "Public inputs are not valid");

  private final Snarkjs tool;
  private final Path workDir;

  public ZkProver(Snarkjs tool, Path workDir) {
    this.tool = tool;
    this.workDir = workDir.toAbsolutePath();
  }

  /**
   * Proves {@code input} with {@code artifact}. The output is the first outputWords public signals;
   * the rest must be the input (zk.md §2).
   *
   * @throws UnprovableInputException the input has the wrong number of words, a word at or above r,
   *     or the circuit refuses it (an assert or constraint fails): no operator can prove it
   */
  public ProveResult prove(ZkArtifact artifact, List<BigInteger> input) {
    ZkManifest m = artifact.manifest();
    if (input.size() != m.inputWords()) {
      throw new UnprovableInputException(
          "the job has "
              + input.size()
              + " input words but circuit "
              + m.circuit()
              + " takes "
              + m.inputWords());
    }
    for (int i = 0; i < input.size(); i++) {
      BigInteger w = input.get(i);
      if (w.signum() < 0 || w.compareTo(ZkWords.FIELD_ORDER) >= 0) {
        throw new UnprovableInputException(
            "input word " + i + " is not below the BN254 field order r, so no proof can carry it");
      }
    }
    Path files = extracted(artifact);
    Path run = runDir();
    try {
      Files.writeString(run.resolve("input.json"), ZkWords.inputJson(input));
      long t0 = System.nanoTime();
      try {
        tool.snarkjs(
            run,
            WITNESS_TIMEOUT,
            "wtns",
            "calculate",
            files.resolve("circuit.wasm").toString(),
            "input.json",
            "witness.wtns");
      } catch (ToolFailedException e) {
        String refusal =
            REFUSALS.stream().filter(r -> e.output().contains(r)).findFirst().orElse(null);
        if (refusal == null) {
          throw e;
        }
        throw new UnprovableInputException(
            "circuit "
                + m.circuit()
                + " refuses this input ("
                + refusal
                + "): "
                + witnessError(e.output()));
      }
      Duration witnessTime = Duration.ofNanos(System.nanoTime() - t0);
      long t1 = System.nanoTime();
      tool.snarkjs(
          run,
          PROVE_TIMEOUT,
          "groth16",
          "prove",
          files.resolve("circuit.zkey").toString(),
          "witness.wtns",
          "proof.json",
          "public.json");
      Duration proveTime = Duration.ofNanos(System.nanoTime() - t1);
      List<BigInteger> signals = publicSignals(run.resolve("public.json"), m.publicSignals());
      if (!signals.subList(m.outputWords(), signals.size()).equals(input)) {
        throw new IllegalStateException(
            "circuit "
                + m.circuit()
                + "'s public inputs "
                + signals.subList(m.outputWords(), signals.size())
                + " are not the job's input: the circuit breaks zk.md §2 (public [in] after the outputs)");
      }
      Groth16Proof proof = Groth16Proof.fromSnarkjs(readJson(run.resolve("proof.json")));
      LOG.debug(
          "proved {} input words with {}: witness {} ms, proof {} ms",
          input.size(),
          m.circuit(),
          witnessTime.toMillis(),
          proveTime.toMillis());
      return new ProveResult(signals.subList(0, m.outputWords()), proof, witnessTime, proveTime);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + run, e);
    } finally {
      Ceremony.deleteTree(run);
    }
  }

  /**
   * Checks {@code proof} for {@code publicSignals} (output words then input words) against the
   * manifest's verification key, as the pinned verifier would. A signal at or above r is false.
   *
   * @throws IllegalArgumentException {@code publicSignals} is not inputWords + outputWords long
   * @throws ToolFailedException snarkjs failed otherwise than by answering false
   */
  public boolean verify(ZkArtifact artifact, List<BigInteger> publicSignals, Groth16Proof proof) {
    ZkManifest m = artifact.manifest();
    if (publicSignals.size() != m.publicSignals()) {
      throw new IllegalArgumentException(
          "circuit "
              + m.circuit()
              + " has "
              + m.publicSignals()
              + " public signals, not "
              + publicSignals.size());
    }
    if (publicSignals.stream()
        .anyMatch(s -> s.signum() < 0 || s.compareTo(ZkWords.FIELD_ORDER) >= 0)) {
      return false;
    }
    Path files = extracted(artifact);
    Path run = runDir();
    try {
      List<String> decimals = publicSignals.stream().map(BigInteger::toString).toList();
      Files.write(run.resolve("public.json"), ZkManifest.JSON.writeValueAsBytes(decimals));
      Files.write(run.resolve("proof.json"), ZkManifest.JSON.writeValueAsBytes(proof.toSnarkjs()));
      try {
        Snarkjs.ToolOutput out =
            tool.snarkjs(
                run,
                VERIFY_TIMEOUT,
                "groth16",
                "verify",
                files.resolve("verification_key.json").toString(),
                "public.json",
                "proof.json");
        if (!out.all().contains("OK!")) {
          throw new ToolFailedException(
              "snarkjs groth16 verify exited 0 without saying OK!: " + out.all().strip(),
              0,
              out.all());
        }
        return true;
      } catch (ToolFailedException e) {
        if (e.exitCode() == 1 && INVALID.stream().anyMatch(s -> e.output().contains(s))) {
          return false;
        }
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + run, e);
    } finally {
      Ceremony.deleteTree(run);
    }
  }

  /**
   * The artifact's files under artifacts/<digest>, written once via a temporary directory and a
   * rename.
   */
  private Path extracted(ZkArtifact artifact) {
    Path dir = workDir.resolve("artifacts").resolve(artifact.digest().toHex().substring(2));
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path tmp = null;
    try {
      Files.createDirectories(dir.getParent());
      tmp =
          Files.createTempDirectory(
              dir.getParent(),
              ".extract-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.write(tmp.resolve("circuit.wasm"), artifact.wasm().toArray());
      Files.write(tmp.resolve("circuit.zkey"), artifact.zkey().toArray());
      Files.write(
          tmp.resolve("verification_key.json"),
          ZkManifest.JSON.writeValueAsBytes(artifact.manifest().verificationKey()));
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
      } catch (IOException e) {
        // Another thread or process won the rename (a non-empty target): its copy is the same
        // bytes.
        if (!Files.isDirectory(dir)) {
          throw e;
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the ZK artifact into " + dir, e);
    } finally {
      if (tmp != null) {
        Ceremony.deleteTree(tmp);
      }
    }
  }

  private Path runDir() {
    try {
      Path runs = Files.createDirectories(workDir.resolve("runs"));
      return Files.createTempDirectory(
          runs,
          "run-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a working directory under " + workDir, e);
    }
  }

  private static List<BigInteger> publicSignals(Path file, int expected) throws IOException {
    JsonNode n = readJson(file);
    if (!n.isArray() || n.size() != expected) {
      throw new IllegalStateException(
          "snarkjs wrote "
              + (n.isArray() ? n.size() : "no")
              + " public signals, the circuit has "
              + expected);
    }
    List<BigInteger> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      try {
        out.add(ZkWords.parseDecimal(n.get(i).asText(), ZkWords.FIELD_ORDER, "public signal " + i));
      } catch (InvalidInputException e) {
        throw new IllegalStateException("snarkjs wrote a bad public signal: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static JsonNode readJson(Path file) throws IOException {
    return ZkManifest.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The witness calculator's error line, without snarkjs's stack trace. */
  private static String witnessError(String output) {
    return output
        .lines()
        .map(String::strip)
        .filter(l -> l.contains("Error"))
        .findFirst()
        .orElse(output.strip())
        .replaceFirst("^\\[ERROR\\]\\s*snarkJS:\\s*", "");
  }
}
