package dev.trustdial.explorer.index;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An event's fields as text, by component name, in declaration order: what the database keeps and
 * the pages and the JSON API show (hex for hashes and addresses, decimal for amounts).
 */
public final class EventFields {
  private EventFields() {}

  public static Map<String, Object> of(Record event) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : event.getClass().getRecordComponents()) {
      if (c.getName().equals("where")) {
        continue;
      }
      try {
        out.put(c.getName(), text(c.getAccessor().invoke(event)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "cannot read " + c.getName() + " of " + event.getClass().getSimpleName(), e);
      }
    }
    return out;
  }

  /**
   * The inverse of {@link #of}: the event of kind {@code kind} at {@code where} with these stored
   * fields (a re-index replays the stored events before its block through the projections).
   */
  public static SettlementEvent decode(
      String kind, SettlementEvent.Where where, Map<String, Object> fields) {
    Class<?> type = null;
    for (Class<?> c : SettlementEvent.class.getPermittedSubclasses()) {
      if (c.getSimpleName().equals(kind)) {
        type = c;
      }
    }
    if (type == null || !type.isRecord()) {
      throw new IllegalStateException("the index holds an event of unknown kind " + kind);
    }
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      if (c.getName().equals("where")) {
        args[i] = where;
        continue;
      }
      if (!fields.containsKey(c.getName())) {
        throw new IllegalStateException(
            "stored " + kind + " at " + where + " lacks its field " + c.getName());
      }
      args[i] = value(c, fields.get(c.getName()));
    }
    try {
      return (SettlementEvent) type.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot rebuild stored " + kind + " at " + where + ": " + e, e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object value(RecordComponent c, Object stored) {
    Class<?> t = c.getType();
    String s = stored instanceof String str ? str : String.valueOf(stored);
    if (t == String.class) {
      return s;
    }
    if (t == long.class || t == Long.class) {
      return ((Number) stored).longValue();
    }
    if (t == int.class || t == Integer.class) {
      return ((Number) stored).intValue();
    }
    if (t == boolean.class || t == Boolean.class) {
      return (Boolean) stored;
    }
    if (s.isEmpty() && !Collection.class.isAssignableFrom(t)) {
      return null;
    }
    if (t == BigInteger.class) {
      return new BigInteger(s);
    }
    if (t == Address.class) {
      return Address.parse(s);
    }
    if (t == Bytes32.class) {
      return Bytes32.fromHex(s);
    }
    if (t.isEnum()) {
      return Enum.valueOf((Class) t, s);
    }
    if (t == ResultCommitment.class) {
      Map<String, Object> m = (Map<String, Object>) stored;
      return new ResultCommitment(
          Bytes32.fromHex((String) m.get("outputHash")),
          Bytes32.fromHex((String) m.get("finalStateHash")),
          ((Number) m.get("stepCount")).longValue(),
          Bytes32.fromHex((String) m.get("checkpointRoot")));
    }
    if (Set.class.isAssignableFrom(t)
        && c.getGenericType() instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] instanceof Class<?> e
        && e.isEnum()) {
      Set<Object> out = new LinkedHashSet<>();
      for (String part : s.isEmpty() ? new String[0] : s.split(",")) {
        out.add(Enum.valueOf((Class) e, part));
      }
      return Set.copyOf(out);
    }
    throw new IllegalStateException(
        "cannot rebuild a " + c.getGenericType() + " field (" + c.getName() + ") from the index");
  }

  /** The event's name as the contracts declare it ("JobAssigned"). */
  public static String kind(SettlementEvent e) {
    return e.getClass().getSimpleName();
  }

  private static Object text(Object v) {
    return switch (v) {
      case null -> "";
      case Bytes32 b -> b.toHex();
      case Address a -> a.toString();
      case BigInteger i -> i.toString();
      case ResultCommitment r ->
          Map.of(
              "outputHash",
              r.outputHash().toHex(),
              "finalStateHash",
              r.finalStateHash().toHex(),
              "stepCount",
              r.stepCount(),
              "checkpointRoot",
              r.checkpointRoot().toHex());
      case Collection<?> c ->
          c.stream()
              .map(x -> x instanceof Role r ? r.name() : String.valueOf(x))
              .sorted()
              .collect(Collectors.joining(","));
      case Enum<?> en -> en.name();
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i;
      default -> v.toString();
    };
  }
}
