package dev.trustdial.node.process;

import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.process.ChildJvm;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.node.DaNodeMain;
import dev.trustdial.node.config.DaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Four DA node JVMs with a chain-less operator set and a certificate directory shared by every node
 * process.
 */
final class DaNetwork implements AutoCloseable {
  final Path dir;
  final List<ChildJvm.Started> nodes = new ArrayList<>();

  private DaNetwork(Path dir) {
    this.dir = dir;
  }

  static DaNetwork start(Path dir, int count) throws Exception {
    DaNetwork n = new DaNetwork(dir);
    Files.createDirectories(dir);
    List<Operator> ops = new ArrayList<>();
    List<Path> configs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Secp256k1Key k = Secp256k1Key.fromPrivateKeyHex("0x" + String.format("%064x", 7000 + i));
      int port = freePort();
      ops.add(
          new Operator(
              k.address(), BigInteger.valueOf(1000), URI.create("http://127.0.0.1:" + port)));
      Path cfg = dir.resolve("da" + i + ".json");
      Files.writeString(
          cfg,
          """
          {"privateKey": "%s", "host": "127.0.0.1", "port": %d, "dataDir": "da%d-data",
           "operators": "operators.json", "sweepIntervalSeconds": 60, "maxRetentionSeconds": 86400}
          """
              .formatted(k.privateKeyHex(), port, i));
      configs.add(cfg);
    }
    OperatorSetFile.write(new OperatorSet(0, ops), dir.resolve("operators.json"));
    List<Thread> starters = new ArrayList<>();
    ChildJvm.Started[] started = new ChildJvm.Started[count];
    Exception[] failure = new Exception[1];
    for (int i = 0; i < count; i++) {
      int idx = i;
      starters.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  started[idx] =
                      ChildJvm.Launch.of(
                              "da" + idx, DaNodeMain.class, dir.resolve("da" + idx + ".log"))
                          .withArgs(List.of(configs.get(idx).toString()))
                          .start();
                } catch (Exception e) {
                  failure[0] = e;
                }
              }));
    }
    for (Thread t : starters) {
      t.join();
    }
    for (ChildJvm.Started p : started) {
      if (p != null) {
        n.nodes.add(p);
      }
    }
    if (failure[0] != null) {
      n.close();
      throw failure[0];
    }
    return n;
  }

  DaSettings.Local settings() {
    return new DaSettings.Local(
        dir.resolve("operators.json"), dir.resolve("certs"), 6667, Duration.ofHours(1));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (ChildJvm.Started p : nodes) {
      p.close();
    }
  }
}
