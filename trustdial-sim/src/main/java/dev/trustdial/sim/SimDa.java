package dev.trustdial.sim;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.disperser.DispersalFailedException;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.retriever.BlobUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DA layer as the simulation runs it: blobs kept in memory under the key of a header whose
 * commitments stand in for KZG ones (keccak-derived; nothing in the simulation checks KZG, which
 * the DA module's own tests and ITs cover). While the simulation marks DA down, puts fail as a
 * failed dispersal and gets as an unavailable blob, the errors the real client throws.
 */
public final class SimDa {
  /** Blobs live this long (seconds) past the simulated time of their put. */
  static final long RETENTION_SECONDS = 14 * 24 * 3600;

  private final Map<Bytes32, byte[]> blobs = new HashMap<>();
  private final java.util.function.LongSupplier nowSeconds;
  private boolean down;
  private long puts;

  public SimDa(java.util.function.LongSupplier nowSeconds) {
    this.nowSeconds = nowSeconds;
  }

  public void setDown(boolean down) {
    this.down = down;
  }

  public boolean down() {
    return down;
  }

  public long puts() {
    return puts;
  }

  /** The DA port as one process sees it: its calls fail once the process is killed. */
  public DataAvailability clientFor(SimScheduler.Proc proc) {
    return new DataAvailability() {
      @Override
      public DaCertificate put(byte[] data) {
        proc.touch();
        return SimDa.this.put(data);
      }

      @Override
      public byte[] get(Bytes32 blobKey) {
        proc.touch();
        return SimDa.this.get(blobKey);
      }

      @Override
      public boolean isAvailable(Bytes32 blobKey) {
        proc.touch();
        return !down && blobs.containsKey(blobKey);
      }
    };
  }

  /** Stores {@code data} (the simulation's own writes, e.g. a developer's program and input). */
  public DaCertificate put(byte[] data) {
    if (down) {
      throw new DispersalFailedException("DA is down (simulated)", List.of());
    }
    int subBlobs = BlobCodec.subBlobCount(data.length);
    Bytes32 digest = Hashes.keccak256(data);
    List<KzgCommitment> commitments = new ArrayList<>(subBlobs);
    for (int i = 0; i < subBlobs; i++) {
      byte[] c = new byte[KzgCommitment.BYTES];
      byte[] h = Hashes.keccak256(digest.bytes(), new byte[] {(byte) i}).bytes();
      System.arraycopy(h, 0, c, 0, 32);
      System.arraycopy(h, 0, c, 32, 16);
      commitments.add(new KzgCommitment(c));
    }
    BlobHeader header =
        new BlobHeader(data.length, 0, nowSeconds.getAsLong() + RETENTION_SECONDS, commitments);
    blobs.put(header.blobKey(), data.clone());
    puts++;
    return new DaCertificate(header, List.of());
  }

  public byte[] get(Bytes32 blobKey) {
    if (down) {
      throw new BlobUnavailableException(
          "DA is down (simulated): blob " + blobKey + " cannot be retrieved now");
    }
    byte[] b = blobs.get(blobKey);
    if (b == null) {
      throw new BlobUnavailableException("no blob " + blobKey + " on the simulated DA network");
    }
    return b.clone();
  }
}
