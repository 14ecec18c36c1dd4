package dev.trustdial.vm.input;

/**
 * Opens field elements of the blobs that carry a blob-form input (docs/spec/vm.md §4.1.1): the KZG
 * side of a read_input witness. The VM knows which elements a read covers; an implementation that
 * holds the blobs and a KZG library (the node's, over the DA layer's KZG) computes the openings.
 */
@FunctionalInterface
public interface BlobOpener {
  /** The opening of element {@code element} (blob element / 4096, position element mod 4096). */
  BlobOpening open(int element);
}
