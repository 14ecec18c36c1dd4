// Reference runner for bench/ai/families: drives llama.cpp's C API (libllama as shipped in the npm
// package @node-llama-cpp/linux-x64) on a GGUF file without llama.h: the two parameter structs are
// opaque blobs whose few fields we set are located by offset and checked against llama.cpp's
// documented defaults first, so a different build stops with a message instead of misbehaving.
//
//   llref tok MODEL.gguf STRINGS.inp       -> one line per string: " id id ..." (no BOS, no special parsing),
//                                              as llama.cpp's models/ggml-vocab-*.gguf.out files
//   llref gen MODEL.gguf PROMPT.txt STEPS OUT -> the file's text tokenized with BOS and special tokens, then
//                                              STEPS greedy steps; OUT.tokens lists the ids, OUT.logits
//                                              holds STEPS x vocab little-endian float32
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned char b[512]; } params_blob;
typedef struct {
  int32_t n_tokens;
  int32_t *token;
  float *embd;
  int32_t *pos;
  int32_t *n_seq_id;
  int32_t **seq_id;
  int8_t *logits;
} llama_batch;

extern void ggml_backend_load_all_from_path(const char *dir);
extern void llama_backend_init(void);
extern params_blob llama_model_default_params(void);
extern params_blob llama_context_default_params(void);
extern void *llama_model_load_from_file(const char *path, params_blob params);
extern void *llama_init_from_model(void *model, params_blob params);
extern const void *llama_model_get_vocab(const void *model);
extern int32_t llama_vocab_n_tokens(const void *vocab);
extern int32_t llama_tokenize(const void *vocab, const char *text, int32_t text_len, int32_t *tokens,
                              int32_t n_tokens_max, _Bool add_special, _Bool parse_special);
extern llama_batch llama_batch_get_one(int32_t *tokens, int32_t n_tokens);
extern int32_t llama_decode(void *ctx, llama_batch batch);
extern float *llama_get_logits_ith(void *ctx, int32_t i);
extern void llama_free(void *ctx);
extern void llama_model_free(void *model);

static int32_t get32(params_blob *p, int off) { int32_t v; memcpy(&v, p->b + off, 4); return v; }
static void set32(params_blob *p, int off, int32_t v) { memcpy(p->b + off, &v, 4); }

static void die(const char *msg) { fprintf(stderr, "llref: %s\n", msg); exit(1); }

static char *slurp(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open input");
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc(*len + 1);
  if (fread(buf, 1, *len, f) != (size_t) *len) die("cannot read input");
  buf[*len] = 0;
  fclose(f);
  return buf;
}

static int32_t *tokenize(const void *vocab, const char *text, int len, _Bool special, int32_t *n) {
  int32_t cap = len + 16;
  int32_t *ids = malloc(sizeof(int32_t) * cap);
  *n = llama_tokenize(vocab, text, len, ids, cap, special, special);
  if (*n < 0) {  // too small: -n is the count needed
    cap = -*n;
    ids = realloc(ids, sizeof(int32_t) * cap);
    *n = llama_tokenize(vocab, text, len, ids, cap, special, special);
  }
  if (*n < 0) die("tokenize failed");
  return ids;
}

int main(int argc, char **argv) {
  if (argc < 4) die("usage: llref tok MODEL INP | llref gen MODEL PROMPT_FILE STEPS OUT");
  const char *backends = getenv("LLREF_BACKEND_DIR");  // the folder of libggml-cpu-*.so
  if (!backends) die("set LLREF_BACKEND_DIR to the folder holding libggml-cpu-*.so");
  ggml_backend_load_all_from_path(backends);
  llama_backend_init();
  void *model = llama_model_load_from_file(argv[2], llama_model_default_params());
  if (!model) die("model did not load");
  const void *vocab = llama_model_get_vocab(model);
  if (strcmp(argv[1], "tok") == 0) {
    long len;
    char *inp = slurp(argv[3], &len);
    const char *sep = "\n__ggml_vocab_test__\n";
    char *s = inp;
    for (;;) {
      char *next = strstr(s, sep);
      int n_chars = next ? (int) (next - s) : (int) strlen(s);
      if (!next && n_chars == 0) break;
      int32_t n;
      int32_t *ids = tokenize(vocab, s, n_chars, 0, &n);
      for (int i = 0; i < n; i++) printf(" %d", ids[i]);
      printf("\n");
      free(ids);
      if (!next) break;
      s = next + strlen(sep);
    }
    return 0;
  }
  if (argc < 6) die("usage: llref gen MODEL PROMPT_FILE STEPS OUT");
  int steps = atoi(argv[4]);
  params_blob cp = llama_context_default_params();
  // n_ctx, n_batch, n_ubatch, n_threads, n_threads_batch, flash_attn_type, type_k, type_v
  if (get32(&cp, 0) != 512 || get32(&cp, 4) != 2048 || get32(&cp, 8) != 512 || get32(&cp, 28) != 4
      || get32(&cp, 32) != 4 || get32(&cp, 52) != -1 || get32(&cp, 104) != 1 || get32(&cp, 108) != 1)
    die("llama_context_params layout is not the one this runner knows (check the offsets)");
  int32_t n_prompt;
  long prompt_len;
  char *prompt_text = slurp(argv[3], &prompt_len);
  int32_t *prompt = tokenize(vocab, prompt_text, (int) prompt_len, 1, &n_prompt);
  int n_ctx = n_prompt + steps + 8;
  set32(&cp, 0, n_ctx);
  set32(&cp, 4, n_ctx);
  set32(&cp, 8, n_ctx);
  set32(&cp, 28, 1);
  set32(&cp, 32, 1);
  set32(&cp, 52, 0);   // flash attention off
  set32(&cp, 104, 0);  // F32 K cache
  set32(&cp, 108, 0);  // F32 V cache
  void *ctx = llama_init_from_model(model, cp);
  if (!ctx) die("context did not start");
  int32_t n_vocab = llama_vocab_n_tokens(vocab);
  char path[4096];
  snprintf(path, sizeof path, "%s.tokens", argv[5]);
  FILE *tok = fopen(path, "w");
  snprintf(path, sizeof path, "%s.logits", argv[5]);
  FILE *lg = fopen(path, "wb");
  if (!tok || !lg) die("cannot write output");
  fprintf(tok, "prompt");
  for (int i = 0; i < n_prompt; i++) fprintf(tok, " %d", prompt[i]);
  fprintf(tok, "\ngreedy");
  if (llama_decode(ctx, llama_batch_get_one(prompt, n_prompt)) != 0) die("decode failed");
  int32_t next;
  for (int s = 0; s < steps; s++) {
    float *logits = llama_get_logits_ith(ctx, -1);
    fwrite(logits, sizeof(float), n_vocab, lg);
    next = 0;
    for (int32_t i = 1; i < n_vocab; i++) {
      if (logits[i] > logits[next]) next = i;  // lowest id wins ties
    }
    fprintf(tok, " %d", next);
    if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) die("decode failed");
  }
  fprintf(tok, "\n");
  fclose(tok);
  fclose(lg);
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}
