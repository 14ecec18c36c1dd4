package dev.trustdial.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.chain.tx.Abis;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * Gas actually used onchain over a block range, per called function: every transaction's receipt,
 * named by its selector from our contracts' ABIs ("JobManager.heartbeat"); others are "other". The
 * demo and the node ITs report their figures with it.
 */
public final class GasLedger {
  /** Calls of one function: how many, total and largest gas used. */
  public record Line(int calls, long totalGas, long maxGas) {
    public long avgGas() {
      return calls == 0 ? 0 : totalGas / calls;
    }
  }

  private static final int MAX_BLOCKS = 100_000;
  private static final Map<String, String> FUNCTIONS = functionsBySelector();

  private GasLedger() {}

  /**
   * Every transaction mined in blocks {@code from..to} (inclusive), by function name, sorted by
   * name.
   */
  public static Map<String, Line> of(String rpcUrl, long from, long to) {
    if (from < 0 || to < from || to - from >= MAX_BLOCKS) {
      throw new IllegalArgumentException(
          "block range "
              + from
              + ".."
              + to
              + " must be ordered and under "
              + MAX_BLOCKS
              + " blocks");
    }
    Web3j w = Settlement.openRpc(Settlement.httpService(rpcUrl));
    try {
      Map<String, Line> out = new TreeMap<>();
      for (long n = from; n <= to; n++) {
        EthBlock.Block block =
            w.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                .send()
                .getBlock();
        if (block == null) {
          continue;
        }
        for (EthBlock.TransactionResult<?> tr : block.getTransactions()) {
          Transaction tx = (Transaction) tr.get();
          long used =
              w.ethGetTransactionReceipt(tx.getHash())
                  .send()
                  .getTransactionReceipt()
                  .map(r -> r.getGasUsed().longValueExact())
                  .orElse(0L);
          out.merge(
              name(tx),
              new Line(1, used, used),
              (a, b) ->
                  new Line(
                      a.calls() + 1,
                      a.totalGas() + b.totalGas(),
                      Math.max(a.maxGas(), b.maxGas())));
        }
      }
      return out;
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "cannot read blocks " + from + ".." + to + ": " + e.getMessage(), e);
    } finally {
      w.shutdown();
    }
  }

  private static String name(Transaction tx) {
    return functionOf(tx.getTo(), tx.getInput());
  }

  /** The function a transaction to {@code to} with calldata {@code input} calls, by our ABIs. */
  static String functionOf(String to, String input) {
    if (to == null) {
      return "(contract creation)";
    }
    if (input == null || input.length() < 10) {
      return "(transfer)";
    }
    return FUNCTIONS.getOrDefault(
        input.substring(2, 10).toLowerCase(java.util.Locale.ROOT), "other");
  }

  private static Map<String, String> functionsBySelector() {
    Map<String, String> m = new HashMap<>();
    Abis.all()
        .forEach((contract, abi) -> {
          for (JsonNode item : abi) {
            if ("function".equals(item.path("type").asText())) {
              m.putIfAbsent(Abis.selector(item), contract + "." + item.path("name").asText());
            }
          }
        });
    return m;
  }
}
