/* The SDK's C API on a native Linux host, for benchmarks that run a guest's source natively:
 * stdin is the input, stdout the output, stderr the log. */
#include "trustdial.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t td_read(void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = read(0, (char *)buf + done, len - done);
    if (n <= 0) break;
    done += (size_t)n;
  }
  return done;
}

void td_read_exact(void *buf, size_t len) {
  if (td_read(buf, len) != len) td_exit(101);
}

void td_write(const void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(1, (const char *)buf + done, len - done);
    if (n <= 0) td_exit(102);
    done += (size_t)n;
  }
}

void td_log(const char *text) {
  (void)!write(2, text, strlen(text));
}

void td_exit(int code) {
  _exit(code);
}

void td_write_u32_le(uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  td_write(b, 4);
}

void td_log_u32(const char *label, uint32_t v) {
  (void)label;
  (void)v;
}
