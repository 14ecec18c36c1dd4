package dev.trustdial.node.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and gauges of one node, rendered in the Prometheus text exposition format. A counter may
 * carry one label ({@code name{label="value"}}): each label value is its own series under the one
 * {@code # HELP}/{@code # TYPE} header.
 */
public final class NodeMetrics {
  /** The series key of a counter without labels. */
  private static final String NO_LABELS = "";

  private final String role;

  /** Counter name -> series (their rendered label set, {@link #NO_LABELS} for none) -> value. */
  private final Map<String, Map<String, AtomicLong>> counters = new ConcurrentHashMap<>();

  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  public NodeMetrics(String role) {
    this.role = role;
  }

  public void count(String name, String description) {
    series(name, description, NO_LABELS).incrementAndGet();
  }

  /** Counts one in the series of {@code name} whose {@code label} is {@code value}. */
  public void count(String name, String description, String label, String value) {
    series(name, description, labels(label, value)).incrementAndGet();
  }

  public void declareCounter(String name, String description) {
    series(name, description, NO_LABELS);
  }

  /**
   * Declares the series of {@code name} whose {@code label} is {@code value} (at 0 until counted).
   */
  public void declareCounter(String name, String description, String label, String value) {
    series(name, description, labels(label, value));
  }

  public void gauge(String name, String description, long value) {
    help.putIfAbsent(name, description);
    gauges.computeIfAbsent(name, k -> new AtomicLong()).set(value);
  }

  /** A gauge's value, or a counter's: its unlabelled series, or the sum of its labelled ones. */
  public long value(String name) {
    Map<String, AtomicLong> series = counters.get(name);
    if (series != null) {
      AtomicLong plain = series.get(NO_LABELS);
      return plain != null
          ? plain.get()
          : series.values().stream().mapToLong(AtomicLong::get).sum();
    }
    AtomicLong g = gauges.get(name);
    return g == null ? 0 : g.get();
  }

  /** The value of one labelled series of a counter (0 if it was never declared or counted). */
  public long value(String name, String label, String value) {
    AtomicLong v = counters.getOrDefault(name, Map.of()).get(labels(label, value));
    return v == null ? 0 : v.get();
  }

  public String prometheus() {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(counters)
        .forEach((name, series) -> {
          header(out, name, "counter");
          new TreeMap<>(series).forEach((labels, v) -> sample(out, name, labels, v.get()));
        });
    new TreeMap<>(gauges)
        .forEach((name, v) -> {
          header(out, name, "gauge");
          sample(out, name, NO_LABELS, v.get());
        });
    return out.toString();
  }

  private AtomicLong series(String name, String description, String labels) {
    help.putIfAbsent(name, description);
    return counters
        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(labels, k -> new AtomicLong());
  }

  private static String labels(String label, String value) {
    if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw new IllegalArgumentException("not a Prometheus label name: " + label);
    }
    String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return "{" + label + "=\"" + escaped + "\"}";
  }

  private void header(StringBuilder out, String name, String type) {
    String full = full(name);
    out.append("# HELP ").append(full).append(' ').append(help.get(name)).append('\n');
    out.append("# TYPE ").append(full).append(' ').append(type).append('\n');
  }

  private void sample(StringBuilder out, String name, String labels, long value) {
    out.append(full(name)).append(labels).append(' ').append(value).append('\n');
  }

  private String full(String name) {
    return "trustdial_" + role + "_" + name;
  }
}
