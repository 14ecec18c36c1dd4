package dev.trustdial.cli.chain;

import dev.trustdial.chain.Delegation;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.Tokens;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.io.PrintWriter;
import java.math.BigDecimal;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Restaking by hand: delegate to an operator's pool, queue and complete withdrawals, set an
 * operator's allocation per role, leave the operator set, and see who stakes what.
 */
final class StakeCommands {
  private StakeCommands() {}

  /** A fraction given as a percentage ("50%") or a decimal within [0, 1] ("0.5"), as WAD. */
  static BigInteger fraction(String text, String what) {
    ChainCommand.bounded(text, what);
    String t = text.trim();
    boolean pct = t.endsWith("%");
    try {
      BigDecimal v = new BigDecimal(pct ? t.substring(0, t.length() - 1).trim() : t);
      if (pct) {
        v = v.movePointLeft(2);
      }
      if (v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0 || v.scale() > 18) {
        throw new InvalidInputException(
            what + " must be within 0..1 (or 0%..100%) with at most 18 decimals, got " + text);
      }
      return v.movePointRight(18).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(what + " is not a fraction like 0.5 or 50%: '" + text + "'");
    }
  }

  /** A WAD fraction as a percentage for people. */
  static String percent(BigInteger wad) {
    return new BigDecimal(wad).movePointLeft(16).stripTrailingZeros().toPlainString() + "%";
  }

  @Command(
      name = "delegate",
      description =
          "Delegate AMOUNT TDS of the --as account's tokens to OPERATOR's pool (a slash of the operator hits it pro rata).")
  static final class Delegate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(
        index = "0",
        paramLabel = "OPERATOR",
        description = "An address or a devnet account name.")
    String operator;

    @Parameters(index = "1", paramLabel = "AMOUNT", description = "TDS, e.g. 250 or 0.5.")
    String amount;

    @Override
    public Integer call() {
      BigInteger wei = ChainCommand.tokens(amount, "the amount to delegate");
      Address op = devnet.resolve(operator);
      try (Settlement s = devnet.connect()) {
        ChainCommand.printTx(spec.commandLine().getOut(), s.delegate(op, wei));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "undelegate",
      description =
          "Queue AMOUNT TDS (or 'all') of the --as account's stake with OPERATOR for withdrawal: "
              + "it stops counting at once, stays slashable, and can be withdrawn ('chain withdraw') after the delay once the operator's "
              + "obligations open now have ended.")
  static final class Undelegate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(
        index = "0",
        paramLabel = "OPERATOR",
        description =
            "An address or a devnet account name (yourself, for an operator's own stake).")
    String operator;

    @Parameters(index = "1", paramLabel = "AMOUNT", description = "TDS, or 'all'.")
    String amount;

    @Override
    public Integer call() {
      BigInteger wei =
          amount.trim().equalsIgnoreCase("all")
              ? Settlement.ALL
              : ChainCommand.tokens(amount, "the amount to undelegate");
      Address op = devnet.resolve(operator);
      try (Settlement s = devnet.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        ChainCommand.printTx(out, s.queueWithdrawal(op, wei));
        Delegation d = s.delegation(op, s.account());
        out.printf(
            "queued: %s, withdrawable from %d (unix time) once %s's obligations up to #%d have ended%n",
            Tokens.format(d.pendingAmount()), d.availableAt(), op, d.obligationSeq());
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "withdraw",
      description =
          "Complete the --as account's queued withdrawal from OPERATOR: the tokens (less any slash since) come back.")
  static final class Withdraw implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(paramLabel = "OPERATOR", description = "An address or a devnet account name.")
    String operator;

    @Override
    public Integer call() {
      Address op = devnet.resolve(operator);
      try (Settlement s = devnet.connect()) {
        BigInteger before = s.balanceOf(s.account());
        PrintWriter out = spec.commandLine().getOut();
        ChainCommand.printTx(out, s.completeWithdrawal(op));
        out.println("withdrew " + Tokens.format(s.balanceOf(s.account()).subtract(before)));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "allocate",
      description =
          "Set the fraction of the --as operator's pool that backs ROLE (e.g. 50% or 0.5); "
              + "a lowered allocation stays slashable until the obligations open now have ended.")
  static final class Allocate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Parameters(
        index = "0",
        paramLabel = "ROLE",
        description = "One of COMPUTE, DA, VERIFIER, TEE.")
    String role;

    @Parameters(index = "1", paramLabel = "FRACTION", description = "0..1 or 0%..100%.")
    String fraction;

    @Override
    public Integer call() {
      Role r = Role.parse(ChainCommand.bounded(role, "ROLE"));
      BigInteger wad = fraction(fraction, "FRACTION");
      try (Settlement s = devnet.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        ChainCommand.printTx(out, s.setAllocation(r, wad));
        out.println(
            r
                + " allocation "
                + percent(wad)
                + ": weight "
                + Tokens.format(s.weightOf(s.account(), r)));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "deregister",
      description =
          "Take the --as operator out of the operator set (no open obligations allowed); its stakers can then withdraw everything.")
  static final class Deregister implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DevnetConnection devnet;

    @Override
    public Integer call() {
      try (Settlement s = devnet.connect()) {
        ChainCommand.printTx(spec.commandLine().getOut(), s.deregister());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "stakes",
      description =
          "The operator set with each pool's own, delegated and queued stake, and the --as account's delegations.")
  static final class Stakes implements Callable<Integer> {
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

    record DelegationLine(
        String operator, BigInteger active, BigInteger pending, long availableAt) {}

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
}
