package dev.trustdial.ai.engine;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.kernel.LayerOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: one thread runs steps over all active sequences, each contributing a prefill
 * chunk or one decode token; new requests join at the next step and finished ones leave. Because
 * every kernel is batch-invariant, a sequence's tokens equal those of running it alone.
 */
final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /** KV bytes kept from finished sequences for prompt-prefix reuse. */
  static final long PREFIX_CACHE_BYTES = 256L << 20;

  private final Transformer transformer;
  private final LayerOps ops;
  private final StepObserver observer;
  private final int vocab;
  private final int maxBatch;
  private final int prefillChunk;
  private final LinkedBlockingQueue<Sequence> incoming = new LinkedBlockingQueue<>();
  private final List<Sequence> active = new ArrayList<>();
  private final Thread thread;
  private final PrefixCache prefixCache;
  private volatile boolean closed;

  Scheduler(Transformer transformer, LayerOps ops, int vocab, int kvDim, EngineOptions options) {
    this.prefixCache = new PrefixCache(kvDim, PREFIX_CACHE_BYTES);
    this.transformer = transformer;
    this.ops = ops;
    this.observer = options.observer();
    this.vocab = vocab;
    this.maxBatch = options.maxBatch();
    this.prefillChunk = options.prefillChunk();
    this.thread = Thread.ofPlatform().name("trustdial-ai-scheduler").daemon().start(this::loop);
  }

  void submit(Sequence s) {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    incoming.add(s);
  }

  private void loop() {
    try {
      while (!closed) {
        if (active.isEmpty()) {
          admit(incoming.take());
        }
        while (active.size() < maxBatch && !incoming.isEmpty()) {
          admit(incoming.poll());
        }
        if (!active.isEmpty()) {
          step();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      IllegalStateException closedError = new IllegalStateException("engine is closed");
      active.forEach(s -> s.fail(closedError));
      incoming.forEach(s -> s.fail(closedError));
    }
  }

  private void admit(Sequence s) {
    try {
      prefixCache.fill(s);
    } catch (RuntimeException e) {
      s.fail(e);
      return;
    }
    active.add(s);
  }

  /** How many requests started from a cached prompt prefix (tests). */
  long prefixCacheHits() {
    return prefixCache.hits();
  }

  private void step() {
    List<Sequence> wanting = new ArrayList<>();
    float[] logits;
    try {
      logits = transformer.forward(batch(wanting));
      Invariant.check(
          logits.length == wanting.size() * vocab, "one logits row per sequence that wants one");
    } catch (RuntimeException | Error e) {
      log.error("forward pass failed; failing {} active requests", active.size(), e);
      active.forEach(s -> s.fail(e));
      active.clear();
      return;
    }
    observer.begin(StepObserver.Step.SAMPLING);
    for (int i = 0; i < wanting.size(); i++) {
      advance(wanting.get(i), logits, i * vocab);
    }
    observer.end();
    for (Iterator<Sequence> it = active.iterator(); it.hasNext(); ) {
      Sequence s = it.next();
      if (s.result.isDone() || s.logits.isDone()) {
        it.remove();
        if (!s.result.isCompletedExceptionally() && !s.logits.isCompletedExceptionally()) {
          prefixCache.offer(s);
        }
      }
    }
  }

  /**
   * The next tokens of every active sequence (a prefill chunk, or the newest token); fills {@code
   * wanting}.
   */
  private List<Transformer.BatchToken> batch(List<Sequence> wanting) {
    List<Transformer.BatchToken> batch = new ArrayList<>();
    for (Sequence s : active) {
      if (s.prefilling()) {
        int take = Math.min(prefillChunk, s.prompt.length - s.fed);
        for (int i = 0; i < take; i++) {
          int pos = s.fed + i;
          boolean last = pos == s.prompt.length - 1;
          batch.add(new Transformer.BatchToken(s.cache, s.tokens[pos], pos, last));
          if (last) {
            wanting.add(s);
          }
        }
        s.fed += take;
      } else {
        Invariant.check(s.count == s.fed + 1, "a decoding sequence feeds exactly its newest token");
        batch.add(new Transformer.BatchToken(s.cache, s.tokens[s.fed], s.fed, true));
        s.fed++;
        wanting.add(s);
      }
    }
    return batch;
  }

  /** Samples one token for s from its logits row and decides whether it is finished. */
  private void advance(Sequence s, float[] logits, int offset) {
    if (s.logitsOnly) {
      s.logits.complete(Arrays.copyOfRange(logits, offset, offset + vocab));
      return;
    }
    try {
      int token =
          Sampler.sample(
              ops,
              logits,
              offset,
              vocab,
              s.sampling,
              s.count,
              s.tokens,
              s.count,
              s.generatedCounts);
      if (s.stopTokens.contains(token)) {
        s.finish(FinishReason.STOP);
        return;
      }
      TokenLogprob lp =
          s.topLogprobs == Sequence.NO_LOGPROBS
              ? null
              : Sampler.logprob(ops, logits, offset, vocab, token, s.topLogprobs);
      s.tokens[s.count++] = token;
      s.generatedCounts[token]++;
      if (lp != null) {
        s.logprobs.add(lp);
      }
      Invariant.check(
          s.generated() <= s.maxTokens && s.count <= s.cache.capacity,
          "a sequence stays within max_tokens and its KV capacity");
      if (!s.sink.accept(token, lp)) {
        s.finish(FinishReason.CANCELLED);
      } else if (s.generated() >= s.maxTokens || s.count >= s.cache.capacity) {
        s.finish(FinishReason.LENGTH);
      }
    } catch (RuntimeException e) {
      s.fail(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
