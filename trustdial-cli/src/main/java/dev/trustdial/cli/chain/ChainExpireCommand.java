package dev.trustdial.cli.chain;

import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TxOutcome;
import java.math.BigInteger;
import picocli.CommandLine.Command;

@Command(
    name = "expire",
    description =
        "End a queued or assigned job past its expiry: fee and deposit go back to the submitter, nobody is slashed.")
final class ChainExpireCommand extends JobTransaction {
  @Override
  TxOutcome send(Settlement s, BigInteger jobId) {
    return s.expire(jobId);
  }
}
