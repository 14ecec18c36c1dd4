package dev.trustdial.node.process;

import dev.trustdial.chain.SettlementEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** Gas of the transactions behind a job's events, summed per event kind, for the figures the ITs print. */
final class GasLedger {
  private GasLedger() {}

  /** Per transaction kind (named by its first event): "total gas over N tx". */
  static Map<String, String> of(String rpcUrl, List<SettlementEvent> events) throws Exception {
    Web3j w = Web3j.build(new HttpService(rpcUrl));
    try {
      Map<String, Long> gas = new LinkedHashMap<>();
      Map<String, Integer> count = new LinkedHashMap<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (SettlementEvent e : events) {
        if (!seen.add(e.where().txHash())) {
          continue;
        }
        long used = w.ethGetTransactionReceipt(e.where().txHash()).send().getTransactionReceipt().orElseThrow().getGasUsed().longValueExact();
        gas.merge(e.getClass().getSimpleName(), used, Long::sum);
        count.merge(e.getClass().getSimpleName(), 1, Integer::sum);
      }
      Map<String, String> out = new LinkedHashMap<>();
      gas.forEach((k, v) -> out.put(k, v + " gas / " + count.get(k) + " tx"));
      return out;
    } finally {
      w.shutdown();
    }
  }
}
