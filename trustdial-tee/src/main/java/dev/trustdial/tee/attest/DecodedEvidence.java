package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Bytes;
import java.util.List;

/**
 * Evidence bytes as a verifier parses them (raw evidence or an {@link EvidenceEnvelope}), with the
 * conversions {@link EvidenceFormats} made to get there, in order ("decoded from base64").
 */
public record DecodedEvidence(Bytes bytes, List<String> conversions) {
  public DecodedEvidence {
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException("decoded evidence is never empty");
    }
    conversions = List.copyOf(conversions);
  }

  public boolean isEnvelope() {
    return EvidenceEnvelope.isEnvelope(bytes.toArray());
  }
}
