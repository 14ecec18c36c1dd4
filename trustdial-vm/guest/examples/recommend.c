/* Recommendation scorer with soft-float: a user embedding against a candidate set; score =
 * cosine(user, item) + 0.05 * log1p(popularity), top-k by score (ties by lower id).
 * Input: u32 LE seed, u32 candidates (1..100000), u32 dim (1..256), u32 k (1..64).
 * Output: k x (u32 id, u32 float bits of the score). */
#include "trustdial.h"
#include <math.h>
#include <stdlib.h>

static uint32_t rng;

static uint32_t next_rand(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng;
}

/* uniform in [-1, 1) with 24-bit resolution, exact in float */
static float next_unit(void) {
  return (float)((int32_t)(next_rand() >> 8) - (1 << 23)) / (float)(1 << 23);
}

int main(void) {
  uint32_t hdr[4];
  td_read_exact(hdr, sizeof hdr);
  rng = hdr[0];
  uint32_t n = hdr[1], dim = hdr[2], k = hdr[3];
  if (n < 1 || n > 100000 || dim < 1 || dim > 256 || k < 1 || k > 64 || k > n) {
    td_log("bad parameters\n");
    return 2;
  }
  float *user = malloc(dim * sizeof(float));
  float *item = malloc(dim * sizeof(float));
  uint32_t *top_id = malloc(k * sizeof(uint32_t));
  float *top_score = malloc(k * sizeof(float));
  if (!user || !item || !top_id || !top_score) {
    return 3;
  }
  float unorm = 0.0f;
  for (uint32_t d = 0; d < dim; d++) {
    user[d] = next_unit();
    unorm += user[d] * user[d];
  }
  unorm = sqrtf(unorm);
  uint32_t filled = 0;
  for (uint32_t id = 0; id < n; id++) {
    float dot = 0.0f, inorm = 0.0f;
    for (uint32_t d = 0; d < dim; d++) {
      item[d] = next_unit();
      dot += user[d] * item[d];
      inorm += item[d] * item[d];
    }
    float pop = (float)(next_rand() >> 20);
    float score = dot / (unorm * sqrtf(inorm) + 1e-6f) + 0.05f * log1pf(pop);
    /* insertion into the sorted top-k (descending score, ascending id on ties) */
    uint32_t pos = filled;
    while (pos > 0 && top_score[pos - 1] < score) {
      pos--;
    }
    if (pos < k) {
      uint32_t last = filled < k ? filled : k - 1;
      for (uint32_t j = last; j > pos; j--) {
        top_id[j] = top_id[j - 1];
        top_score[j] = top_score[j - 1];
      }
      top_id[pos] = id;
      top_score[pos] = score;
      if (filled < k) {
        filled++;
      }
    }
  }
  for (uint32_t j = 0; j < k; j++) {
    union { float f; uint32_t u; } bits = {top_score[j]};
    td_write_u32_le(top_id[j]);
    td_write_u32_le(bits.u);
  }
  return 0;
}
