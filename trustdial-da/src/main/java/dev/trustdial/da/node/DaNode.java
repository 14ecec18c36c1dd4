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
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The logic of a DA node, apart from HTTP: accept exactly the chunks assigned to this operator,
 * verify every cell proof, store, then sign an attestation in its domain (the BlobRegistry it serves,
 * or the local mode); serve headers and chunks until expiry.
 */
public final class DaNode implements DaNodeApi {
  private final Secp256k1Key key;
  private final AttestationDomain domain;
  private final OperatorSetSource operators;
  private final ChunkStore store;
  private final ChunkVerifier verifier;
  private final Clock clock;
  private final Duration maxRetention;

  public DaNode(Secp256k1Key key, AttestationDomain domain, OperatorSetSource operators, ChunkStore store, Kzg kzg,
      Clock clock, Duration maxRetention) {
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
  public StoreReceipt store(ChunkUpload upload) {
    BlobHeader header = upload.header();
    Bytes32 blobKey = header.blobKey();
    long now = clock.instant().getEpochSecond();
    if (header.expiry() <= now) {
      throw new InvalidInputException("blob " + blobKey + " expired at " + header.expiry() + " (now " + now + ")");
    }
    if (header.expiry() - now > maxRetention.toSeconds()) {
      throw new InvalidInputException("expiry " + header.expiry() + " is more than this node's retention of "
          + maxRetention.toSeconds() + " s ahead");
    }
    // Signing a new blob: only a fresh reference block (reads of stored blobs take any age).
    OperatorSet set = operators.forSigning(header.referenceBlock());
    int me = set.indexOf(key.address()).orElseThrow(() -> new InvalidInputException(
        "this node (" + key.address() + ") is not a DA operator at block " + header.referenceBlock()));
    List<Integer> assigned = ChunkAssignment.of(set, blobKey).chunksOf(me);
    TreeSet<Integer> sent = new TreeSet<>();
    for (Chunk c : upload.chunks()) {
      if (!sent.add(c.index())) {
        throw new InvalidInputException("chunk " + c.index() + " sent twice");
      }
    }
    if (!new ArrayList<>(sent).equals(assigned)) {
      throw new InvalidInputException("this node holds chunks " + assigned + " of blob " + blobKey
          + ", the upload has " + sent);
    }
    if (!verifier.verifyAll(header.commitments(), upload.chunks())) {
      throw new ChunkRejectedException("cell proofs of blob " + blobKey
          + " do not verify against the header's commitments; nothing stored");
    }
    store.put(header, upload.chunks());
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

  @Override
  public int sweep() {
    return store.deleteExpired(clock.instant().getEpochSecond());
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
