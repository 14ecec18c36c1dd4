package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.node.metrics.NodeMetrics;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SnapshotSourceTest {
  private static final BigInteger JOB = BigInteger.valueOf(7);
  private static final byte[] INTACT = {1, 2, 3, 4};
  private static final Bytes32 KEY = Hashes.keccak256(INTACT);
  private static final Bytes32 STATE = Hashes.keccak256(new byte[] {42});
  private static final SnapshotSource.Checkpoint ONCHAIN =
      new SnapshotSource.Checkpoint(JOB, 65536, KEY);

  /** A journal in memory. */
  private static final class FakeLocal implements SnapshotSource.Local {
    final Map<BigInteger, JobJournal.Entry> entries = new HashMap<>();
    final Map<BigInteger, byte[]> snapshots = new HashMap<>();

    FakeLocal with(Bytes32 key, byte[] snapshot) {
      entries.put(JOB, new JobJournal.Entry(JOB, 1, 65536, STATE, key, false));
      snapshots.put(JOB, snapshot);
      return this;
    }

    @Override
    public Optional<JobJournal.Entry> job(BigInteger jobId) {
      return Optional.ofNullable(entries.get(jobId));
    }

    @Override
    public Optional<byte[]> snapshot(BigInteger jobId) {
      return Optional.ofNullable(snapshots.get(jobId));
    }
  }

  /** DA holding the intact copy, recording what it was asked for. */
  private static final class FakeDa implements Function<Bytes32, byte[]> {
    final List<Bytes32> fetched = new ArrayList<>();
    final Map<Bytes32, byte[]> blobs = new HashMap<>(Map.of(KEY, INTACT));

    @Override
    public byte[] apply(Bytes32 key) {
      fetched.add(key);
      byte[] b = blobs.get(key);
      if (b == null) {
        throw new IllegalStateException("DA has no blob " + key);
      }
      return b;
    }
  }

  /** Like Vm.restore: the bytes must be the ones whose hash is named onchain, else it throws. */
  private static byte[] restore(byte[] bytes) {
    if (!Hashes.keccak256(bytes).equals(KEY)) {
      throw new IllegalArgumentException("snapshot state hash differs from the checkpoint's");
    }
    return bytes;
  }

  private final NodeMetrics metrics = new NodeMetrics("operator");
  private final FakeDa da = new FakeDa();

  @Test
  void anIntactLocalSnapshotIsUsedWithoutAskingDa() {
    byte[] localCopy = INTACT.clone();
    byte[] got =
        new SnapshotSource(new FakeLocal().with(KEY, localCopy), da, metrics)
            .restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(got).isSameAs(localCopy);
    assertThat(da.fetched).isEmpty();
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isZero();
  }

  @Test
  void aTruncatedLocalSnapshotFallsBackToTheDaCopyNamedOnchain() {
    FakeLocal local = new FakeLocal().with(KEY, Arrays.copyOf(INTACT, 2));
    byte[] got =
        new SnapshotSource(local, da, metrics).restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(got).isSameAs(da.blobs.get(KEY));
    assertThat(da.fetched).containsExactly(KEY);
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isEqualTo(1);
  }

  @Test
  void aGarbledLocalSnapshotFallsBackToTheDaCopyNamedOnchain() {
    FakeLocal local = new FakeLocal().with(KEY, new byte[] {1, 2, 3, 5});
    byte[] got =
        new SnapshotSource(local, da, metrics).restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(got).containsExactly(INTACT);
    assertThat(da.fetched).containsExactly(KEY);
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isEqualTo(1);
  }

  @Test
  void aLocalSnapshotOfAnotherCheckpointIsNotTried() {
    // The journal names another blob than the chain (a crash between journaling and heartbeating):
    // DA's copy, nothing damaged.
    FakeLocal local = new FakeLocal().with(Hashes.keccak256(new byte[] {9}), new byte[] {9});
    byte[] got =
        new SnapshotSource(local, da, metrics).restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(got).containsExactly(INTACT);
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isZero();
  }

  @Test
  void noLocalSnapshotUsesDa() {
    byte[] got =
        new SnapshotSource(new FakeLocal(), da, metrics)
            .restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(got).containsExactly(INTACT);
    assertThat(da.fetched).containsExactly(KEY);
  }

  @Test
  void theListenerHearsWhereEachRestoredCheckpointCameFromAndNothingOfAFailure() {
    // What the operator's /health shows as lastRestore.
    List<SnapshotSource.Restored> heard = new ArrayList<>();
    new SnapshotSource(new FakeLocal().with(KEY, INTACT.clone()), da, metrics, heard::add)
        .restore(ONCHAIN, SnapshotSourceTest::restore);
    new SnapshotSource(new FakeLocal().with(KEY, new byte[] {1, 2}), da, metrics, heard::add)
        .restore(ONCHAIN, SnapshotSourceTest::restore);
    assertThat(heard)
        .containsExactly(
            new SnapshotSource.Restored(ONCHAIN, false),
            new SnapshotSource.Restored(ONCHAIN, true));

    da.blobs.put(KEY, new byte[] {0});
    SnapshotSource failing = new SnapshotSource(new FakeLocal(), da, metrics, heard::add);
    assertThatThrownBy(() -> failing.restore(ONCHAIN, SnapshotSourceTest::restore))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(heard).hasSize(2);
  }

  @Test
  void onlyWhenTheDaCopyFailsTooDoesTheFailureReachTheCaller() {
    da.blobs.put(KEY, new byte[] {0});
    FakeLocal local = new FakeLocal().with(KEY, new byte[] {1});
    assertThatThrownBy(() ->
            new SnapshotSource(local, da, metrics).restore(ONCHAIN, SnapshotSourceTest::restore))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(da.fetched).containsExactly(KEY);
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isEqualTo(1);
  }
}
