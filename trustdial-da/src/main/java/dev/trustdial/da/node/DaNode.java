package dev.trustdial.da.node;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.ChunkVerifier;
import dev.trustdial.da.kzg.Kzg;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logic of a DA node, apart from HTTP: accept exactly the chunks assigned to this operator,
 * verify every cell proof, store, then sign an attestation in its domain (the BlobRegistry it
 * serves, or the local mode); serve headers and chunks until expiry. Under {@link
 * PendingRule.Enforced}, a blob no registered certificate names is pending: bounded per uploader
 * and deleted after the pending window (docs/spec/da.md §7.1).
 */
public final class DaNode implements DaNodeApi {
  private static final Logger LOG = LoggerFactory.getLogger(DaNode.class);
  private final Secp256k1Key key;
  private final AttestationDomain domain;
  private final OperatorSetSource operators;
  private final ChunkStore store;
  private final ChunkVerifier verifier;
  private final Clock clock;
  private final Duration maxRetention;
  private final PendingRule pendingRule;
  private final PendingLedger pending = new PendingLedger();

  /** A node that keeps every blob until its expiry ({@link PendingRule.KeepUntilExpiry}). */
  public DaNode(
      Secp256k1Key key,
      AttestationDomain domain,
      OperatorSetSource operators,
      ChunkStore store,
      Kzg kzg,
      Clock clock,
      Duration maxRetention) {
    this(
        key, domain, operators, store, kzg, clock, maxRetention, new PendingRule.KeepUntilExpiry());
  }

  public DaNode(
      Secp256k1Key key,
      AttestationDomain domain,
      OperatorSetSource operators,
      ChunkStore store,
      Kzg kzg,
      Clock clock,
      Duration maxRetention,
      PendingRule pendingRule) {
    this.pendingRule = pendingRule;
    // Pending entries survive restarts, so the quotas do too.
    store.pending().forEach(pending::add);
    this.key = key;
    this.domain = domain;
    this.operators = operators;
    this.store = store;
    this.verifier = new ChunkVerifier(kzg);
    this.clock = clock;
    this.maxRetention = maxRetention;
  }

  @Override
  public Address operator() {
    return key.address();
  }

  @Override
  public StoreReceipt store(ChunkUpload upload, Uploader uploader) {
    BlobHeader header = upload.header();
    Bytes32 blobKey = header.blobKey();
    long now = clock.instant().getEpochSecond();
    if (header.expiry() <= now) {
      throw new InvalidInputException(
          "blob " + blobKey + " expired at " + header.expiry() + " (now " + now + ")");
    }
    if (header.expiry() - now > maxRetention.toSeconds()) {
      throw new InvalidInputException(
          "expiry "
              + header.expiry()
              + " is more than this node's retention of "
              + maxRetention.toSeconds()
              + " s ahead");
    }
    // Signing a new blob: only a fresh reference block (reads of stored blobs take any age).
    OperatorSet set = operators.forSigning(header.referenceBlock());
    int me =
        set.indexOf(key.address())
            .orElseThrow(() ->
                new InvalidInputException(
                    "this node ("
                        + key.address()
                        + ") is not a DA operator at block "
                        + header.referenceBlock()));
    List<Integer> assigned = ChunkAssignment.of(set, blobKey).chunksOf(me);
    TreeSet<Integer> sent = new TreeSet<>();
    for (Chunk c : upload.chunks()) {
      if (!sent.add(c.index())) {
        throw new InvalidInputException("chunk " + c.index() + " sent twice");
      }
    }
    if (!new ArrayList<>(sent).equals(assigned)) {
      throw new InvalidInputException(
          "this node holds chunks "
              + assigned
              + " of blob "
              + blobKey
              + ", the upload has "
              + sent);
    }
    if (store.header(blobKey).isPresent()) {
      // Already held (a retry): nothing more is stored or charged; the chunks must still verify.
      verifyOrReject(header, upload);
      return receipt(blobKey);
    }
    switch (pendingRule) {
      case PendingRule.KeepUntilExpiry() -> {
        verifyOrReject(header, upload);
        store.put(header, upload.chunks());
      }
      case PendingRule.Enforced(_, PendingLimits limits) -> {
        PendingBlob p =
            new PendingBlob(
                blobKey, uploader, upload.storedBytes(), now + limits.window().toSeconds());
        pending.reserve(p, limits);
        boolean stored = false;
        try {
          verifyOrReject(header, upload);
          store.put(header, upload.chunks(), Optional.of(p));
          stored = true;
        } finally {
          if (!stored) {
            pending.remove(blobKey);
          }
        }
      }
    }
    return receipt(blobKey);
  }

  private void verifyOrReject(BlobHeader header, ChunkUpload upload) {
    if (!verifier.verifyAll(header.commitments(), upload.chunks())) {
      throw new ChunkRejectedException(
          "cell proofs of blob "
              + header.blobKey()
              + " do not verify against the header's commitments; nothing stored");
    }
  }

  private StoreReceipt receipt(Bytes32 blobKey) {
    return new StoreReceipt(blobKey, key.address(), Attestation.sign(key, domain, blobKey));
  }

  @Override
  public BlobHeader header(Bytes32 blobKey) {
    return live(blobKey);
  }

  @Override
  public List<Chunk> chunks(Bytes32 blobKey, List<Integer> indices) {
    live(blobKey);
    for (int j : indices) {
      if (j < 0 || j >= Kzg.CELLS) {
        throw new InvalidInputException("chunk index must be 0..127, got " + j);
      }
    }
    return store.chunks(blobKey, indices);
  }

  private BlobHeader live(Bytes32 blobKey) {
    Optional<BlobHeader> h = store.header(blobKey);
    // An expired blob is gone for readers even before the sweep deletes it.
    if (h.isEmpty() || h.get().expiry() <= clock.instant().getEpochSecond()) {
      throw new UnknownBlobException("this node holds no blob " + blobKey);
    }
    return h.get();
  }

  /**
   * Deletes expired blobs and, under {@link PendingRule.Enforced}, settles pending ones: a blob
   * whose certificate is now registered becomes certified; one past its window without one is
   * deleted; one the registry cannot be asked about now stays pending. Returns how many blobs were
   * deleted.
   */
  @Override
  public int sweep() {
    long now = clock.instant().getEpochSecond();
    int deleted = 0;
    if (pendingRule instanceof PendingRule.Enforced(var certificates, _)) {
      for (PendingBlob p : pending.snapshot()) {
        boolean certified;
        try {
          certified = certificates.isAvailable(p.blobKey());
        } catch (RuntimeException e) {
          LOG.warn(
              "cannot ask the certificate registry about pending blob {}: {}",
              p.blobKey(),
              e.getMessage());
          continue;
        }
        if (certified) {
          store.markCertified(p.blobKey());
          pending.remove(p.blobKey());
        } else if (p.deadline() <= now) {
          store.delete(p.blobKey());
          pending.remove(p.blobKey());
          deleted++;
        }
      }
    }
    for (Bytes32 k : store.deleteExpiredKeys(now)) {
      pending.remove(k);
      deleted++;
    }
    return deleted;
  }

  /** Bytes of pending blobs this uploader holds (for /health and tests). */
  public long pendingBytes(Uploader uploader) {
    return pending.bytesOf(uploader);
  }

  /**
   * The pending blobs by key with their totals per uploader and overall; reserve checks and charges
   * in one step, so concurrent uploads of one sender cannot overshoot its quota.
   */
  private static final class PendingLedger {
    private final Map<Bytes32, PendingBlob> blobs = new HashMap<>();
    private final Map<Uploader, Long> perUploader = new HashMap<>();
    private long total;

    synchronized void add(PendingBlob p) {
      if (blobs.putIfAbsent(p.blobKey(), p) == null) {
        perUploader.merge(p.uploader(), p.bytes(), Long::sum);
        total += p.bytes();
      }
    }

    synchronized void reserve(PendingBlob p, PendingLimits limits) {
      if (blobs.containsKey(p.blobKey())) {
        throw new UploadRefusedException(
            503,
            Duration.ofSeconds(5),
            "blob " + p.blobKey() + " is being stored by another upload; try again later");
      }
      long mine = perUploader.getOrDefault(p.uploader(), 0L);
      if (mine + p.bytes() > limits.bytesPerUploader()) {
        throw new UploadRefusedException(
            429,
            limits.window(),
            "uploader "
                + p.uploader().address()
                + " holds "
                + mine
                + " bytes of blobs no registered certificate names yet; this upload of "
                + p.bytes()
                + " bytes would pass its quota of "
                + limits.bytesPerUploader()
                + " bytes: register the certificates"
                + " of earlier blobs or wait until they expire ("
                + limits.window().toSeconds()
                + " s after upload)");
      }
      if (total + p.bytes() > limits.bytesTotal()) {
        throw new UploadRefusedException(
            507,
            limits.window(),
            "this node holds "
                + total
                + " bytes of uncertified blobs, its limit is "
                + limits.bytesTotal()
                + "; try again later");
      }
      add(p);
    }

    synchronized void remove(Bytes32 blobKey) {
      PendingBlob p = blobs.remove(blobKey);
      if (p != null) {
        long left = perUploader.merge(p.uploader(), -p.bytes(), Long::sum);
        if (left == 0) {
          perUploader.remove(p.uploader());
        }
        total -= p.bytes();
        if (left < 0 || total < 0) {
          throw new IllegalStateException("pending ledger went negative for " + p.uploader());
        }
      }
    }

    synchronized List<PendingBlob> snapshot() {
      return List.copyOf(blobs.values());
    }

    synchronized long bytesOf(Uploader u) {
      return perUploader.getOrDefault(u, 0L);
    }
  }

  @Override
  public int blobCount() {
    return store.blobCount();
  }

  public Secp256k1Key key() {
    return key;
  }

  public AttestationDomain domain() {
    return domain;
  }
}
