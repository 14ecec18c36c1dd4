package dev.trustdial.node.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters and gauges of one node, rendered in the Prometheus text exposition format. */
public final class NodeMetrics {
  private final String role;
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  public NodeMetrics(String role) {
    this.role = role;
  }

  public void count(String name, String description) {
    help.putIfAbsent(name, description);
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  public void declareCounter(String name, String description) {
    help.putIfAbsent(name, description);
    counters.computeIfAbsent(name, k -> new AtomicLong());
  }

  public void gauge(String name, String description, long value) {
    help.putIfAbsent(name, description);
    gauges.computeIfAbsent(name, k -> new AtomicLong()).set(value);
  }

  public long value(String name) {
    AtomicLong v = counters.getOrDefault(name, gauges.get(name));
    return v == null ? 0 : v.get();
  }

  public String prometheus() {
    StringBuilder out = new StringBuilder();
    render(out, new TreeMap<>(counters), "counter");
    render(out, new TreeMap<>(gauges), "gauge");
    return out.toString();
  }

  private void render(StringBuilder out, Map<String, AtomicLong> values, String type) {
    values.forEach((name, v) -> {
      String full = "trustdial_" + role + "_" + name;
      out.append("# HELP ").append(full).append(' ').append(help.get(name)).append('\n');
      out.append("# TYPE ").append(full).append(' ').append(type).append('\n');
      out.append(full).append(' ').append(v.get()).append('\n');
    });
  }
}
