// Shared by the native kernel sources of trustdial-ai (td_generic.c, td_avx2.c, td_avx512.c,
// td_exp.c, td_kernels.c) and by bench/ai's relaxed baseline: type and variant ids, the helpers
// more than one instruction set uses, and the kernels td_matmul dispatches to. Every kernel
// computes each output in the canonical order of docs/spec/determinism.md; build with
// -ffp-contract=off, never -ffast-math.
#ifndef TD_KERNELS_H
#define TD_KERNELS_H
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "td_kquants.h"

enum { TD_F32 = 0, TD_Q4_0 = 2, TD_Q8_0 = 8 };
enum { TD_GENERIC = 0, TD_AVX2 = 1, TD_AVX512_VNNI = 2, TD_RELAXED = 3 };
enum { TD_PACK_ROWS = 16 };

// Internal to the library: not exported.
#define TD_HIDDEN __attribute__((visibility("hidden")))
#define TD_512 "avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"

int td_best_variant(void);

static inline float td_tree16(float *acc) {
  for (int h = 8; h >= 1; h >>= 1)
    for (int j = 0; j < h; j++) acc[j] = acc[j] + acc[j + h];
  return acc[0];
}

__attribute__((target("avx2,fma,f16c"))) static inline int hsum_i32_avx2(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);  // exact integer sum: order does not matter
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

// One row's 8 blocks at a time (q8_vnni_seq, q4_vnni_seq and the relaxed baseline); they use the
// caller's blk, xt, b, flip and low.
#define Q8_SEQ_DOT(k) _mm256_dpbusd_epi32(_mm256_setzero_si256(), \
        _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + (k) * 34 + 2)), flip), \
        _mm256_loadu_si256((const __m256i *)(xt + (b + (k)) * 32)))
#define Q4_SEQ_DOT(k) ({ __m128i pk = _mm_loadu_si128((const __m128i *)(blk + (k) * 18 + 2)); \
        _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(pk, 4), pk), low), \
        _mm256_loadu_si256((const __m256i *)(xt + (b + (k)) * 32))); })

// ---------------------------------------------------------------- kernels (td_matmul dispatches)
TD_HIDDEN void f32_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out);
TD_HIDDEN void q8_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void q4_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void f32_avx2(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out);
TD_HIDDEN void q8_avx2(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void q4_avx2(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void q8_avx2_x8(const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void q4_avx2_x8(const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count, float *out);
TD_HIDDEN void f32_avx512(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const float *x, int count, float *out);
TD_HIDDEN void q8_vnni(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, int *bsum);
TD_HIDDEN void q4_vnni(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, int *bsum);
TD_HIDDEN void q8_vnni_x8(const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, const int *bsum);
TD_HIDDEN void q4_vnni_x8(const uint8_t *w, int64_t rb, int r0, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, const int *bsum);
TD_HIDDEN void q8_vnni_seq(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, const int *bsum);
TD_HIDDEN void q4_vnni_seq(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, const int *bsum);
TD_HIDDEN void q_vnni_x16(int type, const uint8_t *packed, int g_from, int g_to, int rows, int n, const int8_t *xq, const float *xd, int count, float *out, const int *bsum);
#ifdef TD_WITH_RELAXED
// bench/ai/native/td_relaxed.c, built only into the benchmark's library. Returns 0 when it
// computed the rows, -1 when it cannot, 1 when the best canonical kernel should run them.
TD_HIDDEN int td_relaxed_matmul(int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
                                const int8_t *xq, const float *xd, int count, float *out, int *bsum,
                                const uint8_t *packed);
TD_HIDDEN void td_relaxed_exp_f32(const float *in, float sign, float *out, int n);
TD_HIDDEN double td_relaxed_exp_sum(const float *in, double shift, int n);
#endif

#endif
