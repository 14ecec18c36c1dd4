package dev.trustdial.da.chunk;

import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.CellsAndProofs;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.kzg.SubBlob;
import java.util.List;
import java.util.stream.IntStream;

/** Bytes -> sub-blobs -> commitments and EIP-7594 cells with proofs, sub-blobs in parallel. */
public final class BlobEncoder {
  private final Kzg kzg;

  public BlobEncoder(Kzg kzg) {
    this.kzg = kzg;
  }

  public EncodedBlob encode(byte[] data) {
    List<SubBlob> subBlobs = BlobCodec.encode(data);
    // Each sub-blob is independent native work; the common pool spreads it over the cores.
    record Encoded(KzgCommitment commitment, CellsAndProofs cells) {}
    List<Encoded> encoded =
        IntStream.range(0, subBlobs.size())
            .parallel()
            .mapToObj(
                s -> new Encoded(kzg.commit(subBlobs.get(s)), kzg.cellsAndProofs(subBlobs.get(s))))
            .toList();
    return new EncodedBlob(
        data.length,
        encoded.stream().map(Encoded::commitment).toList(),
        encoded.stream().map(Encoded::cells).toList());
  }
}
