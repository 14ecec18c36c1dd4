// Q4_K and Q6_K matmul kernels (GGML block layouts, determinism.md §Q): each 256-block's integer sum
// is exact in int32 (any order), then per block in increasing order
//   Q4_K: acc = fmaf((float) sumi, d·dx, acc); acc = fmaf((float) summ, −(dmin·dx), acc)
//   Q6_K: acc = fmaf((float) sumi, d·dx, acc)
// from acc = +0, so every variant gives QuantDot's bits. The ±offsets that SIMD needs (Q4_K's mins,
// Q6_K's −32) are folded in as exact integer identities with the per-16 activation sums.
// Decode (1 token) streams rows; prefill runs blocks of 16 rows with tiles of up to 4 tokens sharing
// each weight load. Build with -ffp-contract=off; never -ffast-math.
#include "td_kquants.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

int td_best_variant(void);

enum { KQ_GENERIC = 0, KQ_AVX2 = 1, KQ_AVX512_VNNI = 2 };
enum { KQ_ROW_BLOCK = 16 };  // rows per prefill block: their weights stay in L1 while every token tile passes

#define KQ_AVX2_T "avx2,fma,f16c"
#define KQ_512_T "avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c"

// The 12 bytes of 6-bit (scale, min) pairs -> sm[0..7] = scales, sm[8..15] = mins (WeightFormat.Q4_K.scales).
static void q4k_scales(const uint8_t *s, uint8_t sm[16]) {
  uint32_t u[3], o[4];
  memcpy(u, s, 12);
  o[0] = u[0] & 0x3f3f3f3f;
  o[1] = (u[2] & 0x0f0f0f0f) | ((u[0] >> 2) & 0x30303030);
  o[2] = u[1] & 0x3f3f3f3f;
  o[3] = ((u[2] >> 4) & 0x0f0f0f0f) | ((u[1] >> 2) & 0x30303030);
  memcpy(sm, o, 16);
}

// xs[i] = sum of activations 16i .. 16i+15 (|sum| <= 2032, an int16).
static void kq_sums16(const int8_t *xq, int64_t len, int16_t *xs) {
  for (int64_t i = 0; i < len / 16; i++) {
    int s = 0;
    for (int j = 0; j < 16; j++) s += xq[16 * i + j];
    xs[i] = (int16_t)s;
  }
}

// ---------------------------------------------------------------- generic C
static void q4k_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq,
                        const float *xd, int count, float *out) {
  int nb = n / 256;
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 144) {
        uint8_t sm[16];
        q4k_scales(blk + 4, sm);
        int sumi = 0, summ = 0;
        for (int j = 0; j < 8; j++) {
          int dot = 0, xsum = 0;
          for (int i = 0; i < 32; i++) {
            int x = xt[b * 256 + j * 32 + i];
            dot += ((blk[16 + (j / 2) * 32 + i] >> (4 * (j & 1))) & 0xF) * x;
            xsum += x;
          }
          sumi += sm[j] * dot;
          summ += sm[8 + j] * xsum;
        }
        float dx = xd[(int64_t)t * nb + b];
        acc = fmaf((float)sumi, td_half(blk) * dx, acc);
        acc = fmaf((float)summ, -(td_half(blk + 2) * dx), acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

// Element e (0..255) of a Q6_K block minus 32 (WeightFormat.Q6_K.quant).
static int q6k_quant(const uint8_t *blk, int e) {
  int half = e / 128, l = e % 32, quarter = (e % 128) / 32;
  const uint8_t *ql = blk + 64 * half, *qh = blk + 128 + 32 * half;
  int low = ((quarter & 1) ? ql[l + 32] : ql[l]) >> (4 * (quarter >> 1)) & 0xF;
  int high = (qh[l] >> (2 * quarter)) & 3;
  return (low | (high << 4)) - 32;
}

static void q6k_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *xq,
                        const float *xd, int count, float *out) {
  int nb = n / 256;
  for (int r = from; r < to; r++) {
    for (int t = 0; t < count; t++) {
      const uint8_t *blk = w + (int64_t)r * rb;
      const int8_t *xt = xq + (int64_t)t * n;
      float acc = 0.0f;
      for (int b = 0; b < nb; b++, blk += 210) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
          int dot = 0;
          for (int i = 0; i < 16; i++) dot += q6k_quant(blk, j * 16 + i) * xt[b * 256 + j * 16 + i];
          sumi += (int8_t)blk[192 + j] * dot;
        }
        acc = fmaf((float)sumi, td_half(blk + 208) * xd[(int64_t)t * nb + b], acc);
      }
      out[(int64_t)t * rows + r] = acc;
    }
  }
}

// ---------------------------------------------------------------- shared SIMD pieces
// The Q4_K scale/min unpacking of q4k_scales on one 128-bit register: bytes 0..7 scales, 8..15 mins.
__attribute__((target(KQ_AVX2_T))) static inline __m128i q4k_scales_sse(const uint8_t *s) {
  __m128i v = _mm_loadu_si128((const __m128i *)s);  // 12 bytes used; the 4 after are the block's quants
  __m128i a = _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 1, 2, 0));  // u0 u2 u1 u2
  __m128i b = _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 1, 0, 0));  // u0 u0 u1 u1
  __m128i lowbits = _mm_and_si128(_mm_srlv_epi32(a, _mm_setr_epi32(0, 0, 0, 4)),
                                  _mm_setr_epi32(0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f));
  __m128i highbits = _mm_and_si128(_mm_srli_epi32(b, 2), _mm_setr_epi32(0, 0x30303030, 0, 0x30303030));
  return _mm_or_si128(lowbits, highbits);
}

// (Σ lanes of a, Σ lanes of m): exact integer sums, any order.
__attribute__((target(KQ_AVX2_T))) static inline void kq_hsum2(__m256i a, __m256i m, int *sa, int *sm) {
  __m256i h = _mm256_hadd_epi32(a, m);
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  s = _mm_hadd_epi32(s, s);
  *sa = _mm_cvtsi128_si32(s);
  *sm = _mm_extract_epi32(s, 1);
}

// Tiles of 2-4 tokens reduce together: lanes 0-3 = Σ a[u], lanes 4-7 = Σ m[u] (zero for u >= T).
__attribute__((target(KQ_AVX2_T))) static inline __m256i kq_sum4x2(const __m256i *a, const __m256i *m, const int T) {
  __m256i z = _mm256_setzero_si256();
  __m256i a0 = a[0], a1 = a[1], a2 = T > 2 ? a[2] : z, a3 = T > 3 ? a[3] : z;
  __m256i m0 = m[0], m1 = m[1], m2 = T > 2 ? m[2] : z, m3 = T > 3 ? m[3] : z;
  __m256i s0 = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
  __m256i s1 = _mm256_hadd_epi32(_mm256_hadd_epi32(m0, m1), _mm256_hadd_epi32(m2, m3));
  return _mm256_add_epi32(_mm256_permute2x128_si256(s0, s1, 0x20), _mm256_permute2x128_si256(s0, s1, 0x31));
}

// xd[(t + u)·nb + b] in lane u < T, 0 above.
__attribute__((target(KQ_AVX2_T))) static inline __m128 kq_dx4(const float *xd, int t, int nb, int b, const int T) {
  const float *p = xd + (int64_t)t * nb + b;
  return _mm_setr_ps(p[0], T > 1 ? p[nb] : 0.0f, T > 2 ? p[2 * nb] : 0.0f, T > 3 ? p[3 * nb] : 0.0f);
}

// Lane u: acc_u = fmaf((float) sumi_u, d·dx_u, acc_u); acc_u = fmaf((float) summ_u, −(dmin·dx_u), acc_u).
__attribute__((target(KQ_AVX2_T))) static inline __m128 q4k_fma4(__m128 acc, __m256i sums, float d, float dmin, __m128 dx) {
  __m256 f = _mm256_cvtepi32_ps(sums);
  acc = _mm_fmadd_ps(_mm256_castps256_ps128(f), _mm_mul_ps(_mm_set1_ps(d), dx), acc);
  return _mm_fmadd_ps(_mm256_extractf128_ps(f, 1), _mm_xor_ps(_mm_mul_ps(_mm_set1_ps(dmin), dx), _mm_set1_ps(-0.0f)), acc);
}

// Lane u: acc_u = fmaf((float) (pos_u − 32·sx_u), d·dx_u, acc_u).
__attribute__((target(KQ_AVX2_T))) static inline __m128 q6k_fma4(__m128 acc, __m256i sums, float d, __m128 dx) {
  __m128i sumi = _mm_sub_epi32(_mm256_castsi256_si128(sums), _mm_slli_epi32(_mm256_extracti128_si256(sums, 1), 5));
  return _mm_fmadd_ps(_mm_cvtepi32_ps(sumi), _mm_mul_ps(_mm_set1_ps(d), dx), acc);
}

__attribute__((target(KQ_AVX2_T))) static inline void kq_store4(float *out, int64_t stride, __m128 acc, const int T) {
  float a[4];
  _mm_storeu_ps(a, acc);
  for (int u = 0; u < T; u++) out[u * stride] = a[u];
}

// Token tiles: rows [from, to) for every token; decode streams rows, prefill runs blocks of 16 rows
// with tiles of up to 4 tokens (TILE(r, t, T) computes row r for tokens t .. t+T-1).
#define KQ_DRIVE(TILE)                                                                       \
  do {                                                                                       \
    for (int r0 = from; r0 < to; r0 += KQ_ROW_BLOCK) {                                       \
      int r1 = r0 + KQ_ROW_BLOCK < to ? r0 + KQ_ROW_BLOCK : to;                              \
      int t = 0;                                                                             \
      for (; t + 4 <= count; t += 4)                                                         \
        for (int r = r0; r < r1; r++) TILE(r, t, 4);                                         \
      switch (count - t) {                                                                   \
        case 3: for (int r = r0; r < r1; r++) TILE(r, t, 3); break;                          \
        case 2: for (int r = r0; r < r1; r++) TILE(r, t, 2); break;                          \
        case 1: for (int r = r0; r < r1; r++) TILE(r, t, 1); break;                          \
        default: break;                                                                      \
      }                                                                                      \
    }                                                                                        \
  } while (0)

// ---------------------------------------------------------------- AVX2
// The end of a block for a tile: one token reduces on its own (decode), 2-4 together with the fma
// chains of the tile's tokens in the lanes of one register, each lane in the canonical order.
#define Q4K_EPILOGUE(A)                                                                        \
  if (T == 1) {                                                                                \
    int sumi_, summ_;                                                                          \
    kq_hsum2(A[0], mm[0], &sumi_, &summ_);                                                     \
    float dx_ = xd[(int64_t)t * nb + b];                                                       \
    acc1 = fmaf((float)sumi_, d * dx_, acc1);                                                  \
    acc1 = fmaf((float)summ_, -(dmin * dx_), acc1);                                            \
  } else {                                                                                     \
    acc4 = q4k_fma4(acc4, kq_sum4x2(A, mm, T), d, dmin, kq_dx4(xd, t, nb, b, T));              \
  }
#define Q6K_EPILOGUE(A)                                                                        \
  if (T == 1) {                                                                                \
    int pos_, sx_;                                                                             \
    kq_hsum2(A[0], corr[0], &pos_, &sx_);                                                      \
    acc1 = fmaf((float)(pos_ - 32 * sx_), d * xd[(int64_t)t * nb + b], acc1);                  \
  } else {                                                                                     \
    acc4 = q6k_fma4(acc4, kq_sum4x2(A, corr, T), d, kq_dx4(xd, t, nb, b, T));                  \
  }
#define KQ_STORE                                                                               \
  if (T == 1) out[(int64_t)t * rows + r] = acc1;                                               \
  else kq_store4(out + (int64_t)t * rows + r, rows, acc4, T);

// Q4_K: per 64 activations, one 32-byte load of quants gives sub-block 2k (low nibbles) and 2k+1
// (high); maddubs (nibble · x, pairs <= 3810) then madd with the sub-block's scale give int32 lanes.
// summ = Σ_j m_j·Σ x over j's 32 activations = madd of the mins (each twice) with the per-16 sums.
__attribute__((target(KQ_AVX2_T), always_inline)) static inline void q4k_tile_avx2(
    const uint8_t *w, int64_t rb, int r, int rows, int n, const int8_t *xq, const float *xd, const int16_t *xs,
    int t, float *out, const int T) {
  const int nb = n / 256;
  const __m256i low = _mm256_set1_epi8(0xF);
  const uint8_t *row = w + (int64_t)r * rb;
  float acc1 = 0.0f;      // T == 1: the scalar chain
  __m128 acc4 = _mm_setzero_ps();  // T > 1: token u's chain in lane u
  for (int b = 0; b < nb; b++) {
    const uint8_t *blk = row + b * 144;
    __m128i sm = q4k_scales_sse(blk + 4);
    __m256i sc = _mm256_broadcastsi128_si256(sm);
    __m256i mins = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(sm, sm));  // m0 m0 m1 m1 .. m7 m7
    __m256i ai[4];
    for (int u = 0; u < T; u++) ai[u] = _mm256_setzero_si256();
    for (int k = 0; k < 4; k++) {
      __m256i q = _mm256_loadu_si256((const __m256i *)(blk + 16 + 32 * k));
      __m256i lo = _mm256_and_si256(q, low), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low);
      // scale j as an int16 in every lane: bytes (j, zero) repeated
      __m256i slo = _mm256_shuffle_epi8(sc, _mm256_set1_epi16((short)(0xFF00 | (2 * k))));
      __m256i shi = _mm256_shuffle_epi8(sc, _mm256_set1_epi16((short)(0xFF00 | (2 * k + 1))));
      for (int u = 0; u < T; u++) {
        const int8_t *x = xq + (int64_t)(t + u) * n + b * 256 + 64 * k;
        __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)x));
        __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(x + 32)));
        ai[u] = _mm256_add_epi32(ai[u], _mm256_add_epi32(_mm256_madd_epi16(plo, slo), _mm256_madd_epi16(phi, shi)));
      }
    }
    float d = _cvtsh_ss(*(const uint16_t *)blk), dmin = _cvtsh_ss(*(const uint16_t *)(blk + 2));
    __m256i mm[4];
    for (int u = 0; u < T; u++)
      mm[u] = _mm256_madd_epi16(mins, _mm256_loadu_si256((const __m256i *)(xs + (int64_t)(t + u) * (n / 16) + b * 16)));
    Q4K_EPILOGUE(ai)
  }
  KQ_STORE
}

// Q6_K: per half (128), ql[0..31], ql[32..63] and qh[0..31] give the four 32-element quarters as
// unsigned 6-bit values q+32 (maddubs pairs <= 16002); sub-blocks 2p, 2p+1 take one 32-byte register
// (scale 2p in the low 128 bits, 2p+1 in the high). sumi = Σ sc·Σ (q+32)·x − 32·Σ sc·Σ x.
__attribute__((target(KQ_AVX2_T), always_inline)) static inline void q6k_tile_avx2(
    const uint8_t *w, int64_t rb, int r, int rows, int n, const int8_t *xq, const float *xd, const int16_t *xs,
    int t, float *out, const int T) {
  const int nb = n / 256;
  const __m256i m4 = _mm256_set1_epi8(0xF), m30 = _mm256_set1_epi8(0x30);
  const uint8_t *row = w + (int64_t)r * rb;
  float acc1 = 0.0f;      // T == 1: the scalar chain
  __m128 acc4 = _mm_setzero_ps();  // T > 1: token u's chain in lane u
  for (int b = 0; b < nb; b++) {
    const uint8_t *blk = row + b * 210;
    __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(blk + 192)));
    __m256i sc_lo = _mm256_permute2x128_si256(sc16, sc16, 0x00), sc_hi = _mm256_permute2x128_si256(sc16, sc16, 0x11);
    __m256i ai[4];
    for (int u = 0; u < T; u++) ai[u] = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
      __m256i ql0 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h));
      __m256i ql1 = _mm256_loadu_si256((const __m256i *)(blk + 64 * h + 32));
      __m256i qh = _mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * h));
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
      q[1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m30));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                             _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
      for (int k = 0; k < 4; k++) {
        // scales of sub-blocks 8h+2k (low 128 bits) and 8h+2k+1 (high): int16 index 2k, 2k+1 of its half
        __m256i pat = _mm256_setr_epi8(4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                       4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1, 4 * k, 4 * k + 1,
                                       4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2,
                                       4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3, 4 * k + 2, 4 * k + 3,
                                       4 * k + 2, 4 * k + 3);
        __m256i s = _mm256_shuffle_epi8(h == 0 ? sc_lo : sc_hi, pat);
        for (int u = 0; u < T; u++) {
          const int8_t *x = xq + (int64_t)(t + u) * n + b * 256 + 128 * h + 32 * k;
          __m256i p = _mm256_maddubs_epi16(q[k], _mm256_loadu_si256((const __m256i *)x));
          ai[u] = _mm256_add_epi32(ai[u], _mm256_madd_epi16(p, s));
        }
      }
    }
    float d = _cvtsh_ss(*(const uint16_t *)(blk + 208));
    __m256i corr[4];
    for (int u = 0; u < T; u++)
      corr[u] = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *)(xs + (int64_t)(t + u) * (n / 16) + b * 16)));
    Q6K_EPILOGUE(ai)
  }
  KQ_STORE
}

#define Q4K_AVX2_TILE(r, t, T) q4k_tile_avx2(w, rb, r, rows, n, xq, xd, xs, t, out, T)
#define Q6K_AVX2_TILE(r, t, T) q6k_tile_avx2(w, rb, r, rows, n, xq, xd, xs, t, out, T)

// The entry of one (type, ISA): decode (one token) in a function of its own, so that the
// compiler specialises the row loop for one token; batches through KQ_DRIVE's tiles.
#define KQ_ENTRY(NAME, TARGET, TILE, XA)                                                                      \
  __attribute__((target(TARGET), noinline)) static void NAME##_decode(                                       \
      const uint8_t *w, int64_t rb, int from, int to, int rows, int n, const int8_t *XA, const float *xd,    \
      const int16_t *xs, float *out) {                                                                       \
    for (int r = from; r < to; r++) TILE(r, 0, 1);                                                           \
  }                                                                                                          \
  __attribute__((target(TARGET))) static void NAME(const uint8_t *w, int64_t rb, int from, int to, int rows, \
                                                   int n, const int8_t *XA, const float *xd, const int16_t *xs, \
                                                   int count, float *out) {                                 \
    if (count == 1) {                                                                                        \
      NAME##_decode(w, rb, from, to, rows, n, XA, xd, xs, out);                                              \
      return;                                                                                                \
    }                                                                                                        \
    KQ_DRIVE(TILE);                                                                                          \
  }

KQ_ENTRY(q4k_avx2, KQ_AVX2_T, Q4K_AVX2_TILE, xq)
KQ_ENTRY(q6k_avx2, KQ_AVX2_T, Q6K_AVX2_TILE, xq)

// ---------------------------------------------------------------- AVX-512 (BW, VNNI)
// Same integer identities in 512-bit registers: maddubs, then vpdpwssd with the scales (int16)
// accumulates int32 lanes. Q4_K: a 64-byte load of quants holds sub-blocks [0|2] in its low nibbles
// and [1|3] in its high ones, so the activations are regrouped once per call (per 256: 32-byte
// chunks 0,2,1,3,4,6,5,7, kq_regroup) to line up with them.
static void kq_regroup(const int8_t *xq, int64_t len, int8_t *xp) {
  static const int order[8] = {0, 2, 1, 3, 4, 6, 5, 7};
  for (int64_t b = 0; b < len / 256; b++)
    for (int c = 0; c < 8; c++) memcpy(xp + b * 256 + 32 * c, xq + b * 256 + 32 * order[c], 32);
}

__attribute__((target(KQ_512_T), always_inline)) static inline void q4k_tile_512(
    const uint8_t *w, int64_t rb, int r, int rows, int n, const int8_t *xp, const float *xd, const int16_t *xs,
    int t, float *out, const int T) {
  const int nb = n / 256;
  const __m512i low = _mm512_set1_epi8(0xF);
  // int16 lanes 0-15 take scale i, lanes 16-31 scale j, for (i, j) = (0,2), (1,3), (4,6), (5,7)
  const __m512i idx02 = _mm512_set_epi16(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i one = _mm512_set1_epi16(1), four = _mm512_set1_epi16(4);
  const uint8_t *row = w + (int64_t)r * rb;
  float acc1 = 0.0f;      // T == 1: the scalar chain
  __m128 acc4 = _mm_setzero_ps();  // T > 1: token u's chain in lane u
  for (int b = 0; b < nb; b++) {
    const uint8_t *blk = row + b * 144;
    __m128i sm = q4k_scales_sse(blk + 4);
    __m512i sc = _mm512_cvtepu8_epi16(_mm256_zextsi128_si256(sm));
    __m512i s[4];
    s[0] = _mm512_permutexvar_epi16(idx02, sc);
    s[1] = _mm512_permutexvar_epi16(_mm512_add_epi16(idx02, one), sc);
    s[2] = _mm512_permutexvar_epi16(_mm512_add_epi16(idx02, four), sc);
    s[3] = _mm512_permutexvar_epi16(_mm512_add_epi16(idx02, _mm512_add_epi16(four, one)), sc);
    __m512i q0 = _mm512_loadu_si512((const void *)(blk + 16)), q1 = _mm512_loadu_si512((const void *)(blk + 80));
    __m512i wq[4] = {_mm512_and_si512(q0, low), _mm512_and_si512(_mm512_srli_epi16(q0, 4), low),
                     _mm512_and_si512(q1, low), _mm512_and_si512(_mm512_srli_epi16(q1, 4), low)};
    __m256i mins = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(sm, sm));
    float d = _cvtsh_ss(*(const uint16_t *)blk), dmin = _cvtsh_ss(*(const uint16_t *)(blk + 2));
    __m256i a8[4], mm[4];
    for (int u = 0; u < T; u++) {
      const int8_t *x = xp + (int64_t)(t + u) * n + b * 256;
      __m512i a = _mm512_setzero_si512();
      for (int k = 0; k < 4; k++)
        a = _mm512_dpwssd_epi32(a, _mm512_maddubs_epi16(wq[k], _mm512_loadu_si512((const void *)(x + 64 * k))), s[k]);
      a8[u] = _mm256_add_epi32(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
      mm[u] = _mm256_madd_epi16(mins, _mm256_loadu_si256((const __m256i *)(xs + (int64_t)(t + u) * (n / 16) + b * 16)));
    }
    Q4K_EPILOGUE(a8)
  }
  KQ_STORE
}

// Q6_K: per half, a 64-byte load of ql and qh in both 256-bit halves (the second shifted by 2) give
// elements 0..63 and 64..127 of the half in order, 4 sub-blocks of 16 per register.
__attribute__((target(KQ_512_T), always_inline)) static inline void q6k_tile_512(
    const uint8_t *w, int64_t rb, int r, int rows, int n, const int8_t *xq, const float *xd, const int16_t *xs,
    int t, float *out, const int T) {
  const int nb = n / 256;
  const __m512i m4 = _mm512_set1_epi8(0xF), m30 = _mm512_set1_epi8(0x30);
  // int16 lane l of register m takes the scale of sub-block 4m + l/8
  const __m512i idx0 = _mm512_set_epi16(3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i four = _mm512_set1_epi16(4);
  const uint8_t *row = w + (int64_t)r * rb;
  float acc1 = 0.0f;      // T == 1: the scalar chain
  __m128 acc4 = _mm_setzero_ps();  // T > 1: token u's chain in lane u
  for (int b = 0; b < nb; b++) {
    const uint8_t *blk = row + b * 210;
    __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(blk + 192)));
    __m512i sc = _mm512_castsi256_si512(sc16);  // only lanes 0-15 are indexed
    __m512i s[4];
    __m512i idx = idx0;
    for (int m = 0; m < 4; m++, idx = _mm512_add_epi16(idx, four)) s[m] = _mm512_permutexvar_epi16(idx, sc);
    __m512i wq[4];
    for (int h = 0; h < 2; h++) {
      __m512i ql = _mm512_loadu_si512((const void *)(blk + 64 * h));
      __m256i qh8 = _mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * h));
      __m512i qh = _mm512_inserti64x4(_mm512_castsi256_si512(qh8), _mm256_srli_epi16(qh8, 2), 1);
      wq[2 * h] = _mm512_or_si512(_mm512_and_si512(ql, m4), _mm512_and_si512(_mm512_slli_epi16(qh, 4), m30));
      wq[2 * h + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4), _mm512_and_si512(qh, m30));
    }
    float d = _cvtsh_ss(*(const uint16_t *)(blk + 208));
    __m256i a8[4], corr[4];
    for (int u = 0; u < T; u++) {
      const int8_t *x = xq + (int64_t)(t + u) * n + b * 256;
      __m512i a = _mm512_setzero_si512();
      for (int k = 0; k < 4; k++)
        a = _mm512_dpwssd_epi32(a, _mm512_maddubs_epi16(wq[k], _mm512_loadu_si512((const void *)(x + 64 * k))), s[k]);
      a8[u] = _mm256_add_epi32(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
      corr[u] = _mm256_madd_epi16(sc16, _mm256_loadu_si256((const __m256i *)(xs + (int64_t)(t + u) * (n / 16) + b * 16)));
    }
    Q6K_EPILOGUE(a8)
  }
  KQ_STORE
}

#define Q4K_512_TILE(r, t, T) q4k_tile_512(w, rb, r, rows, n, xp, xd, xs, t, out, T)
#define Q6K_512_TILE(r, t, T) q6k_tile_512(w, rb, r, rows, n, xq, xd, xs, t, out, T)

KQ_ENTRY(q4k_512, KQ_512_T, Q4K_512_TILE, xp)
KQ_ENTRY(q6k_512, KQ_512_T, Q6K_512_TILE, xq)

// ---------------------------------------------------------------- entry point
int td_kq_matmul(int variant, int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
                 const int8_t *xq, const float *xd, int count, float *out, int32_t *scratch) {
  if (type != TD_Q4_K && type != TD_Q6_K) return -1;
  if (variant < KQ_GENERIC || variant > KQ_AVX512_VNNI || variant > td_best_variant()) return -1;
  if (variant == KQ_GENERIC) {
    if (type == TD_Q4_K) q4k_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
    else q6k_generic(w, row_bytes, from, to, rows, n, xq, xd, count, out);
    return 0;
  }
  int64_t len = (int64_t)count * n;
  int16_t *xs = (int16_t *)scratch;  // count * n/16 int16 = count * n/32 ints
  kq_sums16(xq, len, xs);
  if (variant == KQ_AVX2) {
    if (type == TD_Q4_K) q4k_avx2(w, row_bytes, from, to, rows, n, xq, xd, xs, count, out);
    else q6k_avx2(w, row_bytes, from, to, rows, n, xq, xd, xs, count, out);
    return 0;
  }
  if (type == TD_Q4_K) {
    int8_t *xp = (int8_t *)(scratch + (int64_t)count * (n / 32));  // count * n bytes
    kq_regroup(xq, len, xp);
    q4k_512(w, row_bytes, from, to, rows, n, xp, xd, xs, count, out);
  } else {
    q6k_512(w, row_bytes, from, to, rows, n, xq, xd, xs, count, out);
  }
  return 0;
}
