package dev.trustdial.da.chain;

import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetSource;
import dev.trustdial.core.bytes.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.http.HttpService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DA operator set read from StakeRegistry: the operators {@code isEligible(op, ROLE_DA)} accepts
 * (registered, DA role, stake > 0 and ≥ the DA minimum) — exactly the set BlobRegistry counts —
 * keyed by their signer address. StakeRegistry keeps no history, so a set is recorded at
 * the block it was read and a reference block within {@code maxAgeBlocks} of the head that was
 * never recorded here is answered with the current state (the same approximation BlobRegistry
 * makes onchain).
 */
public final class ChainOperatorSetSource implements OperatorSetSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainOperatorSetSource.class);
  private final Settlement settlement;
  private final Web3j web3j;
  private final Address stakeRegistry;
  private final long maxAgeBlocks;
  private final Map<Long, OperatorSet> seen = new ConcurrentHashMap<>();

  public ChainOperatorSetSource(Settlement settlement, String rpcUrl, long maxAgeBlocks) {
    if (maxAgeBlocks < 0) {
      throw new IllegalArgumentException("maxAgeBlocks must be >= 0");
    }
    this.settlement = settlement;
    // The settlement client has no isEligible view; one plain eth_call per operator reads it.
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.stakeRegistry = settlement.deployment().stakeRegistry();
    this.maxAgeBlocks = maxAgeBlocks;
  }

  @Override
  public OperatorSet current() {
    long head = settlement.blockNumber();
    OperatorSet set = read(head);
    seen.put(head, set);
    return set;
  }

  @Override
  public OperatorSet at(long referenceBlock) {
    OperatorSet known = seen.get(referenceBlock);
    if (known != null) {
      return known;
    }
    long head = settlement.blockNumber();
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

  private boolean eligible(Address operator) {
    String data = FunctionEncoder.encode(new Function("isEligible", List.of(
        new org.web3j.abi.datatypes.Address(operator.toString()), new Uint8(Role.DA.bit())), List.of()));
    try {
      EthCall r = web3j.ethCall(Transaction.createEthCallTransaction(null, stakeRegistry.toString(), data),
          DefaultBlockParameterName.LATEST).send();
      if (r.hasError() || r.isReverted()) {
        throw new IllegalStateException("StakeRegistry.isEligible failed: " + r.getError().getMessage());
      }
      return new BigInteger(1, Hex.decode(r.getValue())).signum() != 0;
    } catch (IOException e) {
      throw new IllegalStateException("chain unreachable while reading the DA operator set: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

  private OperatorSet read(long block) {
    List<Operator> ops = new ArrayList<>();
    for (Address a : settlement.operators()) {
      OperatorInfo info = settlement.operator(a);
      if (!info.registered() || !info.roles().contains(Role.DA) || info.stake().signum() <= 0 || !eligible(a)) {
        continue;
      }
      try {
        ops.add(new Operator(info.signer(), info.stake(), URI.create(info.endpoint())));
      } catch (IllegalArgumentException | InvalidInputException e) {
        // An operator whose endpoint is unusable cannot hold chunks; leaving it out is safe.
        LOG.warn("DA operator {} left out of the set: {}", a, e.getMessage());
      }
    }
    if (ops.isEmpty()) {
      throw new InvalidInputException("no DA operators with stake are registered (block " + block + ")");
    }
    return new OperatorSet(block, ops);
  }
}
