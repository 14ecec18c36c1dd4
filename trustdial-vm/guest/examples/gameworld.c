/* Game-world simulation: entities with 16.16 fixed-point positions and velocities move under
 * gravity in a walled arena, bounce off walls, and collide pairwise within uniform grid cells.
 * Input: u32 LE ticks, u32 entities (1..65536), u32 seed. Output: u32 tick count, u32 collision
 * count, u32 world checksum (FNV-1a over all entity state). ~20 instructions per entity per
 * tick plus collisions, so ticks x entities sets the job length. */
#include "trustdial.h"

#define MAX_ENTITIES 65536
#define ARENA_SHIFT 26  /* arena is 1024 x 1024 units in 16.16 */
#define ARENA ((int32_t)1 << ARENA_SHIFT)
#define CELL_SHIFT 21   /* 32 x 32 cells */
#define GRID 32

typedef struct {
  int32_t x, y, vx, vy;
  int32_t next; /* next entity in the same cell, -1 ends */
  uint32_t hits;
} Entity;

static Entity ents[MAX_ENTITIES];
static int32_t cell_head[GRID * GRID];
static uint32_t rng;

static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static int32_t clamp_wall(int32_t *p, int32_t *v) {
  if (*p < 0) { *p = -*p; *v = -*v - (*v >> 3); return 1; }
  if (*p >= ARENA) { *p = 2 * (ARENA - 1) - *p; *v = -*v + (*v >> 3); return 1; }
  return 0;
}

int main(void) {
  uint32_t hdr[3];
  td_read_exact(hdr, sizeof hdr);
  uint32_t ticks = hdr[0];
  uint32_t n = hdr[1];
  rng = hdr[2] | 1;
  if (n < 1 || n > MAX_ENTITIES) {
    td_log("entities must be 1..65536\n");
    return 2;
  }
  for (uint32_t i = 0; i < n; i++) {
    ents[i].x = (int32_t)(next_rand() & (ARENA - 1));
    ents[i].y = (int32_t)(next_rand() & (ARENA - 1));
    ents[i].vx = (int32_t)(next_rand() % (8 << 16)) - (4 << 16);
    ents[i].vy = (int32_t)(next_rand() % (8 << 16)) - (4 << 16);
    ents[i].hits = 0;
  }
  uint32_t collisions = 0;
  const int32_t gravity = 1 << 12;
  for (uint32_t t = 0; t < ticks; t++) {
    for (int c = 0; c < GRID * GRID; c++) {
      cell_head[c] = -1;
    }
    for (uint32_t i = 0; i < n; i++) {
      Entity *e = &ents[i];
      e->vy += gravity;
      e->x += e->vx;
      e->y += e->vy;
      clamp_wall(&e->x, &e->vx);
      if (clamp_wall(&e->y, &e->vy)) {
        e->vx -= e->vx >> 4; /* floor friction */
      }
      int c = (e->y >> CELL_SHIFT) * GRID + (e->x >> CELL_SHIFT);
      e->next = cell_head[c];
      cell_head[c] = (int32_t)i;
    }
    /* Collide each entity with the next one in its cell: bounded work, order fixed by index. */
    for (int c = 0; c < GRID * GRID; c++) {
      for (int32_t i = cell_head[c]; i >= 0; i = ents[i].next) {
        int32_t j = ents[i].next;
        if (j < 0) {
          break;
        }
        Entity *a = &ents[i], *b = &ents[j];
        int32_t dx = (a->x - b->x) >> 16, dy = (a->y - b->y) >> 16;
        if (dx * dx + dy * dy < 64) {
          int32_t tvx = a->vx, tvy = a->vy;
          a->vx = b->vx; a->vy = b->vy;
          b->vx = tvx; b->vy = tvy;
          a->hits++; b->hits++;
          collisions++;
        }
      }
    }
  }
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t f[5] = {(uint32_t)ents[i].x, (uint32_t)ents[i].y, (uint32_t)ents[i].vx, (uint32_t)ents[i].vy, ents[i].hits};
    for (int k = 0; k < 5; k++) {
      for (int s = 0; s < 32; s += 8) {
        h = (h ^ ((f[k] >> s) & 0xff)) * 16777619u;
      }
    }
  }
  td_write_u32_le(ticks);
  td_write_u32_le(collisions);
  td_write_u32_le(h);
  td_log_u32("gameworld collisions: ", collisions);
  return 0;
}
