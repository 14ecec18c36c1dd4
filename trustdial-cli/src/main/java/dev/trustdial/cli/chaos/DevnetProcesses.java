package dev.trustdial.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a devnet that another command started ({@code devnet up}), found by pid in its
 * descriptor: signalled with real signals and restarted through {@link Devnet#relaunch}. It
 * remembers what it stopped or paused so that {@link #restoreAll} leaves every process running,
 * honest.
 */
final class DevnetProcesses {
  private final Path dir;

  /** Processes this run SIGSTOPped and not yet continued. */
  private final Set<String> paused = ConcurrentHashMap.newKeySet();

  /** Processes this run stopped and not yet restarted, with the config to restart them from. */
  private final Map<String, Path> down = new ConcurrentHashMap<>();

  DevnetProcesses(Path dir) {
    this.dir = dir;
  }

  private ProcessHandle live(String name) {
    return DevnetDescriptor.read(dir).processes().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .flatMap(DevnetDescriptor.ProcessEntry::live)
        .orElseThrow(() -> new IllegalStateException(name + " is not running"));
  }

  boolean isRunning(String name) {
    return DevnetDescriptor.read(dir).processes().stream()
        .anyMatch(p -> p.name().equals(name) && p.live().isPresent());
  }

  /** SIGKILL, and wait until it is gone. */
  void kill(String name, Path restartConfig) {
    ProcessHandle h = live(name);
    down.put(name, restartConfig);
    h.destroyForcibly();
    await(h, 30);
  }

  /** SIGTERM (a clean stop before a restart with other flags); SIGKILL after 15 s. */
  void stop(String name) {
    ProcessHandle h = live(name);
    down.put(name, config(name));
    h.destroy();
    if (!await(h, 15)) {
      h.destroyForcibly();
      await(h, 15);
    }
  }

  void pause(String name) {
    long pid = live(name).pid();
    paused.add(name);
    signal(pid, name, "STOP");
  }

  void resume(String name) {
    if (paused.remove(name)) {
      signal(pid(name), name, "CONT");
    }
  }

  private long pid(String name) {
    return live(name).pid();
  }

  /** Starts a stopped operator or watchtower again with its devnet config and these flags. */
  void restart(String name, List<String> flags) {
    Path config = down.getOrDefault(name, config(name));
    Devnet.relaunch(dir, name, config, flags);
    down.remove(name);
  }

  /** DIR/NAME/config.json, as {@code devnet up} wrote it. */
  Path config(String name) {
    return dir.resolve(name).resolve("config.json");
  }

  /**
   * A copy of a DA node's config that listens on {@code port}, the one registered onchain for it
   * (the devnet's DA nodes pick a free port at first start), so that clients find it again.
   */
  Path daConfigOnPort(String name, int port) {
    Path original = config(name);
    try {
      if (Files.size(original) > 1 << 20) {
        throw new IllegalStateException(original + " is larger than 1 MiB");
      }
      JsonNode tree = Json.mapper().readTree(Files.readString(original, StandardCharsets.UTF_8));
      ((ObjectNode) tree).put("port", port);
      Path copy = dir.resolve(name).resolve("chaos-config.json");
      Files.writeString(
          copy, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a restart config for " + name, e);
    }
  }

  /** SIGCONT every process this run paused and restart, honest, every one it stopped. */
  void restoreAll(java.util.function.Consumer<String> progress) {
    for (String name : List.copyOf(paused)) {
      try {
        resume(name);
        progress.accept("SIGCONT " + name + " (left paused)");
      } catch (RuntimeException e) {
        progress.accept("cannot SIGCONT " + name + ": " + e.getMessage());
      }
    }
    for (Map.Entry<String, Path> e : Map.copyOf(down).entrySet()) {
      if (isRunning(e.getKey())) {
        down.remove(e.getKey());
        continue;
      }
      try {
        Devnet.relaunch(dir, e.getKey(), e.getValue(), List.of());
        down.remove(e.getKey());
        progress.accept("restarted " + e.getKey() + " (left stopped)");
      } catch (RuntimeException ex) {
        progress.accept("cannot restart " + e.getKey() + ": " + ex.getMessage());
      }
    }
  }

  /** Only the SIGCONTs: what a shutdown hook can still do quickly. */
  void resumeAll() {
    for (String name : List.copyOf(paused)) {
      try {
        resume(name);
      } catch (RuntimeException e) {
        // The process is gone; nothing to continue.
      }
    }
  }

  private static boolean await(ProcessHandle h, int seconds) {
    try {
      h.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void signal(long pid, String name, String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + pid + " (" + name + ") failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + name, e);
    }
  }
}
