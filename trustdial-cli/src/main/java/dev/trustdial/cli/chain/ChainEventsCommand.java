package dev.trustdial.cli.chain;

import static dev.trustdial.cli.chain.ChainCommand.printJson;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "events", description = "Print the settlement events of a block range.")
final class ChainEventsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevnetConnection devnet;

  @Option(names = "--from", defaultValue = "0")
  long from;

  @Option(names = "--json")
  boolean json;

  @Override
  public Integer call() {
    if (from < 0) {
      throw new InvalidInputException("--from must not be negative");
    }
    try (Settlement s = devnet.connect()) {
      long head = s.blockNumber();
      if (from > head) {
        throw new InvalidInputException("--from " + from + " is past the chain head " + head);
      }
      List<SettlementEvent> events = s.events().read(from, head);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        printJson(
            out,
            events.stream()
                .map(e -> java.util.Map.of("type", e.getClass().getSimpleName(), "event", e))
                .toList());
      } else {
        for (SettlementEvent e : events) {
          out.printf("block %-6d %s%n", e.where().block(), e);
        }
        out.flush();
      }
    }
    return ExitCodes.OK;
  }
}
