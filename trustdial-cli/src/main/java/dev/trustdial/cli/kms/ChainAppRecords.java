package dev.trustdial.cli.kms;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.tee.kms.AppRecord;
import dev.trustdial.tee.kms.AppRecords;
import java.math.BigInteger;
import java.util.Optional;

/** The KMS's view of AppRegistry: each key request reads the app's current record onchain. */
public final class ChainAppRecords implements AppRecords {
  private final Settlement chain;

  public ChainAppRecords(Settlement chain) {
    this.chain = chain;
  }

  @Override
  public Optional<AppRecord> find(BigInteger appId) {
    try {
      AppInfo a = chain.app(appId);
      return Optional.of(
          new AppRecord(
              appId,
              a.mode() == TrustMode.TEE,
              a.programDigest().bytes(),
              a.policy(),
              a.version()));
    } catch (ContractRevertException e) {
      if (e.errorName().equals("UnknownApp")) {
        return Optional.empty();
      }
      throw new UnavailableException(
          "AppRegistry.getApp(" + appId + ") reverted: " + e.getMessage(), e);
    } catch (ChainUnavailableException e) {
      throw new UnavailableException("the chain does not answer: " + e.getMessage(), e);
    }
  }
}
