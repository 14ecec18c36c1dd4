// AVX2 + FMA kernels: one row at a time, and 8 rows at a time for Q8_0/Q4_0.
#include "td_kernels.h"

// ---------------------------------------------------------------- AVX2 + FMA
__attribute__((target("avx2,fma,f16c"))) TD_HIDDEN void f32_avx2(
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

__attribute__((target("avx2,fma,f16c"))) TD_HIDDEN void q8_avx2(
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

__attribute__((target("avx2,fma,f16c"))) TD_HIDDEN void q4_avx2(
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


// ---------------------------------------------------------------- 8 rows at a time (AVX2)
__attribute__((target("avx2,fma,f16c"))) TD_HIDDEN void q8_avx2_x8(
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

__attribute__((target("avx2,fma,f16c"))) TD_HIDDEN void q4_avx2_x8(
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
