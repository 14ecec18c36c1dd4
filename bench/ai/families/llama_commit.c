// Prints the llama.cpp commit that libllama-common was built from (bench/ai/families/run.sh).
#include <stdio.h>
extern const char *_Z12llama_commitv(void);  // llama_commit() in llama.cpp's common library (C++ linkage)
int main(void) {
  printf("%s\n", _Z12llama_commitv());
  return 0;
}
