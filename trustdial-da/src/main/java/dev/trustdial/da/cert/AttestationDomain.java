package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.nio.ByteBuffer;

/**
 * Where an attestation counts (docs/spec/da.md §6): the chain id and the BlobRegistry that verifies
 * it, bound into the signed digest so a signature counts on one deployment only. {@link #LOCAL}
 * (chain id 0, the zero address) is the chain-less local mode; no chain verifies it.
 */
public record AttestationDomain(long chainId, Address verifier) {
  public static final AttestationDomain LOCAL = new AttestationDomain(0, Address.ZERO);
  static final int BYTES = 32 + 20;

  public AttestationDomain {
    if (chainId < 0) {
      throw new InvalidInputException("chain id must be >= 0, got " + chainId);
    }
    if ((chainId == 0) != verifier.isZero()) {
      throw new InvalidInputException(
          "chain id 0 and the zero address together are the local DA domain; an onchain "
              + "domain needs a nonzero chain id and the BlobRegistry address, got chain "
              + chainId
              + " and "
              + verifier);
    }
  }

  public boolean isLocal() {
    return chainId == 0;
  }

  /** {@code u256 chainId || address}, as abi.encodePacked writes them. */
  byte[] encode() {
    return ByteBuffer.allocate(BYTES).position(24).putLong(chainId).put(verifier.bytes()).array();
  }

  @Override
  public String toString() {
    return isLocal() ? "local DA domain" : "chain " + chainId + " BlobRegistry " + verifier;
  }
}
