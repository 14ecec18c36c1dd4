package dev.trustdial.da.disperser;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateCheck;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.OperatorSignature;
import dev.trustdial.da.chunk.BlobEncoder;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.EncodedBlob;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.node.ChunkUpload;
import dev.trustdial.da.node.DaNodeException;
import dev.trustdial.da.node.DaNodeTransport;
import dev.trustdial.da.node.StoreReceipt;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a blob, sends each operator exactly its assigned chunks in parallel, checks every
 * returned attestation in the verifier's domain, and forms a certificate only if it passes the
 * security check.
 */
public final class Disperser {
  private static final Logger LOG = LoggerFactory.getLogger(Disperser.class);
  private final BlobEncoder encoder;
  private final OperatorSetSource operators;
  private final DaNodeTransport transport;
  private final CertificateVerifier verifier;
  private final Clock clock;
  private final Duration retention;

  public Disperser(
      Kzg kzg,
      OperatorSetSource operators,
      DaNodeTransport transport,
      CertificateVerifier verifier,
      Clock clock,
      Duration retention) {
    this.encoder = new BlobEncoder(kzg);
    this.operators = operators;
    this.transport = transport;
    this.verifier = verifier;
    this.clock = clock;
    this.retention = retention;
  }

  /** The check (domain and threshold) every certificate this disperser forms passes. */
  public CertificateVerifier verifier() {
    return verifier;
  }

  public DaCertificate disperse(byte[] data) {
    if (data.length > BlobCodec.MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          "blob of "
              + data.length
              + " bytes exceeds the 16 MiB limit ("
              + BlobCodec.MAX_BLOB_BYTES
              + " bytes)");
    }
    EncodedBlob encoded = encoder.encode(data);
    OperatorSet set = operators.current();
    long now = clock.instant().getEpochSecond();
    BlobHeader header =
        new BlobHeader(
            data.length, set.referenceBlock(), now + retention.toSeconds(), encoded.commitments());
    return disperse(header, encoded.chunks(), set);
  }

  /** Sends already-encoded chunks; {@code chunks.get(j)} is chunk j. Exposed for fault tests. */
  public DaCertificate disperse(BlobHeader header, List<Chunk> chunks, OperatorSet set) {
    Bytes32 key = header.blobKey();
    ChunkAssignment assignment = ChunkAssignment.of(set, key);
    List<OperatorSignature> signatures = Collections.synchronizedList(new ArrayList<>());
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < set.size(); i++) {
        int index = i;
        Operator op = set.get(i);
        List<Integer> mine = assignment.chunksOf(i);
        if (mine.isEmpty()) {
          continue;
        }
        futures.add(
            pool.submit(() -> {
              List<Chunk> payload = mine.stream().map(chunks::get).toList();
              try {
                StoreReceipt r = transport.store(op, new ChunkUpload(header, payload));
                if (!r.blobKey().equals(key)
                    || !Attestation.signer(verifier.domain(), key, r.signature())
                        .equals(op.signer())) {
                  errors.add(
                      op.endpoint()
                          + ": attestation is not by "
                          + op.signer()
                          + " over "
                          + key
                          + " in the "
                          + verifier.domain()
                          + " (a wrong key, or the node signs for another chain or registry)");
                  return;
                }
                signatures.add(new OperatorSignature(index, r.signature()));
              } catch (DaNodeException | InvalidInputException e) {
                errors.add(e.getMessage());
              }
            }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          errors.add("dispersal task failed: " + e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DispersalFailedException("interrupted", List.copyOf(errors));
        }
      }
    }
    List<OperatorSignature> sorted = new ArrayList<>(signatures);
    sorted.sort((a, b) -> Integer.compare(a.operatorIndex(), b.operatorIndex()));
    DaCertificate cert = new DaCertificate(header, sorted);
    CertificateCheck check = verifier.check(cert, set, clock.instant().getEpochSecond());
    if (check instanceof CertificateCheck.Invalid(String reason)) {
      throw new DispersalFailedException(
          "no certificate for blob " + key + ": " + reason, List.copyOf(errors));
    }
    if (!errors.isEmpty()) {
      LOG.warn("blob {} certified without {} node(s): {}", key, errors.size(), errors);
    }
    return cert;
  }
}
