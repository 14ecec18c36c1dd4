package dev.trustdial.vm.witness;

/**
 * What a read_input step's witness proves about the input (docs/spec/vm.md §9.1): a chunk-tree
 * chunk or blob openings.
 */
public sealed interface InputProof permits InputChunkProof, BlobInputProof {
  /** The chunk {@code inputCursor / 32} the read is in. */
  int chunkIndex();
}
