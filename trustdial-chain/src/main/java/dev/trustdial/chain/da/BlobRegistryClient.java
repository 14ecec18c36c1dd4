package dev.trustdial.chain.da;

import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.tx.RevertDecoder;
import dev.trustdial.chain.tx.SimulatingTransactionManager;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * The BlobRegistry contract (contracts/src/BlobRegistry.sol) as the DA module needs it, in plain
 * bytes: {@code register(header, signatures)} (simulated first, so a refusal comes back as the
 * contract's named error, {@link dev.trustdial.chain.tx.ContractRevertException}; then sent and its
 * receipt awaited, both through the chain module's transaction manager), the {@code BlobCertified}
 * events of a blob key, the calldata of the transaction that emitted one, and {@code isAvailable}.
 * Holds one RPC connection, released by {@link #close}. Trouble reaching the chain throws {@link
 * ChainUnavailableException}.
 */
public final class BlobRegistryClient implements AutoCloseable {
  private static final BigInteger GAS_LIMIT = BigInteger.valueOf(10_000_000);
  private static final String CERTIFIED_TOPIC =
      Hashes.keccak256(
              "BlobCertified(bytes32,bytes,uint256,uint256)".getBytes(StandardCharsets.US_ASCII))
          .toHex();
  private static final String REGISTER_SELECTOR =
      Hashes.keccak256("register(bytes,bytes)".getBytes(StandardCharsets.US_ASCII))
          .toHex()
          .substring(0, 10);

  /** A {@code BlobCertified} event: the header bytes it carries and where it was emitted. */
  public record Certified(byte[] header, String transactionHash, long block) {}

  /** The two arguments of a direct {@code register(header, signatures)} call. */
  public record RegisterCall(byte[] header, byte[] signatures) {}

  private final Web3j web3j;
  private final Address registry;
  private final Secp256k1Key key;
  private final SimulatingTransactionManager tx;

  public BlobRegistryClient(String rpcUrl, long chainId, Address registry, Secp256k1Key key) {
    this.web3j = dev.trustdial.chain.ClosingHttpService.open(rpcUrl);
    this.registry = registry;
    this.key = key;
    // Shares the process's nonce ledger for this key: concurrent puts never sign the same nonce.
    this.tx =
        new SimulatingTransactionManager(web3j, key.credentials(), chainId, new RevertDecoder());
  }

  public Address address() {
    return registry;
  }

  /**
   * Registers a certificate: throws {@link dev.trustdial.chain.tx.ContractRevertException} with the
   * contract's error when BlobRegistry refuses it (nothing is sent then).
   */
  public void register(byte[] header, byte[] signatures) {
    String data =
        FunctionEncoder.encode(
            new Function(
                "register",
                List.of(new DynamicBytes(header), new DynamicBytes(signatures)),
                List.of()));
    try {
      BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
      EthSendTransaction sent =
          tx.sendTransaction(gasPrice, GAS_LIMIT, registry.toString(), data, BigInteger.ZERO);
      if (sent.hasError()) {
        throw new IllegalStateException(
            "sending the certificate failed: " + sent.getError().getMessage());
      }
      TransactionReceipt receipt = tx.waitForReceipt(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw new IllegalStateException(
            "certificate transaction " + sent.getTransactionHash() + " reverted");
      }
    } catch (IOException | TransactionException e) {
      throw new ChainUnavailableException(
          "chain unreachable while registering a certificate: " + e.getMessage(), e);
    }
  }

  /** Every {@code BlobCertified} event indexed under {@code blobKey}, in chain order. */
  public List<Certified> certified(Bytes32 blobKey) {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            registry.toString());
    filter.addSingleTopic(CERTIFIED_TOPIC);
    filter.addSingleTopic(blobKey.toHex());
    try {
      EthLog logs = web3j.ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
      }
      List<Certified> out = new ArrayList<>();
      for (EthLog.LogResult<?> r : logs.getLogs()) {
        Log log = (Log) r.get();
        @SuppressWarnings({"rawtypes", "unchecked"})
        List<TypeReference<Type>> outputs =
            (List)
                List.of(
                    new TypeReference<DynamicBytes>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {});
        @SuppressWarnings("rawtypes")
        List<Type> fields = FunctionReturnDecoder.decode(log.getData(), outputs);
        out.add(
            new Certified(
                ((DynamicBytes) fields.getFirst()).getValue(),
                log.getTransactionHash(),
                log.getBlockNumber().longValueExact()));
      }
      return out;
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "chain unreachable while reading a header: " + e.getMessage(), e);
    }
  }

  /**
   * The arguments of transaction {@code transactionHash} if it is a direct {@code register} call to
   * this registry (empty otherwise: a registration made through another contract). Calldata over
   * {@code maxInputBytes} is refused before decoding.
   */
  public Optional<RegisterCall> registerCall(String transactionHash, int maxInputBytes) {
    try {
      Optional<org.web3j.protocol.core.methods.response.Transaction> t =
          web3j.ethGetTransactionByHash(transactionHash).send().getTransaction();
      String input =
          t.map(org.web3j.protocol.core.methods.response.Transaction::getInput).orElse("0x");
      boolean direct =
          t.isPresent()
              && registry.toString().equalsIgnoreCase(t.get().getTo())
              && input.regionMatches(true, 0, REGISTER_SELECTOR, 0, REGISTER_SELECTOR.length());
      if (!direct) {
        return Optional.empty();
      }
      if (input.length() > 2L * maxInputBytes + 2) {
        throw new IllegalStateException(
            "register calldata of "
                + transactionHash
                + " is "
                + input.length() / 2
                + " bytes, over the "
                + maxInputBytes
                + " a certificate can take");
      }
      @SuppressWarnings({"rawtypes", "unchecked"})
      List<TypeReference<Type>> params =
          (List)
              List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<DynamicBytes>() {});
      @SuppressWarnings("rawtypes")
      List<Type> args =
          FunctionReturnDecoder.decode("0x" + input.substring(REGISTER_SELECTOR.length()), params);
      return Optional.of(
          new RegisterCall(
              ((DynamicBytes) args.get(0)).getValue(), ((DynamicBytes) args.get(1)).getValue()));
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "chain unreachable while reading a certificate: " + e.getMessage(), e);
    }
  }

  /** BlobRegistry.isAvailable(blobKey). */
  public boolean isAvailable(Bytes32 blobKey) {
    String data =
        FunctionEncoder.encode(
            new Function(
                "isAvailable",
                List.of(new org.web3j.abi.datatypes.generated.Bytes32(blobKey.bytes())),
                List.of(new TypeReference<Bool>() {})));
    try {
      EthCall r =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(
                      key.address().toString(), registry.toString(), data),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (r.hasError()) {
        throw new IllegalStateException("isAvailable call failed: " + r.getError().getMessage());
      }
      return new BigInteger(1, Hex.decode(r.getValue())).signum() != 0;
    } catch (IOException e) {
      throw new ChainUnavailableException("chain unreachable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
