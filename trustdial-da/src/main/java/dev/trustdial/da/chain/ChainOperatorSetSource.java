package dev.trustdial.da.chain;

import dev.trustdial.chain.Role;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The DA operator set of a reference block read from StakeRegistry (docs/spec/da.md §5): every read
 * is an {@code eth_call} in the state at the end of that block, so the weights are the registry's
 * checkpoints {@code weightAt(op, ROLE_DA, block)} that BlobRegistry counts, whenever the set is
 * read. Members are {@code eligibleOperators(ROLE_DA)} then (weight nonzero and ≥ the DA minimum)
 * with their signer and endpoint then; the total weight is {@code totalWeightAt(ROLE_DA, block)},
 * BlobRegistry's denominator. Any past block is read (retrieval needs the set of a blob's own
 * reference block for its whole retention); only {@link #forSigning} refuses blocks more than
 * {@code maxSigningAgeBlocks} behind the head. A block's set never changes once the block is mined,
 * so a bounded cache keyed by block keeps the sets read recently.
 */
public final class ChainOperatorSetSource implements OperatorSetSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainOperatorSetSource.class);
  private final Web3j web3j;
  private final Address stakeRegistry;

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
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.stakeRegistry = stakeRegistry;
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
    long actual;
    try {
      actual = web3j.ethChainId().send().getChainId().longValueExact();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading its chain id: " + e.getMessage(), e);
    }
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
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading the head block: " + e.getMessage(), e);
    }
  }

  private OperatorSet read(long block) {
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> eligible =
        call(
            block,
            "eligibleOperators",
            List.of(new Uint8(Role.DA.bit())),
            (List)
                List.of(
                    new TypeReference<DynamicArray<org.web3j.abi.datatypes.Address>>() {},
                    new TypeReference<DynamicArray<Uint256>>() {}));
    @SuppressWarnings("unchecked")
    List<org.web3j.abi.datatypes.Address> addresses =
        ((DynamicArray<org.web3j.abi.datatypes.Address>) eligible.get(0)).getValue();
    @SuppressWarnings("unchecked")
    List<Uint256> weights = ((DynamicArray<Uint256>) eligible.get(1)).getValue();
    if (addresses.size() != weights.size()) {
      throw new IllegalStateException(
          "StakeRegistry.eligibleOperators returned "
              + addresses.size()
              + " operators and "
              + weights.size()
              + " weights");
    }
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> totals =
        call(
            block,
            "totalWeightAt",
            List.of(new Uint8(Role.DA.bit()), new Uint256(block)),
            (List) List.of(new TypeReference<Uint256>() {}));
    BigInteger total = ((Uint256) totals.getFirst()).getValue();

    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      Address operator = Address.parse(addresses.get(i).getValue());
      Profile p = profile(block, operator);
      try {
        ops.add(new Operator(p.signer(), weights.get(i).getValue(), URI.create(p.endpoint())));
      } catch (IllegalArgumentException | InvalidInputException e) {
        // An operator whose endpoint is unusable cannot hold chunks; its weight still counts in the
        // total.
        LOG.warn(
            "DA operator {} left out of the set of block {}: {}", operator, block, e.getMessage());
      }
    }
    if (ops.isEmpty()) {
      throw new InvalidInputException(
          "no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops, total);
  }

  private record Profile(Address signer, String endpoint) {}

  private static final String REGISTERED =
      topic("OperatorRegistered(address,uint8,address,string)");
  private static final String UPDATED = topic("OperatorUpdated(address,uint8,address,string)");
  private static final String MIN_STAKE_SET = topic("MinStakeSet(uint8,uint256)");

  private static String topic(String signature) {
    return Hashes.keccak256(signature.getBytes(StandardCharsets.US_ASCII)).toHex();
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
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameter.valueOf(BigInteger.valueOf(block)),
            stakeRegistry.toString());
    filter.addOptionalTopics(REGISTERED, UPDATED, MIN_STAKE_SET);
    EthLog logs;
    try {
      logs = web3j.ethGetLogs(filter).send();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading StakeRegistry events: " + e.getMessage(), e);
    }
    if (logs.hasError()) {
      throw new IllegalStateException(
          "eth_getLogs of StakeRegistry up to block "
              + block
              + " failed: "
              + logs.getError().getMessage());
    }
    Map<Address, Profile> profiles = new LinkedHashMap<>();
    BigInteger minStake = BigInteger.ZERO;
    for (EthLog.LogResult<?> r : logs.getLogs()) {
      Log log = (Log) r.get();
      if (log.getBlockNumber() == null
          || log.getBlockNumber().longValueExact() > block
          || Boolean.TRUE.equals(log.isRemoved())) {
        continue;
      }
      String t0 = log.getTopics().getFirst();
      if (t0.equalsIgnoreCase(MIN_STAKE_SET)) {
        @SuppressWarnings({"rawtypes", "unchecked"})
        List<Type> f =
            FunctionReturnDecoder.decode(
                log.getData(),
                (List) List.of(new TypeReference<Uint8>() {}, new TypeReference<Uint256>() {}));
        if (((Uint8) f.get(0)).getValue().intValueExact() == Role.DA.bit()) {
          minStake = ((Uint256) f.get(1)).getValue();
        }
      } else {
        @SuppressWarnings({"rawtypes", "unchecked"})
        List<Type> f =
            FunctionReturnDecoder.decode(
                log.getData(),
                (List)
                    List.of(
                        new TypeReference<Uint8>() {},
                        new TypeReference<org.web3j.abi.datatypes.Address>() {},
                        new TypeReference<Utf8String>() {}));
        Address operator =
            Address.parse(
                "0x" + log.getTopics().get(1).substring(log.getTopics().get(1).length() - 40));
        profiles.put(
            operator,
            new Profile(
                Address.parse(((org.web3j.abi.datatypes.Address) f.get(1)).getValue()),
                ((Utf8String) f.get(2)).getValue()));
      }
    }
    DefaultBlockParameter latest = DefaultBlockParameterName.LATEST;
    List<Operator> ops = new ArrayList<>();
    for (Map.Entry<Address, Profile> e : profiles.entrySet()) {
      BigInteger weight =
          uint(
              latest,
              "weightAt",
              List.of(
                  new org.web3j.abi.datatypes.Address(e.getKey().toString()),
                  new Uint8(Role.DA.bit()),
                  new Uint256(block)));
      if (weight.signum() == 0 || weight.compareTo(minStake) < 0) {
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
    BigInteger total =
        uint(latest, "totalWeightAt", List.of(new Uint8(Role.DA.bit()), new Uint256(block)));
    if (ops.isEmpty()) {
      throw new InvalidInputException(
          "no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops, total);
  }

  /** A view returning one uint256, called in the latest state. */
  @SuppressWarnings("rawtypes")
  private BigInteger uint(DefaultBlockParameter state, String name, List<Type> inputs) {
    String raw =
        rawCall(
            state,
            "in the latest state",
            FunctionEncoder.encode(new Function(name, inputs, List.of())),
            name);
    byte[] bytes = Hex.decode(raw);
    if (bytes.length != 32) {
      throw new IllegalStateException(
          "StakeRegistry." + name + " returned " + bytes.length + " bytes, not one word");
    }
    return new BigInteger(1, bytes);
  }

  /**
   * {@code getOperator(op)}: a struct (uint8 status, uint8 roles, address signer, string endpoint).
   */
  private Profile profile(long block, Address operator) {
    String raw =
        rawCall(
            block,
            FunctionEncoder.encode(
                new Function(
                    "getOperator",
                    List.of(new org.web3j.abi.datatypes.Address(operator.toString())),
                    List.of())),
            "getOperator");
    byte[] bytes = Hex.decode(raw);
    // A dynamic struct is returned as one offset word (0x20) followed by the struct's own encoding.
    if (bytes.length < 32 * 5
        || new BigInteger(1, Arrays.copyOf(bytes, 32)).intValueExact() != 32) {
      throw new IllegalStateException(
          "StakeRegistry.getOperator("
              + operator
              + ") returned "
              + bytes.length
              + " bytes that are not an Operator struct");
    }
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> fields =
        FunctionReturnDecoder.decode(
            Hex.encode(Arrays.copyOfRange(bytes, 32, bytes.length)),
            (List)
                List.of(
                    new TypeReference<Uint8>() {},
                    new TypeReference<Uint8>() {},
                    new TypeReference<org.web3j.abi.datatypes.Address>() {},
                    new TypeReference<Utf8String>() {}));
    return new Profile(
        Address.parse(((org.web3j.abi.datatypes.Address) fields.get(2)).getValue()),
        ((Utf8String) fields.get(3)).getValue());
  }

  @SuppressWarnings("rawtypes")
  private List<Type> call(
      long block, String name, List<Type> inputs, List<TypeReference<Type>> outputs) {
    String raw =
        rawCall(block, FunctionEncoder.encode(new Function(name, inputs, List.of())), name);
    List<Type> decoded = FunctionReturnDecoder.decode(raw, outputs);
    if (decoded.size() != outputs.size()) {
      throw new IllegalStateException(
          "StakeRegistry."
              + name
              + " at block "
              + block
              + " returned no "
              + outputs.size()
              + "-value answer: "
              + raw);
    }
    return decoded;
  }

  private String rawCall(long block, String data, String name) {
    return rawCall(
        DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), "at block " + block, data, name);
  }

  private String rawCall(DefaultBlockParameter state, String where, String data, String name) {
    try {
      EthCall r =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(null, stakeRegistry.toString(), data), state)
              .send();
      if (r.hasError() || r.isReverted()) {
        String why = r.hasError() ? r.getError().getMessage() : r.getRevertReason();
        throw new IllegalStateException("StakeRegistry." + name + " " + where + " failed: " + why);
      }
      return r.getValue();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading the DA operator set: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
