package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.BlobRegistry;
import dev.trustdial.chain.contracts.IntersubjectiveCourt;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.StakeRegistry;
import dev.trustdial.chain.contracts.StakeToken;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.chain.tx.RevertDecoder;
import dev.trustdial.chain.tx.SimulatingTransactionManager;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.Contract;

/** Deploys and wires the settlement contracts (order and wiring as in contracts/DEPLOY.md). */
public final class SettlementDeployer {
  /** What a fresh deployment is configured with. */
  public record Config(long withdrawalDelaySeconds, BigInteger beneficiaryShareWad, JobParams jobParams,
      long votingPeriodSeconds, BigInteger minComputeStake, BigInteger minVerifierStake, BigInteger minDaStake) {
    public static Config devnet() {
      return new Config(60, JobParams.WAD.divide(BigInteger.TWO), JobParams.devnet(), 20,
          Tokens.of(100), Tokens.of(100), Tokens.of(100));
    }
  }

  /** A contract deployed on its own, with its deployment transaction. */
  public record Deployed(Address address, TxOutcome tx) {}

  /** The deployment with every transaction it took, for gas reports. */
  public record Result(Deployment deployment, List<TxOutcome> transactions) {}

  private SettlementDeployer() {}

  public static Result deploy(String rpcUrl, Secp256k1Key owner, Config config, Consumer<String> progress) {
    Web3j w = Settlement.openRpc(Settlement.httpService(rpcUrl));
    try {
      long chainId = w.ethChainId().send().getChainId().longValueExact();
      SimulatingTransactionManager tm = new SimulatingTransactionManager(w, owner.credentials(), chainId, new RevertDecoder());
      String me = owner.address().toString();
      List<TxOutcome> txs = new ArrayList<>();
      progress.accept("deploying StakeToken");
      StakeToken token = deployed("StakeToken", StakeToken.deploy(w, tm, Settlement.GAS, me), txs);
      progress.accept("deploying StakeRegistry");
      StakeRegistry registry = deployed("StakeRegistry", StakeRegistry.deploy(w, tm, Settlement.GAS, me,
          token.getContractAddress(), BigInteger.valueOf(config.withdrawalDelaySeconds()), config.beneficiaryShareWad()), txs);
      progress.accept("deploying AppRegistry");
      AppRegistry apps = deployed("AppRegistry", AppRegistry.deploy(w, tm, Settlement.GAS, me), txs);
      JobParams p = config.jobParams();
      progress.accept("deploying JobManager");
      JobManager jobs = deployed("JobManager", JobManager.deploy(w, tm, Settlement.GAS, me, registry.getContractAddress(),
          apps.getContractAddress(), token.getContractAddress(),
          new JobManager.Params(BigInteger.valueOf(p.heartbeatWindowSeconds()), BigInteger.valueOf(p.challengeWindowSeconds()),
              p.livenessSlashWad(), p.disputeSlashWad(), p.challengeBond(), BigInteger.valueOf(p.maxStepsLimit()))), txs);
      progress.accept("deploying IntersubjectiveCourt");
      IntersubjectiveCourt court = deployed("IntersubjectiveCourt", IntersubjectiveCourt.deploy(w, tm, Settlement.GAS, me,
          registry.getContractAddress(), jobs.getContractAddress(), BigInteger.valueOf(config.votingPeriodSeconds())), txs);
      // Only JobManager slashes (the court decides, JobManager executes): least privilege.
      progress.accept("wiring: slasher, court, minimum stakes");
      txs.add(tx("setSlasher(JobManager)", registry.setSlasher(jobs.getContractAddress(), true).send()));
      txs.add(tx("setCourt", jobs.setCourt(court.getContractAddress()).send()));
      txs.add(tx("setMinStake(COMPUTE)", registry.setMinStake(BigInteger.valueOf(Role.COMPUTE.bit()), config.minComputeStake()).send()));
      txs.add(tx("setMinStake(TEE)", registry.setMinStake(BigInteger.valueOf(Role.TEE.bit()), config.minComputeStake()).send()));
      txs.add(tx("setMinStake(VERIFIER)", registry.setMinStake(BigInteger.valueOf(Role.VERIFIER.bit()), config.minVerifierStake()).send()));
      txs.add(tx("setMinStake(DA)", registry.setMinStake(BigInteger.valueOf(Role.DA.bit()), config.minDaStake()).send()));
      Deployment d = new Deployment(chainId, addr(token), addr(registry), addr(apps), addr(jobs), addr(court));
      return new Result(d, txs);
    } catch (ContractRevertException | ChainUnavailableException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("deployment failed: " + e.getMessage(), e);
    } finally {
      w.shutdown();
    }
  }

  /**
   * Deploys the DA layer's BlobRegistry over {@code deployment}'s StakeRegistry (see docs/spec/da.md):
   * certificates need {@code thresholdBps} of DA stake and a reference block at most {@code maxReferenceAge} old.
   */
  public static Deployed deployBlobRegistry(String rpcUrl, Secp256k1Key owner, Deployment deployment,
      int thresholdBps, long maxReferenceAge) {
    if (thresholdBps <= 0 || thresholdBps > 10_000) {
      throw new IllegalArgumentException("threshold must be within 1..10000 basis points");
    }
    Web3j w = Settlement.openRpc(Settlement.httpService(rpcUrl));
    try {
      SimulatingTransactionManager tm = new SimulatingTransactionManager(w, owner.credentials(), deployment.chainId(), new RevertDecoder());
      BlobRegistry r = BlobRegistry.deploy(w, tm, Settlement.GAS, deployment.stakeRegistry().toString(),
          BigInteger.valueOf(thresholdBps), BigInteger.valueOf(maxReferenceAge)).send();
      TransactionReceipt receipt = r.getTransactionReceipt().orElseThrow();
      return new Deployed(Address.parse(r.getContractAddress()), tx("deploy BlobRegistry", receipt));
    } catch (ContractRevertException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("BlobRegistry deployment failed: " + e.getMessage(), e);
    } finally {
      w.shutdown();
    }
  }

  private static <C extends Contract> C deployed(String name, RemoteCall<C> call, List<TxOutcome> txs) throws Exception {
    C c = call.send();
    TransactionReceipt r = c.getTransactionReceipt().orElseThrow();
    txs.add(tx("deploy " + name, r));
    return c;
  }

  private static TxOutcome tx(String action, TransactionReceipt r) {
    if (!r.isStatusOK()) {
      throw new ChainUnavailableException(action + " reverted (tx " + r.getTransactionHash() + ")", null);
    }
    return new TxOutcome(action, r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed().longValueExact());
  }

  private static Address addr(Contract c) {
    return Address.parse(c.getContractAddress());
  }
}
