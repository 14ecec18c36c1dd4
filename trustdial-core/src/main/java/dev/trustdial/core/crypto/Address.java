package dev.trustdial.core.crypto;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;
import org.web3j.crypto.Keys;

/** A 20-byte Ethereum address. Parsing accepts any case; output is EIP-55 checksummed. */
public record Address(byte[] bytes) implements Comparable<Address> {
  public static final Address ZERO = new Address(new byte[20]);

  public Address {
    if (bytes.length != 20) {
      throw new InvalidInputException("an address has 20 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  public static Address parse(String text) {
    String s = text.trim();
    if (!s.matches("0[xX][0-9a-fA-F]{40}")) {
      throw new InvalidInputException(
          "not an address (want 0x followed by 40 hex digits): '" + s + "'");
    }
    boolean mixed =
        !s.substring(2).equals(s.substring(2).toLowerCase())
            && !s.substring(2).equals(s.substring(2).toUpperCase());
    Address a = new Address(Hex.decode(s));
    if (mixed && !a.toString().equals("0x" + s.substring(2))) {
      throw new InvalidInputException("address has a wrong EIP-55 checksum: " + s);
    }
    return a;
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public boolean isZero() {
    return Arrays.equals(bytes, ZERO.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Address o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return Keys.toChecksumAddress(Hex.encodeBare(bytes));
  }
}
