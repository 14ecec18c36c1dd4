package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;

/**
 * A mined transaction as a reader of the chain sees it: who sent it, the gas it used, the block it
 * is in and the function it called, named from our contracts' ABIs ("JobManager.heartbeat"; "other"
 * for calls we do not know).
 */
public record TxFacts(String txHash, Address from, long block, long gasUsed, String function) {
  public TxFacts {
    if (gasUsed < 0 || block < 0) {
      throw new IllegalArgumentException(
          "gas and block are never negative: " + gasUsed + ", " + block);
    }
  }
}
