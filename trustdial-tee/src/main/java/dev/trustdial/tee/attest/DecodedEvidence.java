package dev.trustdial.tee.attest;

import java.util.List;

/**
 * Evidence bytes as a verifier parses them (raw evidence or an {@link EvidenceEnvelope}), with the
 * conversions {@link EvidenceFormats} made to get there, in order ("decoded from base64").
 */
public record DecodedEvidence(byte[] bytes, List<String> conversions) {
  public DecodedEvidence {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("decoded evidence is never empty");
    }
    bytes = bytes.clone();
    conversions = List.copyOf(conversions);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public boolean isEnvelope() {
    return EvidenceEnvelope.isEnvelope(bytes);
  }
}
