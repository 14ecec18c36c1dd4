// The relaxed benchmark baseline of trustdial-ai's native kernels, built only into bench/ai's
// copy of the library (build-native.sh, -DTD_WITH_RELAXED): the product library has none of it.
#include "td_kernels.h"

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

// The relaxed td_matmul: the best canonical kernels, except where a fixed order costs time: decode
// rows on VNNI without the packed copy (lane accumulation instead of the scalar fma chain) and
// every quantized row on AVX2. The packed 16-row kernels pay nothing for the order, so they stay.
int td_relaxed_matmul(int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
                      const int8_t *xq, const float *xd, int count, float *out, int *bsum, const uint8_t *packed) {
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
  return 1;
}

void td_relaxed_exp_f32(const float *in, float sign, float *out, int n) {
  if (td_best_variant() == TD_AVX512_VNNI) {
    exp_f32_relaxed512(in, sign, out, n);
  } else {
    for (int i = 0; i < n; i++) out[i] = expf(sign * in[i]);
  }
}

double td_relaxed_exp_sum(const float *in, double shift, int n) {
  if (td_best_variant() == TD_AVX512_VNNI) return exp_sum_relaxed512(in, shift, n);
  double sum = 0.0;
  for (int i = 0; i < n; i++) sum += exp((double)in[i] - shift);
  return sum;
}
