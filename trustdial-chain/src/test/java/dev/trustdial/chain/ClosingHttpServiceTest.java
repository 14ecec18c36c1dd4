package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

/**
 * web3j's own HttpService keeps OkHttp's pooled keep-alive connection for minutes after {@code
 * shutdown()}; ours must hang up at once. A one-connection JSON-RPC server answers eth_chainId with
 * keep-alive and then waits to see the client close the socket.
 */
class ClosingHttpServiceTest {
  @Test
  void shutdownClosesThePooledConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> hungUp =
          CompletableFuture.supplyAsync(() -> serveOneCallThenAwaitHangUp(server));
      Web3j web3j = ClosingHttpService.open("http://127.0.0.1:" + server.getLocalPort());
      assertThat(web3j.ethChainId().send().getChainId().longValueExact()).isEqualTo(31337L);
      web3j.shutdown();
      assertThat(hungUp.get(10, TimeUnit.SECONDS)).isEqualTo("client closed the connection");
    }
  }

  private static String serveOneCallThenAwaitHangUp(ServerSocket server) {
    try (Socket s = server.accept()) {
      InputStream in = s.getInputStream();
      int length = contentLength(headers(in));
      in.readNBytes(length);
      byte[] body =
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0x7a69\"}".getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      // Keep-alive: the connection stays until the client hangs up (read returns -1).
      s.setSoTimeout(5_000);
      try {
        return in.read() == -1 ? "client closed the connection" : "client sent more";
      } catch (SocketTimeoutException e) {
        return "the connection was still open 5 s after shutdown";
      }
    } catch (IOException e) {
      return "server failed: " + e;
    }
  }

  private static String headers(InputStream in) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    while (!h.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || h.size() > 16 * 1024) {
        throw new IOException("no complete request head");
      }
      h.write(b);
    }
    return h.toString(StandardCharsets.US_ASCII);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }
}
