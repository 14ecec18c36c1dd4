package dev.trustdial.node.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.node.metrics.NodeMetrics;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.Checkpoint;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint pipeline against a fake DA (blob key = keccak256 of the bytes, puts recorded, can
 * fail or block) and a fake chain (heartbeats recorded, each checked to name a blob already put):
 * order, certified heartbeats, back-pressure, failure propagation, drain, and restoring every
 * heartbeated checkpoint from DA alone and from the journal.
 */
class CheckpointPipelineTest {
  static final long STRIDE = 1 << 12;
  static final VmConfig CFG = VmConfig.defaults().withCheckpointEvery(STRIDE);
  static final byte[] INPUT = {40, 0, 0, 0, 'p', 'i', 'p', 'e'};
  static final BigInteger JOB = BigInteger.valueOf(11);

  @TempDir Path dir;
  private ExecutorService pool;

  static byte[] elf() throws Exception {
    return Files.readAllBytes(Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf"));
  }

  /** DA: blob key = keccak256(bytes); a put can fail or wait on a latch. */
  static final class FakeDa implements CheckpointPipeline.Store {
    final Map<Bytes32, byte[]> blobs = Collections.synchronizedMap(new LinkedHashMap<>());
    volatile int failAtPut = -1;
    volatile CountDownLatch gate;
    int puts;

    synchronized int puts() {
      return puts;
    }

    @Override
    public Bytes32 put(byte[] bytes) {
      int n;
      synchronized (this) {
        n = ++puts;
      }
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      if (n == failAtPut) {
        throw new IllegalStateException("DA quorum not reached");
      }
      Bytes32 key = Hashes.keccak256(bytes);
      blobs.put(key, bytes.clone());
      return key;
    }

    byte[] get(Bytes32 key) {
      byte[] b = blobs.get(key);
      if (b == null) {
        throw new IllegalStateException("DA has no blob " + key);
      }
      return b;
    }
  }

  /** The chain: heartbeats in order; each must name a blob DA already holds (certified). */
  static final class FakeChain implements CheckpointPipeline.Heartbeat {
    final FakeDa da;
    final List<Checkpoint> heartbeats = Collections.synchronizedList(new ArrayList<>());
    final List<Bytes32> keys = Collections.synchronizedList(new ArrayList<>());
    volatile long failAtStep = -1;

    FakeChain(FakeDa da) {
      this.da = da;
    }

    @Override
    public void post(long step, Bytes32 stateHash, Bytes32 blobKey) {
      assertThat(da.blobs).as("heartbeat at %d names a certified blob", step).containsKey(blobKey);
      if (step == failAtStep) {
        throw new IllegalStateException("heartbeat reverted: NotAssignee");
      }
      heartbeats.add(new Checkpoint(step, stateHash));
      keys.add(blobKey);
    }
  }

  @AfterEach
  void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /**
   * Runs the guest, submitting every non-terminal checkpoint as the operator does; returns the live
   * checkpoints submitted.
   */
  static List<Checkpoint> run(Machine m, CheckpointPipeline p) {
    List<Checkpoint> submitted = new ArrayList<>();
    m.run(
        1L << 40,
        (cp, machine) -> {
          if (!machine.terminal() && cp.step() > 0) {
            submitted.add(cp);
            p.submit(machine);
          }
        });
    return submitted;
  }

  @Test
  void aMinimumIntervalWritesAtMostOnceAnIntervalAndTheHeldOnesRestoreFromTheNewest()
      throws Exception {
    FakeDa da = new FakeDa();
    FakeChain chain = new FakeChain(da);
    long[] clock = {0};
    CheckpointPipeline p =
        new CheckpointPipeline(
            Runnable::run,
            2,
            4,
            3,
            true,
            1000,
            () -> clock[0],
            da,
            CheckpointPipeline.Journal.NONE,
            chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    List<Checkpoint> submitted = new ArrayList<>();
    m.run(
        1L << 40,
        (cp, machine) -> {
          if (!machine.terminal() && cp.step() > 0) {
            submitted.add(cp);
            clock[0] += 300; // a stride every 300 ms: about one write in four checkpoints
            p.submit(machine);
            // held checkpoints count as pending, but never make the VM wait
            assertThat(p.pending()).isLessThanOrEqualTo(4);
          }
        });
    assertThat(submitted).hasSizeGreaterThan(12);
    // the first checkpoint is written at once; later ones at most once per 1000 ms of the clock
    assertThat(chain.heartbeats.getFirst()).isEqualTo(submitted.getFirst());
    assertThat(chain.heartbeats.size()).isLessThan(submitted.size() / 3 + 2);
    int beforeDrain = chain.heartbeats.size();
    p.drain(); // hands on the held tail: the newest checkpoint is heartbeated
    assertThat(chain.heartbeats).hasSizeGreaterThan(beforeDrain);
    assertThat(chain.heartbeats.getLast()).isEqualTo(submitted.getLast());
    assertThat(submitted).containsAll(chain.heartbeats);
    assertThat(p.pending()).isZero();
    assertThat(p.stats().coalesced()).isEqualTo(submitted.size() - chain.heartbeats.size());
    SnapshotSource fromDa =
        new SnapshotSource(new EmptyLocal(), da::get, new NodeMetrics("operator"));
    for (int i = 0; i < chain.heartbeats.size(); i++) {
      Checkpoint cp = chain.heartbeats.get(i);
      Machine back =
          fromDa.restore(
              new SnapshotSource.Checkpoint(JOB, cp.step(), chain.keys.get(i)),
              bytes -> Vm.restore(bytes, INPUT, CFG, cp.stateHash()));
      assertThat(back.step()).isEqualTo(cp.step());
    }
  }

  @Test
  void aMinimumIntervalNeedsCoalescingAndAnAsynchronousPipeline() {
    FakeDa da = new FakeDa();
    assertThatThrownBy(() ->
            new CheckpointPipeline(
                Runnable::run, 0, 4, 3, true, 1000, () -> 0, da, w -> {}, new FakeChain(da)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs coalescing and maxPending > 0");
    assertThatThrownBy(() ->
            new CheckpointPipeline(
                Runnable::run, 2, 4, 3, false, 1000, () -> 0, da, w -> {}, new FakeChain(da)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void heartbeatsFollowStepOrderAndEachRestoresFromDaAlone() throws Exception {
    FakeDa da = new FakeDa();
    FakeChain chain = new FakeChain(da);
    List<CheckpointPipeline.Written> journaled = new ArrayList<>();
    CheckpointPipeline p = new CheckpointPipeline(Runnable::run, 2, 4, da, journaled::add, chain);
    List<Checkpoint> submitted = run(Vm.load(elf(), INPUT, CFG), p);
    p.drain();
    assertThat(submitted).hasSizeGreaterThan(12);
    assertThat(chain.heartbeats).containsExactlyElementsOf(submitted);
    assertThat(journaled)
        .extracting(CheckpointPipeline.Written::depth)
        .startsWith(0, 1, 2, 3, 0, 1, 2, 3, 0);
    assertThat(p.stats().fullLinks()).isEqualTo((submitted.size() + 3) / 4);
    // the takeover rule: any heartbeated checkpoint restores from DA alone (each delta names its
    // parent's blob key)
    SnapshotSource fromDa =
        new SnapshotSource(new EmptyLocal(), da::get, new NodeMetrics("operator"));
    for (int i = 0; i < chain.heartbeats.size(); i++) {
      Checkpoint cp = chain.heartbeats.get(i);
      Machine back =
          fromDa.restore(
              new SnapshotSource.Checkpoint(JOB, cp.step(), chain.keys.get(i)),
              bytes -> Vm.restore(bytes, INPUT, CFG, cp.stateHash()));
      assertThat(back.step()).isEqualTo(cp.step());
    }
  }

  @Test
  void submitBlocksWhileMaxPendingCheckpointsArePending() throws Exception {
    FakeDa da = new FakeDa();
    da.gate = new CountDownLatch(1);
    FakeChain chain = new FakeChain(da);
    pool = Executors.newSingleThreadExecutor();
    CheckpointPipeline p =
        new CheckpointPipeline(
            pool, 2, 4, 3, false, 0, () -> 0, da, CheckpointPipeline.Journal.NONE, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    m.runTo(STRIDE, CheckpointSink.NONE);
    p.submit(m);
    m.runTo(2 * STRIDE, CheckpointSink.NONE);
    p.submit(m);
    assertThat(p.pending()).isEqualTo(2);
    m.runTo(3 * STRIDE, CheckpointSink.NONE);
    Thread vm = Thread.ofPlatform().start(() -> p.submit(m));
    while (vm.getState() != Thread.State.WAITING) {
      assertThat(vm.isAlive()).as("the third submit must wait, not return").isTrue();
      Thread.onSpinWait();
    }
    assertThat(p.pending()).isEqualTo(2);
    assertThat(chain.heartbeats).isEmpty();
    da.gate.countDown();
    vm.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(vm.isAlive()).isFalse();
    p.drain();
    assertThat(chain.heartbeats)
        .extracting(Checkpoint::step)
        .containsExactly(STRIDE, 2 * STRIDE, 3 * STRIDE);
    assertThat(p.pending()).isZero();
    assertThat(p.stats().blockedNanos()).isPositive();
  }

  @Test
  void withMaxPendingZeroEachSubmitReturnsOnlyOnceItsCheckpointIsHeartbeated() throws Exception {
    FakeDa da = new FakeDa();
    FakeChain chain = new FakeChain(da);
    pool = Executors.newSingleThreadExecutor();
    CheckpointPipeline p =
        new CheckpointPipeline(pool, 0, 4, da, CheckpointPipeline.Journal.NONE, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    for (long k = 1; k <= 5; k++) {
      m.runTo(k * STRIDE, CheckpointSink.NONE);
      p.submit(m);
      assertThat(p.pending()).isZero();
      assertThat(chain.heartbeats).extracting(Checkpoint::step).last().isEqualTo(k * STRIDE);
    }
    assertThat(chain.heartbeats).hasSize(5);
    assertThat(p.stats().coalesced()).isZero();
  }

  @Test
  void closeDropsTheQueuedCheckpointsAndReturnsOnlyAfterTheRunningStage() throws Exception {
    FakeDa da = new FakeDa();
    da.gate = new CountDownLatch(1);
    FakeChain chain = new FakeChain(da);
    pool = Executors.newSingleThreadExecutor();
    CheckpointPipeline p =
        new CheckpointPipeline(
            pool, 8, 4, 3, false, 0, () -> 0, da, CheckpointPipeline.Journal.NONE, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    for (long k = 1; k <= 3; k++) {
      m.runTo(k * STRIDE, CheckpointSink.NONE);
      p.submit(m);
    }
    while (da.puts() < 1) {
      Thread.onSpinWait(); // the first put has started and waits on the gate
    }
    Thread closer = Thread.ofPlatform().start(p::close);
    while (closer.getState() != Thread.State.WAITING) {
      assertThat(closer.isAlive()).as("close must wait for the running put").isTrue();
      Thread.onSpinWait();
    }
    assertThat(chain.heartbeats).isEmpty();
    da.gate.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closer.isAlive()).isFalse();
    // the running stage ended with its heartbeat; the two queued behind it were dropped
    assertThat(chain.heartbeats).extracting(Checkpoint::step).containsExactly(STRIDE);
    assertThat(da.puts()).isEqualTo(1);
    assertThat(p.pending()).isZero();
    m.runTo(4 * STRIDE, CheckpointSink.NONE);
    assertThatThrownBy(() -> p.submit(m))
        .isInstanceOf(CheckpointPipeline.CheckpointFailed.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFailedPutStopsThePipelineAndTheNextSubmitThrows() throws Exception {
    FakeDa da = new FakeDa();
    da.failAtPut = 3;
    FakeChain chain = new FakeChain(da);
    CheckpointPipeline p =
        new CheckpointPipeline(Runnable::run, 4, 4, da, CheckpointPipeline.Journal.NONE, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    for (int i = 1; i <= 3; i++) {
      m.runTo(i * STRIDE, CheckpointSink.NONE);
      p.submit(
          m); // the third put fails inside this call (same-thread executor): recorded, not thrown
      // here
    }
    m.runTo(4 * STRIDE, CheckpointSink.NONE);
    assertThatThrownBy(() -> p.submit(m))
        .isInstanceOf(CheckpointPipeline.CheckpointFailed.class)
        .hasMessageContaining(
            "checkpoint at step " + 3 * STRIDE + " failed in its DA put: DA quorum not reached")
        .satisfies(e ->
            assertThat(((CheckpointPipeline.CheckpointFailed) e).step()).isEqualTo(3 * STRIDE));
    assertThatThrownBy(p::drain).isInstanceOf(CheckpointPipeline.CheckpointFailed.class);
    assertThat(chain.heartbeats).extracting(Checkpoint::step).containsExactly(STRIDE, 2 * STRIDE);
    assertThat(p.pending()).isZero();
  }

  @Test
  void aFailedHeartbeatDropsTheQueuedCheckpointsAndDrainThrows() throws Exception {
    FakeDa da = new FakeDa();
    da.gate = new CountDownLatch(1);
    FakeChain chain = new FakeChain(da);
    chain.failAtStep = 2 * STRIDE;
    pool = Executors.newSingleThreadExecutor();
    CheckpointPipeline p =
        new CheckpointPipeline(
            pool, 8, 4, 3, false, 0, () -> 0, da, CheckpointPipeline.Journal.NONE, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    for (int i = 1; i <= 5; i++) {
      m.runTo(i * STRIDE, CheckpointSink.NONE);
      p.submit(m);
    }
    da.gate.countDown();
    assertThatThrownBy(p::drain)
        .isInstanceOf(CheckpointPipeline.CheckpointFailed.class)
        .hasMessageContaining(
            "step " + 2 * STRIDE + " failed in its heartbeat: heartbeat reverted");
    assertThat(chain.heartbeats).extracting(Checkpoint::step).containsExactly(STRIDE);
    assertThat(da.puts()).as("nothing after the failed checkpoint is put").isEqualTo(2);
    assertThat(p.pending()).isZero();
  }

  @Test
  void checkpointsQueuedBehindASlowPutAreWrittenAsOneForTheNewest() throws Exception {
    FakeDa da = new FakeDa();
    da.gate = new CountDownLatch(1);
    FakeChain chain = new FakeChain(da);
    pool = Executors.newSingleThreadExecutor();
    List<CheckpointPipeline.Written> links = Collections.synchronizedList(new ArrayList<>());
    CheckpointPipeline p = new CheckpointPipeline(pool, 8, 16, da, links::add, chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    for (int i = 1; i <= 5; i++) {
      m.runTo(i * STRIDE, CheckpointSink.NONE);
      p.submit(m);
      while (da.puts()
          == 0) { // the first checkpoint is in its (blocked) put before the others come
        Thread.onSpinWait();
      }
    }
    assertThat(p.pending()).isEqualTo(5);
    da.gate.countDown();
    p.drain();
    assertThat(chain.heartbeats).extracting(Checkpoint::step).containsExactly(STRIDE, 5 * STRIDE);
    assertThat(p.stats().coalesced()).isEqualTo(3);
    assertThat(links).extracting(CheckpointPipeline.Written::depth).containsExactly(0, 1);
    // the coalesced delta on top of the first link restores to the live state, history and output
    // included
    SnapshotSource fromDa =
        new SnapshotSource(new EmptyLocal(), da::get, new NodeMetrics("operator"));
    Machine back =
        fromDa.restore(
            new SnapshotSource.Checkpoint(JOB, 5 * STRIDE, chain.keys.getLast()),
            bytes -> Vm.restore(bytes, INPUT, CFG, m.stateHash()));
    assertThat(back.checkpoints()).isEqualTo(m.checkpoints());
    assertThat(back.output()).isEqualTo(m.output());
  }

  @Test
  void stepsMustIncrease() throws Exception {
    FakeDa da = new FakeDa();
    CheckpointPipeline p =
        new CheckpointPipeline(
            Runnable::run, 2, 4, da, CheckpointPipeline.Journal.NONE, new FakeChain(da));
    Machine m = Vm.load(elf(), INPUT, CFG);
    m.runTo(STRIDE, CheckpointSink.NONE);
    p.submit(m);
    assertThatThrownBy(() -> p.submit(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not after the last one");
  }

  @Test
  void theJournalKeepsTheChainARestartNeeds() throws Exception {
    FakeDa da = new FakeDa();
    FakeChain chain = new FakeChain(da);
    JobJournal journal = JobJournal.open(dir);
    CheckpointPipeline p =
        new CheckpointPipeline(
            Runnable::run,
            2,
            3,
            da,
            w ->
                journal.checkpointLink(
                    new JobJournal.Entry(JOB, 1, w.step(), w.stateHash(), w.blobKey(), false),
                    w.stored(),
                    w.linkHash(),
                    w.full()),
            chain);
    Machine m = Vm.load(elf(), INPUT, CFG);
    List<Bytes32> linkDirBefore = new ArrayList<>();
    for (int i = 1; i <= 5; i++) { // links: full, delta, delta, full, delta
      m.runTo(i * STRIDE, CheckpointSink.NONE);
      p.submit(m);
      if (i == 3) {
        linkDirBefore.addAll(journal.chain(JOB));
      }
    }
    p.drain();
    assertThat(linkDirBefore).hasSize(3);
    List<Bytes32> chainNow = journal.chain(JOB);
    assertThat(chainNow).hasSize(2);
    // the chain before the last full one is gone from disk; the current one is there
    try (var files = Files.list(dir.resolve("snapshots").resolve(JOB.toString()))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(
              chainNow.stream().map(h -> h.toHex() + ".link").toList());
    }
    // a restart: the journal reopened resumes from its own chain without asking DA
    JobJournal reopened = JobJournal.open(dir);
    assertThat(reopened.chain(JOB)).isEqualTo(chainNow);
    Checkpoint last = chain.heartbeats.getLast();
    Bytes32 key = chain.keys.getLast();
    List<Bytes32> asked = new ArrayList<>();
    NodeMetrics metrics = new NodeMetrics("operator");
    SnapshotSource source =
        new SnapshotSource(
            reopened,
            k -> {
              asked.add(k);
              return da.get(k);
            },
            metrics);
    Machine back =
        source.restore(
            new SnapshotSource.Checkpoint(JOB, last.step(), key),
            bytes -> Vm.restore(bytes, INPUT, CFG, last.stateHash()));
    assertThat(back.step()).isEqualTo(5 * STRIDE);
    assertThat(asked).isEmpty();
    // a damaged local link: the DA copy named onchain is used instead
    Path full =
        dir.resolve("snapshots")
            .resolve(JOB.toString())
            .resolve(chainNow.getFirst().toHex() + ".link");
    byte[] b = Files.readAllBytes(full);
    b[b.length / 2] ^= 1;
    Files.write(full, b);
    Machine again =
        source.restore(
            new SnapshotSource.Checkpoint(JOB, last.step(), key),
            bytes -> Vm.restore(bytes, INPUT, CFG, last.stateHash()));
    assertThat(again.stateHash()).isEqualTo(last.stateHash());
    assertThat(asked).isNotEmpty().first().isEqualTo(key);
    assertThat(metrics.value(SnapshotSource.DAMAGED)).isEqualTo(1);
  }

  @Test
  void aJournalWithAMalformedChainIsDamaged() throws Exception {
    JobJournal j = JobJournal.open(dir);
    j.checkpointLink(
        new JobJournal.Entry(JOB, 1, 4096, Bytes32.ZERO, Bytes32.ZERO, false),
        new byte[] {1},
        Hashes.keccak256(new byte[] {1}),
        true);
    assertThatThrownBy(() ->
            j.checkpointLink(
                new JobJournal.Entry(BigInteger.TWO, 1, 4096, Bytes32.ZERO, Bytes32.ZERO, false),
                new byte[] {2},
                Bytes32.ZERO,
                false))
        .hasMessageContaining("needs its chain's full snapshot journaled first");
    Path state = JobJournal.file(dir);
    Files.writeString(
        state, Files.readString(state).replace("\"chain\" : [", "\"chain\" : [ \"0x12\", "));
    assertThatThrownBy(() -> JobJournal.open(dir)).hasMessageContaining("malformed link hash");
  }

  private static final class EmptyLocal implements SnapshotSource.Local {
    @Override
    public Optional<JobJournal.Entry> job(BigInteger jobId) {
      return Optional.empty();
    }

    @Override
    public Optional<byte[]> snapshot(BigInteger jobId) {
      return Optional.empty();
    }
  }
}
