/* Greedy decoding with a llama2.c-format model (stories260K) on the deterministic CPU.
 * Input: u32 LE steps, u32 prompt length p (>= 1), p x u32 prompt token ids, then the model
 * checkpoint bytes (llama2.c legacy format, shared classifier). Output: one u32 per position:
 * the token chosen after the forward pass at that position (the next prompt token while the
 * prompt lasts, then argmax); stops early after BOS (1), as run.c does. */
#include "trustdial.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int dim, hidden, layers, heads, kv_heads, vocab, seq_len;
} Config;

typedef struct {
  float *emb, *rms_att, *wq, *wk, *wv, *wo, *rms_ffn, *w1, *w2, *w3, *rms_final;
} Weights;

static Config c;
static Weights w;
static float *x, *xb, *xb2, *hb, *hb2, *q, *att, *logits, *kcache, *vcache;

static void rmsnorm(float *o, const float *in, const float *weight, int n) {
  /* sequential sum in index order */
  float ss = 0.0f;
  for (int i = 0; i < n; i++) {
    ss += in[i] * in[i];
  }
  ss = 1.0f / sqrtf(ss / n + 1e-5f);
  for (int i = 0; i < n; i++) {
    o[i] = weight[i] * (ss * in[i]);
  }
}

static void matmul(float *o, const float *in, const float *m, int n, int d) {
  /* o[d] = m[d][n] . in[n], each row summed in index order */
  for (int i = 0; i < d; i++) {
    float v = 0.0f;
    const float *row = m + (size_t)i * n;
    for (int j = 0; j < n; j++) {
      v += row[j] * in[j];
    }
    o[i] = v;
  }
}

static void softmax(float *v, int n) {
  float max = v[0];
  for (int i = 1; i < n; i++) {
    if (v[i] > max) max = v[i];
  }
  float sum = 0.0f;
  for (int i = 0; i < n; i++) {
    v[i] = expf(v[i] - max);
    sum += v[i];
  }
  for (int i = 0; i < n; i++) {
    v[i] /= sum;
  }
}

static void forward(int token, int pos) {
  int dim = c.dim, hs = dim / c.heads, kv_dim = dim * c.kv_heads / c.heads, rep = c.heads / c.kv_heads;
  memcpy(x, w.emb + (size_t)token * dim, dim * sizeof(float));
  for (int l = 0; l < c.layers; l++) {
    rmsnorm(xb, x, w.rms_att + l * dim, dim);
    float *k = kcache + ((size_t)l * c.seq_len + pos) * kv_dim;
    float *v = vcache + ((size_t)l * c.seq_len + pos) * kv_dim;
    matmul(q, xb, w.wq + (size_t)l * dim * dim, dim, dim);
    matmul(k, xb, w.wk + (size_t)l * kv_dim * dim, dim, kv_dim);
    matmul(v, xb, w.wv + (size_t)l * kv_dim * dim, dim, kv_dim);
    for (int i = 0; i < dim; i += 2) {
      int hd = i % hs;
      float freq = 1.0f / powf(10000.0f, hd / (float)hs);
      float val = pos * freq;
      float fcr = cosf(val), fci = sinf(val);
      int rotn = i < kv_dim ? 2 : 1;
      for (int r = 0; r < rotn; r++) {
        float *vec = r == 0 ? q : k;
        float v0 = vec[i], v1 = vec[i + 1];
        vec[i] = v0 * fcr - v1 * fci;
        vec[i + 1] = v0 * fci + v1 * fcr;
      }
    }
    for (int h = 0; h < c.heads; h++) {
      float *qh = q + h * hs;
      float *ah = att + h * c.seq_len;
      int kvh = h / rep;
      for (int t = 0; t <= pos; t++) {
        float *kt = kcache + ((size_t)l * c.seq_len + t) * kv_dim + kvh * hs;
        float s = 0.0f;
        for (int i = 0; i < hs; i++) {
          s += qh[i] * kt[i];
        }
        ah[t] = s / sqrtf((float)hs);
      }
      softmax(ah, pos + 1);
      float *out = xb + h * hs;
      memset(out, 0, hs * sizeof(float));
      for (int t = 0; t <= pos; t++) {
        float *vt = vcache + ((size_t)l * c.seq_len + t) * kv_dim + kvh * hs;
        for (int i = 0; i < hs; i++) {
          out[i] += ah[t] * vt[i];
        }
      }
    }
    matmul(xb2, xb, w.wo + (size_t)l * dim * dim, dim, dim);
    for (int i = 0; i < dim; i++) x[i] += xb2[i];
    rmsnorm(xb, x, w.rms_ffn + l * dim, dim);
    matmul(hb, xb, w.w1 + (size_t)l * c.hidden * dim, dim, c.hidden);
    matmul(hb2, xb, w.w3 + (size_t)l * c.hidden * dim, dim, c.hidden);
    for (int i = 0; i < c.hidden; i++) {
      float s = hb[i];
      s *= 1.0f / (1.0f + expf(-s));
      hb[i] = s * hb2[i];
    }
    matmul(xb, hb, w.w2 + (size_t)l * dim * c.hidden, c.hidden, dim);
    for (int i = 0; i < dim; i++) x[i] += xb[i];
  }
  rmsnorm(x, x, w.rms_final, dim);
  matmul(logits, x, w.emb, dim, c.vocab);
}

#define MAX_MODEL (8 << 20)
#define MAX_PROMPT 512

int main(void) {
  uint32_t hdr[2];
  td_read_exact(hdr, sizeof hdr);
  uint32_t steps = hdr[0], np = hdr[1];
  if (np < 1 || np > MAX_PROMPT) {
    td_log("prompt length must be 1..512\n");
    return 2;
  }
  static uint32_t prompt[MAX_PROMPT];
  td_read_exact(prompt, np * 4);
  float *model = malloc(MAX_MODEL);
  if (!model) return 3;
  size_t got = td_read(model, MAX_MODEL);
  if (got < 28) return 4;
  memcpy(&c, model, 28);
  if (c.vocab <= 0 || c.dim <= 0 || c.heads <= 0 || c.kv_heads <= 0 || c.dim % c.heads || steps > (uint32_t)c.seq_len) {
    td_log("unsupported model header or too many steps\n");
    return 5;
  }
  float *p = (float *)((char *)model + 28);
  int dim = c.dim, L = c.layers, kv_dim = dim * c.kv_heads / c.heads, hs = dim / c.heads;
  w.emb = p; p += (size_t)c.vocab * dim;
  w.rms_att = p; p += L * dim;
  w.wq = p; p += (size_t)L * dim * dim;
  w.wk = p; p += (size_t)L * kv_dim * dim;
  w.wv = p; p += (size_t)L * kv_dim * dim;
  w.wo = p; p += (size_t)L * dim * dim;
  w.rms_ffn = p; p += L * dim;
  w.w1 = p; p += (size_t)L * c.hidden * dim;
  w.w2 = p; p += (size_t)L * dim * c.hidden;
  w.w3 = p; p += (size_t)L * c.hidden * dim;
  w.rms_final = p; p += dim;
  p += (size_t)c.seq_len * hs; /* legacy RoPE tables, unused */
  if ((size_t)((char *)p - (char *)model) > got) {
    td_log("model file truncated\n");
    return 6;
  }
  x = calloc(dim, 4); xb = calloc(dim, 4); xb2 = calloc(dim, 4);
  hb = calloc(c.hidden, 4); hb2 = calloc(c.hidden, 4); q = calloc(dim, 4);
  att = calloc((size_t)c.heads * c.seq_len, 4); logits = calloc(c.vocab, 4);
  kcache = calloc((size_t)L * c.seq_len * kv_dim, 4); vcache = calloc((size_t)L * c.seq_len * kv_dim, 4);
  if (!x || !xb || !xb2 || !hb || !hb2 || !q || !att || !logits || !kcache || !vcache) return 3;
  uint32_t token = prompt[0];
  for (uint32_t pos = 0; pos < steps; pos++) {
    forward((int)token, (int)pos);
    uint32_t nxt;
    if (pos + 1 < np) {
      nxt = prompt[pos + 1];
    } else {
      nxt = 0;
      for (int i = 1; i < c.vocab; i++) {
        if (logits[i] > logits[nxt]) nxt = (uint32_t)i;
      }
    }
    td_write_u32_le(nxt);
    if (nxt == 1) break;
    token = nxt;
  }
  return 0;
}
