package dev.trustdial.vm.input;

import dev.trustdial.core.bytes.Bytes32;

/**
 * The EIP-4844 point-evaluation check (the precompile at 0x0a) for the Java step checker: true iff
 * {@code versionedHash} is the commitment's and the KZG proof shows the committed polynomial takes
 * {@code y} at {@code z}. The VM module has no KZG library; a caller that checks blob-form read
 * witnesses supplies one.
 */
@FunctionalInterface
public interface PointEvaluation {
  boolean verify(Bytes32 versionedHash, Bytes32 z, Bytes32 y, byte[] commitment, byte[] proof);

  /** For checkers that only see chunk-tree inputs: any blob opening is refused. */
  PointEvaluation NONE =
      (h, z, y, c, p) -> {
        throw new UnsupportedOperationException(
            "a blob input record needs a KZG point-evaluation verifier");
      };
}
