package dev.trustdial.da.node;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.kzg.Kzg;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A DA node's persistent chunk storage in RocksDB. Keys: {@code 'h' || blobKey} -> header, {@code
 * 'c' || blobKey || u16 j} -> chunk j, {@code 'e' || u64 expiry || blobKey} -> expiry index, {@code
 * 'p' || blobKey} -> {@link PendingBlob} while no certificate is known to name the blob. A blob's
 * header, chunks and index entries are written in one batch, so a crash stores all or nothing.
 */
public final class ChunkStore implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;
  private final WriteOptions syncWrites;

  public ChunkStore(Path directory) {
    try {
      Files.createDirectories(directory);
      this.options = new Options().setCreateIfMissing(true);
      this.db = RocksDB.open(options, directory.toString());
      // An attestation promises the data is stored, so writes reach the disk before we sign.
      this.syncWrites = new WriteOptions().setSync(true);
    } catch (RocksDBException | java.io.IOException e) {
      throw new IllegalStateException(
          "cannot open chunk store at " + directory + ": " + e.getMessage(), e);
    }
  }

  public void put(BlobHeader header, List<Chunk> chunks) {
    put(header, chunks, Optional.empty());
  }

  /** Stores a blob; with {@code pending}, also its pending entry, in the same batch. */
  public void put(BlobHeader header, List<Chunk> chunks, Optional<PendingBlob> pending) {
    Bytes32 key = header.blobKey();
    pending.ifPresent(p -> {
      if (!p.blobKey().equals(key)) {
        throw new IllegalArgumentException(
            "pending entry of " + p.blobKey() + " stored with blob " + key);
      }
    });
    try (WriteBatch batch = new WriteBatch()) {
      if (pending.isPresent()) {
        batch.put(pendingKey(key), pending.get().encodeValue());
      }
      batch.put(headerKey(key), header.encode());
      for (Chunk c : chunks) {
        assert c.subBlobCount() == header.subBlobCount();
        batch.put(chunkKey(key, c.index()), c.encode());
      }
      batch.put(expiryKey(header.expiry(), key), new byte[0]);
      db.write(syncWrites, batch);
    } catch (RocksDBException e) {
      throw new IllegalStateException("chunk store write failed: " + e.getMessage(), e);
    }
  }

  public Optional<BlobHeader> header(Bytes32 key) {
    byte[] h = get(headerKey(key));
    return h == null ? Optional.empty() : Optional.of(BlobHeader.decode(h));
  }

  /** The requested chunks this store holds, in the order asked; absent ones are left out. */
  public List<Chunk> chunks(Bytes32 key, List<Integer> indices) {
    List<Chunk> out = new ArrayList<>();
    for (int j : indices) {
      byte[] c = get(chunkKey(key, j));
      if (c != null) {
        out.add(Chunk.decodeFrom(ByteBuffer.wrap(c)));
      }
    }
    return out;
  }

  /** Every pending entry (blobs stored before a certificate was known to name them). */
  public List<PendingBlob> pending() {
    List<PendingBlob> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {'p'}); it.isValid() && it.key()[0] == 'p'; it.next()) {
        out.add(PendingBlob.decode(new Bytes32(Arrays.copyOfRange(it.key(), 1, 33)), it.value()));
      }
    }
    return out;
  }

  /** A certificate names the blob: it stays until its expiry like any certified blob. */
  public void markCertified(Bytes32 blobKey) {
    try {
      db.delete(syncWrites, pendingKey(blobKey));
    } catch (RocksDBException e) {
      throw new IllegalStateException("chunk store write failed: " + e.getMessage(), e);
    }
  }

  /** Deletes one blob (header, chunks, index entries) if present. */
  public void delete(Bytes32 blobKey) {
    Optional<BlobHeader> h = header(blobKey);
    if (h.isEmpty()) {
      return;
    }
    deleteBlob(blobKey, expiryKey(h.get().expiry(), blobKey));
  }

  /** Deletes every blob whose expiry is at or before {@code nowSeconds}; returns how many. */
  public int deleteExpired(long nowSeconds) {
    return deleteExpiredKeys(nowSeconds).size();
  }

  /** Deletes every blob whose expiry is at or before {@code nowSeconds}; returns their keys. */
  public List<Bytes32> deleteExpiredKeys(long nowSeconds) {
    List<byte[]> expired = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {'e'}); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k[0] != 'e') {
          break;
        }
        long expiry = ByteBuffer.wrap(k, 1, 8).getLong();
        if (expiry > nowSeconds) {
          break;
        }
        expired.add(k);
      }
    }
    List<Bytes32> keys = new ArrayList<>();
    for (byte[] k : expired) {
      Bytes32 blobKey = new Bytes32(Arrays.copyOfRange(k, 9, 41));
      deleteBlob(blobKey, k);
      keys.add(blobKey);
    }
    return keys;
  }

  private void deleteBlob(Bytes32 blobKey, byte[] expiryIndexKey) {
    try (WriteBatch batch = new WriteBatch()) {
      batch.delete(headerKey(blobKey));
      batch.deleteRange(chunkKey(blobKey, 0), chunkKey(blobKey, Kzg.CELLS));
      batch.delete(expiryIndexKey);
      batch.delete(pendingKey(blobKey));
      db.write(syncWrites, batch);
    } catch (RocksDBException e) {
      throw new IllegalStateException("chunk store delete failed: " + e.getMessage(), e);
    }
  }

  public int blobCount() {
    int n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {'h'}); it.isValid() && it.key()[0] == 'h'; it.next()) {
        n++;
      }
    }
    return n;
  }

  private byte[] get(byte[] k) {
    try {
      return db.get(k);
    } catch (RocksDBException e) {
      throw new IllegalStateException("chunk store read failed: " + e.getMessage(), e);
    }
  }

  private static byte[] headerKey(Bytes32 key) {
    return ByteBuffer.allocate(33).put((byte) 'h').put(key.bytes()).array();
  }

  private static byte[] chunkKey(Bytes32 key, int index) {
    return ByteBuffer.allocate(35).put((byte) 'c').put(key.bytes()).putShort((short) index).array();
  }

  private static byte[] pendingKey(Bytes32 key) {
    return ByteBuffer.allocate(33).put((byte) 'p').put(key.bytes()).array();
  }

  private static byte[] expiryKey(long expiry, Bytes32 key) {
    return ByteBuffer.allocate(41).put((byte) 'e').putLong(expiry).put(key.bytes()).array();
  }

  @Override
  public void close() {
    db.close();
    syncWrites.close();
    options.close();
  }
}
