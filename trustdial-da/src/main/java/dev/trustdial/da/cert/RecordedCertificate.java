package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.da.assignment.OperatorSet;
import java.util.List;

/**
 * A certificate as its registry recorded it: the header and the attestations in the order they were
 * registered (ascending signer address), and where it was read ({@code source}: the BlobRegistry
 * transaction, or the local certificate store). Signers are recovered by whoever reads it.
 */
public record RecordedCertificate(BlobHeader header, List<Signature> signatures, String source) {
  public RecordedCertificate {
    if (signatures.size() > OperatorSet.MAX_OPERATORS) {
      throw new InvalidInputException(
          "a certificate has at most "
              + OperatorSet.MAX_OPERATORS
              + " signatures, got "
              + signatures.size());
    }
    signatures = List.copyOf(signatures);
  }
}
