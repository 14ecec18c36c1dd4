// AVX-512 (F, BW, VL, VNNI) kernels: F32 tiles, Q8_0/Q4_0 one row, 8 rows and 16 interleaved
// rows at a time.
#include "td_kernels.h"

// ---------------------------------------------------------------- AVX-512 (F, BW, VL, VNNI)

// One tile of R rows x T tokens (R <= 4, T <= 4, constants after inlining): each weight load feeds
// T tokens and each activation load R rows. Every output (row, token) keeps its own register of 16
// lanes (lane l = virtual lane l of §F, fma in increasing i), its own scalar tail and its own tree,
// so its bits do not depend on the tile shape or on which tile it lands in.
__attribute__((target(TD_512), always_inline)) static inline void f32_tile512(
    const uint8_t *w, int64_t rb, int r, int rows, int n, const float *x, int t, float *out, const int R,
    const int T) {
  const float *wr[4], *xt[4];
  __m512 acc[4][4];
  for (int a = 0; a < R; a++) wr[a] = (const float *)(w + (int64_t)(r + a) * rb);
  for (int b = 0; b < T; b++) xt[b] = x + (int64_t)(t + b) * n;
  for (int a = 0; a < R; a++)
    for (int b = 0; b < T; b++) acc[a][b] = _mm512_setzero_ps();
  int full = n & ~15;
  for (int i = 0; i < full; i += 16) {
    __m512 wv[4];
    for (int a = 0; a < R; a++) wv[a] = _mm512_loadu_ps(wr[a] + i);
    for (int b = 0; b < T; b++) {
      __m512 xv = _mm512_loadu_ps(xt[b] + i);
      for (int a = 0; a < R; a++) acc[a][b] = _mm512_fmadd_ps(wv[a], xv, acc[a][b]);
    }
  }
  for (int a = 0; a < R; a++) {
    for (int b = 0; b < T; b++) {
      float c[16];
      _mm512_storeu_ps(c, acc[a][b]);
      for (int i = full; i < n; i++) c[i & 15] = fmaf(wr[a][i], xt[b][i], c[i & 15]);
      out[(int64_t)(t + b) * rows + r + a] = td_tree16(c);
    }
  }
}

// The tokens of rows [r, r + R) in tiles of 4, then one tile of the 1-3 left.
#define TD_F32_TOKENS(R)                                                              \
  do {                                                                                \
    int t = 0;                                                                        \
    for (; t + 4 <= count; t += 4) f32_tile512(w, rb, r, rows, n, x, t, out, R, 4);   \
    switch (count - t) {                                                              \
      case 3: f32_tile512(w, rb, r, rows, n, x, t, out, R, 3); break;                 \
      case 2: f32_tile512(w, rb, r, rows, n, x, t, out, R, 2); break;                 \
      case 1: f32_tile512(w, rb, r, rows, n, x, t, out, R, 1); break;                 \
      default: break;                                                                 \
    }                                                                                 \
  } while (0)

// Decode: one row at a time, in a function of its own so that the compiler sees one token and
// unrolls and jams the row loop; reached through the general loop below, the same rows streamed
// ~25 % slower (the mixed 1-token / 4-token code), measured on the 85 matrices of a 100M model.
__attribute__((target(TD_512), noinline)) static void f32_avx512_decode(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, float *out) {
  for (int r = from; r < to; r++) f32_tile512(w, rb, r, rows, n, x, 0, out, 1, 1);
}

// Prefill: rows in blocks of 4 (a block's weights stay in L1/L2 while every token tile passes), the
// 1-3 rows left one at a time.
__attribute__((target(TD_512))) TD_HIDDEN void f32_avx512(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out) {
  if (count == 1) {
    f32_avx512_decode(w, rb, from, to, rows, n, x, out);
    return;
  }
  int r = from;
  for (; r + 4 <= to; r += 4) TD_F32_TOKENS(4);
  for (; r < to; r++) TD_F32_TOKENS(1);
}

// vpdpbusd multiplies unsigned by signed bytes: (w + 128)·x = w·x + 128·Σx, so subtract 128·Σx.
__attribute__((target(TD_512))) TD_HIDDEN void q8_vnni(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out, int *bsum) {
  int nb = n / 32;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      const int *bs = bsum + (int64_t)t * nb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 34) {
        __m256i q = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + 2)), flip);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)(xt + b * 32)));
        int isum = hsum_i32_avx2(p) - 128 * bs[b];
        float s = td_half(blk) * dt[b];
        acc = fmaf((float)isum, s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

__attribute__((target(TD_512))) TD_HIDDEN void q4_vnni(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out, int *bsum) {
  int nb = n / 32;
  const __m256i low = _mm256_set1_epi8(0xF);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      const int *bs = bsum + (int64_t)t * nb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 18) {
        __m128i packed = _mm_loadu_si128((const __m128i *)(blk + 2));
        __m256i nib = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), low);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), nib, _mm256_loadu_si256((const __m256i *)(xt + b * 32)));
        int isum = hsum_i32_avx2(p) - 8 * bs[b];  // nibble·x − 8·Σx = (nibble − 8)·x
        float s = td_half(blk) * dt[b];
        acc = fmaf((float)isum, s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}



// ---------------------------------------------------------------- 8 rows at a time (VNNI)
__attribute__((target(TD_512))) TD_HIDDEN void q8_vnni_x8(
    const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count,
    float *out, const int *bsum) {
  int nb = n / 32;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  for (int t = 0; t < count; t++) {
    const int8_t *xt = xq + (int64_t)t * n;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
      const uint8_t *blk = w + (int64_t)r0 * rb + b * 34;
      TD_PREFETCH_NEXT_GROUP(w + (int64_t)(r0 + 16) * rb, b, nb, rb);
      __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
#define Q8_VNNI_DOT(k) _mm256_dpbusd_epi32(_mm256_setzero_si256(), \
      _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + (k) * rb + 2)), flip), xv)
      TD_ROWS8(Q8_VNNI_DOT)
      __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                      _mm256_set1_epi32(128 * bsum[(int64_t)t * nb + b]));
      __m256 s = _mm256_mul_ps(scales8(blk, rb), _mm256_set1_ps(xd[(int64_t)t * nb + b]));
      acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), s, acc);
    }
    store8(out + (int64_t)t * rows + r0, 1, acc);
  }
}

__attribute__((target(TD_512))) TD_HIDDEN void q4_vnni_x8(
    const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count,
    float *out, const int *bsum) {
  int nb = n / 32;
  const __m256i low = _mm256_set1_epi8(0xF);
  for (int t = 0; t < count; t++) {
    const int8_t *xt = xq + (int64_t)t * n;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
      const uint8_t *blk = w + (int64_t)r0 * rb + b * 18;
      TD_PREFETCH_NEXT_GROUP(w + (int64_t)(r0 + 16) * rb, b, nb, rb);
      __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
#define Q4_NIB(k) ({ __m128i pk = _mm_loadu_si128((const __m128i *)(blk + (k) * rb + 2)); \
      _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low); })
#define Q4_VNNI_DOT(k) _mm256_dpbusd_epi32(_mm256_setzero_si256(), Q4_NIB(k), xv)
      TD_ROWS8(Q4_VNNI_DOT)
      __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                      _mm256_set1_epi32(8 * bsum[(int64_t)t * nb + b]));
      __m256 s = _mm256_mul_ps(scales8(blk, rb), _mm256_set1_ps(xd[(int64_t)t * nb + b]));
      acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), s, acc);
    }
    store8(out + (int64_t)t * rows + r0, 1, acc);
  }
}


// One row at a time, 8 blocks at a time: the 8 blocks' integer sums are reduced together, then
// the canonical scalar fma chain runs over them in block order. Weights stream sequentially,
// which suits matrices read from DRAM (decode); rows overlap in the out-of-order window.
__attribute__((target(TD_512))) TD_HIDDEN void q8_vnni_seq(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out, const int *bsum) {
  int nb = n / 32;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *row = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      const int *bs = bsum + (int64_t)t * nb;
      float acc = 0.0f;
      int b = 0;
      for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + b * 34;
        TD_ROWS8(Q8_SEQ_DOT)
        __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                        _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(bs + b)), 7));
        __m256 s = _mm256_mul_ps(scales8(blk, 34), _mm256_loadu_ps(dt + b));
        float fi[8], si[8];
        _mm256_storeu_ps(fi, _mm256_cvtepi32_ps(isum));
        _mm256_storeu_ps(si, s);
        for (int k = 0; k < 8; k++) acc = fmaf(fi[k], si[k], acc);
      }
      for (const uint8_t *blk = row + b * 34; b < nb; b++, blk += 34) {
        __m256i q = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + 2)), flip);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)(xt + b * 32)));
        acc = fmaf((float)(hsum_i32_avx2(p) - 128 * bs[b]), td_half(blk) * dt[b], acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

__attribute__((target(TD_512))) TD_HIDDEN void q4_vnni_seq(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out, const int *bsum) {
  int nb = n / 32;
  const __m256i low = _mm256_set1_epi8(0xF);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *row = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      const int *bs = bsum + (int64_t)t * nb;
      float acc = 0.0f;
      int b = 0;
      for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + b * 18;
        TD_ROWS8(Q4_SEQ_DOT)
        __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                        _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(bs + b)), 3));
        __m256 s = _mm256_mul_ps(scales8(blk, 18), _mm256_loadu_ps(dt + b));
        float fi[8], si[8];
        _mm256_storeu_ps(fi, _mm256_cvtepi32_ps(isum));
        _mm256_storeu_ps(si, s);
        for (int k = 0; k < 8; k++) acc = fmaf(fi[k], si[k], acc);
      }
      for (const uint8_t *blk = row + b * 18; b < nb; b++, blk += 18) {
        __m128i pk = _mm_loadu_si128((const __m128i *)(blk + 2));
        __m256i q = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)(xt + b * 32)));
        acc = fmaf((float)(hsum_i32_avx2(p) - 8 * bs[b]), td_half(blk) * dt[b], acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

// ---------------------------------------------------------------- 16 rows interleaved (AVX-512 VNNI)
// Weights repacked once per matrix (td_pack): per group of 16 rows and per block, the 16 fp16
// scales, then the quants as [chunk k][row 0..15][4 bytes] (Q8_0: 8 chunks of bytes 4k..4k+3,
// stored +128 so they are vpdpbusd's unsigned operand; Q4_0: 4 chunks of the packed bytes 4k..4k+3,
// low nibbles = elements 4k.., high = 16+4k..). One vpdpbusd then adds 4 products to each row's
// lane with the activation bytes broadcast, so lane r holds row r's exact block sum after 8 of them:
// no horizontal sums, and lane r computes exactly fmaf((float) isum_r, dw_r * dx, acc_r) per block
// in block order (the canonical order). Tiles of up to 4 tokens share each weight load.

static int64_t td_pack_block_bytes(int type) { return type == TD_Q8_0 ? 32 + 16 * 32 : 32 + 16 * 16; }

// dst: (rows / 16) * (n / 32) * td_pack_block_bytes(type) bytes; rows beyond the last full group are not packed.
int64_t td_pack_bytes(int type, int rows, int n) {
  if (type != TD_Q8_0 && type != TD_Q4_0) return -1;
  return (int64_t)(rows / TD_PACK_ROWS) * (n / 32) * td_pack_block_bytes(type);
}

int td_pack(int type, const uint8_t *w, int64_t rb, int rows, int n, uint8_t *dst) {
  if (type != TD_Q8_0 && type != TD_Q4_0) return -1;
  int nb = n / 32, bs = type == TD_Q8_0 ? 34 : 18, chunks = type == TD_Q8_0 ? 8 : 4;
  int64_t pb = td_pack_block_bytes(type);
  for (int g = 0; g < rows / TD_PACK_ROWS; g++) {
    for (int b = 0; b < nb; b++) {
      uint8_t *o = dst + ((int64_t)g * nb + b) * pb;
      for (int r = 0; r < TD_PACK_ROWS; r++) {
        const uint8_t *blk = w + (int64_t)(g * TD_PACK_ROWS + r) * rb + (int64_t)b * bs;
        memcpy(o + 2 * r, blk, 2);
        for (int k = 0; k < chunks; k++)
          for (int j = 0; j < 4; j++)
            o[32 + k * 64 + r * 4 + j] = type == TD_Q8_0 ? (uint8_t)(blk[2 + 4 * k + j] ^ 0x80) : blk[2 + 4 * k + j];
      }
    }
  }
  return 0;
}

#define TD_X16_BODY(TILE)                                                                              \
  for (int b = 0; b < nb; b++) {                                                                       \
    const uint8_t *pk = grp + (int64_t)b * pb;                                                         \
    __m512 sw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)pk));                               \
    __m512i is[TILE];                                                                                  \
    for (int u = 0; u < TILE; u++) is[u] = _mm512_setzero_si512();                                     \
    if (type == TD_Q8_0) {                                                                             \
      for (int k = 0; k < 8; k++) {                                                                    \
        __m512i wk = _mm512_loadu_si512((const void *)(pk + 32 + k * 64));                             \
        for (int u = 0; u < TILE; u++)                                                                 \
          is[u] = _mm512_dpbusd_epi32(is[u], wk, _mm512_set1_epi32(*(const int32_t *)(xt[u] + b * 32 + 4 * k))); \
      }                                                                                                \
    } else {                                                                                           \
      for (int k = 0; k < 4; k++) {                                                                    \
        __m512i wk = _mm512_loadu_si512((const void *)(pk + 32 + k * 64));                             \
        __m512i lo = _mm512_and_si512(wk, low), hi = _mm512_and_si512(_mm512_srli_epi16(wk, 4), low);  \
        for (int u = 0; u < TILE; u++) {                                                               \
          is[u] = _mm512_dpbusd_epi32(is[u], lo, _mm512_set1_epi32(*(const int32_t *)(xt[u] + b * 32 + 4 * k))); \
          is[u] = _mm512_dpbusd_epi32(is[u], hi, _mm512_set1_epi32(*(const int32_t *)(xt[u] + b * 32 + 16 + 4 * k))); \
        }                                                                                              \
      }                                                                                                \
    }                                                                                                  \
    for (int u = 0; u < TILE; u++) {                                                                   \
      __m512i isum = _mm512_sub_epi32(is[u], _mm512_set1_epi32(off * bsum[(int64_t)(t + u) * nb + b])); \
      __m512 s = _mm512_mul_ps(sw, _mm512_set1_ps(xd[(int64_t)(t + u) * nb + b]));                      \
      acc[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), s, acc[u]);                                   \
    }                                                                                                  \
  }

#define TD_X16_TILE(TILE)                                                                              \
  __attribute__((target(TD_512))) static void x16_tile##TILE(                                          \
      int type, const uint8_t *grp, int nb, int64_t pb, int t, int n, const int8_t *xq, const float *xd, \
      const int *bsum, float *out, int rows, int r0) {                                                 \
    const __m512i low = _mm512_set1_epi8(0xF);                                                         \
    const int off = type == TD_Q8_0 ? 128 : 8;                                                         \
    const int8_t *xt[TILE];                                                                            \
    __m512 acc[TILE];                                                                                  \
    for (int u = 0; u < TILE; u++) { xt[u] = xq + (int64_t)(t + u) * n; acc[u] = _mm512_setzero_ps(); } \
    TD_X16_BODY(TILE)                                                                                  \
    for (int u = 0; u < TILE; u++) {                                                                   \
      float a[16];                                                                                     \
      _mm512_storeu_ps(a, acc[u]);                                                                     \
      memcpy(out + (int64_t)(t + u) * rows + r0, a, sizeof a);                                         \
    }                                                                                                  \
  }
TD_X16_TILE(1)
TD_X16_TILE(4)

// Rows [g_from*16, g_to*16) from the packed copy; every token of the batch.
__attribute__((target(TD_512))) TD_HIDDEN void q_vnni_x16(
    int type, const uint8_t *packed, int g_from, int g_to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out, const int *bsum) {
  int nb = n / 32;
  int64_t pb = td_pack_block_bytes(type);
  for (int g = g_from; g < g_to; g++) {
    const uint8_t *grp = packed + (int64_t)g * nb * pb;
    int t = 0;
    for (; t + 4 <= count; t += 4) x16_tile4(type, grp, nb, pb, t, n, xq, xd, bsum, out, rows, g * TD_PACK_ROWS);
    for (; t < count; t++) x16_tile1(type, grp, nb, pb, t, n, xq, xd, bsum, out, rows, g * TD_PACK_ROWS);
  }
}
