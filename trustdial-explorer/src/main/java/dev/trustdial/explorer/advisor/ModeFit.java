package dev.trustdial.explorer.advisor;

import dev.trustdial.chain.TrustMode;
import java.util.List;
import java.util.Optional;

/**
 * Whether {@code mode} can serve a workload, why (or why not), and what comparable jobs measured on
 * this chain cost.
 */
public record ModeFit(
    TrustMode mode, boolean fits, List<String> reasons, Optional<ModeMeasure> measured) {
  public ModeFit {
    reasons = List.copyOf(reasons);
  }
}
