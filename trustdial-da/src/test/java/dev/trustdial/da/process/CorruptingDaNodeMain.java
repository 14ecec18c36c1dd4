package dev.trustdial.da.process;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNodeApi;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.da.node.StoreReceipt;
import dev.trustdial.da.node.Uploader;
import java.util.ArrayList;
import java.util.List;

/**
 * A byzantine DA node for fault tests: stores honestly, serves every chunk with one flipped bit.
 */
public final class CorruptingDaNodeMain {
  private CorruptingDaNodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    DaNodeMain.run(
        args,
        honest ->
            new DaNodeApi() {
              @Override
              public Address operator() {
                return honest.operator();
              }

              @Override
              public StoreReceipt store(ChunkUpload upload, Uploader uploader) {
                return honest.store(upload, uploader);
              }

              @Override
              public BlobHeader header(Bytes32 blobKey) {
                return honest.header(blobKey);
              }

              @Override
              public List<Chunk> chunks(Bytes32 blobKey, List<Integer> indices) {
                List<Chunk> out = new ArrayList<>();
                for (Chunk c : honest.chunks(blobKey, indices)) {
                  List<Cell> cells = new ArrayList<>(c.cells());
                  byte[] b = cells.getLast().bytes();
                  b[1000] ^= 0x01;
                  cells.set(cells.size() - 1, new Cell(b));
                  out.add(new Chunk(c.index(), cells, c.proofs()));
                }
                return out;
              }

              @Override
              public int blobCount() {
                return honest.blobCount();
              }

              @Override
              public int sweep() {
                return honest.sweep();
              }
            });
  }
}
