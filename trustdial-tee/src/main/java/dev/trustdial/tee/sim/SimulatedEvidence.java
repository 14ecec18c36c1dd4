package dev.trustdial.tee.sim;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.Evidence;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TrustDial's simulated evidence, version 1 (docs/spec/attestation.md, "Simulated evidence").
 * Everything is big-endian; the signature covers every byte before it.
 *
 * @param certificates DER, leaf (the install's attestation key) first, self-signed root last
 */
public record SimulatedEvidence(
    boolean debug,
    Instant issuedAt,
    List<Bytes> rtmrs,
    Bytes reportData,
    List<MeasurementEvent> events,
    List<Bytes> certificates,
    Bytes signature) {

  public static final int VERSION = 1;
  public static final int REPORT_DATA_SIZE = 64;
  public static final int MAX_EVENTS = 64;
  public static final int MAX_CERTIFICATES = 4;
  public static final int MAX_CERTIFICATE_BYTES = 8192;

  public SimulatedEvidence {
    rtmrs = List.copyOf(rtmrs);
    events = List.copyOf(events);
    certificates = List.copyOf(certificates);
    if (rtmrs.size() != MeasurementEvent.REGISTERS
        || rtmrs.stream().anyMatch(r -> r.length() != Rtmrs.SIZE)) {
      throw new IllegalArgumentException("simulated evidence has four 48-byte registers");
    }
    if (reportData.length() != REPORT_DATA_SIZE) {
      throw new IllegalArgumentException("report data is 64 bytes, got " + reportData.length());
    }
    if (events.size() > MAX_EVENTS
        || certificates.isEmpty()
        || certificates.size() > MAX_CERTIFICATES) {
      throw new IllegalArgumentException("too many events or certificates");
    }
    if (signature.length() != 0 && signature.length() != 64) {
      throw new IllegalArgumentException("signature is 64 bytes r||s (or empty before signing)");
    }
  }

  /** The bytes the attestation key signs. */
  public byte[] signedBytes() {
    var out = new ByteArrayOutputStream();
    out.writeBytes(Evidence.SIMULATED_MAGIC);
    out.write(VERSION);
    out.write(debug ? 1 : 0);
    long ms = issuedAt.toEpochMilli();
    for (int s = 56; s >= 0; s -= 8) {
      out.write((int) (ms >>> s));
    }
    rtmrs.forEach(r -> out.writeBytes(r.toArray()));
    out.writeBytes(reportData.toArray());
    out.write(events.size() >> 8);
    out.write(events.size());
    for (MeasurementEvent e : events) {
      out.write(e.register());
      out.writeBytes(e.encoding());
    }
    out.write(certificates.size());
    for (Bytes c : certificates) {
      out.write(c.length() >> 8);
      out.write(c.length());
      out.writeBytes(c.toArray());
    }
    return out.toByteArray();
  }

  public byte[] encode() {
    if (signature.length() != 64) {
      throw new IllegalStateException("encode signed evidence only");
    }
    byte[] body = signedBytes();
    byte[] out = Arrays.copyOf(body, body.length + 64);
    signature.copyTo(out, body.length);
    return out;
  }

  public SimulatedEvidence withSignature(byte[] sig) {
    return new SimulatedEvidence(
        debug, issuedAt, rtmrs, reportData, events, certificates, Bytes.of(sig));
  }

  public static SimulatedEvidence parse(byte[] b) throws VerificationFailedException {
    if (b.length > Evidence.MAX_BYTES) {
      throw malformed("is over " + Evidence.MAX_BYTES + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(b);
    try {
      byte[] magic = new byte[8];
      in.get(magic);
      if (!Arrays.equals(magic, Evidence.SIMULATED_MAGIC)) {
        throw malformed("does not start with TDSIMEV1");
      }
      int version = in.get() & 0xFF;
      if (version != VERSION) {
        throw malformed("version " + version + " (supported: 1)");
      }
      int flags = in.get() & 0xFF;
      if ((flags & ~1) != 0) {
        throw malformed("unknown flag bits " + Integer.toBinaryString(flags));
      }
      long ms = in.getLong();
      if (ms <= 0) {
        throw malformed("timestamp is not positive");
      }
      List<Bytes> rtmrs = new ArrayList<>();
      for (int i = 0; i < MeasurementEvent.REGISTERS; i++) {
        byte[] r = new byte[Rtmrs.SIZE];
        in.get(r);
        rtmrs.add(Bytes.of(r));
      }
      byte[] reportData = new byte[REPORT_DATA_SIZE];
      in.get(reportData);
      int eventCount = in.getShort() & 0xFFFF;
      if (eventCount > MAX_EVENTS) {
        throw malformed(eventCount + " events (max " + MAX_EVENTS + ")");
      }
      List<MeasurementEvent> events = new ArrayList<>();
      for (int i = 0; i < eventCount; i++) {
        int register = in.get() & 0xFF;
        int code = in.getShort() & 0xFFFF;
        long len = in.getInt() & 0xFFFFFFFFL;
        MeasurementEvent.Type type =
            MeasurementEvent.Type.of(code)
                .orElseThrow(() -> malformed("unknown event type 0x" + Integer.toHexString(code)));
        if (len > MeasurementEvent.MAX_DATA || register != type.register()) {
          throw malformed(
              "event "
                  + i
                  + " has "
                  + len
                  + " bytes for RTMR"
                  + register
                  + " (max "
                  + MeasurementEvent.MAX_DATA
                  + ", "
                  + type
                  + " belongs in RTMR"
                  + type.register()
                  + ")");
        }
        byte[] data = new byte[(int) len];
        in.get(data);
        events.add(new MeasurementEvent(register, type, Bytes.of(data)));
      }
      int certCount = in.get() & 0xFF;
      if (certCount == 0 || certCount > MAX_CERTIFICATES) {
        throw malformed(certCount + " certificates (1.." + MAX_CERTIFICATES + ")");
      }
      List<Bytes> certs = new ArrayList<>();
      for (int i = 0; i < certCount; i++) {
        int len = in.getShort() & 0xFFFF;
        if (len > MAX_CERTIFICATE_BYTES) {
          throw malformed("certificate " + i + " is " + len + " bytes");
        }
        byte[] der = new byte[len];
        in.get(der);
        certs.add(Bytes.of(der));
      }
      byte[] sig = new byte[64];
      in.get(sig);
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " trailing bytes");
      }
      return new SimulatedEvidence(
          flags == 1,
          Instant.ofEpochMilli(ms),
          rtmrs,
          Bytes.of(reportData),
          events,
          certs,
          Bytes.of(sig));
    } catch (BufferUnderflowException e) {
      throw malformed("ends early");
    }
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed("simulated evidence " + detail));
  }
}
