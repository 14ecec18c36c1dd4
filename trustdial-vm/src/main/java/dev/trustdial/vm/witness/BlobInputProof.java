package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.BlobOpening;
import java.util.List;

/**
 * The input part of a read_input witness for a blob-form input (docs/spec/vm.md §4.1.1, §9.2): the
 * blobs' versioned hashes and the openings of the one or two field elements the read covers, from
 * {@code firstElement} on.
 */
public record BlobInputProof(
    int chunkIndex, List<Bytes32> versionedHashes, int firstElement, List<BlobOpening> openings)
    implements InputProof {
  public BlobInputProof {
    versionedHashes = List.copyOf(versionedHashes);
    openings = List.copyOf(openings);
    if (versionedHashes.isEmpty() || versionedHashes.size() > BlobInput.MAX_BLOBS) {
      throw new IllegalArgumentException(
          "1.." + BlobInput.MAX_BLOBS + " versioned hashes, got " + versionedHashes.size());
    }
    if (openings.isEmpty() || openings.size() > 2) {
      throw new IllegalArgumentException(
          "a read covers one or two field elements, got " + openings.size() + " openings");
    }
  }
}
