package dev.trustdial.cli.devnet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustdial.chain.Deployment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code DIR/devnet.json}: how to reach a running devnet and act on it. Written atomically once the
 * devnet is ready; removed by {@code devnet down}. Holds the devnet's PUBLIC test keys only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevnetDescriptor(
    String rpcUrl,
    long chainId,
    Map<String, String> contracts,
    List<Account> accounts,
    List<ProcessEntry> processes,
    String startedAt) {

  /** A funded devnet account and what the devnet uses it for. */
  public record Account(String name, String address, String privateKey, String purpose) {}

  /**
   * A background process of the devnet (anvil now; DA nodes, operators later). The start time tells
   * it apart from an unrelated process that later got the same pid.
   */
  public record ProcessEntry(String name, long pid, long startedAtMillis, String log) {
    public static ProcessEntry of(String name, long pid, Path log) {
      long started =
          ProcessHandle.of(pid)
              .flatMap(h -> h.info().startInstant())
              .map(java.time.Instant::toEpochMilli)
              .orElse(0L);
      return new ProcessEntry(name, pid, started, log.toAbsolutePath().toString());
    }

    /** The live process this entry names, if it still runs. */
    public java.util.Optional<ProcessHandle> live() {
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h ->
              startedAtMillis == 0
                  || h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L)
                      == startedAtMillis);
    }
  }

  public static final String FILE = "devnet.json";
  private static final ObjectMapper JSON =
      Json.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final long MAX_BYTES = 1 << 20;

  public Deployment deployment() {
    Map<String, Address> m = new TreeMap<>();
    contracts.forEach((k, v) -> m.put(k, Address.parse(v)));
    return Deployment.fromNames(chainId, m);
  }

  public Account account(String name) {
    return accounts.stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new InvalidInputException("the devnet has no account named '" + name + "'"));
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    try {
      Files.move(
          tmp,
          dir.resolve(FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  public static DevnetDescriptor read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new InvalidInputException(
          "no devnet in "
              + dir
              + " (no "
              + FILE
              + "); start one with 'trustdial devnet up --dir "
              + dir
              + "'");
    }
    try {
      if (Files.size(f) > MAX_BYTES) {
        throw new InvalidInputException(f + " is larger than 1 MiB; it is not a devnet descriptor");
      }
      return JSON.readValue(f.toFile(), DevnetDescriptor.class);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
