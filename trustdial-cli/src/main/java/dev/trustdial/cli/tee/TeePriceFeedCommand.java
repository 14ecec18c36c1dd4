package dev.trustdial.cli.tee;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "price-feed",
    description = {
      "Serve a local HTTPS price feed for trying TEE apps (dev only): GET /price answers a price that moves",
      "with the clock. Its CA is made at start and written to --root-out; apps trust it through their launch config's",
      "fetch.extraRootsPem. Prints 'listening PORT url URL root FILE'; runs until stopped."
    })
final class TeePriceFeedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--root-out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the feed's CA certificate (PEM).")
  Path rootOut;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(rootOut)) {
      throw new InvalidInputException(
          rootOut + " exists; the feed makes a new CA each start, give a new file");
    }
    dev.trustdial.tee.devfeed.PriceServer feed = dev.trustdial.tee.devfeed.PriceServer.start();
    Files.writeString(rootOut, feed.rootPem());
    Runtime.getRuntime().addShutdownHook(new Thread(feed::close));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "listening "
            + java.net.URI.create(feed.url("/")).getPort()
            + " url "
            + feed.url("/price")
            + " root "
            + rootOut.toAbsolutePath());
    out.flush();
    Thread.currentThread().join();
    return ExitCodes.OK;
  }
}
