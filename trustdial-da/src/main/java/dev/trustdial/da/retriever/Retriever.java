package dev.trustdial.da.retriever;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.chunk.BlobReconstructor;
import dev.trustdial.da.chunk.Chunk;
import dev.trustdial.da.chunk.ChunkVerifier;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.node.DaNodeException;
import dev.trustdial.da.node.DaNodeTransport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a blob's chunks from its holders, systematic chunks first, verifies every cell proof, and
 * rebuilds the blob from the systematic half or, when that is incomplete, from any 64 verified
 * chunks by recovery. Chunks that fail verification are dropped and logged.
 */
public final class Retriever {
  private static final Logger LOG = LoggerFactory.getLogger(Retriever.class);
  private final OperatorSetSource operators;
  private final DaNodeTransport transport;
  private final ChunkVerifier verifier;
  private final BlobReconstructor reconstructor;

  public Retriever(Kzg kzg, OperatorSetSource operators, DaNodeTransport transport) {
    this.operators = operators;
    this.transport = transport;
    this.verifier = new ChunkVerifier(kzg);
    this.reconstructor = new BlobReconstructor(kzg);
  }

  /** What one retrieval did, for logs and benchmarks. */
  public record Retrieval(byte[] data, int verifiedChunks, int rejectedChunks, boolean recovered) {}

  public byte[] retrieve(BlobHeader header) {
    return retrieveWithStats(header).data();
  }

  public Retrieval retrieveWithStats(BlobHeader header) {
    Bytes32 key = header.blobKey();
    OperatorSet set = operators.at(header.referenceBlock());
    ChunkAssignment assignment = ChunkAssignment.of(set, key);
    Map<Integer, Chunk> verified = new ConcurrentHashMap<>();
    Set<Integer> unreachable = ConcurrentHashMap.newKeySet();
    AtomicInteger rejected = new AtomicInteger();

    fetch(
        header,
        set,
        assignment,
        range(0, Kzg.RECONSTRUCTION_CELLS),
        verified,
        unreachable,
        rejected);
    boolean systematic = verified.size() == Kzg.RECONSTRUCTION_CELLS;
    if (!systematic) {
      List<Integer> rest = new ArrayList<>();
      for (int j = Kzg.RECONSTRUCTION_CELLS; j < Kzg.CELLS; j++) {
        if (!unreachable.contains(assignment.holderOf(j))) {
          rest.add(j);
        }
      }
      fetch(header, set, assignment, rest, verified, unreachable, rejected);
    }
    if (verified.size() < Kzg.RECONSTRUCTION_CELLS) {
      throw new BlobUnavailableException(
          "blob "
              + key
              + ": only "
              + verified.size()
              + " verified chunks could be fetched ("
              + rejected.get()
              + " rejected, "
              + unreachable.size()
              + " nodes unreachable), 64 are needed");
    }
    byte[] data = reconstructor.reconstruct(header.size(), header.commitments(), verified.values());
    return new Retrieval(data, verified.size(), rejected.get(), !systematic);
  }

  private void fetch(
      BlobHeader header,
      OperatorSet set,
      ChunkAssignment assignment,
      List<Integer> indices,
      Map<Integer, Chunk> verified,
      Set<Integer> unreachable,
      AtomicInteger rejected) {
    Map<Integer, List<Integer>> byHolder = new TreeMap<>();
    for (int j : indices) {
      if (!verified.containsKey(j)) {
        byHolder.computeIfAbsent(assignment.holderOf(j), h -> new ArrayList<>()).add(j);
      }
    }
    Bytes32 key = header.blobKey();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (Map.Entry<Integer, List<Integer>> e : byHolder.entrySet()) {
        Operator op = set.get(e.getKey());
        Set<Integer> asked = new HashSet<>(e.getValue());
        futures.add(
            pool.submit(() -> {
              List<Chunk> got;
              try {
                got = transport.chunks(op, key, e.getValue());
              } catch (DaNodeException | InvalidInputException ex) {
                LOG.info(
                    "node {} did not serve chunks of {}: {}", op.endpoint(), key, ex.getMessage());
                unreachable.add(e.getKey());
                return;
              }
              List<Chunk> candidates =
                  got.stream()
                      .filter(c ->
                          asked.contains(c.index()) && c.subBlobCount() == header.subBlobCount())
                      .toList();
              int bad = got.size() - candidates.size();
              if (verifier.verifyAll(header.commitments(), candidates)) {
                candidates.forEach(c -> verified.putIfAbsent(c.index(), c));
              } else {
                // One batch failed: check chunk by chunk so the good ones still count.
                for (Chunk c : candidates) {
                  if (verifier.verify(header.commitments(), c)) {
                    verified.putIfAbsent(c.index(), c);
                  } else {
                    bad++;
                  }
                }
              }
              if (bad > 0) {
                LOG.warn(
                    "node {} served {} chunk(s) of {} that failed verification; dropped",
                    op.endpoint(),
                    bad,
                    key);
                rejected.addAndGet(bad);
              }
            }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException ex) {
          throw new IllegalStateException("chunk fetch task failed", ex.getCause());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new BlobUnavailableException("interrupted while fetching chunks of " + key);
        }
      }
    }
  }

  /** The operator set a header's chunks were assigned in. */
  public OperatorSet operatorsAt(long referenceBlock) {
    return operators.at(referenceBlock);
  }

  /**
   * Asks every node of the header's set (in parallel) for exactly its assigned chunks and verifies
   * each answer against the commitments; one node's failure is recorded as that node's, not thrown.
   */
  public RetrievalTest testEachNode(BlobHeader header) {
    long t0 = System.nanoTime();
    Bytes32 key = header.blobKey();
    OperatorSet set = operators.at(header.referenceBlock());
    ChunkAssignment assignment = ChunkAssignment.of(set, key);
    List<RetrievalTest.NodeRetrieval> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<RetrievalTest.NodeRetrieval>> futures = new ArrayList<>();
      for (int i = 0; i < set.size(); i++) {
        int index = i;
        futures.add(
            pool.submit(() -> testNode(header, set.get(index), index, assignment.chunksOf(index))));
      }
      for (Future<RetrievalTest.NodeRetrieval> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException ex) {
          throw new IllegalStateException("chunk fetch task failed", ex.getCause());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new BlobUnavailableException("interrupted while testing the nodes of " + key);
        }
      }
    }
    Set<Integer> verified = new HashSet<>();
    out.forEach(n -> verified.addAll(n.verified()));
    return new RetrievalTest(
        key,
        out,
        verified.size(),
        verified.size() >= Kzg.RECONSTRUCTION_CELLS,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private RetrievalTest.NodeRetrieval testNode(
      BlobHeader header, Operator op, int index, List<Integer> assigned) {
    if (assigned.isEmpty()) {
      return new RetrievalTest.NodeRetrieval(
          index, op.signer(), op.endpoint(), assigned, List.of(), 0, Optional.empty());
    }
    List<Chunk> got;
    try {
      got = transport.chunks(op, header.blobKey(), assigned);
    } catch (DaNodeException | InvalidInputException ex) {
      return new RetrievalTest.NodeRetrieval(
          index, op.signer(), op.endpoint(), assigned, List.of(), 0, Optional.of(ex.getMessage()));
    }
    Set<Integer> asked = new HashSet<>(assigned);
    List<Integer> good = new ArrayList<>();
    int bad = 0;
    for (Chunk c : got) {
      if (asked.remove(c.index())
          && c.subBlobCount() == header.subBlobCount()
          && verifier.verify(header.commitments(), c)) {
        good.add(c.index());
      } else {
        bad++;
      }
    }
    good.sort(null);
    return new RetrievalTest.NodeRetrieval(
        index, op.signer(), op.endpoint(), assigned, good, bad, Optional.empty());
  }

  /**
   * The header of {@code blobKey} from any node of the current set that holds it, authenticated by
   * its hash.
   */
  public Optional<BlobHeader> findHeader(Bytes32 blobKey) {
    for (Operator op : operators.current().operators()) {
      try {
        BlobHeader h = transport.header(op, blobKey);
        if (h.blobKey().equals(blobKey)) {
          return Optional.of(h);
        }
        LOG.warn("node {} answered a header that does not hash to {}", op.endpoint(), blobKey);
      } catch (DaNodeException e) {
        LOG.debug("node {} has no header for {}: {}", op.endpoint(), blobKey, e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }
}
