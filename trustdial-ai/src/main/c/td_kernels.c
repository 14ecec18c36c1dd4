// Native matmul kernels for trustdial-ai. Every variant computes each output with the canonical
// order of docs/spec/determinism.md (16 virtual fma lanes + pairwise tree for floats; exact int
// block sums + fmaf over blocks in order for Q8_0/Q4_0), so all variants and the Java kernels give
// identical bits. Build with -ffp-contract=off; never -ffast-math.
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { TD_F32 = 0, TD_Q4_0 = 2, TD_Q8_0 = 8 };
enum { TD_GENERIC = 0, TD_AVX2 = 1, TD_AVX512_VNNI = 2 };

static float td_half(const uint8_t *p) {
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

__attribute__((target(TD_512))) static void f32_avx512(
    const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out) {
  int full = n & ~15;
  for (int r = from; r < to; r++) {
    const float *row = (const float *)(w + (int64_t)r * rb);
    int t = 0;
    for (; t + 1 < count; t += 2) {  // two activations share each weight load
      const float *x0 = x + (int64_t)t * n, *x1 = x0 + n;
      __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
      for (int i = 0; i < full; i += 16) {
        __m512 wv = _mm512_loadu_ps(row + i);
        a0 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x0 + i), a0);
        a1 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x1 + i), a1);
      }
      float c0[16], c1[16];
      _mm512_storeu_ps(c0, a0);
      _mm512_storeu_ps(c1, a1);
      for (int i = full; i < n; i++) {
        c0[i & 15] = fmaf(row[i], x0[i], c0[i & 15]);
        c1[i & 15] = fmaf(row[i], x1[i], c1[i & 15]);
      }
      out[(int64_t)t * rows + r] = td_tree16(c0);
      out[(int64_t)(t + 1) * rows + r] = td_tree16(c1);
    }
    for (; t < count; t++) {
      const float *xv = x + (int64_t)t * n;
      __m512 a0 = _mm512_setzero_ps();
      for (int i = 0; i < full; i += 16) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i), _mm512_loadu_ps(xv + i), a0);
      float acc[16];
      _mm512_storeu_ps(acc, a0);
      for (int i = full; i < n; i++) acc[i & 15] = fmaf(row[i], xv[i], acc[i & 15]);
      out[(int64_t)t * rows + r] = td_tree16(acc);
    }
  }
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

// ---------------------------------------------------------------- entry points
int td_best_variant(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
      && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma"))
    return TD_AVX512_VNNI;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return TD_AVX2;
  return TD_GENERIC;
}

// out[t*rows + r] for r in [from, to), t < count. bsum: scratch of count*(n/32) ints (VNNI only).
// Returns 0, or -1 when the type or variant is not handled here (the caller uses Java).
int td_matmul(int variant, int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
              const float *xf, const int8_t *xq, const float *xd, int count, float *out, int *bsum) {
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
    if (type == TD_Q8_0) q8_vnni(w, row_bytes, from, to, rows, n, xq, xd, count, out, bsum);
    else q4_vnni(w, row_bytes, from, to, rows, n, xq, xd, count, out, bsum);
  } else if (variant == TD_AVX2) {
    if (type == TD_Q8_0) q8_avx2(w, row_bytes, from, to, rows, n, xq, xd, count, out);
    else q4_avx2(w, row_bytes, from, to, rows, n, xq, xd, count, out);
  } else {
    if (type == TD_Q8_0) q8_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
    else q4_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
  }
  return 0;
}
