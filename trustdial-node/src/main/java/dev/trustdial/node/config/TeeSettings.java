package dev.trustdial.node.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * How an operator runs TEE jobs: its TEE install (on this machine the INSECURE simulated backend,
 * {@code trustdial attest sim-init}) and the KMS that releases apps' keys to it.
 */
public record TeeSettings(Path install, URI kms) {}
