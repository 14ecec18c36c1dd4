package dev.trustdial.explorer.index;

import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
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
        throw new IllegalStateException("cannot read " + c.getName() + " of " + event.getClass().getSimpleName(), e);
      }
    }
    return out;
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
      case ResultCommitment r -> Map.of("outputHash", r.outputHash().toHex(), "finalStateHash", r.finalStateHash().toHex(),
          "stepCount", r.stepCount(), "checkpointRoot", r.checkpointRoot().toHex());
      case Collection<?> c -> c.stream().map(x -> x instanceof Role r ? r.name() : String.valueOf(x)).sorted().collect(Collectors.joining(","));
      case Enum<?> en -> en.name();
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i;
      default -> v.toString();
    };
  }
}
