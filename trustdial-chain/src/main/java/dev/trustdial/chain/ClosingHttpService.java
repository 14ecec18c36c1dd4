package dev.trustdial.chain;

import okhttp3.Cache;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * web3j's JSON-RPC over HTTP with an end. {@code Web3j.shutdown()} closes its service, but web3j's
 * own {@link HttpService#close} does nothing: its OkHttp client kept its pooled sockets (and the
 * thread that watches them) until they idled out, minutes later. This service's {@link #close}
 * releases them at once.
 */
public final class ClosingHttpService extends HttpService {
  private final OkHttpClient http;

  ClosingHttpService(String rpcUrl, OkHttpClient http) {
    super(rpcUrl, http);
    this.http = http;
  }

  /**
   * web3j over a connection of its own (OkHttp's default 10 s timeouts) and its own poll thread:
   * its {@code shutdown()} releases both.
   */
  public static Web3j open(String rpcUrl) {
    return Settlement.openRpc(new ClosingHttpService(rpcUrl, new OkHttpClient.Builder().build()));
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    Cache cache = http.cache();
    if (cache != null) {
      try {
        cache.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("closing the RPC client's cache failed", e);
      }
    }
  }
}
