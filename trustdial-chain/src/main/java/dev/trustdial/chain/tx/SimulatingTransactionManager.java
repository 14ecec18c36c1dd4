package dev.trustdial.chain.tx;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.Blob;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Signs locally and sends raw transactions, but first simulates each one with eth_estimateGas: a
 * transaction the contracts would refuse is never sent, and its custom error comes back decoded.
 * The gas limit is the estimate plus a margin, not a constant. Every manager of this process that
 * signs with the same key on the same chain shares one lock ({@link KeyLocks}), so concurrent sends
 * never sign the same nonce; a nonce error (another process used the key) re-reads the node's
 * pending nonce and re-signs, up to {@link #NONCE_RETRIES} times.
 */
public final class SimulatingTransactionManager extends RawTransactionManager {
  private static final BigInteger ONE_GWEI = BigInteger.valueOf(1_000_000_000L);
  private final Web3j web3j;
  private final Web3jService web3jService;
  private final RevertDecoder decoder;

  /** Times a send is re-signed with a fresh nonce after a nonce error. */
  static final int NONCE_RETRIES = 5;

  private final String from;
  private final Credentials credentials;
  private final long chainId;
  private final java.util.concurrent.locks.ReentrantLock keyLock;

  /** The nonce the transaction being signed uses; set under the ledger's lock. */
  private BigInteger nonce;

  public SimulatingTransactionManager(
      Web3j web3j, Credentials credentials, long chainId, RevertDecoder decoder) {
    this(web3j, null, credentials, chainId, decoder);
  }

  /**
   * @param web3jService the connection under {@code web3j}, for the JSON-RPC calls web3j has no
   *     method for (blob transactions)
   */
  public SimulatingTransactionManager(
      Web3j web3j,
      Web3jService web3jService,
      Credentials credentials,
      long chainId,
      RevertDecoder decoder) {
    // Anvil mines on arrival: poll receipts every 50 ms, for up to 60 s.
    super(web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 1200));
    this.web3j = web3j;
    this.web3jService = web3jService;
    this.decoder = decoder;
    this.from = credentials.getAddress();
    this.credentials = credentials;
    this.chainId = chainId;
    this.keyLock = KeyLocks.lockFor(chainId, from);
  }

  @Override
  protected BigInteger getNonce() throws IOException {
    if (nonce == null) {
      throw new IllegalStateException("a transaction is signed outside sendTransaction");
    }
    return nonce;
  }

  @Override
  public EthSendTransaction sendTransaction(
      BigInteger gasPrice,
      BigInteger gasLimit,
      String to,
      String data,
      BigInteger value,
      boolean constructor)
      throws IOException {
    keyLock.lock();
    try {
      return simulateAndSend(gasPrice, to, data, value, constructor);
    } finally {
      nonce = null;
      keyLock.unlock();
    }
  }

  private EthSendTransaction simulateAndSend(
      BigInteger gasPrice, String to, String data, BigInteger value, boolean constructor)
      throws IOException {
    Transaction sim = new Transaction(from, null, null, null, constructor ? null : to, value, data);
    EthEstimateGas est = web3j.ethEstimateGas(sim).send();
    if (est.hasError()) {
      throw decoder.decode(describe(to, data, constructor), revertData(est.getError()));
    }
    BigInteger limit =
        est.getAmountUsed()
            .multiply(BigInteger.valueOf(12))
            .divide(BigInteger.TEN)
            .add(BigInteger.valueOf(10_000));
    // Twice the current base fee plus a 1 gwei tip: mined at once, and no feedback loop with the
    // node's gas-price oracle (which follows the prices recent transactions paid).
    BigInteger baseFee =
        web3j
            .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getBaseFeePerGas();
    BigInteger price =
        (baseFee == null ? gasPrice : baseFee.multiply(BigInteger.TWO)).add(ONE_GWEI);
    for (int attempt = 0; ; attempt++) {
      nonce =
          web3j
              .ethGetTransactionCount(from, DefaultBlockParameterName.PENDING)
              .send()
              .getTransactionCount();
      EthSendTransaction sent = super.sendTransaction(price, limit, to, data, value, constructor);
      if (!sent.hasError()
          || !KeyLocks.isNonceError(sent.getError().getMessage())
          || attempt == NONCE_RETRIES) {
        return sent;
      }
    }
  }

  /**
   * Sends an EIP-4844 (type-3) transaction carrying {@code blobs} with their KZG commitments and
   * blob proofs (the sidecar; computed by the caller's KZG library), simulated first like every
   * other send (eth_estimateGas with the blobs' versioned hashes, so BLOBHASH sees them): a call
   * the contract would refuse is never sent and its custom error comes back decoded. Returns the
   * transaction hash; the caller waits for the receipt.
   */
  public String sendBlobTransaction(
      String to,
      String data,
      List<byte[]> blobs,
      List<byte[]> commitments,
      List<byte[]> proofs,
      List<byte[]> versionedHashes)
      throws IOException {
    if (blobs.isEmpty()
        || blobs.size() != commitments.size()
        || blobs.size() != proofs.size()
        || blobs.size() != versionedHashes.size()) {
      throw new IllegalArgumentException(
          "a blob transaction needs one commitment, proof and versioned hash per blob");
    }
    if (web3jService == null) {
      throw new IllegalStateException(
          "this transaction manager was made without its JSON-RPC service: it cannot send blob transactions");
    }
    List<String> hashes = versionedHashes.stream().map(Numeric::toHexString).toList();
    keyLock.lock();
    try {
      Map<String, Object> sim = new LinkedHashMap<>();
      sim.put("from", from);
      sim.put("to", to);
      sim.put("data", data);
      sim.put("blobVersionedHashes", hashes);
      EthEstimateGas est =
          new Request<>("eth_estimateGas", List.of(sim), web3jService, EthEstimateGas.class).send();
      if (est.hasError()) {
        throw decoder.decode(describe(to, data, false), revertData(est.getError()));
      }
      BigInteger limit =
          est.getAmountUsed()
              .multiply(BigInteger.valueOf(12))
              .divide(BigInteger.TEN)
              .add(BigInteger.valueOf(10_000));
      BigInteger baseFee =
          web3j
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getBaseFeePerGas();
      BigInteger maxFee =
          (baseFee == null ? ONE_GWEI : baseFee.multiply(BigInteger.TWO)).add(ONE_GWEI);
      EthBlobBaseFee blobFee =
          new Request<>("eth_blobBaseFee", List.of(), web3jService, EthBlobBaseFee.class).send();
      BigInteger maxBlobFee =
          (blobFee.hasError() ? BigInteger.ONE : Numeric.decodeQuantity(blobFee.getResult()))
              .multiply(BigInteger.TWO)
              .add(BigInteger.ONE);
      List<Blob> txBlobs = blobs.stream().map(Blob::new).toList();
      List<Bytes> txCommitments = commitments.stream().map(Bytes::wrap).toList();
      List<Bytes> txProofs = proofs.stream().map(Bytes::wrap).toList();
      List<Bytes> txHashes = versionedHashes.stream().map(Bytes::wrap).toList();
      for (int attempt = 0; ; attempt++) {
        BigInteger n =
            web3j
                .ethGetTransactionCount(from, DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount();
        RawTransaction raw =
            RawTransaction.createTransaction(
                txBlobs,
                txCommitments,
                txProofs,
                chainId,
                n,
                ONE_GWEI,
                maxFee,
                limit,
                to,
                BigInteger.ZERO,
                data,
                maxBlobFee,
                txHashes);
        String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, credentials));
        EthSendTransaction sent = web3j.ethSendRawTransaction(signed).send();
        if (!sent.hasError()) {
          return sent.getTransactionHash();
        }
        if (!KeyLocks.isNonceError(sent.getError().getMessage()) || attempt == NONCE_RETRIES) {
          throw new IOException(
              "the blob transaction was refused: " + sent.getError().getMessage());
        }
      }
    } finally {
      keyLock.unlock();
    }
  }

  /**
   * Waits for a transaction's receipt (anvil mines on arrival: polled every 50 ms for up to 60 s).
   */
  public org.web3j.protocol.core.methods.response.TransactionReceipt waitForReceipt(String txHash)
      throws IOException, org.web3j.protocol.exceptions.TransactionException {
    return new PollingTransactionReceiptProcessor(web3j, 50, 1200)
        .waitForTransactionReceipt(txHash);
  }

  /** eth_blobBaseFee's answer: a hex quantity. */
  public static final class EthBlobBaseFee extends Response<String> {}

  @Override
  public String sendCall(String to, String data, DefaultBlockParameter block) throws IOException {
    EthCall call =
        web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block).send();
    if (call.hasError()) {
      throw decoder.decode("call to " + to, revertData(call.getError()));
    }
    if (call.isReverted()) {
      throw decoder.decode("call to " + to, call.getRevertReason());
    }
    return call.getValue();
  }

  private static String revertData(Response.Error error) {
    String data = error.getData();
    if (data == null) {
      return "0x";
    }
    // Some nodes wrap the data in quotes or an object; keep the hex.
    int i = data.indexOf("0x");
    if (i < 0) {
      return "0x";
    }
    int j = i + 2;
    while (j < data.length() && Character.digit(data.charAt(j), 16) >= 0) {
      j++;
    }
    return data.substring(i, j);
  }

  private static String describe(String to, String data, boolean constructor) {
    if (constructor) {
      return "contract deployment";
    }
    String selector = data != null && data.length() >= 10 ? data.substring(0, 10) : "0x";
    return "transaction " + selector + " to " + to;
  }
}
