#include "td_kernels.h"

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
#ifdef TD_WITH_RELAXED
  if (variant == TD_RELAXED) {
    td_relaxed_exp_f32(in, sign, out, n);
    return;
  }
#endif
  if (variant == TD_AVX512_VNNI) {
    exp_f32_avx512(in, sign, out, n);
    return;
  }
  for (int i = 0; i < n; i++) out[i] = (float)td_exp((double)(sign * in[i]));
}

// Σ StrictMath.exp((double) in[i] − shift) for i < n, summed in index order in double.
double td_exp_sum(int variant, const float *in, double shift, int n) {
#ifdef TD_WITH_RELAXED
  if (variant == TD_RELAXED) return td_relaxed_exp_sum(in, shift, n);
#endif
  if (variant == TD_AVX512_VNNI) return exp_sum_avx512(in, shift, n);
  double sum = 0.0;
  for (int i = 0; i < n; i++) sum += td_exp((double)in[i] - shift);
  return sum;
}
