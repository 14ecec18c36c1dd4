package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.util.Optional;

/**
 * What a job runs and under which terms, fixed at submission (JobManager.pinOf): an app upgrade
 * mid-job changes none of it. Nodes check the program against {@link #programDigest}, not against
 * the app's current release. An adapter-mode job (docs/spec/modes.md; ZK) also pins the mode's
 * {@link #adapter} and the app's {@link #appConfig} (a ZK app's verifier); both are empty for the
 * built-in modes.
 */
public record JobPin(
    Bytes32 programDigest,
    Optional<Address> teeSigner,
    long appVersion,
    TrustMode mode,
    Role role,
    long obligationSeq,
    Optional<Address> appConfig,
    Optional<Address> adapter) {}
