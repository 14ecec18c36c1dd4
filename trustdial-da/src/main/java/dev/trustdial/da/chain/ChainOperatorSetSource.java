package dev.trustdial.da.chain;

import dev.trustdial.chain.Assignment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.da.DaStakeReader;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DA operator set of a reference block read from StakeRegistry (docs/spec/da.md §5): every read
 * is an {@code eth_call} in the state at the end of that block, so the weights are the registry's
 * checkpoints {@code weightAt(op, ROLE_DA, block)} that BlobRegistry counts, whenever the set is
 * read. Members are {@code eligibleOperators(ROLE_DA)} then (weight nonzero and ≥ the DA minimum)
 * with their signer and endpoint then; the total weight is {@code totalWeightAt(ROLE_DA, block)},
 * BlobRegistry's denominator. Any past block is read (retrieval needs the set of a blob's own
 * reference block for its whole retention); only {@link #forSigning} refuses blocks more than
 * {@code maxSigningAgeBlocks} behind the head. A block's set never changes once the block is mined,
 * so a bounded cache keyed by block keeps the sets read recently. The reads are trustdial-chain's
 * {@link DaStakeReader}; {@link #close} releases its RPC connection.
 */
public final class ChainOperatorSetSource implements OperatorSetSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainOperatorSetSource.class);
  private final DaStakeReader reader;

  /**
   * How many sets the cache keeps (one per reference block); older entries are read again when
   * asked.
   */
  static final int CACHED_BLOCKS = 1024;

  private final long maxSigningAgeBlocks;
  private final Map<Long, OperatorSet> seen =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, OperatorSet> eldest) {
              return size() > CACHED_BLOCKS;
            }
          });

  /**
   * {@code maxSigningAgeBlocks}: how far behind the head a reference block may be for a node to
   * sign a new blob against it ({@link #forSigning}); reads ({@link #at}) take any past block.
   */
  public ChainOperatorSetSource(String rpcUrl, Address stakeRegistry, long maxSigningAgeBlocks) {
    if (maxSigningAgeBlocks < 1) {
      throw new IllegalArgumentException("maxSigningAgeBlocks must be >= 1");
    }
    this.reader = new DaStakeReader(rpcUrl, stakeRegistry);
    this.maxSigningAgeBlocks = maxSigningAgeBlocks;
  }

  /**
   * The set of one chain config's StakeRegistry, after checking that the RPC endpoint serves that
   * chain.
   */
  public static ChainOperatorSetSource of(ChainConfig chain, long maxSigningAgeBlocks) {
    ChainOperatorSetSource source =
        new ChainOperatorSetSource(chain.rpcUrl(), chain.stakeRegistry(), maxSigningAgeBlocks);
    try {
      source.requireChainId(chain.chainId());
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    return source;
  }

  /**
   * Refuses an RPC endpoint of another chain than {@code expected}: attestations are signed for the
   * configured chain id, so they would count nowhere.
   */
  public void requireChainId(long expected) {
    long actual = reader.chainId();
    if (actual != expected) {
      throw new InvalidInputException(
          "the chain config says chain id "
              + expected
              + ", the RPC endpoint serves chain "
              + actual);
    }
  }

  /**
   * The set one block behind the head: BlobRegistry needs referenceBlock < the registering block.
   */
  @Override
  public OperatorSet current() {
    long head = head();
    if (head < 1) {
      throw new InvalidInputException(
          "the chain has no block before its head " + head + " to reference yet");
    }
    return at(head - 1);
  }

  /**
   * The set of any past (or the head) block, whatever its age: what reads and verifiers of stored
   * blobs use.
   */
  @Override
  public OperatorSet at(long referenceBlock) {
    OperatorSet known = seen.get(referenceBlock);
    if (known != null) {
      return known;
    }
    return readAndCache(referenceBlock, head());
  }

  /**
   * The set a DA node may sign a new blob against: refused when {@code referenceBlock} is more than
   * {@code maxSigningAgeBlocks} behind the head, checked on every call, cached or not.
   */
  @Override
  public OperatorSet forSigning(long referenceBlock) {
    long head = head();
    if (referenceBlock <= head && head - referenceBlock > maxSigningAgeBlocks) {
      throw new InvalidInputException(
          "reference block "
              + referenceBlock
              + " is more than "
              + maxSigningAgeBlocks
              + " blocks behind the head "
              + head
              + ": too old to sign a new blob against");
    }
    OperatorSet known = seen.get(referenceBlock);
    return known != null ? known : readAndCache(referenceBlock, head);
  }

  private OperatorSet readAndCache(long referenceBlock, long head) {
    if (referenceBlock < 0) {
      throw new InvalidInputException("reference block must be >= 0, got " + referenceBlock);
    }
    if (referenceBlock > head) {
      throw new InvalidInputException(
          "reference block " + referenceBlock + " is ahead of the chain head " + head);
    }
    OperatorSet set;
    try {
      set = read(referenceBlock);
    } catch (IllegalStateException historical) {
      // A node that prunes old state (not an archive node; anvil after a few thousand blocks)
      // cannot
      // answer an eth_call at an old block: rebuild the set from the registry's events and
      // checkpoints.
      LOG.info(
          "state of block {} not readable ({}); rebuilding its DA operator set from checkpoints",
          referenceBlock,
          historical.getMessage());
      try {
        set = reconstruct(referenceBlock);
      } catch (RuntimeException e) {
        e.addSuppressed(historical);
        throw e;
      }
    }
    seen.put(referenceBlock, set);
    return set;
  }

  private long head() {
    return reader.head();
  }

  private OperatorSet read(long block) {
    List<Assignment.Candidate> eligible = reader.eligibleOperators(Role.DA, block);
    BigInteger total = reader.totalWeightAt(Role.DA, block);
    List<Operator> ops = new ArrayList<>();
    for (Assignment.Candidate c : eligible) {
      DaStakeReader.Profile p = reader.profile(c.operator(), block);
      try {
        ops.add(new Operator(p.signer(), c.weight(), URI.create(p.endpoint())));
      } catch (IllegalArgumentException | InvalidInputException e) {
        // An operator whose endpoint is unusable cannot hold chunks; its weight still counts in the
        // total.
        LOG.warn(
            "DA operator {} left out of the set of block {}: {}",
            c.operator(),
            block,
            e.getMessage());
      }
    }
    if (ops.isEmpty()) {
      throw new InvalidInputException(
          "no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops, total);
  }

  /**
   * The set of {@code block} rebuilt without that block's state, from what the latest state and the
   * logs keep for every past block: the same set {@link #read} gives (docs/spec/da.md §5). Members
   * are the operators registered by then whose checkpointed {@code weightAt(op, ROLE_DA, block)} is
   * nonzero (an operator that exited, or did not hold the DA role, had weight 0 then) and at least
   * {@code minStake(ROLE_DA)} as the last {@code MinStakeSet} up to that block left it (0 before
   * any); signer and endpoint are those of its last {@code OperatorRegistered}/{@code
   * OperatorUpdated} up to that block; the total is {@code totalWeightAt(ROLE_DA, block)}.
   */
  OperatorSet reconstruct(long block) {
    DaStakeReader.History history = reader.history(Role.DA, block);
    List<Operator> ops = new ArrayList<>();
    for (Map.Entry<Address, DaStakeReader.Profile> e : history.profiles().entrySet()) {
      BigInteger weight = reader.weightAtFromLatest(e.getKey(), Role.DA, block);
      if (weight.signum() == 0 || weight.compareTo(history.minStake()) < 0) {
        continue;
      }
      try {
        ops.add(new Operator(e.getValue().signer(), weight, URI.create(e.getValue().endpoint())));
      } catch (IllegalArgumentException | InvalidInputException ex) {
        LOG.warn(
            "DA operator {} left out of the set of block {}: {}",
            e.getKey(),
            block,
            ex.getMessage());
      }
    }
    BigInteger total = reader.totalWeightAtFromLatest(Role.DA, block);
    if (ops.isEmpty()) {
      throw new InvalidInputException(
          "no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops, total);
  }

  @Override
  public void close() {
    reader.close();
  }
}
