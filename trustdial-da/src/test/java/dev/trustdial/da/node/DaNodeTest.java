package dev.trustdial.da.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.BlobEncoder;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.EncodedBlob;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node logic with a real RocksDB store and KZG, no HTTP, and a fixed clock. */
class DaNodeTest {
  private static final long NOW = 1_700_000_000L;
  private static Kzg kzg;
  private static EncodedBlob encoded;
  private static final Secp256k1Key ME = Secp256k1Key.fromPrivateKeyHex("0x" + "0a".repeat(32));
  private static final Secp256k1Key OTHER = Secp256k1Key.fromPrivateKeyHex("0x" + "0b".repeat(32));
  private static OperatorSet set;
  private static BlobHeader header;

  @TempDir Path dir;

  @BeforeAll
  static void encode() {
    kzg = JniKzg.load();
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    encoded = new BlobEncoder(kzg).encode(data);
    set = new OperatorSet(1, List.of(
        new Operator(ME.address(), BigInteger.ONE, URI.create("http://a")),
        new Operator(OTHER.address(), BigInteger.ONE, URI.create("http://b"))));
    header = new BlobHeader(data.length, 1, NOW + 3600, encoded.commitments());
  }

  private DaNode node(ChunkStore store, long now) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
    return new DaNode(ME, AttestationDomain.LOCAL, new StaticOperatorSetSource(set), store, kzg, clock, Duration.ofDays(14));
  }

  private static List<Chunk> mine(BlobHeader h) {
    int me = set.indexOf(ME.address()).orElseThrow();
    return ChunkAssignment.of(set, h.blobKey()).chunksOf(me).stream().map(encoded::chunk).toList();
  }

  @Test
  void storesVerifiedChunksSignsAndSurvivesRestart() {
    Bytes32 key = header.blobKey();
    try (ChunkStore store = new ChunkStore(dir)) {
      StoreReceipt r = node(store, NOW).store(new ChunkUpload(header, mine(header)));
      assertThat(r.blobKey()).isEqualTo(key);
      assertThat(Attestation.signer(AttestationDomain.LOCAL, key, r.signature())).isEqualTo(ME.address());
    }
    try (ChunkStore reopened = new ChunkStore(dir)) {
      DaNode n = node(reopened, NOW);
      assertThat(n.header(key)).isEqualTo(header);
      List<Integer> idx = mine(header).stream().map(Chunk::index).toList();
      assertThat(n.chunks(key, idx)).isEqualTo(mine(header));
      assertThat(n.blobCount()).isEqualTo(1);
    }
  }

  @Test
  void signsForItsOwnDomainOnly() {
    AttestationDomain chain = new AttestationDomain(31337, Address.parse("0x" + "b1".repeat(20)));
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = new DaNode(ME, chain, new StaticOperatorSetSource(set), store, kzg, clock, Duration.ofDays(14));
      StoreReceipt r = n.store(new ChunkUpload(header, mine(header)));
      assertThat(Attestation.signer(chain, header.blobKey(), r.signature())).isEqualTo(ME.address());
      assertThat(Attestation.signer(AttestationDomain.LOCAL, header.blobKey(), r.signature())).isNotEqualTo(ME.address());
      assertThat(Attestation.signer(new AttestationDomain(1, chain.verifier()), header.blobKey(), r.signature()))
          .isNotEqualTo(ME.address());
    }
  }

  @Test
  void refusesACorruptedCellAndStoresNothing() {
    List<Chunk> chunks = new ArrayList<>(mine(header));
    Chunk c = chunks.getFirst();
    byte[] cell = c.cells().get(1).bytes();
    cell[33] ^= 0x40;
    List<Cell> cells = new ArrayList<>(c.cells());
    cells.set(1, new Cell(cell));
    chunks.set(0, new Chunk(c.index(), cells, c.proofs()));
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = node(store, NOW);
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, chunks)))
          .isInstanceOf(ChunkRejectedException.class).hasMessageContaining("do not verify");
      assertThat(n.blobCount()).isZero();
      assertThatThrownBy(() -> n.header(header.blobKey())).isInstanceOf(UnknownBlobException.class);
    }
  }

  @Test
  void refusesChunksThatAreNotExactlyItsAssignment() {
    int other = set.indexOf(OTHER.address()).orElseThrow();
    List<Chunk> theirs = ChunkAssignment.of(set, header.blobKey()).chunksOf(other).stream()
        .map(encoded::chunk).toList();
    List<Chunk> partial = mine(header).subList(1, mine(header).size());
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = node(store, NOW);
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, theirs)))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("this node holds chunks");
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, partial)))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("this node holds chunks");
      assertThat(n.blobCount()).isZero();
    }
  }

  /**
   * Issue #14 item 1: the node's freshness rule is for signing only. Against a source that knows the
   * set of every past block but lets a node sign only within 256 blocks of the head, the node refuses
   * an upload whose reference block is older, stores one that is fresh, and the old set stays readable.
   */
  @Test
  void signsOnlyAgainstAFreshReferenceBlockWhileOldSetsStayReadable() {
    long head = 1_000;
    OperatorSetSource chainLike = new OperatorSetSource() {
      @Override
      public OperatorSet current() {
        return at(head - 1);
      }

      @Override
      public OperatorSet at(long referenceBlock) {
        return new OperatorSet(referenceBlock, set.operators());
      }

      @Override
      public OperatorSet forSigning(long referenceBlock) {
        if (head - referenceBlock > DaNodeMain.MAX_REFERENCE_AGE_BLOCKS) {
          throw new InvalidInputException("reference block " + referenceBlock + " is too old to sign");
        }
        return at(referenceBlock);
      }
    };
    BlobHeader stale = new BlobHeader(header.size(), head - DaNodeMain.MAX_REFERENCE_AGE_BLOCKS - 1, NOW + 60,
        header.commitments());
    BlobHeader fresh = new BlobHeader(header.size(), head - 1, NOW + 60, header.commitments());
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = new DaNode(ME, AttestationDomain.LOCAL, chainLike, store, kzg,
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), Duration.ofDays(14));
      int me = chainLike.at(stale.referenceBlock()).indexOf(ME.address()).orElseThrow();
      List<Chunk> staleChunks = ChunkAssignment.of(chainLike.at(stale.referenceBlock()), stale.blobKey()).chunksOf(me)
          .stream().map(encoded::chunk).toList();
      assertThatThrownBy(() -> n.store(new ChunkUpload(stale, staleChunks))).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("too old to sign");
      assertThat(store.blobCount()).isZero();
      List<Chunk> freshChunks = ChunkAssignment.of(chainLike.at(fresh.referenceBlock()), fresh.blobKey()).chunksOf(me)
          .stream().map(encoded::chunk).toList();
      assertThat(n.store(new ChunkUpload(fresh, freshChunks)).blobKey()).isEqualTo(fresh.blobKey());
      // reading the old block's set is not subject to the rule
      assertThat(chainLike.at(stale.referenceBlock()).referenceBlock()).isEqualTo(stale.referenceBlock());
    }
  }

  @Test
  void refusesExpiredOrTooLongLivedBlobsAndUnknownBlocks() {
    try (ChunkStore store = new ChunkStore(dir)) {
      assertThatThrownBy(() -> node(store, NOW + 3600).store(new ChunkUpload(header, mine(header))))
          .hasMessageContaining("expired");
      BlobHeader longLived = new BlobHeader(header.size(), 1, NOW + Duration.ofDays(30).toSeconds(),
          header.commitments());
      assertThatThrownBy(() -> node(store, NOW).store(new ChunkUpload(longLived, mine(longLived))))
          .hasMessageContaining("retention");
      BlobHeader otherBlock = new BlobHeader(header.size(), 2, NOW + 60, header.commitments());
      assertThatThrownBy(() -> node(store, NOW).store(new ChunkUpload(otherBlock, mine(header))))
          .hasMessageContaining("reference block 2");
      assertThat(store.blobCount()).isZero();
    }
  }

  @Test
  void deletesAtExpiry() {
    try (ChunkStore store = new ChunkStore(dir)) {
      node(store, NOW).store(new ChunkUpload(header, mine(header)));
      assertThat(node(store, NOW + 3599).sweep()).isZero();
      assertThat(node(store, NOW + 3599).header(header.blobKey())).isEqualTo(header);
      // readers stop seeing it at expiry even before the sweep runs
      assertThatThrownBy(() -> node(store, NOW + 3600).header(header.blobKey()))
          .isInstanceOf(UnknownBlobException.class);
      assertThat(node(store, NOW + 3600).sweep()).isEqualTo(1);
      assertThat(store.blobCount()).isZero();
      assertThat(store.chunks(header.blobKey(), List.of(0, 1, 2, 127))).isEmpty();
    }
  }

  @Test
  void uploadEncodingRoundTripsAndRejectsGarbage() {
    ChunkUpload u = new ChunkUpload(header, mine(header).subList(0, 2));
    assertThat(ChunkUpload.decode(u.encode())).isEqualTo(u);
    byte[] enc = u.encode();
    assertThatThrownBy(() -> ChunkUpload.decode(java.util.Arrays.copyOf(enc, enc.length - 1)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ChunkUpload.decode(new byte[] {0, 0, 0, 5, 1}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed");
  }
}
