package dev.trustdial.node.operator;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.vm.checkpoint.SnapshotChain;
import java.math.BigInteger;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's last checkpoint is restored from: our own snapshot in the data dir when the journal
 * says it is the one named onchain, else, or when that copy does not restore (a truncated or
 * garbled file fails the check against the onchain state hash), the DA copy named onchain. Only
 * when the DA copy fails too does the failure reach the caller (which then drops the checkpoint
 * with restartJob): a damaged local file alone never costs the job. A checkpoint stored as a chain
 * link (docs/spec/vm.md §8.1) is folded into one full snapshot before {@code restore} sees it: from
 * the journal's links for our own copy, from DA (each delta names its parent's blob key) otherwise.
 */
final class SnapshotSource {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSource.class);
  static final String DAMAGED = "local_snapshot_damaged_total";
  static final String DAMAGED_HELP =
      "Local checkpoint snapshots that did not restore (the DA copy was used instead)";

  /** The operator's own copies: {@link JobJournal} in the node. */
  interface Local {
    Optional<JobJournal.Entry> job(BigInteger jobId);

    Optional<byte[]> snapshot(BigInteger jobId);

    /** A link of the job's checkpoint chain kept locally (docs/spec/vm.md §8.1), by its hash. */
    default Optional<byte[]> link(BigInteger jobId, Bytes32 linkHash) {
      return Optional.empty();
    }
  }

  /** The checkpoint named onchain: the job's last heartbeat. */
  record Checkpoint(BigInteger jobId, long step, Bytes32 blobKey) {}

  /** A checkpoint restored, and from where: our own copy ({@code fromDa} false) or DA. */
  record Restored(Checkpoint checkpoint, boolean fromDa) {}

  private final Local local;
  private final Function<Bytes32, byte[]> da;
  private final NodeMetrics metrics;
  private final Consumer<Restored> restored;
  private final SnapshotChain.Limits limits = SnapshotChain.Limits.DEFAULT;

  SnapshotSource(Local local, Function<Bytes32, byte[]> da, NodeMetrics metrics) {
    this(local, da, metrics, r -> {});
  }

  /** {@code restored} hears of each checkpoint restored (the node's /health shows the last). */
  SnapshotSource(
      Local local, Function<Bytes32, byte[]> da, NodeMetrics metrics, Consumer<Restored> restored) {
    this.local = local;
    this.da = da;
    this.metrics = metrics;
    this.restored = restored;
    metrics.declareCounter(DAMAGED, DAMAGED_HELP);
  }

  /**
   * Restores {@code cp} with {@code restore} (which throws when the bytes do not restore): from the
   * local copy first when it is the one onchain, then from DA. A failure of the DA copy (fetch or
   * restore) is thrown as is.
   */
  <T> T restore(Checkpoint cp, Function<byte[], T> restore) {
    Optional<byte[]> mine =
        local
            .job(cp.jobId())
            .filter(e -> e.snapshotBlobKey().equals(cp.blobKey()))
            .flatMap(e -> local.snapshot(cp.jobId()));
    if (mine.isPresent()) {
      try {
        T machine =
            restore.apply(
                SnapshotChain.fullSnapshotBytes(mine.get(), localLinks(cp.jobId()), limits));
        LOG.info("job {}: resuming from our own snapshot at step {}", cp.jobId(), cp.step());
        restored.accept(new Restored(cp, false));
        return machine;
      } catch (RuntimeException e) {
        metrics.count(DAMAGED, DAMAGED_HELP);
        LOG.warn(
            "job {}: our local snapshot of step {} is damaged ({}); restoring the intact copy from DA ({}) instead",
            cp.jobId(),
            cp.step(),
            e.getMessage(),
            cp.blobKey());
      }
    }
    LOG.info(
        "job {}: restoring the snapshot at step {} from DA ({})",
        cp.jobId(),
        cp.step(),
        cp.blobKey());
    // A delta names its parent's DA blob key as the locator; the chain check makes a wrong blob a
    // refused link.
    T machine =
        restore.apply(
            SnapshotChain.fullSnapshotBytes(
                da.apply(cp.blobKey()), (hash, locator) -> da.apply(locator), limits));
    restored.accept(new Restored(cp, true));
    return machine;
  }

  private SnapshotChain.LinkSource localLinks(BigInteger jobId) {
    return (hash, locator) ->
        local
            .link(jobId, hash)
            .orElseThrow(
                () -> new IllegalStateException("link " + hash + " is not in the local journal"));
  }
}
