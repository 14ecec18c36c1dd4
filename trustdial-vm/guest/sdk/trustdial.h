/* TrustDial guest SDK: the whole world a guest sees (docs/spec/vm.md "Ecall ABI").
 * The ecall numbers are Linux's, so the same ELF also runs under qemu-riscv32 with the input on
 * stdin and the output on stdout. */
#ifndef TRUSTDIAL_H
#define TRUSTDIAL_H

#include <stddef.h>
#include <stdint.h>

#define TD_SYS_READ 63
#define TD_SYS_WRITE 64
#define TD_SYS_EXIT 93

static inline long td_ecall3(long n, long a0, long a1, long a2) {
  register long r_a0 __asm__("a0") = a0;
  register long r_a1 __asm__("a1") = a1;
  register long r_a2 __asm__("a2") = a2;
  register long r_a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}

/* Reads up to len input bytes; returns the count, 0 at the end of the input. */
size_t td_read(void *buf, size_t len);
/* Reads exactly len bytes or exits with code 101 when the input is shorter. */
void td_read_exact(void *buf, size_t len);
/* Appends len bytes to the job output (committed in the state). */
void td_write(const void *buf, size_t len);
/* Writes to the log, which the state ignores. */
void td_log(const char *text);
/* Ends the program with this exit code. */
__attribute__((noreturn)) void td_exit(int code);

/* Small formatting helpers (no stdio in guests). */
void td_write_u32_le(uint32_t v);
void td_log_u32(const char *label, uint32_t v);

#endif
