// Native matmul kernels for trustdial-ai. Every variant computes each output with the canonical
// order of docs/spec/determinism.md (16 virtual fma lanes + pairwise tree for floats; exact int
// block sums + fmaf over blocks in order for Q8_0/Q4_0), so all variants and the Java kernels give
// identical bits. Build with -ffp-contract=off; never -ffast-math.
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "td_kquants.h"

enum { TD_F32 = 0, TD_Q4_0 = 2, TD_Q8_0 = 8 };
enum { TD_GENERIC = 0, TD_AVX2 = 1, TD_AVX512_VNNI = 2, TD_RELAXED = 3 };

int td_best_variant(void);

float td_half(const uint8_t *p) {
  uint16_t h;
  memcpy(&h, p, 2);
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal half: normalise
      exp = 127 - 15 + 1;
      while ((man & 0x400) == 0) { man <<= 1; exp--; }
      bits = sign | (exp << 23) | ((man & 0x3FF) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static float td_tree16(float *acc) {
  for (int h = 8; h >= 1; h >>= 1)
    for (int j = 0; j < h; j++) acc[j] = acc[j] + acc[j + h];
  return acc[0];
}

// ---------------------------------------------------------------- generic C
static void f32_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
                        const float *x, int count, float *out) {
  for (int r = from; r < to; r++) {
    const float *row = (const float *)(w + (int64_t)r * rb);
    for (int t = 0; t < count; t++) {
      float acc[16] = {0};
      const float *xv = x + (int64_t)t * n;
      for (int i = 0; i < n; i++) acc[i & 15] = fmaf(row[i], xv[i], acc[i & 15]);
      out[(int64_t)t * rows + r] = td_tree16(acc);
    }
  }
}

static void q8_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
                       const int8_t *xq, const float *xd, int count, float *out) {
  int nb = n / 32;
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 34) {
        const int8_t *q = (const int8_t *)(blk + 2), *xb = xq + (int64_t)t * n + b * 32;
        int isum = 0;
        for (int i = 0; i < 32; i++) isum += q[i] * xb[i];
        float s = td_half(blk) * xd[(int64_t)t * nb + b];
        acc = fmaf((float)isum, s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

static void q4_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
                       const int8_t *xq, const float *xd, int count, float *out) {
  int nb = n / 32;
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 18) {
        const int8_t *xb = xq + (int64_t)t * n + b * 32;
        int isum = 0;
        for (int i = 0; i < 16; i++)
          isum += ((blk[2 + i] & 0xF) - 8) * xb[i] + ((blk[2 + i] >> 4) - 8) * xb[i + 16];
        float s = td_half(blk) * xd[(int64_t)t * nb + b];
        acc = fmaf((float)isum, s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

// ---------------------------------------------------------------- AVX2 + FMA
__attribute__((target("avx2,fma,f16c"))) static inline int hsum_i32_avx2(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);  // exact integer sum: order does not matter
}

__attribute__((target("avx2,fma,f16c"))) static void f32_avx2(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out) {
  int full = n & ~15;
  for (int r = from; r < to; r++) {
    const float *row = (const float *)(w + (int64_t)r * rb);
    for (int t = 0; t < count; t++) {
      const float *xv = x + (int64_t)t * n;
      __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
      for (int i = 0; i < full; i += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + i), _mm256_loadu_ps(xv + i), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + i + 8), _mm256_loadu_ps(xv + i + 8), a1);
      }
      float acc[16];
      _mm256_storeu_ps(acc, a0);
      _mm256_storeu_ps(acc + 8, a1);
      for (int i = full; i < n; i++) acc[i & 15] = fmaf(row[i], xv[i], acc[i & 15]);
      out[(int64_t)t * rows + r] = td_tree16(acc);
    }
  }
}

__attribute__((target("avx2,fma,f16c"))) static void q8_avx2(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out) {
  int nb = n / 32;
  const __m256i ones = _mm256_set1_epi16(1);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 34) {
        __m256i q = _mm256_loadu_si256((const __m256i *)(blk + 2));
        __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
        __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(xv, q)), ones);
        float s = td_half(blk) * dt[b];
        acc = fmaf((float)hsum_i32_avx2(p), s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

__attribute__((target("avx2,fma,f16c"))) static void q4_avx2(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out) {
  int nb = n / 32;
  const __m256i ones = _mm256_set1_epi16(1), low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      const float *dt = xd + (int64_t)t * nb;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 18) {
        __m128i packed = _mm_loadu_si128((const __m128i *)(blk + 2));
        __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
        __m256i q = _mm256_sub_epi8(_mm256_and_si256(both, low), eight);
        __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
        __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(xv, q)), ones);
        float s = td_half(blk) * dt[b];
        acc = fmaf((float)hsum_i32_avx2(p), s, acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

// ---------------------------------------------------------------- AVX-512 (F, BW, VL, VNNI)
#define TD_512 "avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"

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
__attribute__((target(TD_512))) static void f32_avx512(
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
__attribute__((target(TD_512))) static void q8_vnni(
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

__attribute__((target(TD_512))) static void q4_vnni(
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


// ---------------------------------------------------------------- 8 rows at a time
// The per-block integer sums of 8 rows are reduced together (one transpose-add instead of 8
// horizontal sums) and the 8 rows' float accumulators live in the lanes of one register:
// lane k computes exactly fmaf((float) isum_k, dw_k * dx, acc_k), block by block, as the spec says.
__attribute__((target("avx2,fma,f16c"))) static inline __m256i sum8x8(
    __m256i p0, __m256i p1, __m256i p2, __m256i p3, __m256i p4, __m256i p5, __m256i p6, __m256i p7) {
  __m256i s0123 = _mm256_hadd_epi32(_mm256_hadd_epi32(p0, p1), _mm256_hadd_epi32(p2, p3));
  __m256i s4567 = _mm256_hadd_epi32(_mm256_hadd_epi32(p4, p5), _mm256_hadd_epi32(p6, p7));
  return _mm256_add_epi32(_mm256_permute2x128_si256(s0123, s4567, 0x20), _mm256_permute2x128_si256(s0123, s4567, 0x31));
}

__attribute__((target("avx2,fma,f16c"))) static inline __m256 scales8(const uint8_t *base, int64_t rb) {
  // Inserts, not a store + wide reload: that would stall on store forwarding every block.
  __m128i h = _mm_cvtsi32_si128(*(const uint16_t *)base);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + rb), 1);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 2 * rb), 2);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 3 * rb), 3);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 4 * rb), 4);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 5 * rb), 5);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 6 * rb), 6);
  h = _mm_insert_epi16(h, *(const uint16_t *)(base + 7 * rb), 7);
  return _mm256_cvtph_ps(h);
}

__attribute__((target("avx2,fma,f16c"))) static inline void store8(float *out, int64_t stride, __m256 acc) {
  float a[8];
  _mm256_storeu_ps(a, acc);
  for (int k = 0; k < 8; k++) out[k * stride] = a[k];
}

// Eight rows interleave eight access streams, which hardware prefetchers follow poorly; the next
// 8-row group is contiguous, so fetch the group after next sequentially while this one is computed.
#define TD_PREFETCH_NEXT_GROUP(next, b, nb, rb)                                         \
  do {                                                                                   \
    int64_t span_ = 8 * (rb), step_ = (span_ + (nb) - 1) / (nb);                         \
    for (int64_t o_ = (b) * step_; o_ < ((b) + 1) * step_ && o_ < span_; o_ += 64)       \
      _mm_prefetch((const char *)(next) + o_, _MM_HINT_T0);                              \
  } while (0)

#define TD_ROWS8(ROW_DOT)                                                                    \
  __m256i p0 = ROW_DOT(0), p1 = ROW_DOT(1), p2 = ROW_DOT(2), p3 = ROW_DOT(3);               \
  __m256i p4 = ROW_DOT(4), p5 = ROW_DOT(5), p6 = ROW_DOT(6), p7 = ROW_DOT(7);

__attribute__((target(TD_512))) static void q8_vnni_x8(
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

__attribute__((target(TD_512))) static void q4_vnni_x8(
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

__attribute__((target("avx2,fma,f16c"))) static void q8_avx2_x8(
    const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count,
    float *out) {
  int nb = n / 32;
  const __m256i ones = _mm256_set1_epi16(1);
  for (int t = 0; t < count; t++) {
    const int8_t *xt = xq + (int64_t)t * n;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
      const uint8_t *blk = w + (int64_t)r0 * rb + b * 34;
      TD_PREFETCH_NEXT_GROUP(w + (int64_t)(r0 + 16) * rb, b, nb, rb);
      __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
#define Q8_AVX2_DOT(k) ({ __m256i qk = _mm256_loadu_si256((const __m256i *)(blk + (k) * rb + 2)); \
      _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(qk, qk), _mm256_sign_epi8(xv, qk)), ones); })
      TD_ROWS8(Q8_AVX2_DOT)
      __m256i isum = sum8x8(p0, p1, p2, p3, p4, p5, p6, p7);
      __m256 s = _mm256_mul_ps(scales8(blk, rb), _mm256_set1_ps(xd[(int64_t)t * nb + b]));
      acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), s, acc);
    }
    store8(out + (int64_t)t * rows + r0, 1, acc);
  }
}

__attribute__((target("avx2,fma,f16c"))) static void q4_avx2_x8(
    const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count,
    float *out) {
  int nb = n / 32;
  const __m256i ones = _mm256_set1_epi16(1), low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8);
  for (int t = 0; t < count; t++) {
    const int8_t *xt = xq + (int64_t)t * n;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < nb; b++) {
      const uint8_t *blk = w + (int64_t)r0 * rb + b * 18;
      TD_PREFETCH_NEXT_GROUP(w + (int64_t)(r0 + 16) * rb, b, nb, rb);
      __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
#define Q4_AVX2_DOT(k) ({ __m128i pk = _mm_loadu_si128((const __m128i *)(blk + (k) * rb + 2)); \
      __m256i qk = _mm256_sub_epi8(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low), eight); \
      _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(qk, qk), _mm256_sign_epi8(xv, qk)), ones); })
      TD_ROWS8(Q4_AVX2_DOT)
      __m256i isum = sum8x8(p0, p1, p2, p3, p4, p5, p6, p7);
      __m256 s = _mm256_mul_ps(scales8(blk, rb), _mm256_set1_ps(xd[(int64_t)t * nb + b]));
      acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), s, acc);
    }
    store8(out + (int64_t)t * rows + r0, 1, acc);
  }
}


// One row at a time, 8 blocks at a time: the 8 blocks' integer sums are reduced together, then
// the canonical scalar fma chain runs over them in block order. Weights stream sequentially,
// which suits matrices read from DRAM (decode); rows overlap in the out-of-order window.
__attribute__((target(TD_512))) static void q8_vnni_seq(
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
#define Q8_SEQ_DOT(k) _mm256_dpbusd_epi32(_mm256_setzero_si256(), \
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + (k) * 34 + 2)), flip), \
        _mm256_loadu_si256((const __m256i *)(xt + (b + (k)) * 32)))
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

__attribute__((target(TD_512))) static void q4_vnni_seq(
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
#define Q4_SEQ_DOT(k) ({ __m128i pk = _mm_loadu_si128((const __m128i *)(blk + (k) * 18 + 2)); \
        _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low), \
        _mm256_loadu_si256((const __m256i *)(xt + (b + (k)) * 32))); })
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
enum { TD_PACK_ROWS = 16 };

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
__attribute__((target(TD_512))) static void q_vnni_x16(
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

// ---------------------------------------------------------------- relaxed (benchmark baseline only)
// llama.cpp-style: per-block partial sums accumulate in float lanes and one horizontal sum ends
// the row. The result depends on the lane layout, so it is NOT the canonical order; it exists
// only to measure what the determinism rules cost (bench/ai).
__attribute__((target("avx2,fma,f16c"))) static inline float hsum_ps_avx2(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma,f16c"))) static void q_relaxed(
    int type, const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd,
    int count, float *out) {
  int nb = n / 32, bs = type == TD_Q8_0 ? 34 : 18;
  const __m256i ones = _mm256_set1_epi16(1), low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8);
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
      for (int b = 0; b < nb; b++, blk += bs) {
        __m256i q;
        if (type == TD_Q8_0) {
          q = _mm256_loadu_si256((const __m256i *)(blk + 2));
        } else {
          __m128i pk = _mm_loadu_si128((const __m128i *)(blk + 2));
          q = _mm256_sub_epi8(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low), eight);
        }
        __m256i xv = _mm256_loadu_si256((const __m256i *)(xt + b * 32));
        __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(xv, q)), ones);
        __m256 s = _mm256_set1_ps(_cvtsh_ss(*(const uint16_t *)blk) * xd[(int64_t)t * nb + b]);
        if (b & 1) acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), s, acc1);
        else acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), s, acc0);
      }
      out[(int64_t)t * rows + r] = hsum_ps_avx2(_mm256_add_ps(acc0, acc1));
    }
  }
}

// The decode kernels above with the one determinism rule they pay for removed: the 8 blocks'
// partial products accumulate in the 8 lanes of a vector (lane = block mod 8) and one horizontal
// sum ends the row, instead of the scalar fma chain in block order. Benchmark baseline only.
__attribute__((target(TD_512))) static void q_vnni_seq_relaxed(
    int type, const uint8_t *w, int64_t rb, int from, int to, int n, const int8_t *xq, const float *xd,
    float *out, const int *bs) {
  int nb = n / 32;
  const __m256i flip = _mm256_set1_epi8((char)0x80), low = _mm256_set1_epi8(0xF);
  for (int r = from; r < to; r++) {
    const uint8_t *row = w + (int64_t)r * rb;
    __m256 acc = _mm256_setzero_ps();
    const int8_t *xt = xq;
    float tail = 0.0f;
    int b = 0;
    if (type == TD_Q8_0) {
      for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + b * 34;
        TD_ROWS8(Q8_SEQ_DOT)
        __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                        _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(bs + b)), 7));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(scales8(blk, 34), _mm256_loadu_ps(xd + b)), acc);
      }
      for (const uint8_t *blk = row + b * 34; b < nb; b++, blk += 34) {
        __m256i q = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + 2)), flip);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)(xq + b * 32)));
        tail = fmaf((float)(hsum_i32_avx2(p) - 128 * bs[b]), td_half(blk) * xd[b], tail);
      }
    } else {
      for (; b + 8 <= nb; b += 8) {
        const uint8_t *blk = row + b * 18;
        TD_ROWS8(Q4_SEQ_DOT)
        __m256i isum = _mm256_sub_epi32(sum8x8(p0, p1, p2, p3, p4, p5, p6, p7),
                                        _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)(bs + b)), 3));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(scales8(blk, 18), _mm256_loadu_ps(xd + b)), acc);
      }
      for (const uint8_t *blk = row + b * 18; b < nb; b++, blk += 18) {
        __m128i pk = _mm_loadu_si128((const __m128i *)(blk + 2));
        __m256i q = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low);
        __m256i p = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, _mm256_loadu_si256((const __m256i *)(xq + b * 32)));
        tail = fmaf((float)(hsum_i32_avx2(p) - 8 * bs[b]), td_half(blk) * xd[b], tail);
      }
    }
    out[r] = hsum_ps_avx2(acc) + tail;
  }
}

// ---------------------------------------------------------------- exp (= java.lang.StrictMath.exp)
// fdlibm's e_exp algorithm, the one StrictMath specifies, with the same IEEE double operations in
// the same order (no fma: -ffp-contract=off), so every result has StrictMath.exp's bits. Native so
// that softmax, SwiGLU and the per-token log-softmax run at full speed from the first call instead
// of after the JIT has compiled the Vector API port (VectorExp), which was slower than scalar
// StrictMath for the first few hundred tokens.
static const double TD_LN2_HI = 0x1.62e42feep-1, TD_LN2_LO = 0x1.a39ef35793c76p-33,
                    TD_INV_LN2 = 0x1.71547652b82fep0, TD_TWO_M1000 = 0x1.0p-1000, TD_P1 = 0x1.555555555553ep-3,
                    TD_P2 = -0x1.6c16c16bebd93p-9, TD_P3 = 0x1.1566aaf25de2cp-14,
                    TD_P4 = -0x1.bbd41c5d26bf1p-20, TD_P5 = 0x1.6376972bea4d0p-25;

static double td_exp(double x) {
  uint64_t bits;
  memcpy(&bits, &x, 8);
  uint32_t hx = (uint32_t)(bits >> 32) & 0x7fffffffu;
  int negative = (int)(bits >> 63);
  if (hx >= 0x40862E42u) {  // |x| >= 709.78: NaN, infinities, overflow, underflow
    if (hx >= 0x7ff00000u) {
      if (((hx & 0xfffffu) | (uint32_t)bits) != 0) return x + x;  // NaN
      return negative ? 0.0 : x;
    }
    if (x > 0x1.62e42fefa39efp9) return INFINITY;
    if (x < -0x1.74910d52d3051p9) return 0.0;
  }
  double hi = 0.0, lo = 0.0;
  int k = 0;
  if (hx > 0x3fd62e42u) {  // |x| > 0.5 ln2: x = k ln2 + r
    if (hx < 0x3FF0A2B2u) {
      k = negative ? -1 : 1;
    } else {
      k = (int)(TD_INV_LN2 * x + (negative ? -0.5 : 0.5));
    }
    double t = k;
    hi = x - t * TD_LN2_HI;  // exact
    lo = t * TD_LN2_LO;
    x = hi - lo;
  } else if (hx < 0x3e300000u) {  // |x| < 2^-28
    return 1.0 + x;
  }
  double t = x * x;
  double c = x - t * (TD_P1 + t * (TD_P2 + t * (TD_P3 + t * (TD_P4 + t * TD_P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  uint64_t yb;
  memcpy(&yb, &y, 8);
  if (k >= -1021) {
    yb += (uint64_t)(int64_t)k << 52;
    memcpy(&y, &yb, 8);
    return y;
  }
  yb += (uint64_t)(int64_t)(k + 1000) << 52;
  memcpy(&y, &yb, 8);
  return y * TD_TWO_M1000;
}

// The same for 8 lanes at once; lanes with |x| > 700 (exponent scaling below 2^-1021, overflow,
// NaN, infinities) send their group to td_exp. Every lane follows the branch td_exp takes for it.
__attribute__((target(TD_512))) static inline int td_exp8(__m512d x, __m512d *y) {
  __m512i bits = _mm512_castpd_si512(x);
  __m512i hx = _mm512_and_si512(_mm512_srli_epi64(bits, 32), _mm512_set1_epi64(0x7fffffff));
  if (_mm512_cmpge_epu64_mask(hx, _mm512_set1_epi64(0x4085E000)) != 0) return 0;  // |x| >= 700
  __mmask8 neg = _mm512_cmplt_epi64_mask(bits, _mm512_setzero_si512());
  __mmask8 tiny = _mm512_cmplt_epu64_mask(hx, _mm512_set1_epi64(0x3e300000));
  __mmask8 reduce = _mm512_cmpgt_epu64_mask(hx, _mm512_set1_epi64(0x3fd62e42));
  __mmask8 near_one = reduce & _mm512_cmplt_epu64_mask(hx, _mm512_set1_epi64(0x3FF0A2B2));
  __m512d half = _mm512_mask_blend_pd(neg, _mm512_set1_pd(0.5), _mm512_set1_pd(-0.5));
  __m256i k = _mm512_cvttpd_epi32(_mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(TD_INV_LN2)), half));
  __m256i one = _mm256_mask_blend_epi32(neg, _mm256_set1_epi32(1), _mm256_set1_epi32(-1));
  k = _mm256_mask_blend_epi32(near_one, k, one);
  k = _mm256_maskz_mov_epi32(reduce, k);
  __m512d t = _mm512_cvtepi32_pd(k);
  __m512d hi = _mm512_sub_pd(x, _mm512_mul_pd(t, _mm512_set1_pd(TD_LN2_HI)));
  __m512d lo = _mm512_mul_pd(t, _mm512_set1_pd(TD_LN2_LO));
  __m512d xr = _mm512_mask_blend_pd(reduce, x, _mm512_sub_pd(hi, lo));
  __m512d tt = _mm512_mul_pd(xr, xr);
  __m512d poly = _mm512_add_pd(_mm512_mul_pd(tt, _mm512_set1_pd(TD_P5)), _mm512_set1_pd(TD_P4));
  poly = _mm512_add_pd(_mm512_mul_pd(tt, poly), _mm512_set1_pd(TD_P3));
  poly = _mm512_add_pd(_mm512_mul_pd(tt, poly), _mm512_set1_pd(TD_P2));
  poly = _mm512_add_pd(_mm512_mul_pd(tt, poly), _mm512_set1_pd(TD_P1));
  __m512d c = _mm512_sub_pd(xr, _mm512_mul_pd(tt, poly));
  __m512d xc = _mm512_mul_pd(xr, c);
  __m512d one_d = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0);
  __m512d y_no_k = _mm512_sub_pd(one_d, _mm512_sub_pd(_mm512_div_pd(xc, _mm512_sub_pd(c, two)), xr));
  __m512d y_k = _mm512_sub_pd(one_d, _mm512_sub_pd(_mm512_sub_pd(lo, _mm512_div_pd(xc, _mm512_sub_pd(two, c))), hi));
  __m512d scaled = _mm512_castsi512_pd(
      _mm512_add_epi64(_mm512_castpd_si512(y_k), _mm512_slli_epi64(_mm512_cvtepi32_epi64(k), 52)));
  __m512d r = _mm512_mask_blend_pd(reduce, y_no_k, scaled);
  *y = _mm512_mask_blend_pd(tiny, r, _mm512_add_pd(one_d, x));
  return 1;
}

// (float) td_exp((double) x) for 8 floats without fdlibm's divisions: k = rint(x/ln2), r = x − k·ln2
// (Cody-Waite with fma), exp(r) by its degree-13 Taylor polynomial (fma, Horner), scaled by 2^k.
// That double is within a few ulps of exp(x), as fdlibm's is, so both round to the same float
// unless exp(x) lies within those few ulps of a midpoint between two floats: a lane whose 29
// dropped bits are within TD_EXPF_GUARD of the midpoint sends the group to fdlibm, as does any
// lane outside [-87, 88.5] (float results subnormal or infinite) or NaN. Exhaustively checked
// against the scalar fdlibm for every float in [-87, 88.5] (td_exp_f32_selfcheck, ExpTest).
#define TD_EXPF_GUARD 64
__attribute__((target(TD_512))) static inline int td_expf8_fast(__m256 xf, __m256 *out) {
  __m512d x = _mm512_cvtps_pd(xf);
  __mmask8 in_range = _mm512_cmp_pd_mask(x, _mm512_set1_pd(-87.0), _CMP_GE_OQ)
                      & _mm512_cmp_pd_mask(x, _mm512_set1_pd(88.5), _CMP_LE_OQ);
  if (in_range != 0xFF) return 0;
  __m512d k = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(TD_INV_LN2)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512d r = _mm512_fnmadd_pd(k, _mm512_set1_pd(0x1.62e42fefa39efp-1), x);
  r = _mm512_fnmadd_pd(k, _mm512_set1_pd(0x1.abc9e3b39803fp-56), r);
  static const double c[14] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
                               1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0};
  __m512d p = _mm512_set1_pd(c[13]);
  for (int j = 12; j >= 0; j--) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c[j]));
  __m512d y = _mm512_scalef_pd(p, k);
  __m512i dropped = _mm512_and_si512(_mm512_castpd_si512(y), _mm512_set1_epi64(0x1FFFFFFF));
  __m512i from_mid = _mm512_abs_epi64(_mm512_sub_epi64(dropped, _mm512_set1_epi64(0x10000000)));
  if (_mm512_cmple_epi64_mask(from_mid, _mm512_set1_epi64(TD_EXPF_GUARD)) != 0) return 0;
  *out = _mm512_cvtpd_ps(y);
  return 1;
}

// 8 results of (float) td_exp((double) (sign · in[j])): the fast path, else fdlibm in 8 lanes, else scalar.
__attribute__((target(TD_512))) static inline void exp_f32_group(__m256 xf, const float *in, float sign, float *out,
                                                              int count) {
  __m256 r;
  __m512d y;
  if (td_expf8_fast(xf, &r)) {
  } else if (td_exp8(_mm512_cvtps_pd(xf), &y)) {
    r = _mm512_cvtpd_ps(y);
  } else {
    for (int j = 0; j < count; j++) out[j] = (float)td_exp((double)(sign * in[j]));
    return;
  }
  if (count == 8) _mm256_storeu_ps(out, r);
  else _mm256_mask_storeu_ps(out, (__mmask8)((1u << count) - 1), r);
}

__attribute__((target(TD_512))) static void exp_f32_avx512(const float *in, float sign, float *out, int n) {
  int i = 0;
  __m256 s = _mm256_set1_ps(sign);
  for (; i + 8 <= n; i += 8) exp_f32_group(_mm256_mul_ps(_mm256_loadu_ps(in + i), s), in + i, sign, out + i, 8);
  if (i < n) {  // the tail in one masked group (the lanes past n compute exp(0) and are not stored)
    __m256 x = _mm256_maskz_loadu_ps((__mmask8)((1u << (n - i)) - 1), in + i);
    exp_f32_group(_mm256_mul_ps(x, s), in + i, sign, out + i, n - i);
  }
}

// Test support: over every float whose bits are in [from, to) (as uint32), the number whose AVX-512
// exp (fast path included) differs from the scalar fdlibm transcription td_exp. -1 without AVX-512.
int64_t td_exp_f32_selfcheck(uint32_t from, uint32_t to) {
  if (td_best_variant() != TD_AVX512_VNNI) return -1;
  float in[4096], got[4096];
  int64_t bad = 0;
  for (uint64_t b = from; b < to;) {
    int n = 0;
    for (; n < 4096 && b < to; n++, b++) {
      uint32_t u = (uint32_t)b;
      memcpy(&in[n], &u, 4);
    }
    exp_f32_avx512(in, 1.0f, got, n);
    for (int j = 0; j < n; j++) {
      float want = (float)td_exp((double)in[j]);
      if (memcmp(&want, &got[j], 4) != 0) bad++;
    }
  }
  return bad;
}

__attribute__((target(TD_512))) static double exp_sum_avx512(const float *in, double shift, int n) {
  double sum = 0.0, e[8];
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d x = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(in + i)), _mm512_set1_pd(shift));
    __m512d y;
    if (td_exp8(x, &y)) {
      _mm512_storeu_pd(e, y);
    } else {
      for (int j = 0; j < 8; j++) e[j] = td_exp((double)in[i + j] - shift);
    }
    for (int j = 0; j < 8; j++) sum += e[j];  // in index order
  }
  for (; i < n; i++) sum += td_exp((double)in[i] - shift);
  return sum;
}

// The relaxed benchmark baseline's exp (not canonical, ~1 ulp): what an engine without the rules
// would use, as llama.cpp does: float, round(x·log2 e) = k, r = x − k·ln2 with fma, a degree-6
// polynomial, scaled by 2^k; results below 2^-126 flushed to 0.
__attribute__((target(TD_512))) static inline __m512 relaxed_exp16(__m512 x) {
  __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(0x1.715476p0f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0x1.62e4p-1f), x);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0x1.7f7d1cp-20f), r);
  __m512 p = _mm512_set1_ps(1.0f / 720);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  __m512 y = _mm512_scalef_ps(p, k);
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.33f), _CMP_GE_OQ), y);
}

__attribute__((target(TD_512))) static void exp_f32_relaxed512(const float *in, float sign, float *out, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(out + i, relaxed_exp16(_mm512_mul_ps(_mm512_loadu_ps(in + i), _mm512_set1_ps(sign))));
  for (; i < n; i++) out[i] = expf(sign * in[i]);
}

// Relaxed sum: float exps accumulated in 16 double lanes, then added up (no fixed order promised).
__attribute__((target(TD_512))) static double exp_sum_relaxed512(const float *in, double shift, int n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
  __m512 sh = _mm512_set1_ps((float)shift);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 e = relaxed_exp16(_mm512_sub_ps(_mm512_loadu_ps(in + i), sh));
    a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
  }
  double sum = _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
  for (; i < n; i++) sum += exp((double)in[i] - shift);
  return sum;
}

__attribute__((target(TD_512))) static void exp_f64_avx512(const double *in, double *out, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512d y;
    if (td_exp8(_mm512_loadu_pd(in + i), &y)) {
      _mm512_storeu_pd(out + i, y);
    } else {
      for (int j = i; j < i + 8; j++) out[j] = td_exp(in[j]);
    }
  }
  for (; i < n; i++) out[i] = td_exp(in[i]);
}

// out[i] = StrictMath.exp(in[i]) for i < n (the sampler's candidate weights; canonical variants only).
void td_exp_f64(int variant, const double *in, double *out, int n) {
  if (variant == TD_AVX512_VNNI) {
    exp_f64_avx512(in, out, n);
    return;
  }
  for (int i = 0; i < n; i++) out[i] = td_exp(in[i]);
}

// out[i] = (float) StrictMath.exp((double) (sign * in[i])) for i < n (in and out may be the same).
// variant: as for td_matmul (the caller checks the CPU has it); below AVX-512, scalar C.
void td_exp_f32(int variant, const float *in, float sign, float *out, int n) {
  if (variant == TD_RELAXED) {
    if (td_best_variant() == TD_AVX512_VNNI) {
      exp_f32_relaxed512(in, sign, out, n);
    } else {
      for (int i = 0; i < n; i++) out[i] = expf(sign * in[i]);
    }
    return;
  }
  if (variant == TD_AVX512_VNNI) {
    exp_f32_avx512(in, sign, out, n);
    return;
  }
  for (int i = 0; i < n; i++) out[i] = (float)td_exp((double)(sign * in[i]));
}

// Σ StrictMath.exp((double) in[i] − shift) for i < n, summed in index order in double.
double td_exp_sum(int variant, const float *in, double shift, int n) {
  if (variant == TD_RELAXED) {
    if (td_best_variant() == TD_AVX512_VNNI) return exp_sum_relaxed512(in, shift, n);
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += exp((double)in[i] - shift);
    return sum;
  }
  if (variant == TD_AVX512_VNNI) return exp_sum_avx512(in, shift, n);
  double sum = 0.0;
  for (int i = 0; i < n; i++) sum += td_exp((double)in[i] - shift);
  return sum;
}

// ---------------------------------------------------------------- entry points
int td_best_variant(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
      && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma"))
    return TD_AVX512_VNNI;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return TD_AVX2;
  return TD_GENERIC;
}

// out[t*rows + r] for r in [from, to), t < count. bsum: scratch of count*(n/32) ints (VNNI only;
// Q4_K/Q6_K: TD_KQ_SCRATCH_INTS(count, n), every variant but generic).
// Returns 0, or -1 when the type or variant is not handled here (the caller uses Java).
// packed: td_pack's copy of w (AVX-512 VNNI, Q8_0/Q4_0) or NULL; used for the whole 16-row groups of [from, to).
int td_matmul(int variant, int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
              const float *xf, const int8_t *xq, const float *xd, int count, float *out, int *bsum,
              const uint8_t *packed) {
  if (type == TD_Q4_K || type == TD_Q6_K)  // td_kquants.c; the relaxed baseline runs the canonical ones
    return td_kq_matmul(variant == TD_RELAXED ? td_best_variant() : variant, type, w, row_bytes, from, to, rows, n,
                        xq, xd, count, out, bsum);
  if (variant == TD_RELAXED) {
    // The best canonical kernels, except where a fixed order costs time: decode rows on VNNI
    // without the packed copy (lane accumulation instead of the scalar fma chain) and every
    // quantized row on AVX2. The packed 16-row kernels pay nothing for the order, so they stay.
    int best = td_best_variant();
    if (best < TD_AVX2) return -1;
    if (type != TD_F32 && type != TD_Q8_0 && type != TD_Q4_0) return -1;
    if (type != TD_F32 && best == TD_AVX2) {
      q_relaxed(type, w, row_bytes, from, to, rows, n, xq, xd, count, out);
      return 0;
    }
    if (type != TD_F32 && count == 1 && packed == NULL) {
      int nb = n / 32;
      for (int i = 0; i < nb; i++) {
        int s = 0;
        for (int j = 0; j < 32; j++) s += xq[i * 32 + j];
        bsum[i] = s;
      }
      q_vnni_seq_relaxed(type, w, row_bytes, from, to, n, xq, xd, out, bsum);
      return 0;
    }
    variant = best;
  }
  if (variant > td_best_variant()) return -1;
  if (type == TD_F32) {
    if (variant == TD_AVX512_VNNI) f32_avx512(w, row_bytes, from, to, rows, n, xf, count, out);
    else if (variant == TD_AVX2) f32_avx2(w, row_bytes, from, to, rows, n, xf, count, out);
    else f32_generic(w, row_bytes, from, to, rows, n, xf, count, out);
    return 0;
  }
  if (type != TD_Q8_0 && type != TD_Q4_0) return -1;
  if (variant == TD_AVX512_VNNI) {
    int nb = n / 32;
    for (int64_t i = 0; i < (int64_t)count * nb; i++) {
      int s = 0;
      for (int j = 0; j < 32; j++) s += xq[i * 32 + j];
      bsum[i] = s;
    }
    if (packed != NULL) {
      int g_from = (from + TD_PACK_ROWS - 1) / TD_PACK_ROWS, g_to = to / TD_PACK_ROWS;
      if (g_from < g_to) {
        q_vnni_x16(type, packed, g_from, g_to, rows, n, xq, xd, count, out, bsum);
        // the unaligned edges below run the row kernels on the original layout: same bits
        if (from < g_from * TD_PACK_ROWS)
          td_matmul(variant, type, w, row_bytes, from, g_from * TD_PACK_ROWS, rows, n, xf, xq, xd, count, out, bsum, NULL);
        if (g_to * TD_PACK_ROWS < to)
          td_matmul(variant, type, w, row_bytes, g_to * TD_PACK_ROWS, to, rows, n, xf, xq, xd, count, out, bsum, NULL);
        return 0;
      }
    }
    if (count == 1) {  // decode: weights come from DRAM, so stream each row sequentially
      if (type == TD_Q8_0) q8_vnni_seq(w, row_bytes, from, to, rows, n, xq, xd, count, out, bsum);
      else q4_vnni_seq(w, row_bytes, from, to, rows, n, xq, xd, count, out, bsum);
      return 0;
    }
    int r = from;
    for (; r + 8 <= to; r += 8) {
      if (type == TD_Q8_0) q8_vnni_x8(w, row_bytes, r, rows, n, xq, xd, count, out, bsum);
      else q4_vnni_x8(w, row_bytes, r, rows, n, xq, xd, count, out, bsum);
    }
    if (type == TD_Q8_0) q8_vnni(w, row_bytes, r, to, rows, n, xq, xd, count, out, bsum);
    else q4_vnni(w, row_bytes, r, to, rows, n, xq, xd, count, out, bsum);
  } else if (variant == TD_AVX2) {
    int r = from;
    for (; r + 8 <= to; r += 8) {
      if (type == TD_Q8_0) q8_avx2_x8(w, row_bytes, r, rows, n, xq, xd, count, out);
      else q4_avx2_x8(w, row_bytes, r, rows, n, xq, xd, count, out);
    }
    if (type == TD_Q8_0) q8_avx2(w, row_bytes, r, to, rows, n, xq, xd, count, out);
    else q4_avx2(w, row_bytes, r, to, rows, n, xq, xd, count, out);
  } else {
    if (type == TD_Q8_0) q8_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
    else q4_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
  }
  return 0;
}
