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
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.chunk.BlobEncoder;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.EncodedBlob;
import dev.trustdial.da.kzg.Cell;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node logic with a real RocksDB store and KZG, no HTTP, and a fixed clock. */
class DaNodeTest {
  private static final long NOW = 1_700_000_000L;
  private static Kzg kzg;
  private static EncodedBlob encoded;
  private static final Secp256k1Key ME = Secp256k1Key.fromPrivateKeyHex("0x" + "0a".repeat(32));
  private static final Uploader ALICE = new Uploader("127.0.0.2");
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
    set =
        new OperatorSet(
            1,
            List.of(
                new Operator(ME.address(), BigInteger.ONE, URI.create("http://a")),
                new Operator(OTHER.address(), BigInteger.ONE, URI.create("http://b"))));
    header = new BlobHeader(data.length, 1, NOW + 3600, encoded.commitments());
  }

  private DaNode node(ChunkStore store, long now) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
    return new DaNode(
        ME,
        AttestationDomain.LOCAL,
        new StaticOperatorSetSource(set),
        store,
        kzg,
        clock,
        Duration.ofDays(14));
  }

  private static List<Chunk> mine(BlobHeader h) {
    int me = set.indexOf(ME.address()).orElseThrow();
    return ChunkAssignment.of(set, h.blobKey()).chunksOf(me).stream().map(encoded::chunk).toList();
  }

  @Test
  void storesVerifiedChunksSignsAndSurvivesRestart() {
    Bytes32 key = header.blobKey();
    try (ChunkStore store = new ChunkStore(dir)) {
      StoreReceipt r = node(store, NOW).store(new ChunkUpload(header, mine(header)), ALICE);
      assertThat(r.blobKey()).isEqualTo(key);
      assertThat(Attestation.signer(AttestationDomain.LOCAL, key, r.signature()))
          .isEqualTo(ME.address());
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
      DaNode n =
          new DaNode(
              ME, chain, new StaticOperatorSetSource(set), store, kzg, clock, Duration.ofDays(14));
      StoreReceipt r = n.store(new ChunkUpload(header, mine(header)), ALICE);
      assertThat(Attestation.signer(chain, header.blobKey(), r.signature()))
          .isEqualTo(ME.address());
      assertThat(Attestation.signer(AttestationDomain.LOCAL, header.blobKey(), r.signature()))
          .isNotEqualTo(ME.address());
      assertThat(
              Attestation.signer(
                  new AttestationDomain(1, chain.verifier()), header.blobKey(), r.signature()))
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
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, chunks), ALICE))
          .isInstanceOf(ChunkRejectedException.class)
          .hasMessageContaining("do not verify");
      assertThat(n.blobCount()).isZero();
      assertThatThrownBy(() -> n.header(header.blobKey())).isInstanceOf(UnknownBlobException.class);
    }
  }

  @Test
  void refusesChunksThatAreNotExactlyItsAssignment() {
    int other = set.indexOf(OTHER.address()).orElseThrow();
    List<Chunk> theirs =
        ChunkAssignment.of(set, header.blobKey()).chunksOf(other).stream()
            .map(encoded::chunk)
            .toList();
    List<Chunk> partial = mine(header).subList(1, mine(header).size());
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = node(store, NOW);
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, theirs), ALICE))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("this node holds chunks");
      assertThatThrownBy(() -> n.store(new ChunkUpload(header, partial), ALICE))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("this node holds chunks");
      assertThat(n.blobCount()).isZero();
    }
  }

  /**
   * Issue #14 item 1: the node's freshness rule is for signing only. Against a source that knows
   * the set of every past block but lets a node sign only within 256 blocks of the head, the node
   * refuses an upload whose reference block is older, stores one that is fresh, and the old set
   * stays readable.
   */
  @Test
  void signsOnlyAgainstAFreshReferenceBlockWhileOldSetsStayReadable() {
    long head = 1_000;
    OperatorSetSource chainLike =
        new OperatorSetSource() {
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
              throw new InvalidInputException(
                  "reference block " + referenceBlock + " is too old to sign");
            }
            return at(referenceBlock);
          }
        };
    BlobHeader stale =
        new BlobHeader(
            header.size(),
            head - DaNodeMain.MAX_REFERENCE_AGE_BLOCKS - 1,
            NOW + 60,
            header.commitments());
    BlobHeader fresh = new BlobHeader(header.size(), head - 1, NOW + 60, header.commitments());
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n =
          new DaNode(
              ME,
              AttestationDomain.LOCAL,
              chainLike,
              store,
              kzg,
              Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC),
              Duration.ofDays(14));
      int me = chainLike.at(stale.referenceBlock()).indexOf(ME.address()).orElseThrow();
      List<Chunk> staleChunks =
          ChunkAssignment.of(chainLike.at(stale.referenceBlock()), stale.blobKey())
              .chunksOf(me)
              .stream()
              .map(encoded::chunk)
              .toList();
      assertThatThrownBy(() -> n.store(new ChunkUpload(stale, staleChunks), ALICE))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("too old to sign");
      assertThat(store.blobCount()).isZero();
      List<Chunk> freshChunks =
          ChunkAssignment.of(chainLike.at(fresh.referenceBlock()), fresh.blobKey())
              .chunksOf(me)
              .stream()
              .map(encoded::chunk)
              .toList();
      assertThat(n.store(new ChunkUpload(fresh, freshChunks), ALICE).blobKey())
          .isEqualTo(fresh.blobKey());
      // reading the old block's set is not subject to the rule
      assertThat(chainLike.at(stale.referenceBlock()).referenceBlock())
          .isEqualTo(stale.referenceBlock());
    }
  }

  @Test
  void refusesExpiredOrTooLongLivedBlobsAndUnknownBlocks() {
    try (ChunkStore store = new ChunkStore(dir)) {
      assertThatThrownBy(
              () -> node(store, NOW + 3600).store(new ChunkUpload(header, mine(header)), ALICE))
          .hasMessageContaining("expired");
      BlobHeader longLived =
          new BlobHeader(
              header.size(), 1, NOW + Duration.ofDays(30).toSeconds(), header.commitments());
      assertThatThrownBy(
              () -> node(store, NOW).store(new ChunkUpload(longLived, mine(longLived)), ALICE))
          .hasMessageContaining("retention");
      BlobHeader otherBlock = new BlobHeader(header.size(), 2, NOW + 60, header.commitments());
      assertThatThrownBy(
              () -> node(store, NOW).store(new ChunkUpload(otherBlock, mine(header)), ALICE))
          .hasMessageContaining("reference block 2");
      assertThat(store.blobCount()).isZero();
    }
  }

  @Test
  void deletesAtExpiry() {
    try (ChunkStore store = new ChunkStore(dir)) {
      node(store, NOW).store(new ChunkUpload(header, mine(header)), ALICE);
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
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("malformed");
  }

  /**
   * A certificate registry double: the keys in {@code registered} have a registered, live
   * certificate.
   */
  private static class Registry implements CertificateRegistry {
    final Set<Bytes32> registered = ConcurrentHashMap.newKeySet();

    @Override
    public void register(DaCertificate certificate) {
      throw new UnsupportedOperationException("a node only reads the registry");
    }

    @Override
    public Optional<BlobHeader> header(Bytes32 blobKey) {
      return Optional.empty();
    }

    @Override
    public Optional<dev.trustdial.da.cert.RecordedCertificate> certificate(Bytes32 blobKey) {
      return Optional.empty();
    }

    @Override
    public boolean isAvailable(Bytes32 blobKey) {
      return registered.contains(blobKey);
    }
  }

  private DaNode node(ChunkStore store, long now, Registry registry, PendingLimits limits) {
    return new DaNode(
        ME,
        AttestationDomain.LOCAL,
        new StaticOperatorSetSource(set),
        store,
        kzg,
        Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC),
        Duration.ofDays(14),
        new PendingRule.Enforced(registry, limits));
  }

  /** The same data under another header (another expiry), so another blob key. */
  private static BlobHeader blob(int n) {
    return new BlobHeader(header.size(), 1, NOW + 3600 + n, header.commitments());
  }

  private static ChunkUpload upload(BlobHeader h) {
    return new ChunkUpload(h, mine(h));
  }

  /**
   * Issue #14 item 10: an uploader (client address) holds at most its quota of blobs no registered
   * certificate names; past it the node refuses it with 429, serves another uploader, loses nothing
   * stored, and takes the first one again once a certificate names one of its blobs.
   */
  @Test
  void anUploaderOverItsPendingQuotaIsRefusedWhileAnotherIsServed() {
    long one = upload(blob(1)).storedBytes();
    Uploader bob = new Uploader("127.0.0.3");
    Uploader carol = new Uploader("127.0.0.4");
    Registry registry = new Registry();
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n =
          node(
              store,
              NOW,
              registry,
              new PendingLimits(2 * one + one / 2, 4 * one, Duration.ofMinutes(10)));
      n.store(upload(blob(1)), ALICE);
      n.store(upload(blob(2)), ALICE);
      assertThatThrownBy(() -> n.store(upload(blob(3)), ALICE))
          .isInstanceOfSatisfying(
              UploadRefusedException.class, e -> assertThat(e.status()).isEqualTo(429))
          .hasMessageContaining("quota");
      assertThat(n.store(upload(blob(3)), bob).blobKey()).isEqualTo(blob(3).blobKey());
      assertThat(n.header(blob(1).blobKey())).isEqualTo(blob(1));
      assertThat(n.header(blob(2).blobKey())).isEqualTo(blob(2));
      assertThat(n.pendingBytes(ALICE)).isEqualTo(2 * one);
      // A retry of a blob already held is signed again and charged nothing.
      assertThat(n.store(upload(blob(2)), ALICE).blobKey()).isEqualTo(blob(2).blobKey());
      assertThat(n.pendingBytes(ALICE)).isEqualTo(2 * one);
      // The node's total: four pending blobs in all, whoever sends them.
      n.store(upload(blob(4)), bob);
      assertThatThrownBy(() -> n.store(upload(blob(5)), carol))
          .isInstanceOfSatisfying(
              UploadRefusedException.class, e -> assertThat(e.status()).isEqualTo(507));
      // A registered certificate (seen at the next sweep) frees the quota; nothing is deleted.
      registry.registered.add(blob(1).blobKey());
      assertThat(n.sweep()).isZero();
      assertThat(n.pendingBytes(ALICE)).isEqualTo(one);
      assertThat(n.store(upload(blob(6)), ALICE).blobKey()).isEqualTo(blob(6).blobKey());
      assertThat(n.blobCount()).isEqualTo(5);
    }
  }

  /**
   * Issue #14 item 10: a pending blob whose certificate is not registered within the window is
   * deleted at the first sweep after it, one certified in time keeps its own expiry; the pending
   * state and the quotas survive a restart.
   */
  @Test
  void pendingBlobsNotCertifiedWithinTheWindowAreSweptCertifiedOnesStay() {
    Registry registry = new Registry();
    PendingLimits limits = new PendingLimits(1L << 30, 1L << 30, Duration.ofMinutes(10));
    BlobHeader certified = blob(1);
    BlobHeader orphan = blob(2);
    long bytes = upload(orphan).storedBytes();
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n = node(store, NOW, registry, limits);
      n.store(upload(certified), ALICE);
      n.store(upload(orphan), ALICE);
    }
    try (ChunkStore store = new ChunkStore(dir)) {
      assertThat(node(store, NOW + 599, registry, limits).pendingBytes(ALICE)).isEqualTo(2 * bytes);
      assertThat(node(store, NOW + 599, registry, limits).sweep()).isZero();
      assertThat(node(store, NOW + 599, registry, limits).header(orphan.blobKey()))
          .isEqualTo(orphan);
      registry.registered.add(certified.blobKey());
      DaNode later = node(store, NOW + 600, registry, limits);
      assertThat(later.sweep()).isEqualTo(1);
      assertThatThrownBy(() -> later.header(orphan.blobKey()))
          .isInstanceOf(UnknownBlobException.class);
      assertThat(store.chunks(orphan.blobKey(), List.of(0, 1, 2, 127))).isEmpty();
      assertThat(later.header(certified.blobKey())).isEqualTo(certified);
      assertThat(later.pendingBytes(ALICE)).isZero();
      // Certified: kept past the window until its own expiry, even if the registry forgets it.
      registry.registered.clear();
      assertThat(node(store, certified.expiry() - 1, registry, limits).sweep()).isZero();
      assertThat(node(store, certified.expiry() - 1, registry, limits).header(certified.blobKey()))
          .isEqualTo(certified);
      assertThat(node(store, certified.expiry(), registry, limits).sweep()).isEqualTo(1);
      assertThat(store.blobCount()).isZero();
    }
  }

  /** A registry that cannot be reached never deletes a pending blob: it may be certified. */
  @Test
  void aPendingBlobStaysWhileTheRegistryCannotBeAsked() {
    CertificateRegistry down =
        new Registry() {
          @Override
          public boolean isAvailable(Bytes32 blobKey) {
            throw new IllegalStateException("chain unreachable");
          }
        };
    PendingLimits limits = new PendingLimits(1L << 30, 1L << 30, Duration.ofMinutes(10));
    try (ChunkStore store = new ChunkStore(dir)) {
      DaNode n =
          new DaNode(
              ME,
              AttestationDomain.LOCAL,
              new StaticOperatorSetSource(set),
              store,
              kzg,
              Clock.fixed(Instant.ofEpochSecond(NOW + 700), ZoneOffset.UTC),
              Duration.ofDays(14),
              new PendingRule.Enforced(down, limits));
      store.put(
          blob(1),
          mine(blob(1)),
          Optional.of(new PendingBlob(blob(1).blobKey(), ALICE, 1000, NOW + 600)));
      DaNode reopened =
          new DaNode(
              ME,
              AttestationDomain.LOCAL,
              new StaticOperatorSetSource(set),
              store,
              kzg,
              Clock.fixed(Instant.ofEpochSecond(NOW + 700), ZoneOffset.UTC),
              Duration.ofDays(14),
              new PendingRule.Enforced(down, limits));
      assertThat(reopened.sweep()).isZero();
      assertThat(reopened.header(blob(1).blobKey())).isEqualTo(blob(1));
      assertThat(n.blobCount()).isEqualTo(1);
    }
  }

  /**
   * Issue #14 item 9: the server reads an upload from the stream chunk by chunk, to the same value.
   */
  @Test
  void uploadReadFromAStreamEqualsTheDecodedOneAndRejectsGarbage() throws Exception {
    ChunkUpload u = new ChunkUpload(header, mine(header).subList(0, 3));
    byte[] enc = u.encode();
    assertThat(ChunkUpload.read(new ByteArrayInputStream(enc), enc.length)).isEqualTo(u);
    assertThat(u.storedBytes()).isEqualTo(enc.length - 4 - 2);
    // The declared length is the limit: a shorter one leaves a chunk truncated, a longer one
    // trailing bytes.
    assertThatThrownBy(() -> ChunkUpload.read(new ByteArrayInputStream(enc), enc.length - 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("truncated");
    byte[] longer = java.util.Arrays.copyOf(enc, enc.length + 1);
    assertThatThrownBy(() -> ChunkUpload.read(new ByteArrayInputStream(longer), longer.length))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("trailing");
    // A client that goes away mid-body is an I/O error, not bad input.
    assertThatThrownBy(
            () -> ChunkUpload.read(new ByteArrayInputStream(enc, 0, enc.length - 10), enc.length))
        .isInstanceOf(java.io.EOFException.class);
    assertThatThrownBy(
            () -> ChunkUpload.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 5, 1}), 5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("malformed");
  }
}
