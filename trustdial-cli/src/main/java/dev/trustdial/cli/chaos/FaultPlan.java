package dev.trustdial.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run, drawn from its seed alone: the same seed, minutes and devnet shape
 * give the same plan. Faults run in three lanes at once: crashes (operators killed or stalled), DA
 * outages, and adversaries (a liar, a false challenger); within a lane one at a time, so at most
 * one operator crashes and one DA node is down at once (the devnet's 4 DA nodes tolerate one). Each
 * lane first deals every kind it has once, in a seeded order, then draws kinds at random.
 */
public record FaultPlan(long seed, int minutes, List<Lane> lanes, List<String> notes) {
  /** How long a liar may wait for a job to lie about before it is restarted honest. */
  static final long LIAR_MAX_SECONDS = 90;

  /** A sequence of faults run one after the other. */
  public record Lane(String name, List<Fault> faults) {
    public Lane {
      faults = List.copyOf(faults);
    }
  }

  public FaultPlan {
    lanes = List.copyOf(lanes);
    notes = List.copyOf(notes);
  }

  /** The processes the plan may target and the heartbeat window that a long stall outlasts. */
  public record Shape(
      List<String> operators,
      List<String> daNodes,
      List<String> watchtowers,
      long heartbeatWindowSeconds) {
    public Shape {
      operators = List.copyOf(operators);
      daNodes = List.copyOf(daNodes);
      watchtowers = List.copyOf(watchtowers);
    }
  }

  public static FaultPlan draw(long seed, int minutes, Shape shape) {
    Random rnd = new Random(seed);
    long horizon = minutes * 60L;
    List<Lane> lanes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long window = shape.heartbeatWindowSeconds();
    if (shape.operators().isEmpty()) {
      notes.add("no operator runs: no crashes, no liar");
    } else {
      lanes.add(
          lane(
              "crash",
              rnd,
              horizon,
              List.of(Fault.Kind.KILL, Fault.Kind.STALL),
              (kind, at) -> {
                String target = pick(rnd, shape.operators());
                if (kind == Fault.Kind.KILL) {
                  return new Fault.Kill(target, at, between(rnd, 1, 10));
                }
                long stall = between(rnd, 3, 2 * window);
                return new Fault.Stall(target, at, stall, stall > window);
              }));
    }
    // 4 DA nodes at a two-thirds threshold certify with 3: one may be down, no more.
    if (shape.daNodes().size() >= 4) {
      lanes.add(
          lane(
              "da",
              rnd,
              horizon,
              List.of(Fault.Kind.DA_DOWN),
              (kind, at) -> new Fault.DaDown(pick(rnd, shape.daNodes()), at, between(rnd, 5, 30))));
    } else {
      notes.add(
          "no DA outage: "
              + shape.daNodes().size()
              + " DA node(s) certify only with all of them up (4 tolerate one down)");
    }
    List<Fault.Kind> adversaries = new ArrayList<>();
    if (shape.operators().size() >= 2 && !shape.watchtowers().isEmpty()) {
      adversaries.add(Fault.Kind.LIAR);
    } else {
      notes.add("no liar: it takes two operators and a watchtower to catch one");
    }
    if (!shape.watchtowers().isEmpty() && !shape.operators().isEmpty()) {
      adversaries.add(Fault.Kind.FALSE_CHALLENGER);
    } else {
      notes.add("no false challenger: it takes a watchtower and an operator");
    }
    if (!adversaries.isEmpty()) {
      lanes.add(
          lane(
              "adversary",
              rnd,
              horizon,
              adversaries,
              (kind, at) ->
                  kind == Fault.Kind.LIAR
                      ? new Fault.Liar(pick(rnd, shape.operators()), at, LIAR_MAX_SECONDS)
                      : new Fault.FalseChallenger(
                          pick(rnd, shape.watchtowers()), at, between(rnd, 15, 40))));
    }
    return new FaultPlan(seed, minutes, lanes, notes);
  }

  private interface Maker {
    Fault make(Fault.Kind kind, long at);
  }

  /**
   * Faults from a seeded start until the horizon: each kind once (shuffled), then random kinds; the
   * next fault may start when the previous one is expected to be over plus a seeded gap.
   */
  private static Lane lane(
      String name, Random rnd, long horizon, List<Fault.Kind> kinds, Maker maker) {
    List<Fault.Kind> deck = new ArrayList<>(kinds);
    Collections.shuffle(deck, rnd);
    List<Fault> faults = new ArrayList<>();
    long at = between(rnd, 5, 15);
    while (at < horizon) {
      Fault.Kind kind =
          faults.size() < deck.size()
              ? deck.get(faults.size())
              : kinds.get(rnd.nextInt(kinds.size()));
      Fault f = maker.make(kind, at);
      faults.add(f);
      at += expectedSeconds(f) + between(rnd, 3, 10);
    }
    return new Lane(name, faults);
  }

  /** What a fault is expected to take on this machine, JVM restarts (about 20 s) included. */
  static long expectedSeconds(Fault f) {
    return switch (f) {
      case Fault.Kill k -> k.downSeconds() + 20;
      case Fault.Stall s -> s.stallSeconds();
      case Fault.DaDown d -> d.downSeconds() + 15;
      case Fault.Liar _ -> 60;
      case Fault.FalseChallenger c -> c.windowSeconds() + 40;
    };
  }

  private static long between(Random rnd, long lo, long hi) {
    return lo + rnd.nextLong(hi - lo + 1);
  }

  private static String pick(Random rnd, List<String> names) {
    return names.get(rnd.nextInt(names.size()));
  }

  /** How many faults of each kind the plan holds. */
  public java.util.Map<Fault.Kind, Integer> counts() {
    java.util.Map<Fault.Kind, Integer> c = new java.util.EnumMap<>(Fault.Kind.class);
    for (Fault.Kind k : Fault.Kind.values()) {
      c.put(k, 0);
    }
    lanes.forEach(l -> l.faults().forEach(f -> c.merge(f.kind(), 1, Integer::sum)));
    return c;
  }

  /** The plan as printed before the run. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add(
        "fault plan for seed "
            + seed
            + ", "
            + minutes
            + " minute(s) (the same for the same seed; the real processes' timing varies, so"
            + " a fault may start later than planned):");
    for (Lane l : lanes) {
      out.add("  lane " + l.name() + ":");
      for (Fault f : l.faults()) {
        out.add(String.format("    t>=%4d s  %s", f.notBeforeSeconds(), f.describe()));
      }
    }
    notes.forEach(n -> out.add("  " + n));
    return out;
  }
}
