// Generic C kernels (any x86-64 CPU) and the fp16 decoder every variant shares.
#include "td_kernels.h"

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

// ---------------------------------------------------------------- generic C
TD_HIDDEN void f32_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
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

TD_HIDDEN void q8_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
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

TD_HIDDEN void q4_generic(const uint8_t *w, int64_t rb, int from, int to, int rows, int n,
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
