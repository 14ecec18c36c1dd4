package dev.trustdial.vm.witness;

import dev.trustdial.core.bytes.Bytes32;
import java.util.List;

/**
 * The input chunk a read_input step reads (docs/spec/vm.md §4.1): chunk {@code inputCursor / 32},
 * zero-padded, with its 27 siblings against the state's inputRoot, leaf level first.
 */
public record InputChunkProof(int chunkIndex, Bytes32 chunk, List<Bytes32> proof)
    implements InputProof {
  public InputChunkProof {
    if ((chunkIndex >>> 27) != 0) {
      throw new IllegalArgumentException("chunk index beyond 2^27");
    }
    if (proof.size() != 27) {
      throw new IllegalArgumentException(
          "an input chunk proof has 27 siblings, got " + proof.size());
    }
    proof = List.copyOf(proof);
  }
}
