package dev.trustdial.chain.da;

import dev.trustdial.chain.Assignment;
import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.Role;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * StakeRegistry's reads that a DA operator set is built from (docs/spec/da.md §5), either in the
 * state at the end of a given block ({@code eth_call} at that block) or, for a node that no longer
 * keeps that block's state, from the latest state's checkpoints and the registry's events. Holds
 * one RPC connection, released by {@link #close}. A call the node cannot answer (old state pruned,
 * a revert) throws {@link IllegalStateException}; trouble reaching the chain throws {@link
 * ChainUnavailableException}.
 */
public final class DaStakeReader implements AutoCloseable {
  /** An operator's signer and endpoint. */
  public record Profile(Address signer, String endpoint) {}

  /**
   * What the registry's events up to a block say: each operator's last profile (in the order the
   * operators first registered) and the role's minimum stake (0 before any was set).
   */
  public record History(Map<Address, Profile> profiles, BigInteger minStake) {
    public History {
      profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }
  }

  private static final String REGISTERED =
      topic("OperatorRegistered(address,uint8,address,string)");
  private static final String UPDATED = topic("OperatorUpdated(address,uint8,address,string)");
  private static final String MIN_STAKE_SET = topic("MinStakeSet(uint8,uint256)");

  private final Web3j web3j;
  private final Address stakeRegistry;

  public DaStakeReader(String rpcUrl, Address stakeRegistry) {
    this.web3j = dev.trustdial.chain.ClosingHttpService.open(rpcUrl);
    this.stakeRegistry = stakeRegistry;
  }

  private static String topic(String signature) {
    return Hashes.keccak256(signature.getBytes(StandardCharsets.US_ASCII)).toHex();
  }

  /** The chain id the RPC endpoint serves. */
  public long chainId() {
    try {
      return web3j.ethChainId().send().getChainId().longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "chain unreachable while reading its chain id: " + e.getMessage(), e);
    }
  }

  /** The latest block number. */
  public long head() {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "chain unreachable while reading the head block: " + e.getMessage(), e);
    }
  }

  /** StakeRegistry.eligibleOperators(role) in the state at the end of {@code block}. */
  public List<Assignment.Candidate> eligibleOperators(Role role, long block) {
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<TypeReference<Type>> outputs =
        (List)
            List.of(
                new TypeReference<DynamicArray<org.web3j.abi.datatypes.Address>>() {},
                new TypeReference<DynamicArray<Uint256>>() {});
    String name = "eligibleOperators";
    String raw = call(at(block), "at block " + block, name, List.of(new Uint8(role.bit())));
    @SuppressWarnings("rawtypes")
    List<Type> decoded = FunctionReturnDecoder.decode(raw, outputs);
    if (decoded.size() != 2) {
      throw new IllegalStateException(
          "StakeRegistry." + name + " at block " + block + " returned no 2-value answer: " + raw);
    }
    @SuppressWarnings("unchecked")
    List<org.web3j.abi.datatypes.Address> addresses =
        ((DynamicArray<org.web3j.abi.datatypes.Address>) decoded.get(0)).getValue();
    @SuppressWarnings("unchecked")
    List<Uint256> weights = ((DynamicArray<Uint256>) decoded.get(1)).getValue();
    if (addresses.size() != weights.size()) {
      throw new IllegalStateException(
          "StakeRegistry.eligibleOperators returned "
              + addresses.size()
              + " operators and "
              + weights.size()
              + " weights");
    }
    List<Assignment.Candidate> out = new ArrayList<>(addresses.size());
    for (int i = 0; i < addresses.size(); i++) {
      out.add(
          new Assignment.Candidate(
              Address.parse(addresses.get(i).getValue()), weights.get(i).getValue()));
    }
    return out;
  }

  /** StakeRegistry.totalWeightAt(role, block), read in the state at the end of {@code block}. */
  public BigInteger totalWeightAt(Role role, long block) {
    return uint(
        at(block),
        "at block " + block,
        "totalWeightAt",
        List.of(new Uint8(role.bit()), new Uint256(block)));
  }

  /** StakeRegistry.totalWeightAt(role, block), read in the latest state (its checkpoints). */
  public BigInteger totalWeightAtFromLatest(Role role, long block) {
    return uint(
        DefaultBlockParameterName.LATEST,
        "in the latest state",
        "totalWeightAt",
        List.of(new Uint8(role.bit()), new Uint256(block)));
  }

  /** StakeRegistry.weightAt(operator, role, block), read in the latest state (its checkpoints). */
  public BigInteger weightAtFromLatest(Address operator, Role role, long block) {
    return uint(
        DefaultBlockParameterName.LATEST,
        "in the latest state",
        "weightAt",
        List.of(
            new org.web3j.abi.datatypes.Address(operator.toString()),
            new Uint8(role.bit()),
            new Uint256(block)));
  }

  /**
   * StakeRegistry.getOperator(operator) in the state at the end of {@code block}: its signer and
   * endpoint.
   */
  public Profile profile(Address operator, long block) {
    String raw =
        call(
            at(block),
            "at block " + block,
            "getOperator",
            List.of(new org.web3j.abi.datatypes.Address(operator.toString())));
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

  /**
   * The registry's OperatorRegistered, OperatorUpdated and MinStakeSet events up to {@code block}
   * (inclusive), folded: each operator's last profile and {@code role}'s last minimum stake.
   */
  public History history(Role role, long block) {
    EthFilter filter =
        new EthFilter(DefaultBlockParameterName.EARLIEST, at(block), stakeRegistry.toString());
    filter.addOptionalTopics(REGISTERED, UPDATED, MIN_STAKE_SET);
    EthLog logs;
    try {
      logs = web3j.ethGetLogs(filter).send();
    } catch (IOException e) {
      throw new ChainUnavailableException(
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
        if (((Uint8) f.get(0)).getValue().intValueExact() == role.bit()) {
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
        String indexed = log.getTopics().get(1);
        Address operator = Address.parse("0x" + indexed.substring(indexed.length() - 40));
        profiles.put(
            operator,
            new Profile(
                Address.parse(((org.web3j.abi.datatypes.Address) f.get(1)).getValue()),
                ((Utf8String) f.get(2)).getValue()));
      }
    }
    return new History(profiles, minStake);
  }

  private static DefaultBlockParameter at(long block) {
    return DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
  }

  @SuppressWarnings("rawtypes")
  private BigInteger uint(DefaultBlockParameter state, String where, String name, List<Type> in) {
    byte[] bytes = Hex.decode(call(state, where, name, in));
    if (bytes.length != 32) {
      throw new IllegalStateException(
          "StakeRegistry." + name + " returned " + bytes.length + " bytes, not one word");
    }
    return new BigInteger(1, bytes);
  }

  @SuppressWarnings("rawtypes")
  private String call(DefaultBlockParameter state, String where, String name, List<Type> in) {
    String data = FunctionEncoder.encode(new Function(name, in, List.of()));
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
      throw new ChainUnavailableException(
          "chain unreachable while reading the DA operator set: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
