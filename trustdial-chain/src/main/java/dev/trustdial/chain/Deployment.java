package dev.trustdial.chain;

import dev.trustdial.core.crypto.Address;
import java.util.Map;
import java.util.TreeMap;

/** Where the settlement contracts live on one chain. */
public record Deployment(
    long chainId,
    Address stakeToken,
    Address stakeRegistry,
    Address appRegistry,
    Address jobManager,
    Address court) {

  public Map<String, Address> byName() {
    Map<String, Address> m = new TreeMap<>();
    m.put("StakeToken", stakeToken);
    m.put("StakeRegistry", stakeRegistry);
    m.put("AppRegistry", appRegistry);
    m.put("JobManager", jobManager);
    m.put("IntersubjectiveCourt", court);
    return m;
  }

  public static Deployment fromNames(long chainId, Map<String, Address> m) {
    return new Deployment(
        chainId,
        need(m, "StakeToken"),
        need(m, "StakeRegistry"),
        need(m, "AppRegistry"),
        need(m, "JobManager"),
        need(m, "IntersubjectiveCourt"));
  }

  private static Address need(Map<String, Address> m, String name) {
    Address a = m.get(name);
    if (a == null) {
      throw new dev.trustdial.core.InvalidInputException("deployment lacks the address of " + name);
    }
    return a;
  }
}
