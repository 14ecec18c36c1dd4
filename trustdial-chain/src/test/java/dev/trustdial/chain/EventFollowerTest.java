package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.crypto.Address;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFollowerTest {
  /** A chain of {@code blocks} blocks with two events in each, read through the port. */
  static SettlementPort chainOf(long blocks) {
    List<SettlementEvent> all = new ArrayList<>();
    for (long b = 0; b < blocks; b++) {
      for (int i = 0; i < 2; i++) {
        all.add(
            new SettlementEvent.OperatorExited(
                new SettlementEvent.Where(b, "0x" + b, i),
                Address.parse("0x000000000000000000000000000000000000000" + (i + 1)),
                false));
      }
    }
    return (SettlementPort)
        Proxy.newProxyInstance(
            SettlementPort.class.getClassLoader(),
            new Class<?>[] {SettlementPort.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "blockNumber" -> blocks - 1;
                  case "events" ->
                      all.stream()
                          .filter(e ->
                              e.where().block() >= (long) args[0]
                                  && e.where().block() <= (long) args[1])
                          .toList();
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void aHandlerThatFailsNowAndThenStillReachesTheEnd() {
    EventFollower f = new EventFollower(chainOf(50), EventFollower.Cursor.inMemory(0));
    List<SettlementEvent.Where> handled = new ArrayList<>();
    int[] calls = {0};
    int polls = 0;
    // Every seventh hand-off fails (a lost RPC reply inside the handler): with the cursor moved
    // only per batch, every poll would start at block 0 again and fail before block 4.
    while (f.next() < 50) {
      polls++;
      assertThat(polls).as("polls to reach the head").isLessThan(40);
      try {
        f.poll(e -> {
          if (++calls[0] % 7 == 0) {
            throw new IllegalStateException("connection refused (simulated)");
          }
          handled.add(e.where());
        });
      } catch (IllegalStateException expected) {
        // the next poll goes on from the failed event's block
      }
    }
    // every event was handled at least once, in chain order per poll, and the cursor never skipped
    for (long b = 0; b < 50; b++) {
      for (int i = 0; i < 2; i++) {
        assertThat(handled).contains(new SettlementEvent.Where(b, "0x" + b, i));
      }
    }
  }

  @Test
  void aFailedEventLeavesTheCursorAtItsBlockSoItIsHandedAgain() {
    EventFollower f = new EventFollower(chainOf(10), EventFollower.Cursor.inMemory(0));
    List<SettlementEvent.Where> handled = new ArrayList<>();
    assertThatThrownBy(() ->
            f.poll(e -> {
              if (e.where().block() == 6 && e.where().logIndex() == 1) {
                throw new IllegalStateException("lost");
              }
              handled.add(e.where());
            }))
        .hasMessage("lost");
    assertThat(f.next()).isEqualTo(6);
    handled.clear();
    assertThat(f.poll(e -> handled.add(e.where()))).isEqualTo(9);
    assertThat(handled.getFirst()).isEqualTo(new SettlementEvent.Where(6, "0x6", 0));
    assertThat(handled).hasSize(8);
    assertThat(f.next()).isEqualTo(10);
  }
}
