package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;

/** An app in AppRegistry: what runs (the program digest) and under which trust model. */
public record AppInfo(
    BigInteger appId,
    Address owner,
    TrustMode mode,
    Bytes32 programDigest,
    byte[] policy,
    long version) {
  public AppInfo {
    policy = policy.clone();
  }

  @Override
  public byte[] policy() {
    return policy.clone();
  }
}
