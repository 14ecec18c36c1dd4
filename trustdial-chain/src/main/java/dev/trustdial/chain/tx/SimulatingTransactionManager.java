package dev.trustdial.chain.tx;

import java.io.IOException;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Signs locally and sends raw transactions, but first simulates each one with eth_estimateGas: a
 * transaction the contracts would refuse is never sent, and its custom error comes back decoded.
 * The gas limit is the estimate plus a margin, not a constant. Every manager of this process that
 * signs with the same key on the same chain shares one lock ({@link KeyLocks}), so concurrent
 * sends never sign the same nonce; a nonce error (another process used the key) re-reads the
 * node's pending nonce and re-signs, up to {@link #NONCE_RETRIES} times.
 */
public final class SimulatingTransactionManager extends RawTransactionManager {
  private static final BigInteger ONE_GWEI = BigInteger.valueOf(1_000_000_000L);
  private final Web3j web3j;
  private final RevertDecoder decoder;
  /** Times a send is re-signed with a fresh nonce after a nonce error. */
  static final int NONCE_RETRIES = 5;
  private final String from;
  private final java.util.concurrent.locks.ReentrantLock keyLock;
  /** The nonce the transaction being signed uses; set under the ledger's lock. */
  private BigInteger nonce;

  public SimulatingTransactionManager(Web3j web3j, Credentials credentials, long chainId, RevertDecoder decoder) {
    // Anvil mines on arrival: poll receipts every 50 ms, for up to 60 s.
    super(web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 1200));
    this.web3j = web3j;
    this.decoder = decoder;
    this.from = credentials.getAddress();
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
      BigInteger gasPrice, BigInteger gasLimit, String to, String data, BigInteger value, boolean constructor)
      throws IOException {
    keyLock.lock();
    try {
      return simulateAndSend(gasPrice, to, data, value, constructor);
    } finally {
      nonce = null;
      keyLock.unlock();
    }
  }

  private EthSendTransaction simulateAndSend(BigInteger gasPrice, String to, String data, BigInteger value, boolean constructor)
      throws IOException {
    Transaction sim = new Transaction(from, null, null, null, constructor ? null : to, value, data);
    EthEstimateGas est = web3j.ethEstimateGas(sim).send();
    if (est.hasError()) {
      throw decoder.decode(describe(to, data, constructor), revertData(est.getError()));
    }
    BigInteger limit = est.getAmountUsed().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN).add(BigInteger.valueOf(10_000));
    // Twice the current base fee plus a 1 gwei tip: mined at once, and no feedback loop with the
    // node's gas-price oracle (which follows the prices recent transactions paid).
    BigInteger baseFee = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getBaseFeePerGas();
    BigInteger price = (baseFee == null ? gasPrice : baseFee.multiply(BigInteger.TWO)).add(ONE_GWEI);
    for (int attempt = 0; ; attempt++) {
      nonce = web3j.ethGetTransactionCount(from, DefaultBlockParameterName.PENDING).send().getTransactionCount();
      EthSendTransaction sent = super.sendTransaction(price, limit, to, data, value, constructor);
      if (!sent.hasError() || !KeyLocks.isNonceError(sent.getError().getMessage()) || attempt == NONCE_RETRIES) {
        return sent;
      }
    }
  }

  @Override
  public String sendCall(String to, String data, DefaultBlockParameter block) throws IOException {
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block).send();
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
