package dev.trustdial.ai.engine;

import dev.trustdial.ai.Invariant;
import dev.trustdial.ai.engine.StepObserver.Step;
import dev.trustdial.ai.kernel.BatchActivations;
import dev.trustdial.ai.kernel.Dequantizer;
import dev.trustdial.ai.kernel.JavaKernels;
import dev.trustdial.ai.kernel.LayerOps;
import dev.trustdial.ai.kernel.MatmulKernels;
import dev.trustdial.ai.kernel.RowParallel;
import dev.trustdial.ai.model.LayerWeights;
import dev.trustdial.ai.model.ModelConfig;
import dev.trustdial.ai.model.ModelConfig.FamilyParams;
import dev.trustdial.ai.model.ModelWeights;
import dev.trustdial.ai.model.WeightMatrix;
import java.util.List;
import java.util.Optional;

/**
 * The forward pass over a batch of tokens from any mix of sequences. Each output element is
 * computed by the same fixed-order kernel no matter what else is in the batch, so a token's logits
 * do not depend on batch composition, prefill chunking or thread count.
 */
final class Transformer {
  /** One token to run: its sequence's cache, its position, and whether its logits are wanted. */
  record BatchToken(KvCache cache, int token, int position, boolean wantLogits) {}

  private final ModelConfig c;
  private final ModelWeights w;
  private final MatmulKernels kernels;
  private final JavaKernels dots;
  private final LayerOps ops;
  private final RowParallel parallel;
  private final StepObserver steps;

  /**
   * Rows per interleaved group of the AVX-512 VNNI kernels; thread shares start on multiples of it.
   */
  private static final int ROW_GROUP = 16;

  Transformer(
      ModelConfig config,
      ModelWeights weights,
      MatmulKernels kernels,
      JavaKernels dots,
      LayerOps ops,
      RowParallel parallel,
      StepObserver steps) {
    this.c = config;
    this.w = weights;
    this.kernels = kernels;
    this.dots = dots;
    this.ops = ops;
    this.parallel = parallel;
    this.steps = steps;
  }

  /**
   * Runs the batch; returns the logits of the tokens that want them, in batch order, {@code
   * [k][vocab]}.
   */
  float[] forward(List<BatchToken> batch) {
    int n = batch.size();
    int dim = c.dim();
    int qDim = c.qDim();
    int kvDim = c.kvDim();
    int hd = c.headDim();
    FamilyParams f = c.family();
    int ropeDim = f.ropeDim();
    float[] freqFactors = w.ropeFreqFactors().orElse(null);
    steps.batch(n);
    steps.begin(Step.EMBED_ROPE_FACTORS);
    float[] x = new float[n * dim];
    float[][] ropeGlobal = new float[n][];
    float[][] ropeSliding = new float[n][];
    boolean slidingRope =
        f.slidingWindow() > 0
            && (f.slidingRopeTheta() != c.ropeTheta()
                || f.slidingRopeFreqScale() != f.ropeFreqScale());
    float embedScale = (float) Math.sqrt(dim);
    for (int t = 0; t < n; t++) {
      BatchToken bt = batch.get(t);
      Invariant.check(
          bt.position() >= 0 && bt.position() < bt.cache().capacity,
          "a position is within its sequence's KV capacity");
      Dequantizer.row(w.tokenEmbedding(), bt.token(), x, t * dim);
      if (f.scaleEmbedding()) {
        for (int i = t * dim; i < (t + 1) * dim; i++) {
          x[i] = x[i] * embedScale;
        }
      }
      ropeGlobal[t] =
          ops.ropeFactors(bt.position(), ropeDim, c.ropeTheta(), f.ropeFreqScale(), freqFactors);
      ropeSliding[t] =
          slidingRope
              ? ops.ropeFactors(
                  bt.position(),
                  ropeDim,
                  f.slidingRopeTheta(),
                  f.slidingRopeFreqScale(),
                  freqFactors)
              : ropeGlobal[t];
    }
    float[] xb = new float[n * dim];
    for (int l = 0; l < c.layers(); l++) {
      LayerWeights lw = w.layers().get(l);
      float[][] rope = f.sliding(l) ? ropeSliding : ropeGlobal;
      steps.begin(Step.RMSNORM);
      for (int t = 0; t < n; t++) {
        LayerOps.rmsnorm(dots, x, t * dim, lw.attnNorm(), xb, t * dim, dim, c.rmsEps());
      }
      steps.begin(Step.QKV_MATMUL);
      BatchActivations in = new BatchActivations(xb, n, dim);
      float[][] qkv = matmuls(in, lw.wq(), lw.wk(), lw.wv());
      float[] q = qkv[0];
      float[] k = qkv[1];
      float[] v = qkv[2];
      steps.begin(Step.QK_ROPE_KV_STORE);
      addBias(q, lw.qBias(), n, qDim);
      addBias(k, lw.kBias(), n, kvDim);
      addBias(v, lw.vBias(), n, kvDim);
      for (int t = 0; t < n; t++) {
        for (int h = 0; h < c.heads(); h++) {
          int o = t * qDim + h * hd;
          if (lw.qNorm().isPresent()) {
            LayerOps.rmsnorm(dots, q, o, lw.qNorm().get(), q, o, hd, c.rmsEps());
          }
          LayerOps.rope(q, o, ropeDim, rope[t], c.architecture().ropeStyle());
        }
        for (int h = 0; h < c.kvHeads(); h++) {
          int o = t * kvDim + h * hd;
          if (lw.kNorm().isPresent()) {
            LayerOps.rmsnorm(dots, k, o, lw.kNorm().get(), k, o, hd, c.rmsEps());
          }
          LayerOps.rope(k, o, ropeDim, rope[t], c.architecture().ropeStyle());
        }
        BatchToken bt = batch.get(t);
        System.arraycopy(k, t * kvDim, bt.cache().keys[l], bt.position() * kvDim, kvDim);
        System.arraycopy(v, t * kvDim, bt.cache().values[l], bt.position() * kvDim, kvDim);
      }
      steps.begin(Step.ATTENTION);
      float[] att = new float[n * qDim];
      int layer = l;
      parallel.forRange(
          n * c.heads(),
          (from, to) -> {
            for (int i = from; i < to; i++) {
              attend(
                  batch.get(i / c.heads()), layer, i % c.heads(), q, att, (i / c.heads()) * qDim);
            }
          });
      steps.begin(Step.WO_MATMUL);
      float[] proj = matmul(lw.wo(), new BatchActivations(att, n, qDim));
      steps.begin(Step.RESIDUAL);
      postNorm(proj, lw.postAttnNorm(), n);
      addInPlace(x, proj);
      steps.begin(Step.RMSNORM);
      for (int t = 0; t < n; t++) {
        LayerOps.rmsnorm(dots, x, t * dim, lw.ffnNorm(), xb, t * dim, dim, c.rmsEps());
      }
      steps.begin(Step.GATE_UP_MATMUL_SWIGLU);
      BatchActivations ffnIn = new BatchActivations(xb, n, dim);
      int hidden = c.hiddenDim();
      float[][] gateUp = new float[2][];
      boolean geglu = c.architecture().gemma();
      // SwiGLU/GeGLU is element-wise: each thread applies it to the rows it just computed.
      matmuls(
          gateUp,
          (from, to) -> {
            for (int t = 0; t < n; t++) {
              if (geglu) {
                ops.geglu(gateUp[0], gateUp[1], t * hidden + from, to - from);
              } else {
                ops.swiglu(gateUp[0], gateUp[1], t * hidden + from, to - from);
              }
            }
          },
          ffnIn,
          lw.ffnGate(),
          lw.ffnUp());
      float[] gate = gateUp[0];
      steps.begin(Step.DOWN_MATMUL);
      float[] down = matmul(lw.ffnDown(), new BatchActivations(gate, n, c.hiddenDim()));
      steps.begin(Step.RESIDUAL);
      postNorm(down, lw.postFfnNorm(), n);
      addInPlace(x, down);
    }
    steps.begin(Step.OUTPUT_MATMUL);
    int wanted = (int) batch.stream().filter(BatchToken::wantLogits).count();
    float[] last = new float[wanted * dim];
    int j = 0;
    for (int t = 0; t < n; t++) {
      if (batch.get(t).wantLogits()) {
        LayerOps.rmsnorm(dots, x, t * dim, w.outputNorm(), last, j++ * dim, dim, c.rmsEps());
      }
    }
    float[] logits =
        wanted == 0 ? new float[0] : matmul(w.output(), new BatchActivations(last, wanted, dim));
    if (f.finalSoftcap() > 0) {
      ops.softcap(logits, 0, logits.length, f.finalSoftcap());
    }
    steps.end();
    return logits;
  }

  /**
   * One head of one token: scores over positions first..pos with the canonical dot (first = 0, or
   * pos − window + 1 on a sliding-window layer), soft-capped where the family caps them, softmax,
   * then out = Σ_s p_s · v_s accumulated with fma in increasing s (fixed order, no KV splitting).
   */
  private void attend(BatchToken bt, int layer, int head, float[] q, float[] out, int outBase) {
    int hd = c.headDim();
    int kvDim = c.kvDim();
    int kvHead = head / (c.heads() / c.kvHeads());
    int qo = outBase + head * hd;
    FamilyParams f = c.family();
    int first = f.sliding(layer) ? Math.max(0, bt.position() - f.slidingWindow() + 1) : 0;
    int len = bt.position() + 1 - first;
    float[] keys = bt.cache().keys[layer];
    float[] values = bt.cache().values[layer];
    float[] scores = new float[len];
    float scale = f.attentionDivisor();
    for (int s = 0; s < len; s++) {
      scores[s] = dots.dot(q, qo, keys, (first + s) * kvDim + kvHead * hd, hd) / scale;
    }
    if (f.attnSoftcap() > 0) {
      ops.softcap(scores, 0, len, f.attnSoftcap());
    }
    ops.softmax(scores, 0, len);
    for (int s = 0; s < len; s++) {
      dots.fmaAccumulate(scores[s], values, (first + s) * kvDim + kvHead * hd, out, qo, hd);
    }
  }

  /**
   * Gemma's norms after attention and after the feed-forward, on each token's row, before the
   * residual add.
   */
  private void postNorm(float[] y, Optional<float[]> weight, int n) {
    if (weight.isEmpty()) {
      return;
    }
    int dim = c.dim();
    for (int t = 0; t < n; t++) {
      LayerOps.rmsnorm(dots, y, t * dim, weight.get(), y, t * dim, dim, c.rmsEps());
    }
  }

  private float[] matmul(WeightMatrix m, BatchActivations in) {
    return matmuls(in, m)[0];
  }

  private float[][] matmuls(BatchActivations in, WeightMatrix... ms) {
    float[][] outs = new float[ms.length][];
    matmuls(outs, (from, to) -> {}, in, ms);
    return outs;
  }

  /**
   * Matmuls of the same input in one hand-off to the threads: each chunk takes the same share of
   * the rows of every matrix, cut on multiples of the 16-row interleaved groups (same bits, any
   * split), then runs {@code then} over its rows of the first matrix (for outputs of equal shape).
   */
  private void matmuls(
      float[][] outs, RowParallel.RangeTask then, BatchActivations in, WeightMatrix... ms) {
    Invariant.check(outs.length == ms.length, "one output per matrix");
    int groups = 0;
    for (int i = 0; i < ms.length; i++) {
      in.prepareFor(ms[i].type());
      outs[i] = new float[in.count() * ms[i].rows()];
      groups = Math.max(groups, (ms[i].rows() + ROW_GROUP - 1) / ROW_GROUP);
    }
    int chunks =
        parallel.threads() == 1
            ? 1
            : Math.min(groups, parallel.threads() * RowParallel.CHUNKS_PER_THREAD);
    parallel.forChunks(
        chunks,
        chunk -> {
          for (int i = 0; i < ms.length; i++) {
            int rows = ms[i].rows();
            kernels.matmul(
                ms[i],
                in,
                outs[i],
                RowParallel.split(rows, chunk, chunks, ROW_GROUP),
                RowParallel.split(rows, chunk + 1, chunks, ROW_GROUP));
          }
          int rows = ms[0].rows();
          then.run(
              RowParallel.split(rows, chunk, chunks, ROW_GROUP),
              RowParallel.split(rows, chunk + 1, chunks, ROW_GROUP));
        });
  }

  private static void addBias(float[] y, Optional<float[]> bias, int n, int len) {
    if (bias.isEmpty()) {
      return;
    }
    float[] b = bias.get();
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < len; i++) {
        y[t * len + i] += b[i];
      }
    }
  }

  private static void addInPlace(float[] x, float[] d) {
    for (int i = 0; i < x.length; i++) {
      x[i] += d[i];
    }
  }
}
