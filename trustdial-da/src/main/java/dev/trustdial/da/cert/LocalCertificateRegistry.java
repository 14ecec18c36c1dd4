package dev.trustdial.da.cert;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.assignment.OperatorSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CertificateRegistry} without a chain: it runs the same security check the BlobRegistry
 * contract runs, for attestations in the local domain (docs/spec/da.md §6), and keeps certificates
 * in memory, optionally mirrored to a directory so that separate CLI invocations share them.
 */
public final class LocalCertificateRegistry implements CertificateRegistry {
  private final CertificateVerifier verifier;
  private final OperatorSetSource operators;
  private final Clock clock;
  private final Optional<Path> directory;
  private final Map<Bytes32, DaCertificate> certificates = new ConcurrentHashMap<>();

  public LocalCertificateRegistry(
      CertificateVerifier verifier,
      OperatorSetSource operators,
      Clock clock,
      Optional<Path> directory) {
    if (!verifier.domain().isLocal()) {
      throw new IllegalArgumentException(
          "a local certificate registry checks local-domain attestations, not the "
              + verifier.domain());
    }
    this.verifier = verifier;
    this.operators = operators;
    this.clock = clock;
    this.directory = directory;
    directory.ifPresent(d -> {
      try {
        Files.createDirectories(d);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create certificate directory " + d, e);
      }
    });
  }

  public static LocalCertificateRegistry inMemory(
      CertificateVerifier verifier, OperatorSetSource operators, Clock clock) {
    return new LocalCertificateRegistry(verifier, operators, clock, Optional.empty());
  }

  @Override
  public void register(DaCertificate certificate) {
    long now = clock.instant().getEpochSecond();
    CertificateCheck check =
        verifier.check(certificate, operators.at(certificate.header().referenceBlock()), now);
    if (check instanceof CertificateCheck.Invalid(String reason)) {
      throw new InvalidInputException("certificate refused: " + reason);
    }
    Bytes32 key = certificate.blobKey();
    certificates.put(key, certificate);
    directory.ifPresent(d -> {
      try {
        Path tmp = Files.createTempFile(d, "cert", ".tmp");
        Files.write(tmp, certificate.encode());
        Files.move(
            tmp,
            d.resolve(key.toHex() + ".cert"),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store certificate in " + d, e);
      }
    });
  }

  @Override
  public Optional<RecordedCertificate> certificate(Bytes32 blobKey) {
    return stored(blobKey)
        .map(c ->
            new RecordedCertificate(
                c.header(),
                c.signatures().stream().map(OperatorSignature::signature).toList(),
                "local certificate store"));
  }

  /** The certificate as it was registered here, with its signers' operator indices. */
  public Optional<DaCertificate> stored(Bytes32 blobKey) {
    DaCertificate c = certificates.get(blobKey);
    if (c != null) {
      return Optional.of(c);
    }
    if (directory.isPresent()) {
      Path p = directory.get().resolve(blobKey.toHex() + ".cert");
      if (Files.isRegularFile(p)) {
        try {
          DaCertificate read = DaCertificate.decode(Files.readAllBytes(p));
          if (read.blobKey().equals(blobKey)) {
            certificates.put(blobKey, read);
            return Optional.of(read);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read certificate " + p, e);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<BlobHeader> header(Bytes32 blobKey) {
    return stored(blobKey).map(DaCertificate::header);
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    return header(blobKey).map(h -> clock.instant().getEpochSecond() < h.expiry()).orElse(false);
  }
}
