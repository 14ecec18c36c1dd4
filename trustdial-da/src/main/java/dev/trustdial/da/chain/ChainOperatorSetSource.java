package dev.trustdial.da.chain;

import dev.trustdial.chain.Role;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.http.HttpService;

/**
 * The DA operator set of a reference block read from StakeRegistry (docs/spec/da.md §5): every read
 * is an {@code eth_call} in the state at the end of that block, so the weights are the registry's
 * checkpoints {@code weightAt(op, ROLE_DA, block)} that BlobRegistry counts, whenever the set is read.
 * Members are {@code eligibleOperators(ROLE_DA)} then (weight nonzero and ≥ the DA minimum) with their
 * signer and endpoint then; the total weight is {@code totalWeightAt(ROLE_DA, block)}, BlobRegistry's
 * denominator. Only blocks at most {@code maxAgeBlocks} behind the head are read.
 */
public final class ChainOperatorSetSource implements OperatorSetSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainOperatorSetSource.class);
  private final Web3j web3j;
  private final Address stakeRegistry;
  private final long maxAgeBlocks;
  private final Map<Long, OperatorSet> seen = new ConcurrentHashMap<>();

  public ChainOperatorSetSource(String rpcUrl, Address stakeRegistry, long maxAgeBlocks) {
    if (maxAgeBlocks < 1) {
      throw new IllegalArgumentException("maxAgeBlocks must be >= 1");
    }
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.stakeRegistry = stakeRegistry;
    this.maxAgeBlocks = maxAgeBlocks;
  }

  /** The set of one chain config's StakeRegistry, after checking that the RPC endpoint serves that chain. */
  public static ChainOperatorSetSource of(ChainConfig chain, long maxAgeBlocks) {
    ChainOperatorSetSource source = new ChainOperatorSetSource(chain.rpcUrl(), chain.stakeRegistry(), maxAgeBlocks);
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
      throw new IllegalStateException("chain unreachable while reading its chain id: " + e.getMessage(), e);
    }
    if (actual != expected) {
      throw new InvalidInputException("the chain config says chain id " + expected + ", the RPC endpoint serves chain "
          + actual);
    }
  }

  /** The set one block behind the head: BlobRegistry needs referenceBlock < the registering block. */
  @Override
  public OperatorSet current() {
    long head = head();
    if (head < 1) {
      throw new InvalidInputException("the chain has no block before its head " + head + " to reference yet");
    }
    return at(head - 1);
  }

  @Override
  public OperatorSet at(long referenceBlock) {
    OperatorSet known = seen.get(referenceBlock);
    if (known != null) {
      return known;
    }
    long head = head();
    if (referenceBlock > head) {
      throw new InvalidInputException("reference block " + referenceBlock + " is ahead of the chain head " + head);
    }
    if (head - referenceBlock > maxAgeBlocks) {
      throw new InvalidInputException("reference block " + referenceBlock + " is more than " + maxAgeBlocks
          + " blocks behind the head " + head);
    }
    OperatorSet set = read(referenceBlock);
    seen.put(referenceBlock, set);
    return set;
  }

  private long head() {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new IllegalStateException("chain unreachable while reading the head block: " + e.getMessage(), e);
    }
  }

  private OperatorSet read(long block) {
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> eligible = call(block, "eligibleOperators", List.of(new Uint8(Role.DA.bit())),
        (List) List.of(new TypeReference<DynamicArray<org.web3j.abi.datatypes.Address>>() {},
            new TypeReference<DynamicArray<Uint256>>() {}));
    @SuppressWarnings("unchecked")
    List<org.web3j.abi.datatypes.Address> addresses =
        ((DynamicArray<org.web3j.abi.datatypes.Address>) eligible.get(0)).getValue();
    @SuppressWarnings("unchecked")
    List<Uint256> weights = ((DynamicArray<Uint256>) eligible.get(1)).getValue();
    if (addresses.size() != weights.size()) {
      throw new IllegalStateException("StakeRegistry.eligibleOperators returned " + addresses.size() + " operators and "
          + weights.size() + " weights");
    }
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> totals = call(block, "totalWeightAt", List.of(new Uint8(Role.DA.bit()), new Uint256(block)),
        (List) List.of(new TypeReference<Uint256>() {}));
    BigInteger total = ((Uint256) totals.getFirst()).getValue();

    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      Address operator = Address.parse(addresses.get(i).getValue());
      Profile p = profile(block, operator);
      try {
        ops.add(new Operator(p.signer(), weights.get(i).getValue(), URI.create(p.endpoint())));
      } catch (IllegalArgumentException | InvalidInputException e) {
        // An operator whose endpoint is unusable cannot hold chunks; its weight still counts in the total.
        LOG.warn("DA operator {} left out of the set of block {}: {}", operator, block, e.getMessage());
      }
    }
    if (ops.isEmpty()) {
      throw new InvalidInputException("no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops, total);
  }

  private record Profile(Address signer, String endpoint) {}

  /** {@code getOperator(op)}: a struct (uint8 status, uint8 roles, address signer, string endpoint). */
  private Profile profile(long block, Address operator) {
    String raw = rawCall(block, FunctionEncoder.encode(new Function("getOperator",
        List.of(new org.web3j.abi.datatypes.Address(operator.toString())), List.of())), "getOperator");
    byte[] bytes = Hex.decode(raw);
    // A dynamic struct is returned as one offset word (0x20) followed by the struct's own encoding.
    if (bytes.length < 32 * 5 || new BigInteger(1, Arrays.copyOf(bytes, 32)).intValueExact() != 32) {
      throw new IllegalStateException("StakeRegistry.getOperator(" + operator + ") returned " + bytes.length
          + " bytes that are not an Operator struct");
    }
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<Type> fields = FunctionReturnDecoder.decode(Hex.encode(Arrays.copyOfRange(bytes, 32, bytes.length)),
        (List) List.of(new TypeReference<Uint8>() {}, new TypeReference<Uint8>() {},
            new TypeReference<org.web3j.abi.datatypes.Address>() {}, new TypeReference<Utf8String>() {}));
    return new Profile(Address.parse(((org.web3j.abi.datatypes.Address) fields.get(2)).getValue()),
        ((Utf8String) fields.get(3)).getValue());
  }

  @SuppressWarnings("rawtypes")
  private List<Type> call(long block, String name, List<Type> inputs, List<TypeReference<Type>> outputs) {
    String raw = rawCall(block, FunctionEncoder.encode(new Function(name, inputs, List.of())), name);
    List<Type> decoded = FunctionReturnDecoder.decode(raw, outputs);
    if (decoded.size() != outputs.size()) {
      throw new IllegalStateException("StakeRegistry." + name + " at block " + block + " returned no "
          + outputs.size() + "-value answer: " + raw);
    }
    return decoded;
  }

  private String rawCall(long block, String data, String name) {
    try {
      EthCall r = web3j.ethCall(Transaction.createEthCallTransaction(null, stakeRegistry.toString(), data),
          DefaultBlockParameter.valueOf(BigInteger.valueOf(block))).send();
      if (r.hasError() || r.isReverted()) {
        String why = r.hasError() ? r.getError().getMessage() : r.getRevertReason();
        throw new IllegalStateException("StakeRegistry." + name + " at block " + block + " failed: " + why);
      }
      return r.getValue();
    } catch (IOException e) {
      throw new IllegalStateException("chain unreachable while reading the DA operator set: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
