// Q4_K and Q6_K matmuls (td_kquants.c), reached through td_matmul (td_kernels.c).
#ifndef TD_KQUANTS_H
#define TD_KQUANTS_H
#include <stdint.h>

enum { TD_Q4_K = 12, TD_Q6_K = 14 };  // GGML type ids

// The fp16 at p as a float (td_kernels.c).
float td_half(const uint8_t *p);

// Scratch td_kq_matmul needs, in int32 units: per token the int16 sums of every 16 activations
// (n/32 ints) and, for Q4_K on AVX-512, the activations regrouped per 256 (n/4 ints).
#define TD_KQ_SCRATCH_INTS(count, n) ((int64_t)(count) * ((n) / 32 + (n) / 4))

// out[t*rows + r] for r in [from, to), t < count, bit for bit WeightFormat.Q4_K / Q6_K (Java): activations
// quantized per 256 (xq int8, xd one float per 256), exact int32 sums inside each 256-block, then
// the fmaf chain over blocks in order (determinism.md §Q). variant: td_matmul's (0 generic, 1 AVX2,
// 2 AVX-512 VNNI). Returns 0, or -1 for another type or a variant this CPU lacks.
int td_kq_matmul(int variant, int type, const uint8_t *w, int64_t row_bytes, int from, int to, int rows, int n,
                 const int8_t *xq, const float *xd, int count, float *out, int32_t *scratch);

#endif
