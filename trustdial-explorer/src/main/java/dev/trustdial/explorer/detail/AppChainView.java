package dev.trustdial.explorer.detail;

import dev.trustdial.core.crypto.Address;
import java.util.Optional;

/**
 * What a job page reads of an app from AppRegistry beyond its events: a TEE app's policy bytes and
 * signer.
 */
public interface AppChainView {
  /** The app's policy bytes (empty when the app has none). */
  byte[] policy(long appId);

  /** The app wallet that must sign a TEE app's results, when one is set. */
  Optional<Address> teeSigner(long appId);

  /** For an explorer without a chain client (tests of other pages, benchmarks). */
  AppChainView NONE =
      new AppChainView() {
        @Override
        public byte[] policy(long appId) {
          throw new DetailException("this explorer reads no app state from the chain");
        }

        @Override
        public Optional<Address> teeSigner(long appId) {
          throw new DetailException("this explorer reads no app state from the chain");
        }
      };
}
