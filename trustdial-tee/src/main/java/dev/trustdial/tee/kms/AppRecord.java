package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Bytes;
import java.math.BigInteger;

/**
 * What the KMS needs from an app's onchain record (AppRegistry.getApp): whether it is a TEE app,
 * its current version and its policy bytes.
 */
public record AppRecord(
    BigInteger appId, boolean teeMode, Bytes programDigest, Bytes policy, long version) {
  public AppRecord {
    KmsRoot.appIdBytes(appId);
    if (programDigest.length() != 32) {
      throw new IllegalArgumentException("a program digest is 32 bytes");
    }
  }

  /** Copies of {@code programDigest} and {@code policy}. */
  public AppRecord(
      BigInteger appId, boolean teeMode, byte[] programDigest, byte[] policy, long version) {
    this(appId, teeMode, Bytes.of(programDigest), Bytes.of(policy), version);
  }
}
