package dev.trustdial.cli.chain;

import dev.trustdial.chain.Delegation;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.crypto.Address;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stakes",
    description =
        "The operator set with each pool's own, delegated and queued stake, and the --as account's delegations.")
final class ChainStakesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Option(names = "--json", description = "Print JSON for machines.")
  boolean json;

  record PoolLine(
      String name,
      String address,
      BigInteger own,
      BigInteger delegated,
      BigInteger pending,
      BigInteger total) {}

  record DelegationLine(String operator, BigInteger active, BigInteger pending, long availableAt) {}

  @Override
  public Integer call() {
    Map<Address, String> names = devnet.names();
    Address me = devnet.self();
    try (Settlement s = devnet.connect()) {
      List<PoolLine> pools = new ArrayList<>();
      List<DelegationLine> mine = new ArrayList<>();
      for (Address op : s.operators()) {
        OperatorInfo o = s.operator(op);
        pools.add(
            new PoolLine(
                names.getOrDefault(op, op.toString()),
                op.toString(),
                o.selfStake(),
                o.delegatedStake(),
                o.pendingStake(),
                o.stake().add(o.pendingStake())));
        Delegation d = s.delegation(op, me);
        if (d.activeStake().signum() > 0 || d.hasPendingWithdrawal()) {
          mine.add(
              new DelegationLine(
                  names.getOrDefault(op, op.toString()),
                  d.activeStake(),
                  d.pendingAmount(),
                  d.availableAt()));
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operators", pools);
        m.put("account", me.toString());
        m.put("delegations", mine);
        ChainCommand.printJson(out, m);
        return ExitCodes.OK;
      }
      out.printf(
          "%-14s %-16s %-16s %-16s %s%n",
          "operator", "own", "delegated", "queued to leave", "slashable");
      for (PoolLine p : pools) {
        out.printf(
            "%-14s %-16s %-16s %-16s %s%n",
            p.name(),
            Tokens.format(p.own()),
            Tokens.format(p.delegated()),
            Tokens.format(p.pending()),
            Tokens.format(p.total()));
      }
      out.printf(
          "%n%s (%s) stakes with %d operator(s)%n",
          names.getOrDefault(me, me.toString()), me, mine.size());
      for (DelegationLine d : mine) {
        out.printf(
            "  %-14s %s active%s%n",
            d.operator(),
            Tokens.format(d.active()),
            d.pending().signum() > 0
                ? ", "
                    + Tokens.format(d.pending())
                    + " queued (withdrawable from "
                    + d.availableAt()
                    + ")"
                : "");
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
