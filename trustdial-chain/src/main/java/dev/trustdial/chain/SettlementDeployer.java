package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.BlobRegistry;
import dev.trustdial.chain.contracts.IntersubjectiveCourt;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.SettlementTimelock;
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

/**
 * Deploys and wires the settlement contracts (protocol v2), then hands every owned contract to a
 * governance timelock. Order: StakeToken, StakeRegistry(Config), AppRegistry, JobManager(Params
 * without a court), IntersubjectiveCourt(registry, jobs, ...); JobManager.setParams(with the
 * court); Groth16Mode; RiscvStep, InputOracle and ObjectiveCourt(jobs, oracle, step, clocks);
 * StakeRegistry.setSlasher(JobManager) and setSlasher(court) (the court opens vote obligations and
 * slashes minority voters); JobManager.setModeAdapter(ZK, Groth16Mode) and
 * AppRegistry.setModeEnabled(ZK) (docs/spec/modes.md); JobManager.setModeAdapter(REEXEC_OBJECTIVE,
 * ObjectiveCourt) and AppRegistry.setModeEnabled(REEXEC_OBJECTIVE); minimum stakes per role; the
 * app-creation policy; the deployer as a StakeToken minter (the devnet faucet); then
 * SettlementTimelock(delay, proposer and executor = the deployer) and transferOwnership(timelock)
 * of StakeToken, StakeRegistry, AppRegistry and JobManager.
 */
public final class SettlementDeployer {
  /**
   * The objective court's chess clock per side and the extra time both sides get at the step level
   * (docs/spec/objective.md §4.4): devnet-sized; a production deployment registers a court with
   * clocks of days (governance: JobManager.setModeAdapter(2, court)).
   */
  public static final long OBJECTIVE_CLOCK_SECONDS = 600;

  public static final long OBJECTIVE_STEP_EXTENSION_SECONDS = 300;

  /** StakeRegistry's constructor Config. */
  public record RegistryConfig(
      long withdrawalDelaySeconds,
      long activationDelayBlocks,
      BigInteger minSelfStake,
      int maxOperators,
      int churnBps) {
    public RegistryConfig {
      if (withdrawalDelaySeconds <= 0 || activationDelayBlocks < 0 || minSelfStake.signum() <= 0) {
        throw new IllegalArgumentException(
            "withdrawal delay and minimum self-stake must be positive, the activation delay non-negative");
      }
      if (maxOperators < 1 || maxOperators > 256 || churnBps < 0 || churnBps > 65_535) {
        throw new IllegalArgumentException("maxOperators must be 1..256 and churnBps 0..65535");
      }
    }
  }

  /** IntersubjectiveCourt's constructor arguments. */
  public record CourtConfig(long votingPeriodSeconds, int quorumBps, BigInteger voterPenaltyWad) {
    public CourtConfig {
      if (votingPeriodSeconds <= 0 || quorumBps < 1 || quorumBps > 10_000) {
        throw new IllegalArgumentException(
            "the voting period must be positive and the quorum 1..10000 bps");
      }
      if (voterPenaltyWad.signum() < 0 || voterPenaltyWad.compareTo(JobParams.WAD) >= 0) {
        throw new IllegalArgumentException("the voter penalty must be within [0, 1e18)");
      }
    }
  }

  /** Who may create apps: anyone ({@code permissionless}) or the listed accounts. */
  public record AppCreation(boolean permissionless, List<Address> allowlisted) {
    public AppCreation {
      allowlisted = List.copyOf(allowlisted);
    }

    public static AppCreation allowlist(Address... accounts) {
      return new AppCreation(false, List.of(accounts));
    }
  }

  /**
   * What a fresh deployment is configured with. {@code jobParams}' court is ignored: the deployer
   * sets it.
   */
  public record Config(
      RegistryConfig registry,
      JobParams jobParams,
      CourtConfig court,
      BigInteger minComputeStake,
      BigInteger minVerifierStake,
      BigInteger minDaStake,
      AppCreation apps,
      long timelockDelaySeconds) {
    public Config {
      if (timelockDelaySeconds < 0) {
        throw new IllegalArgumentException("the timelock delay must not be negative");
      }
    }

    /**
     * Devnet values: withdrawals wait 60 s, stake counts after 2 blocks, 100 TDS to register, 64
     * operators with 10 % churn, 20 s windows (heartbeat, challenge, voting), a 30 % quorum, 5 %
     * voter penalty, a 60 s governance delay; app creation allowlisted (the devnet adds its
     * developer).
     */
    public static Config devnet() {
      return new Config(
          new RegistryConfig(60, 2, Tokens.of(100), 64, 1000),
          JobParams.devnet(),
          new CourtConfig(20, 3000, JobParams.percent(5)),
          Tokens.of(100),
          Tokens.of(100),
          Tokens.of(100),
          new AppCreation(false, List.of()),
          60);
    }

    public Config withJobParams(JobParams p) {
      return new Config(
          registry,
          p,
          court,
          minComputeStake,
          minVerifierStake,
          minDaStake,
          apps,
          timelockDelaySeconds);
    }

    public Config withCourt(CourtConfig c) {
      return new Config(
          registry,
          jobParams,
          c,
          minComputeStake,
          minVerifierStake,
          minDaStake,
          apps,
          timelockDelaySeconds);
    }

    public Config withApps(AppCreation a) {
      return new Config(
          registry,
          jobParams,
          court,
          minComputeStake,
          minVerifierStake,
          minDaStake,
          a,
          timelockDelaySeconds);
    }
  }

  /** A contract deployed on its own, with its deployment transaction. */
  public record Deployed(Address address, TxOutcome tx) {}

  /**
   * The deployment, the governance timelock that owns it, and every transaction it took, for gas
   * reports.
   */
  public record Result(Deployment deployment, Address timelock, List<TxOutcome> transactions) {}

  private SettlementDeployer() {}

  public static Result deploy(
      String rpcUrl, Secp256k1Key owner, Config config, Consumer<String> progress) {
    Web3j w = Settlement.openRpc(Settlement.httpService(rpcUrl));
    try {
      long chainId = w.ethChainId().send().getChainId().longValueExact();
      SimulatingTransactionManager tm =
          new SimulatingTransactionManager(w, owner.credentials(), chainId, new RevertDecoder());
      String me = owner.address().toString();
      List<TxOutcome> txs = new ArrayList<>();
      progress.accept("deploying StakeToken");
      StakeToken token = deployed("StakeToken", StakeToken.deploy(w, tm, Settlement.GAS, me), txs);
      progress.accept("deploying StakeRegistry");
      RegistryConfig rc = config.registry();
      StakeRegistry registry =
          deployed(
              "StakeRegistry",
              StakeRegistry.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  me,
                  token.getContractAddress(),
                  new StakeRegistry.Config(
                      BigInteger.valueOf(rc.withdrawalDelaySeconds()),
                      BigInteger.valueOf(rc.activationDelayBlocks()),
                      rc.minSelfStake(),
                      BigInteger.valueOf(rc.maxOperators()),
                      BigInteger.valueOf(rc.churnBps()))),
              txs);
      progress.accept("deploying AppRegistry");
      AppRegistry apps =
          deployed("AppRegistry", AppRegistry.deploy(w, tm, Settlement.GAS, me), txs);
      progress.accept("deploying JobManager");
      JobManager jobs =
          deployed(
              "JobManager",
              JobManager.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  me,
                  registry.getContractAddress(),
                  apps.getContractAddress(),
                  token.getContractAddress(),
                  Settlement.encode(config.jobParams().withCourt(Address.ZERO))),
              txs);
      progress.accept("deploying IntersubjectiveCourt");
      CourtConfig cc = config.court();
      IntersubjectiveCourt court =
          deployed(
              "IntersubjectiveCourt",
              IntersubjectiveCourt.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  registry.getContractAddress(),
                  jobs.getContractAddress(),
                  BigInteger.valueOf(cc.votingPeriodSeconds()),
                  BigInteger.valueOf(cc.quorumBps()),
                  cc.voterPenaltyWad()),
              txs);
      progress.accept("deploying Groth16Mode (the ZK adapter)");
      dev.trustdial.chain.contracts.Groth16Mode groth16 =
          deployed(
              "Groth16Mode",
              dev.trustdial.chain.contracts.Groth16Mode.deploy(w, tm, Settlement.GAS),
              txs);
      progress.accept(
          "deploying RiscvStep, InputOracle and ObjectiveCourt (REEXEC_OBJECTIVE's bisection game)");
      dev.trustdial.chain.contracts.RiscvStep step =
          deployed(
              "RiscvStep",
              dev.trustdial.chain.contracts.RiscvStep.deploy(w, tm, Settlement.GAS),
              txs);
      dev.trustdial.chain.contracts.InputOracle oracle =
          deployed(
              "InputOracle",
              dev.trustdial.chain.contracts.InputOracle.deploy(w, tm, Settlement.GAS),
              txs);
      dev.trustdial.chain.contracts.ObjectiveCourt objective =
          deployed(
              "ObjectiveCourt",
              dev.trustdial.chain.contracts.ObjectiveCourt.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  jobs.getContractAddress(),
                  oracle.getContractAddress(),
                  step.getContractAddress(),
                  BigInteger.valueOf(OBJECTIVE_CLOCK_SECONDS),
                  BigInteger.valueOf(OBJECTIVE_STEP_EXTENSION_SECONDS)),
              txs);
      progress.accept(
          "wiring: the court as a parameter, JobManager and the court as slashers, the ZK mode, the objective "
              + "court as mode 2's adapter (the mode enabled: operators and watchtowers play its game), minimum stakes, app creation");
      txs.add(
          tx(
              "setParams(court)",
              jobs.setParams(Settlement.encode(config.jobParams().withCourt(addr(court)))).send()));
      txs.add(
          tx(
              "setSlasher(JobManager)",
              registry.setSlasher(jobs.getContractAddress(), true).send()));
      txs.add(
          tx(
              "setSlasher(IntersubjectiveCourt)",
              registry.setSlasher(court.getContractAddress(), true).send()));
      BigInteger zk = BigInteger.valueOf(TrustMode.ZK.code());
      txs.add(
          tx(
              "setModeAdapter(ZK, Groth16Mode)",
              jobs.setModeAdapter(zk, groth16.getContractAddress()).send()));
      txs.add(tx("setModeEnabled(ZK)", apps.setModeEnabled(zk, true).send()));
      txs.add(
          tx(
              "setModeAdapter(REEXEC_OBJECTIVE, ObjectiveCourt)",
              jobs.setModeAdapter(
                      BigInteger.valueOf(TrustMode.REEXEC_OBJECTIVE.code()),
                      objective.getContractAddress())
                  .send()));
      // The operators and watchtowers play the game (trustdial-node's GamePlayer), so apps of mode
      // 2 may be created.
      txs.add(
          tx(
              "setModeEnabled(REEXEC_OBJECTIVE)",
              apps.setModeEnabled(BigInteger.valueOf(TrustMode.REEXEC_OBJECTIVE.code()), true)
                  .send()));
      txs.add(
          tx(
              "setMinStake(COMPUTE)",
              registry
                  .setMinStake(BigInteger.valueOf(Role.COMPUTE.bit()), config.minComputeStake())
                  .send()));
      txs.add(
          tx(
              "setMinStake(TEE)",
              registry
                  .setMinStake(BigInteger.valueOf(Role.TEE.bit()), config.minComputeStake())
                  .send()));
      txs.add(
          tx(
              "setMinStake(VERIFIER)",
              registry
                  .setMinStake(BigInteger.valueOf(Role.VERIFIER.bit()), config.minVerifierStake())
                  .send()));
      txs.add(
          tx(
              "setMinStake(DA)",
              registry.setMinStake(BigInteger.valueOf(Role.DA.bit()), config.minDaStake()).send()));
      if (config.apps().permissionless()) {
        txs.add(tx("setPermissionless", apps.setPermissionless(true).send()));
      }
      for (Address a : config.apps().allowlisted()) {
        txs.add(tx("setAllowlisted", apps.setAllowlisted(a.toString(), true).send()));
      }
      // The timelock will own the token; the deployer stays a minter so a devnet faucet keeps
      // working.
      txs.add(tx("setMinter(deployer)", token.setMinter(me, true).send()));
      progress.accept(
          "deploying SettlementTimelock ("
              + config.timelockDelaySeconds()
              + " s) and handing it every owned contract");
      SettlementTimelock timelock =
          deployed(
              "SettlementTimelock",
              SettlementTimelock.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  BigInteger.valueOf(config.timelockDelaySeconds()),
                  List.of(me),
                  List.of(me)),
              txs);
      String t = timelock.getContractAddress();
      txs.add(tx("transferOwnership(StakeToken)", token.transferOwnership(t).send()));
      txs.add(tx("transferOwnership(StakeRegistry)", registry.transferOwnership(t).send()));
      txs.add(tx("transferOwnership(AppRegistry)", apps.transferOwnership(t).send()));
      txs.add(tx("transferOwnership(JobManager)", jobs.transferOwnership(t).send()));
      Deployment d =
          new Deployment(chainId, addr(token), addr(registry), addr(apps), addr(jobs), addr(court));
      return new Result(d, addr(timelock), txs);
    } catch (ContractRevertException | ChainUnavailableException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("deployment failed: " + e.getMessage(), e);
    } finally {
      w.shutdown();
    }
  }

  /**
   * Deploys the DA layer's BlobRegistry over {@code deployment}'s StakeRegistry (see
   * docs/spec/da.md): certificates need {@code thresholdBps} of DA stake and a reference block at
   * most {@code maxReferenceAge} old.
   */
  public static Deployed deployBlobRegistry(
      String rpcUrl,
      Secp256k1Key owner,
      Deployment deployment,
      int thresholdBps,
      long maxReferenceAge) {
    if (thresholdBps <= 0 || thresholdBps > 10_000) {
      throw new IllegalArgumentException("threshold must be within 1..10000 basis points");
    }
    Web3j w = Settlement.openRpc(Settlement.httpService(rpcUrl));
    try {
      SimulatingTransactionManager tm =
          new SimulatingTransactionManager(
              w, owner.credentials(), deployment.chainId(), new RevertDecoder());
      BlobRegistry r =
          BlobRegistry.deploy(
                  w,
                  tm,
                  Settlement.GAS,
                  deployment.stakeRegistry().toString(),
                  BigInteger.valueOf(thresholdBps),
                  BigInteger.valueOf(maxReferenceAge))
              .send();
      TransactionReceipt receipt = r.getTransactionReceipt().orElseThrow();
      return new Deployed(
          Address.parse(r.getContractAddress()), tx("deploy BlobRegistry", receipt));
    } catch (ContractRevertException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("BlobRegistry deployment failed: " + e.getMessage(), e);
    } finally {
      w.shutdown();
    }
  }

  private static <C extends Contract> C deployed(
      String name, RemoteCall<C> call, List<TxOutcome> txs) throws Exception {
    C c = call.send();
    TransactionReceipt r = c.getTransactionReceipt().orElseThrow();
    txs.add(tx("deploy " + name, r));
    return c;
  }

  private static TxOutcome tx(String action, TransactionReceipt r) {
    if (!r.isStatusOK()) {
      throw new ChainUnavailableException(
          action + " reverted (tx " + r.getTransactionHash() + ")", null);
    }
    return new TxOutcome(
        action,
        r.getTransactionHash(),
        r.getBlockNumber().longValueExact(),
        r.getGasUsed().longValueExact());
  }

  private static Address addr(Contract c) {
    return Address.parse(c.getContractAddress());
  }
}
