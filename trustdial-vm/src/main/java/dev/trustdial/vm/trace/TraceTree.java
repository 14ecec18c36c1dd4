package dev.trustdial.vm.trace;

import dev.trustdial.core.bytes.Bytes32;
import java.util.List;

/**
 * A tree level of a trace commitment (the stride tree or one step tree), read by (height, index).
 */
public interface TraceTree {
  HashTree tree();

  default int height() {
    return tree().height();
  }

  default Bytes32 root() {
    return tree().root();
  }

  default Bytes32 node(int height, long index) {
    return tree().node(height, index);
  }

  default HashTree.Children children(int height, long index) {
    return tree().children(height, index);
  }

  default List<Bytes32> rightmostProof(int height, long index) {
    return tree().rightmostProof(height, index);
  }
}
