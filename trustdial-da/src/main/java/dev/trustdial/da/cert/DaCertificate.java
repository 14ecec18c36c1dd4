package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.da.assignment.OperatorSet;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A blob header with the attestations of DA operators, indices strictly increasing (docs/spec/da.md
 * §6). Whether it is <em>sufficient</em> is {@link CertificateVerifier}'s call.
 */
public record DaCertificate(BlobHeader header, List<OperatorSignature> signatures) {
  public DaCertificate {
    signatures = List.copyOf(signatures);
    if (signatures.size() > OperatorSet.MAX_OPERATORS) {
      throw new InvalidInputException(
          "a certificate has at most " + OperatorSet.MAX_OPERATORS + " signatures");
    }
    for (int i = 1; i < signatures.size(); i++) {
      if (signatures.get(i).operatorIndex() <= signatures.get(i - 1).operatorIndex()) {
        throw new InvalidInputException("certificate signer indices must be strictly increasing");
      }
    }
  }

  public Bytes32 blobKey() {
    return header.blobKey();
  }

  public byte[] encode() {
    byte[] h = header.encode();
    ByteBuffer b = ByteBuffer.allocate(4 + h.length + 2 + signatures.size() * 67);
    b.putInt(h.length).put(h).putShort((short) signatures.size());
    for (OperatorSignature s : signatures) {
      b.putShort((short) s.operatorIndex()).put(s.signature().bytes());
    }
    return b.array();
  }

  public static DaCertificate decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int hlen = b.getInt();
      if (hlen < 0 || hlen > BlobHeader.MAX_BYTES || hlen > b.remaining()) {
        throw new InvalidInputException("malformed certificate: header length " + hlen);
      }
      byte[] h = new byte[hlen];
      b.get(h);
      int m = Short.toUnsignedInt(b.getShort());
      if (b.remaining() != m * 67) {
        throw new InvalidInputException(
            "malformed certificate: "
                + m
                + " signatures need "
                + m * 67
                + " bytes, "
                + b.remaining()
                + " left");
      }
      List<OperatorSignature> sigs = new ArrayList<>(m);
      byte[] sig = new byte[65];
      for (int i = 0; i < m; i++) {
        int idx = Short.toUnsignedInt(b.getShort());
        b.get(sig);
        sigs.add(new OperatorSignature(idx, new Signature(sig)));
      }
      return new DaCertificate(BlobHeader.decode(h), sigs);
    } catch (BufferUnderflowException e) {
      throw new InvalidInputException("malformed certificate: truncated");
    }
  }
}
