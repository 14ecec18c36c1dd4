package dev.trustdial.cli.da;

import dev.trustdial.da.DaClient;
import dev.trustdial.da.proxy.DaProxyServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trustdial da proxy}: the DA-proxy HTTP API (POST /put, GET /get/{key}) over this network.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description =
        "Serve POST /put (blob -> certificate) and GET /get/{key} (-> blob), as rollup DA proxies do.")
public final class DaProxyCommand implements Callable<Integer> {
  @Mixin DaNetworkOptions network;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Listen address, default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "3100",
      description = "Listen port, default: ${DEFAULT-VALUE}.")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    // Serves until the process ends; an interrupted call stops the server, then its client.
    try (DaClient da = network.client(new java.io.PrintWriter(System.err, true));
        DaProxyServer server = DaProxyServer.start(da, host, port)) {
      System.out.println("DA proxy listening on http://" + host + ":" + server.port());
      System.out.flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
