package dev.trustdial.da.node;

/**
 * Who sent an upload, for the pending quota (docs/spec/da.md §7.1). The protocol has no uploader
 * signature, so it is the client's network address as the node's HTTP server sees it.
 */
public record Uploader(String address) {
  public Uploader {
    if (address.isBlank() || address.length() > 256) {
      throw new IllegalArgumentException(
          "an uploader address has 1..256 characters, got '" + address + "'");
    }
  }
}
