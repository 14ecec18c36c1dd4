package dev.trustdial.node.objective;

import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The reads a node needs to claim or check a REEXEC_OBJECTIVE job beside the settlement port: an
 * app's ObjectiveConfig, the InputOracle's entries and the court's prestate. The chain ({@link
 * #onChain}) or a seeded simulation.
 */
public interface ObjectiveReads {
  /**
   * The ObjectiveConfig at {@code config}; {@link dev.trustdial.core.InvalidInputException} when
   * there is none there.
   */
  ObjectiveAppConfig config(Address config);

  /** The InputOracle's calldata entry for the envelope with keccak256 {@code digest}. */
  Optional<ObjectiveApps.InputEntry> inputOf(Bytes32 digest);

  /** The InputOracle's blob-form entry under DA blob key {@code blobKey}. */
  Optional<ObjectiveApps.InputEntry> blobInputOf(Bytes32 blobKey);

  /** ObjectiveCourt.prestateHash: the hash of the job's initial state (vm.md §3, §5). */
  Bytes32 prestateHash(BigInteger jobId);

  /** Over the deployed InputOracle, ObjectiveConfigs and ObjectiveCourt. */
  static ObjectiveReads onChain(ObjectiveApps apps, ObjectiveCourtClient court) {
    return new ObjectiveReads() {
      @Override
      public ObjectiveAppConfig config(Address config) {
        return apps.config(config);
      }

      @Override
      public Optional<ObjectiveApps.InputEntry> inputOf(Bytes32 digest) {
        return apps.inputOf(digest);
      }

      @Override
      public Optional<ObjectiveApps.InputEntry> blobInputOf(Bytes32 blobKey) {
        return apps.blobInputOf(blobKey);
      }

      @Override
      public Bytes32 prestateHash(BigInteger jobId) {
        return court.prestateHash(jobId);
      }
    };
  }
}
