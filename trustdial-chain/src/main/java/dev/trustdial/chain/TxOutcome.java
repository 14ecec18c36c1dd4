package dev.trustdial.chain;

/** A mined transaction: its hash, block and the gas it used. */
public record TxOutcome(String action, String txHash, long block, long gasUsed) {}
