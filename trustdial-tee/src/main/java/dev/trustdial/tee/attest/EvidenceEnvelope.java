package dev.trustdial.tee.attest;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Evidence and its collateral in one blob, so it can travel as one value (to a KMS, into DA, in a
 * receipt) and be verified later by anyone (docs/spec/attestation.md, "Evidence envelope").
 *
 * @param collateral the collateral file bytes in the format {@code --collateral} takes, if any
 */
public record EvidenceEnvelope(Evidence evidence, Optional<byte[]> collateral) {
  public static final byte[] MAGIC = "TDEVENV1".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  public static final int MAX_COLLATERAL = 1024 * 1024;

  /** The largest envelope: header, the largest evidence and the largest collateral. */
  public static final int MAX_BYTES = 8 + 10 + Evidence.MAX_BYTES + MAX_COLLATERAL;

  public EvidenceEnvelope {
    collateral = collateral.map(byte[]::clone);
    if (collateral.isPresent()
        && (collateral.get().length == 0 || collateral.get().length > MAX_COLLATERAL)) {
      throw new IllegalArgumentException(
          "collateral is 1.." + MAX_COLLATERAL + " bytes when present");
    }
  }

  @Override
  public Optional<byte[]> collateral() {
    return collateral.map(byte[]::clone);
  }

  /** The platform's code in the envelope header. */
  static int code(Platform p) {
    return switch (p) {
      case INTEL_TDX -> 1;
      case AMD_SEV_SNP -> 2;
      case AWS_NITRO -> 3;
      case SIMULATED -> 4;
    };
  }

  public static boolean isEnvelope(byte[] b) {
    return b.length >= MAGIC.length && Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Wraps raw evidence (classified here) and its collateral file. */
  public static EvidenceEnvelope of(byte[] evidence, Optional<byte[]> collateral)
      throws VerificationFailedException {
    return new EvidenceEnvelope(Evidence.detect(evidence), collateral);
  }

  public byte[] encode() {
    byte[] ev = evidence.bytes().toArray();
    byte[] col = collateral.orElse(new byte[0]);
    var out = new ByteArrayOutputStream(MAGIC.length + 10 + ev.length + col.length);
    out.writeBytes(MAGIC);
    out.write(VERSION);
    out.write(code(evidence.platform()));
    u32(out, ev.length);
    out.writeBytes(ev);
    u32(out, col.length);
    out.writeBytes(col);
    return out.toByteArray();
  }

  public static EvidenceEnvelope decode(byte[] b) throws VerificationFailedException {
    if (!isEnvelope(b)) {
      throw malformed("does not start with TDEVENV1");
    }
    if (b.length > MAX_BYTES) {
      throw malformed("is " + b.length + " bytes, over the limit");
    }
    ByteBuffer in = ByteBuffer.wrap(b).position(MAGIC.length);
    try {
      int version = in.get() & 0xFF;
      if (version != VERSION) {
        throw malformed("version " + version + " (supported: 1)");
      }
      int platform = in.get() & 0xFF;
      byte[] ev = new byte[length(in, Evidence.MAX_BYTES, "evidence")];
      in.get(ev);
      byte[] col = new byte[length(in, MAX_COLLATERAL, "collateral")];
      in.get(col);
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " trailing bytes");
      }
      Evidence e = Evidence.detect(ev);
      if (code(e.platform()) != platform) {
        throw malformed(
            "header says platform " + platform + " but the evidence is " + e.platform());
      }
      return new EvidenceEnvelope(e, col.length == 0 ? Optional.empty() : Optional.of(col));
    } catch (BufferUnderflowException ex) {
      throw malformed("ends early");
    }
  }

  private static int length(ByteBuffer in, int max, String what)
      throws VerificationFailedException {
    long n = in.getInt() & 0xFFFFFFFFL;
    if (n > max || n > in.remaining()) {
      throw malformed(what + " length " + n + " exceeds " + Math.min(max, in.remaining()));
    }
    return (int) n;
  }

  private static void u32(ByteArrayOutputStream out, int v) {
    for (int s = 24; s >= 0; s -= 8) {
      out.write(v >>> s);
    }
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed("evidence envelope " + detail));
  }
}
