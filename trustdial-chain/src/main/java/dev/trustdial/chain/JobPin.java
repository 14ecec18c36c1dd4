package dev.trustdial.chain;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.util.Optional;

/**
 * What a job runs and under which terms, fixed at submission (JobManager.pinOf): an app upgrade
 * mid-job changes none of it. Nodes check the program against {@link #programDigest}, not against
 * the app's current release. {@link #zkVerifier} is the verifier contract a ZK job's proof is checked
 * by (docs/spec/zk.md §4), empty for the other modes.
 */
public record JobPin(Bytes32 programDigest, Optional<Address> teeSigner, long appVersion, TrustMode mode, Role role,
    long obligationSeq, Optional<Address> zkVerifier) {}
