package dev.trustdial.vm.input;

import dev.trustdial.core.bytes.Bytes32;
import java.util.List;

/** How a job's input is committed in the VM state (docs/spec/vm.md §4.1, §4.1.1). */
public sealed interface InputForm {
  /** The chunk tree of §4.1: inputs posted as calldata, or never onchain. */
  record ChunkTree() implements InputForm {}

  /**
   * The blob form of §4.1.1: the blobs' versioned hashes, an opener for read witnesses, and the
   * point-evaluation check a player uses to predict the onchain step's answer for them.
   */
  record Blobs(List<Bytes32> versionedHashes, BlobOpener opener, PointEvaluation verifier)
      implements InputForm {
    public Blobs {
      versionedHashes = List.copyOf(versionedHashes);
      if (versionedHashes.isEmpty() || versionedHashes.size() > BlobInput.MAX_BLOBS) {
        throw new IllegalArgumentException(
            "a blob-form input uses 1.."
                + BlobInput.MAX_BLOBS
                + " blobs, got "
                + versionedHashes.size());
      }
    }
  }

  InputForm CHUNK_TREE = new ChunkTree();
}
