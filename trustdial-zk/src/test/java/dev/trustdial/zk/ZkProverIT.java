package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real toolchain (circom2, snarkjs, solcjs from node_modules) on tiny circuits, with the dev
 * ceremony (generated once into the cache directory, then reused).
 */
class ZkProverIT {
  private static final Logger LOG = LoggerFactory.getLogger(ZkProverIT.class);
  private static final List<BigInteger> INPUT = words(3, 4, 12);

  @TempDir static Path dir;
  static Snarkjs tool;
  static Ceremony.PhaseOne ptau;
  static ZkBuilder.BuildResult built;
  static ZkProver prover;
  static ProveResult proved;

  @BeforeAll
  static void buildAndProve() {
    tool = Snarkjs.locate();
    ptau = Ceremony.dev(tool);
    built = new ZkBuilder(tool).build(circuit("sumsq"), dir.resolve("sumsq"), ptau, "developer");
    prover = new ZkProver(tool, dir.resolve("prover"));
    proved = prover.prove(built.artifact(), INPUT);
    LOG.info(
        "sumsq: build {} ms, witness {} ms, proof {} ms",
        built.elapsed().toMillis(),
        proved.witnessTime().toMillis(),
        proved.proveTime().toMillis());
  }

  @Test
  void buildWritesTheArtifactAndItsVerifier() throws IOException {
    ZkArtifact artifact = built.artifact();
    ZkManifest m = artifact.manifest();
    assertThat(m.circuit()).isEqualTo("sumsq");
    assertThat(m.inputWords()).isEqualTo(3);
    assertThat(m.outputWords()).isEqualTo(2);
    assertThat(m.constraints()).isGreaterThan(96); // three Num2Bits(32) alone have 96
    assertThat(m.ceremony()).isEqualTo(new ZkManifest.Ceremony(12, ptau.sha256(), true));
    assertThat(m.contributions())
        .hasSize(1)
        .first()
        .extracting(ZkManifest.Contribution::name)
        .isEqualTo("developer");
    assertThat(ZkArtifact.decode(Files.readAllBytes(built.artifactFile()))).isEqualTo(artifact);
    assertThat(
            ZkManifest.parse(
                Files.readAllBytes(dir.resolve("sumsq").resolve(ZkBuilder.MANIFEST_FILE))))
        .isEqualTo(m);
    assertThat(Files.readString(built.verifierSource()))
        .contains("contract Groth16Verifier")
        .contains("uint[5] calldata _pubSignals");
    assertThat(Files.readString(dir.resolve("sumsq").resolve(ZkBuilder.VERIFIER_BIN)))
        .isEqualTo(built.verifierCreationCodeHex().substring(2));
    // The compiled verifier dispatches on the selector of zk.md §4 for N = 5.
    assertThat(built.verifierCreationCodeHex())
        .contains("63" + Hex.encodeBare(ZkWords.selector(5)));
    try (var files = Files.list(dir.resolve("sumsq"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "circuit.tdzk", "Verifier.sol", "verifier.bin", "manifest.json");
    }
  }

  @Test
  void provesAndVerifies() {
    assertThat(proved.output())
        .containsExactly(BigInteger.valueOf(9 + 16 + 144), BigInteger.valueOf(12));
    assertThat(proved.witnessTime()).isPositive();
    assertThat(proved.proveTime()).isPositive();
    assertThat(prover.verify(built.artifact(), signals(proved.output()), proved.proof())).isTrue();
  }

  @Test
  void proofWordsAreSnarkjsSolidityCalldata() throws IOException {
    Path run = Files.createDirectories(dir.resolve("calldata"));
    Files.write(
        run.resolve("proof.json"), ZkManifest.JSON.writeValueAsBytes(proved.proof().toSnarkjs()));
    Files.write(
        run.resolve("public.json"),
        ZkManifest.JSON.writeValueAsBytes(
            signals(proved.output()).stream().map(BigInteger::toString).toList()));
    String calldata =
        tool.snarkjs(
                run,
                Duration.ofMinutes(1),
                "zkey",
                "export",
                "soliditycalldata",
                "public.json",
                "proof.json")
            .stdout();
    List<BigInteger> words = Fixtures.calldataWords(calldata);
    assertThat(words.subList(0, 8)).isEqualTo(proved.proof().words());
    assertThat(words.subList(8, words.size())).isEqualTo(signals(proved.output()));
  }

  @Test
  void aTamperedProofOrSignalDoesNotVerify() {
    List<BigInteger> tampered = new ArrayList<>(proved.proof().words());
    tampered.set(0, tampered.get(0).add(BigInteger.ONE).mod(Groth16Proof.BASE_FIELD));
    assertThat(
            prover.verify(built.artifact(), signals(proved.output()), new Groth16Proof(tampered)))
        .isFalse();

    List<BigInteger> unswapped = new ArrayList<>(proved.proof().words());
    unswapped.set(2, proved.proof().words().get(3));
    unswapped.set(3, proved.proof().words().get(2));
    assertThat(
            prover.verify(built.artifact(), signals(proved.output()), new Groth16Proof(unswapped)))
        .isFalse();

    List<BigInteger> otherOutput = signals(words(170, 12));
    assertThat(prover.verify(built.artifact(), otherOutput, proved.proof())).isFalse();
    List<BigInteger> otherInput = new ArrayList<>(signals(proved.output()));
    otherInput.set(4, BigInteger.valueOf(13));
    assertThat(prover.verify(built.artifact(), otherInput, proved.proof())).isFalse();
    List<BigInteger> aboveR = new ArrayList<>(signals(proved.output()));
    aboveR.set(0, aboveR.get(0).add(ZkWords.FIELD_ORDER));
    assertThat(prover.verify(built.artifact(), aboveR, proved.proof())).isFalse();
  }

  @Test
  void anInputTheCircuitRefusesIsUnprovable() {
    // in[1] needs 33 bits: Num2Bits(32) fails.
    assertThatThrownBy(() ->
            prover.prove(
                built.artifact(),
                List.of(BigInteger.ONE, BigInteger.ONE.shiftLeft(32), BigInteger.ONE)))
        .isInstanceOf(UnprovableInputException.class)
        .hasMessageContaining("circuit sumsq refuses this input (Assert Failed)")
        .hasMessageContaining("Error in template Num2Bits")
        .hasMessageNotContaining("snarkJS")
        .hasMessageNotContaining("    at ");
    assertThatThrownBy(() -> prover.prove(built.artifact(), words(1, 2)))
        .isInstanceOf(UnprovableInputException.class)
        .hasMessageContaining("2 input words but circuit sumsq takes 3");
    assertThatThrownBy(() ->
            prover.prove(
                built.artifact(), List.of(BigInteger.ONE, ZkWords.FIELD_ORDER, BigInteger.ONE)))
        .isInstanceOf(UnprovableInputException.class)
        .hasMessageContaining("input word 1");
  }

  @Test
  void aContributionMakesANewArtifactThatStillProves() {
    ZkArtifact next = ZkPhase2.contribute(tool, built.artifact(), "second");
    assertThat(next.manifest().contributions())
        .extracting(ZkManifest.Contribution::name)
        .containsExactly("developer", "second");
    assertThat(next.manifest().contributions().get(1).hash())
        .isNotEqualTo(next.manifest().contributions().get(0).hash());
    assertThat(next.digest()).isNotEqualTo(built.artifact().digest());
    assertThat(next.manifest().verificationKey())
        .isNotEqualTo(built.artifact().manifest().verificationKey());
    ProveResult again = prover.prove(next, INPUT);
    assertThat(again.output()).isEqualTo(proved.output());
    assertThat(prover.verify(next, signals(again.output()), again.proof())).isTrue();
    assertThat(prover.verify(next, signals(proved.output()), proved.proof())).isFalse();
  }

  @Test
  void aCircuitTooLargeForTheCeremonyIsRefusedWithThePowerItNeeds() {
    assertThatThrownBy(() ->
            new ZkBuilder(tool).build(circuit("toobig"), dir.resolve("toobig"), ptau, "developer"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "needs a powers-of-tau file of power 13 (4200 constraints + 2 public signals + 1 > 2^12)")
        .hasMessageContaining("the dev ceremony is power 12");
  }

  @Test
  void aCircuitWithoutPublicInIsRefused() {
    ZkBuilder builder = new ZkBuilder(tool);
    assertThatThrownBy(
            () -> builder.build(circuit("privatein"), dir.resolve("p"), ptau, "developer"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has 1 private input signals")
        .hasMessageContaining("component main {public [in]}");
    assertThatThrownBy(
            () -> builder.build(circuit("wrongname"), dir.resolve("w"), ptau, "developer"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("public signal 2 is main.x[0], not main.in[0]");
    assertThatThrownBy(
            () -> builder.build(circuit("nooutput"), dir.resolve("n"), ptau, "developer"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has no output signals");
  }

  @Test
  void aCircuitThatDoesNotCompileIsRefusedWithCircomsMessage() throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("broken.circom"),
            "pragma circom 2.1.6;\ntemplate T() { signal input in[1]; signal output out[1]; out[0] <== ; }\n"
                + "component main {public [in]} = T();\n");
    assertThatThrownBy(() -> new ZkBuilder(tool).build(bad, dir.resolve("b"), ptau, "developer"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("circom2 cannot compile")
        .hasMessageContaining("error");
  }

  @Test
  void theDevCeremonyIsCachedAndReused() {
    Ceremony.PhaseOne again = Ceremony.dev(tool);
    assertThat(again).isEqualTo(ptau);
    assertThat(again.file()).isEqualTo(Ceremony.cacheDir().resolve("dev-bn128-12.ptau"));
    assertThat(Ceremony.power(again.file())).isEqualTo(12);
    assertThatThrownBy(() -> Ceremony.publicFile(again.file()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--dev-ptau");
  }

  private static List<BigInteger> signals(List<BigInteger> output) {
    List<BigInteger> all = new ArrayList<>(output);
    all.addAll(INPUT);
    return all;
  }

  private static List<BigInteger> words(long... values) {
    List<BigInteger> out = new ArrayList<>();
    for (long v : values) {
      out.add(BigInteger.valueOf(v));
    }
    return out;
  }

  private static Path circuit(String name) {
    try {
      return Path.of(ZkProverIT.class.getResource("/circuits/" + name + ".circom").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
