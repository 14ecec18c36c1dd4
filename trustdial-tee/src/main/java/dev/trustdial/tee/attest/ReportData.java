package dev.trustdial.tee.attest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How TrustDial fills the 64 caller bytes of any evidence (TDX/SNP REPORTDATA, simulated report
 * data, Nitro user_data): a domain-separated SHA-512 over length-prefixed parts, so that a value
 * bound for one purpose can never be read as another (docs/spec/attestation.md, "Report data").
 */
public final class ReportData {
  public static final int SIZE = 64;
  static final byte[] DOMAIN = "TrustDial report data v1".getBytes(StandardCharsets.US_ASCII);

  private ReportData() {}

  /**
   * @param purpose a short ASCII name of what is bound, e.g. "app-launch"
   * @param parts the bound values, in a fixed order the purpose defines
   */
  public static byte[] bind(String purpose, byte[]... parts) {
    if (purpose.isEmpty()
        || purpose.length() > 64
        || !purpose.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new IllegalArgumentException(
          "purpose must be 1..64 printable ASCII characters without spaces");
    }
    var out = new ByteArrayOutputStream();
    out.writeBytes(DOMAIN);
    out.write(0);
    out.writeBytes(purpose.getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    for (byte[] p : parts) {
      for (int s = 24; s >= 0; s -= 8) {
        out.write(p.length >>> s);
      }
      out.writeBytes(p);
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-512").digest(out.toByteArray());
      assert d.length == SIZE;
      return d;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }
}
