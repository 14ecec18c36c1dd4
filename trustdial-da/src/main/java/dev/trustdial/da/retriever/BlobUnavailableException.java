package dev.trustdial.da.retriever;

/**
 * Fewer than 64 verified chunks could be gathered from the nodes: the blob cannot be rebuilt now.
 */
public final class BlobUnavailableException extends RuntimeException {
  public BlobUnavailableException(String message) {
    super(message);
  }
}
