package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.printJson;

import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "operator", description = "Show an operator (an address or a devnet account name).")
final class ChainOperatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Parameters(paramLabel = "OPERATOR")
  String who;

  @Option(names = "--json")
  boolean json;

  @Override
  public Integer call() {
    var addr = devnet.resolve(who);
    try (Settlement s = devnet.connect()) {
      var o = s.operator(addr);
      if (!o.registered()) {
        throw new InvalidInputException(addr + " is not a registered operator");
      }
      PrintWriter out = spec.commandLine().getOut();
      java.util.Map<String, Object> roles = new java.util.TreeMap<>();
      for (Role r : o.roles()) {
        roles.put(
            r.name(),
            java.util.Map.of(
                "allocation",
                ChainCommand.percent(s.allocation(addr, r)),
                "weight",
                Tokens.format(s.weightOf(addr, r))));
      }
      var obligations = s.obligations(addr);
      if (json) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("operator", o);
        m.put("delegatedStake", o.delegatedStake());
        m.put("roles", roles);
        m.put("obligations", obligations);
        printJson(out, m);
      } else {
        out.printf(
            "operator %s (%s)%n  roles       %s%n  signer      %s%n  endpoint    %s%n",
            o.operator(), o.status(), o.roles(), o.signer(), o.endpoint());
        out.printf(
            "  stake       %s active: %s its own, %s delegated; %s queued for withdrawal%n",
            Tokens.format(o.stake()),
            Tokens.format(o.selfStake()),
            Tokens.format(o.delegatedStake()),
            Tokens.format(o.pendingStake()));
        roles.forEach((r, v) -> out.printf("  %-11s %s%n", r, v));
        out.printf(
            "  obligations %d open (low water %d, next %d)%n",
            obligations.open(), obligations.lowWater(), obligations.next());
        out.flush();
      }
    }
    return ExitCodes.OK;
  }
}
