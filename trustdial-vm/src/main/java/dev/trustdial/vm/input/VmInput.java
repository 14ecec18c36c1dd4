package dev.trustdial.vm.input;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.vm.memory.InputTree;

/**
 * A job's input bytes and the form of their commitment; {@link #root()} is the state's inputRoot.
 */
public record VmInput(byte[] bytes, InputForm form) {
  public VmInput {
    bytes = bytes.clone();
    if (form instanceof InputForm.Blobs b) {
      BlobInput.checkShape(bytes.length, b.versionedHashes().size());
    }
  }

  /** The chunk-tree form (§4.1). */
  public static VmInput of(byte[] bytes) {
    return new VmInput(bytes, InputForm.CHUNK_TREE);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The point-evaluation check this input's read witnesses need (none for a chunk tree). */
  public PointEvaluation pointEvaluation() {
    return form instanceof InputForm.Blobs b ? b.verifier() : PointEvaluation.NONE;
  }

  public Bytes32 root() {
    return switch (form) {
      case InputForm.ChunkTree t -> InputTree.root(bytes);
      case InputForm.Blobs b -> BlobInput.root(bytes.length, b.versionedHashes());
    };
  }
}
