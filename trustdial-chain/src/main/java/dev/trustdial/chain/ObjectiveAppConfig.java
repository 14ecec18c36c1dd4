package dev.trustdial.chain;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;

/**
 * The immutable fields of a REEXEC_OBJECTIVE app's {@code ObjectiveConfig} contract
 * (docs/spec/objective.md §1): the program, its absolute prestate (entry pc and memRoot of the
 * loaded image, vm.md §3) under the app parameters {@code ramEnd} and {@code outputLimit}, and the
 * trace commitment's stride {@code 2^strideLog2}. Validates what the contract's constructor checks,
 * so a config that would revert is refused before anything is sent.
 *
 * @param entryPc the ELF's entry point, an unsigned 32-bit value (the VM's loader checks its
 *     alignment)
 * @param ramEnd a multiple of 4096 in (0x10000, 0x80000000]
 * @param outputLimit 0..2^32-1 bytes
 * @param strideLog2 0..40
 * @param blobInputs job inputs go onchain as EIP-4844 blobs keyed by the job's DA blob key (vm.md
 *     §4.1.1), not as calldata keyed by its inputDigest
 */
public record ObjectiveAppConfig(
    Bytes32 programDigest,
    long entryPc,
    Bytes32 imageRoot,
    long ramEnd,
    long outputLimit,
    int strideLog2,
    boolean blobInputs) {
  public static final long RAM_BASE = 0x0001_0000L;
  public static final long MAX_RAM_END = 0x8000_0000L;
  public static final int MAX_STRIDE_LOG2 = 40;
  public static final long MAX_UINT32 = 0xffff_ffffL;

  public ObjectiveAppConfig {
    if (programDigest == null || programDigest.isZero()) {
      throw new InvalidInputException("an objective app's program digest must not be zero");
    }
    if (imageRoot == null) {
      throw new InvalidInputException("an objective app needs its image root");
    }
    if (entryPc < 0 || entryPc > MAX_UINT32) {
      throw new InvalidInputException(
          String.format("entry pc must be a 32-bit address, got 0x%x", entryPc));
    }
    checkRamEnd(ramEnd);
    if (outputLimit < 0 || outputLimit > MAX_UINT32) {
      throw new InvalidInputException("output limit must be 0..2^32-1 bytes, got " + outputLimit);
    }
    checkStrideLog2(strideLog2);
  }

  /** A config whose inputs go onchain as calldata. */
  public ObjectiveAppConfig(
      Bytes32 programDigest,
      long entryPc,
      Bytes32 imageRoot,
      long ramEnd,
      long outputLimit,
      int strideLog2) {
    this(programDigest, entryPc, imageRoot, ramEnd, outputLimit, strideLog2, false);
  }

  /** ObjectiveConfig.BadRamEnd's rule (vm.md §2). */
  public static void checkRamEnd(long ramEnd) {
    if (ramEnd % 4096 != 0 || ramEnd <= RAM_BASE || ramEnd > MAX_RAM_END) {
      throw new InvalidInputException(
          String.format(
              "ramEnd must be a multiple of 4096 in (0x10000, 0x80000000], got 0x%x", ramEnd));
    }
  }

  /** ObjectiveConfig.BadStrideLog2's rule (objective.md §1). */
  public static void checkStrideLog2(int strideLog2) {
    if (strideLog2 < 0 || strideLog2 > MAX_STRIDE_LOG2) {
      throw new InvalidInputException(
          "strideLog2 must be 0.." + MAX_STRIDE_LOG2 + ", got " + strideLog2);
    }
  }

  /** Steps per stride leaf of the trace commitment: {@code 2^strideLog2}. */
  public long stride() {
    return 1L << strideLog2;
  }
}
