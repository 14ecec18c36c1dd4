package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Further phase-2 contributions to an artifact's proving key ({@code trustdial zk contribute},
 * docs/spec/zk.md §6). A contribution changes the proving key and the verification key, hence the
 * artifact's digest and its Solidity verifier: regenerate the verifier with {@link
 * ZkBuilder#verifier(ZkArtifact)} and pin both again.
 */
public final class ZkPhase2 {
  private ZkPhase2() {}

  /**
   * The artifact after one more contribution under {@code name}, appended to the manifest's
   * contributions.
   */
  public static ZkArtifact contribute(Snarkjs tool, ZkArtifact artifact, String name) {
    if (!ZkManifest.CONTRIBUTOR.matcher(name).matches()) {
      throw new InvalidInputException(
          "contributor name '"
              + ZkWords.abbreviate(name)
              + "' must be 1..64 characters of A-Z a-z 0-9 space _ . , : @ + -");
    }
    if (artifact.manifest().contributions().size() >= ZkManifest.MAX_CONTRIBUTIONS) {
      throw new InvalidInputException(
          "the artifact already has "
              + ZkManifest.MAX_CONTRIBUTIONS
              + " contributions, the most a manifest holds");
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("trustdial-zk-contribute-");
      Files.write(work.resolve("in.zkey"), artifact.zkey().toArray());
      String hash = ZkBuilder.contribute(tool, work, "in.zkey", "out.zkey", name);
      ZkManifest manifest =
          artifact
              .manifest()
              .withContribution(
                  new ZkManifest.Contribution(name, hash),
                  ZkBuilder.exportKey(tool, work, "out.zkey"));
      return new ZkArtifact(
          manifest, artifact.wasm(), Bytes.of(Files.readAllBytes(work.resolve("out.zkey"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot contribute to the artifact's proving key", e);
    } finally {
      if (work != null) {
        Ceremony.deleteTree(work);
      }
    }
  }
}
