package dev.trustdial.node.job;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.DaCertificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test double of the DA layer for code that only reads from it (JobSource, ProgramBlobs): blobs
 * keyed by the keccak of their bytes, no certificates. The real DA layer is covered by
 * trustdial-da's ITs and the node's process ITs.
 */
public final class MemoryDa implements DataAvailability {
  private final Map<Bytes32, byte[]> blobs = new ConcurrentHashMap<>();

  /** Stores {@code data} under keccak256(data) and returns that key. */
  public Bytes32 putKey(byte[] data) {
    Bytes32 k = Hashes.keccak256(data);
    blobs.put(k, data.clone());
    return k;
  }

  @Override
  public DaCertificate put(byte[] data) {
    throw new UnsupportedOperationException("MemoryDa has no certificates: use putKey");
  }

  @Override
  public byte[] get(Bytes32 blobKey) {
    byte[] b = blobs.get(blobKey);
    if (b == null) {
      throw new IllegalStateException("no blob " + blobKey);
    }
    return b.clone();
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    return blobs.containsKey(blobKey);
  }
}
