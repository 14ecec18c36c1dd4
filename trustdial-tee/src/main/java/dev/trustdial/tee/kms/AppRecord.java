package dev.trustdial.tee.kms;

import java.math.BigInteger;

/**
 * What the KMS needs from an app's onchain record (AppRegistry.getApp): whether it is a TEE app,
 * its current version and its policy bytes.
 */
public record AppRecord(
    BigInteger appId, boolean teeMode, byte[] programDigest, byte[] policy, long version) {
  public AppRecord {
    KmsRoot.appIdBytes(appId);
    if (programDigest.length != 32) {
      throw new IllegalArgumentException("a program digest is 32 bytes");
    }
    programDigest = programDigest.clone();
    policy = policy.clone();
  }

  @Override
  public byte[] programDigest() {
    return programDigest.clone();
  }

  @Override
  public byte[] policy() {
    return policy.clone();
  }
}
