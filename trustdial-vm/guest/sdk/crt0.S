/* Guest entry: stack, global pointer and thread pointer from the linker script, then main,
 * then exit with its return value. The loader zero-fills .bss, so there is nothing to clear. */
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la tp, __tls_base
  li a0, 0
  li a1, 0
  call main
  li a7, 93
  ecall
1:
  j 1b
