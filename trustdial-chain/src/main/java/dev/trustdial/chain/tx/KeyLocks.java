package dev.trustdial.chain.tx;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per sender and chain, shared by every transaction manager of this process that signs
 * with that key: simulate, read the pending nonce, sign and send happen under it, so two managers
 * of one process never sign the same nonce (the node counts a sent transaction as pending before
 * the lock is released). The nonce itself is always read from the node, never cached, so a chain
 * restarted under the same id and key (a fresh devnet) cannot leave a gap. Another process using
 * the same key can still race; its nonce errors are retried ({@link #isNonceError}).
 */
final class KeyLocks {
  private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private KeyLocks() {}

  static ReentrantLock lockFor(long chainId, String sender) {
    return LOCKS.computeIfAbsent(
        chainId + "/" + sender.toLowerCase(Locale.ROOT), k -> new ReentrantLock());
  }

  /**
   * A node's answer meaning "this nonce is not the next one" (geth, anvil, reth and besu
   * phrasings).
   */
  static boolean isNonceError(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("nonce too low")
        || m.contains("nonce too high")
        || m.contains("already known")
        || m.contains("replacement transaction underpriced")
        || m.contains("invalid nonce")
        || m.contains("nonce has already been used");
  }
}
