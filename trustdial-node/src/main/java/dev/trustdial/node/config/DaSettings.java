package dev.trustdial.node.config;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.assignment.OperatorSetFile;
import dev.trustdial.da.assignment.StaticOperatorSetSource;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.LocalCertificateRegistry;
import dev.trustdial.da.cert.SecurityParams;
import dev.trustdial.da.disperser.Disperser;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.node.HttpDaNodeClient;
import dev.trustdial.da.retriever.Retriever;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The DA network a node uses: its operator set file and the shared certificate directory. */
public record DaSettings(Path operators, Path certs, int thresholdBps, Duration retention) {
  public DaSettings {
    if (retention.isNegative() || retention.isZero()) {
      throw new InvalidInputException("da.retentionSeconds must be > 0");
    }
  }

  public DaClient client() {
    StaticOperatorSetSource source = new StaticOperatorSetSource(OperatorSetFile.read(operators));
    // Cell proofs at every checkpoint: the precomputed tables pay off after the first sub-blob.
    JniKzg kzg = JniKzg.load(8);
    CertificateVerifier verifier = new CertificateVerifier(new SecurityParams(thresholdBps));
    HttpDaNodeClient transport = new HttpDaNodeClient(Duration.ofSeconds(60));
    Disperser disperser = new Disperser(kzg, source, transport, verifier, Clock.systemUTC(), retention);
    LocalCertificateRegistry registry = new LocalCertificateRegistry(verifier, source, Clock.systemUTC(), Optional.of(certs));
    return new DaClient(disperser, new Retriever(kzg, source, transport), registry);
  }
}
