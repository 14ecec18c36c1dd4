package dev.trustdial.da.node;

import dev.trustdial.da.cert.CertificateRegistry;

/** How a node treats blobs that no certificate is known to name (docs/spec/da.md §7.1). */
public sealed interface PendingRule {
  /**
   * The node reads registrations from {@code certificates} and holds uncertified blobs within
   * {@code limits}.
   */
  record Enforced(CertificateRegistry certificates, PendingLimits limits) implements PendingRule {}

  /**
   * No certificate registry to ask (local mode): every stored blob is kept until its expiry, as if
   * certified. Only for networks whose uploaders are trusted.
   */
  record KeepUntilExpiry() implements PendingRule {}
}
