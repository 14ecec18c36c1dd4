/* Guest runtime: the ecall wrappers and the two hooks picolibc needs (sbrk for malloc, _exit). */
#include "trustdial.h"
#include <errno.h>
#include <string.h>

extern char __heap_start[];
extern char __heap_end[];
static char *heap_top = __heap_start;

size_t td_read(void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    long n = td_ecall3(TD_SYS_READ, 0, (long)((char *)buf + done), (long)(len - done));
    if (n <= 0) {
      break;
    }
    done += (size_t)n;
  }
  return done;
}

void td_read_exact(void *buf, size_t len) {
  if (td_read(buf, len) != len) {
    td_log("input too short\n");
    td_exit(101);
  }
}

void td_write(const void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    long n = td_ecall3(TD_SYS_WRITE, 1, (long)((const char *)buf + done), (long)(len - done));
    if (n <= 0) {
      td_exit(102);
    }
    done += (size_t)n;
  }
}

void td_log(const char *text) {
  td_ecall3(TD_SYS_WRITE, 2, (long)text, (long)strlen(text));
}

void td_exit(int code) {
  td_ecall3(TD_SYS_EXIT, code, 0, 0);
  for (;;) {
  }
}

void _exit(int code) {
  td_exit(code);
}

void td_write_u32_le(uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  td_write(b, 4);
}

void td_log_u32(const char *label, uint32_t v) {
  char buf[16];
  int i = 15;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v && i > 0);
  td_log(label);
  td_log(buf + i);
  td_log("\n");
}

void *sbrk(ptrdiff_t incr) {
  if (incr < 0 || (size_t)(__heap_end - heap_top) < (size_t)incr) {
    errno = ENOMEM;
    return (void *)-1;
  }
  char *old = heap_top;
  heap_top += incr;
  return old;
}
