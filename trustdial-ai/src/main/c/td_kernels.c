// Native matmul kernels for trustdial-ai: the entry points the Java side binds (NativeKernels).
// td_matmul picks the kernel for a type and variant; the kernels live per instruction set in
// td_generic.c, td_avx2.c, td_avx512.c, the exp port in td_exp.c, K-quants in td_kquants.c. Every
// variant computes each output with the canonical order of docs/spec/determinism.md (16 virtual
// fma lanes + pairwise tree for floats; exact int block sums + fmaf over blocks in order for
// Q8_0/Q4_0), so all variants and the Java kernels give identical bits. Build with
// -ffp-contract=off; never -ffast-math.
#include "td_kernels.h"

// ---------------------------------------------------------------- entry points
// 1 when this build has the relaxed benchmark baseline (bench/ai/build-native.sh), else 0.
int td_has_relaxed(void) {
#ifdef TD_WITH_RELAXED
  return 1;
#else
  return 0;
#endif
}

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
#ifdef TD_WITH_RELAXED
    int relaxed = td_relaxed_matmul(type, w, row_bytes, from, to, rows, n, xq, xd, count, out, bsum, packed);
    if (relaxed <= 0) return relaxed;
    variant = td_best_variant();
#else
    return -1;  // the relaxed baseline is built only into bench/ai's library
#endif
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
