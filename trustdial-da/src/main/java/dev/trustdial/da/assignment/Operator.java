package dev.trustdial.da.assignment;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.net.URI;

/** A DA operator as the operator set sees it: signer address, stake (uint256) and HTTP endpoint. */
public record Operator(Address signer, BigInteger stake, URI endpoint) {
  private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

  public Operator {
    if (stake.signum() <= 0 || stake.compareTo(UINT256_LIMIT) >= 0) {
      throw new InvalidInputException(
          "operator " + signer + " needs a stake in 1..2^256-1, got " + stake);
    }
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || endpoint.getHost() == null) {
      throw new InvalidInputException(
          "operator " + signer + " endpoint must be an http(s) URL, got " + endpoint);
    }
  }
}
