package dev.trustdial.tee.kms;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Where the KMS reads app records. The chain-backed implementation lives with the CLI (this module
 * never imports the chain client); tests use an in-memory one.
 */
public interface AppRecords {
  /** The app's current record, or empty when no such app exists. */
  Optional<AppRecord> find(BigInteger appId);

  /** The record source cannot answer now (chain RPC down); the KMS answers 503. */
  final class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
