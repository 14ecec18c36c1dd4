package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.IntersubjectiveCourt;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.StakeRegistry;
import dev.trustdial.chain.contracts.StakeToken;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.chain.tx.RevertDecoder;
import dev.trustdial.chain.tx.SimulatingTransactionManager;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;

/**
 * The typed client of the settlement contracts, acting as one account. Every transaction is
 * simulated first: a refused one throws {@link ContractRevertException} (a user error, exit 2)
 * and changes nothing. No web3j type leaves this class.
 */
public final class Settlement implements AutoCloseable {
  /** Gas price floor and a placeholder limit: the transaction manager replaces the limit by an estimate. */
  static final ContractGasProvider GAS = new StaticGasProvider(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(15_000_000L));

  private final Web3j web3j;
  private final HttpService rpc;
  private final boolean ownsConnection;
  private final Deployment deployment;
  private final Secp256k1Key key;
  private final RevertDecoder decoder;
  private final StakeToken token;
  private final StakeRegistry registry;
  private final AppRegistry apps;
  private final JobManager jobs;
  private final IntersubjectiveCourt court;

  private Settlement(HttpService rpc, Web3j web3j, boolean owns, Deployment d, Secp256k1Key key, RevertDecoder decoder) {
    this.rpc = rpc;
    this.web3j = web3j;
    this.ownsConnection = owns;
    this.deployment = d;
    this.key = key;
    this.decoder = decoder;
    SimulatingTransactionManager tm = new SimulatingTransactionManager(web3j, key.credentials(), d.chainId(), decoder);
    this.token = StakeToken.load(d.stakeToken().toString(), web3j, tm, GAS);
    this.registry = StakeRegistry.load(d.stakeRegistry().toString(), web3j, tm, GAS);
    this.apps = AppRegistry.load(d.appRegistry().toString(), web3j, tm, GAS);
    this.jobs = JobManager.load(d.jobManager().toString(), web3j, tm, GAS);
    this.court = IntersubjectiveCourt.load(d.court().toString(), web3j, tm, GAS);
  }

  public static Settlement connect(String rpcUrl, Deployment deployment, Secp256k1Key key) {
    HttpService rpc = httpService(rpcUrl);
    Web3j w = openRpc(rpc);
    try {
      long chainId = w.ethChainId().send().getChainId().longValueExact();
      if (chainId != deployment.chainId()) {
        throw new InvalidInputException("the chain at " + rpcUrl + " has id " + chainId
            + " but the deployment is for chain " + deployment.chainId());
      }
    } catch (IOException e) {
      w.shutdown();
      throw new InvalidInputException("cannot reach the chain at " + rpcUrl + ": " + e.getMessage(), e);
    }
    return new Settlement(rpc, w, true, deployment, key, new RevertDecoder());
  }

  static HttpService httpService(String rpcUrl) {
    OkHttpClient http = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS)
        .readTimeout(60, TimeUnit.SECONDS).build();
    return new HttpService(rpcUrl, http);
  }

  static Web3j openRpc(HttpService rpc) {
    return Web3j.build(rpc, 200, java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "web3j-poll");
      t.setDaemon(true);
      return t;
    }));
  }

  /** The same chain connection, acting as another account. */
  public Settlement as(Secp256k1Key other) {
    return new Settlement(rpc, web3j, false, deployment, other, decoder);
  }

  public Address account() {
    return key.address();
  }

  public Deployment deployment() {
    return deployment;
  }

  // ---------------------------------------------------------------- token

  public BigInteger balanceOf(Address who) {
    return call(token.balanceOf(who.toString()));
  }

  public TxOutcome mint(Address to, BigInteger amount) {
    return send("mint", token.mint(to.toString(), amount));
  }

  private void approve(Address spender, BigInteger amount) {
    if (call(token.allowance(key.address().toString(), spender.toString())).compareTo(amount) < 0) {
      send("approve", token.approve(spender.toString(), amount));
    }
  }

  // ---------------------------------------------------------------- stake registry

  public TxOutcome register(Set<Role> roles, Address signer, String endpoint) {
    if (roles.isEmpty()) {
      throw new InvalidInputException("an operator needs at least one role");
    }
    return send("register", registry.register(BigInteger.valueOf(Role.mask(roles)), signer.toString(), endpoint));
  }

  /** Replaces this operator's roles, signer and endpoint (stake untouched). */
  public TxOutcome updateOperator(Set<Role> roles, Address signer, String endpoint) {
    if (roles.isEmpty()) {
      throw new InvalidInputException("an operator needs at least one role");
    }
    return send("updateOperator", registry.updateOperator(BigInteger.valueOf(Role.mask(roles)), signer.toString(), endpoint));
  }

  /** Approves the registry for {@code amount} if needed, then deposits it as stake. */
  public TxOutcome deposit(BigInteger amount) {
    if (amount.signum() <= 0) {
      throw new InvalidInputException("stake deposit must be positive, got " + amount);
    }
    approve(deployment.stakeRegistry(), amount);
    return send("deposit", registry.deposit(amount));
  }

  public TxOutcome requestWithdrawal(BigInteger amount) {
    return send("requestWithdrawal", registry.requestWithdrawal(amount));
  }

  public TxOutcome completeWithdrawal() {
    return send("completeWithdrawal", registry.completeWithdrawal());
  }

  public TxOutcome setMinStake(Role role, BigInteger amount) {
    return send("setMinStake", registry.setMinStake(BigInteger.valueOf(role.bit()), amount));
  }

  public OperatorInfo operator(Address op) {
    StakeRegistry.Operator o = call(registry.getOperator(op.toString()));
    return new OperatorInfo(op, o.registered, Role.fromMask(o.roles.intValueExact()), Address.parse(o.signer),
        o.endpoint, o.stake, o.pendingWithdrawal, o.withdrawableAt.longValueExact());
  }

  public List<Address> operators() {
    int n = call(registry.operatorCount()).intValueExact();
    List<Address> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Address.parse(call(registry.operatorAt(BigInteger.valueOf(i)))));
    }
    return out;
  }

  /** StakeRegistry.eligibleOperators(role): eligible operators in registration order with their active stake. */
  public List<Assignment.Candidate> eligibleOperators(Role role) {
    var t = call(registry.eligibleOperators(BigInteger.valueOf(role.bit())));
    List<Assignment.Candidate> out = new ArrayList<>(t.component1().size());
    for (int i = 0; i < t.component1().size(); i++) {
      out.add(new Assignment.Candidate(Address.parse(t.component1().get(i)), t.component2().get(i)));
    }
    return out;
  }

  /** Who the next submitted job of a REEXEC app would be assigned to now (docs/spec/settlement.md §2), if anyone. */
  public java.util.Optional<Address> nextJobAssignee() {
    return nextJobAssignee(TrustMode.REEXEC_INTERSUBJECTIVE);
  }

  /** Who the next submitted job of an app in {@code mode} would be assigned to now: TEE jobs go to TEE-role operators only. */
  public java.util.Optional<Address> nextJobAssignee(TrustMode mode) {
    return Assignment.pick(jobCount().add(BigInteger.ONE), 0, eligibleOperators(Assignment.roleFor(mode)), java.util.Set.of());
  }

  public BigInteger totalBurned() {
    return call(registry.totalBurned());
  }

  public BigInteger totalPaidOut() {
    return call(registry.totalPaidOut());
  }

  // ---------------------------------------------------------------- apps

  public TxOutcome setAllowlisted(Address who, boolean allowed) {
    return send("setAllowlisted", apps.setAllowlisted(who.toString(), allowed));
  }

  public TxOutcome setPermissionless(boolean value) {
    return send("setPermissionless", apps.setPermissionless(value));
  }

  /** Creates an app and returns its id with the transaction. */
  public Created createApp(TrustMode mode, Bytes32 programDigest, byte[] policy) {
    TransactionReceipt r = sendRaw("createApp", apps.createApp(BigInteger.valueOf(mode.ordinal()), programDigest.bytes(), policy));
    BigInteger id = AppRegistry.getAppCreatedEvents(r).getFirst().appId;
    return new Created(id, outcome("createApp", r));
  }

  public TxOutcome upgradeApp(BigInteger appId, Bytes32 programDigest, byte[] policy) {
    return send("upgradeApp", apps.upgradeApp(appId, programDigest.bytes(), policy));
  }

  /** Names the app wallet a TEE app's results must be signed by (the zero address: none required). */
  public TxOutcome setTeeSigner(BigInteger appId, Address signer) {
    return send("setTeeSigner", apps.setTeeSigner(appId, signer.toString()));
  }

  /** The app wallet a TEE app's results must be signed by, if one is set. */
  public java.util.Optional<Address> teeSignerOf(BigInteger appId) {
    Address a = Address.parse(call(apps.teeSignerOf(appId)));
    return a.equals(Address.parse("0x0000000000000000000000000000000000000000")) ? java.util.Optional.empty() : java.util.Optional.of(a);
  }

  public AppInfo app(BigInteger appId) {
    AppRegistry.App a = call(apps.getApp(appId));
    return new AppInfo(appId, Address.parse(a.owner), TrustMode.fromCode(a.mode.intValueExact()),
        new Bytes32(a.programDigest), a.policy, a.version.longValueExact());
  }

  /** An id made by a transaction (an app or a job). */
  public record Created(BigInteger id, TxOutcome tx) {}

  // ---------------------------------------------------------------- jobs

  public JobParams params() {
    JobManager.Params p = call(jobs.params());
    return new JobParams(p.heartbeatWindow.longValueExact(), p.challengeWindow.longValueExact(),
        p.livenessSlashWad, p.disputeSlashWad, p.challengeBond, p.maxStepsLimit.longValueExact());
  }

  /** Approves the fee if needed and submits a job; returns the job id. */
  public Created submitJob(BigInteger appId, Bytes32 inputBlobKey, Bytes32 inputDigest, long maxSteps, BigInteger fee) {
    if (fee.signum() < 0) {
      throw new InvalidInputException("fee must not be negative");
    }
    if (fee.signum() > 0) {
      approve(deployment.jobManager(), fee);
    }
    TransactionReceipt r = sendRaw("submitJob", jobs.submitJob(appId, inputBlobKey.bytes(), inputDigest.bytes(),
        BigInteger.valueOf(maxSteps), fee));
    BigInteger id = JobManager.getJobSubmittedEvents(r).getFirst().jobId;
    return new Created(id, outcome("submitJob", r));
  }

  public TxOutcome heartbeat(BigInteger jobId, long step, Bytes32 stateHash, Bytes32 checkpointBlobKey) {
    return send("heartbeat", jobs.heartbeat(jobId, BigInteger.valueOf(step), stateHash.bytes(), checkpointBlobKey.bytes()));
  }

  public TxOutcome reportMissed(BigInteger jobId) {
    return send("reportMissed", jobs.reportMissed(jobId));
  }

  public TxOutcome submitResult(BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey) {
    return send("submitResult", jobs.submitResult(jobId, result.outputHash().bytes(), result.finalStateHash().bytes(),
        BigInteger.valueOf(result.stepCount()), result.checkpointRoot().bytes(), outputBlobKey.bytes()));
  }

  /** Hands an assigned job back without penalty (we cannot run it); it goes to the next operator or fails. */
  public TxOutcome declineJob(BigInteger jobId) {
    return send("declineJob", jobs.declineJob(jobId));
  }

  /** What a TEE app's wallet signs (EIP-191) for a job's output: JobManager.teeResultDigest. */
  public Bytes32 teeResultDigest(BigInteger jobId, Bytes32 outputHash) {
    return new Bytes32(call(jobs.teeResultDigest(jobId, outputHash.bytes())));
  }

  /** A TEE app's result with the app wallet's signature over {@link #teeResultDigest}. */
  public TxOutcome submitTeeResult(BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey, Signature appSignature) {
    return send("submitTeeResult", jobs.submitTeeResult(jobId, result.outputHash().bytes(), result.finalStateHash().bytes(),
        BigInteger.valueOf(result.stepCount()), result.checkpointRoot().bytes(), outputBlobKey.bytes(), appSignature.bytes()));
  }

  /** Approves the bond if needed and challenges the job's result with our own commitment. */
  public TxOutcome challenge(BigInteger jobId, ResultCommitment ours) {
    approve(deployment.jobManager(), params().challengeBond());
    return send("challenge", jobs.challenge(jobId, ours.outputHash().bytes(), ours.finalStateHash().bytes(),
        BigInteger.valueOf(ours.stepCount()), ours.checkpointRoot().bytes()));
  }

  public TxOutcome finalizeJob(BigInteger jobId) {
    return send("finalize", jobs.finalize(jobId));
  }

  public JobInfo job(BigInteger jobId) {
    JobManager.Job j = call(jobs.getJob(jobId));
    Bytes32 out = new Bytes32(j.outputHash);
    Optional<ResultCommitment> result = Address.parse(j.resultOperator).isZero()
        ? Optional.empty()
        : Optional.of(new ResultCommitment(out, new Bytes32(j.finalStateHash), j.stepCount.longValueExact(), new Bytes32(j.checkpointRoot)));
    return new JobInfo(jobId, j.appId, Address.parse(j.submitter), new Bytes32(j.inputBlobKey), new Bytes32(j.inputDigest),
        j.maxSteps.longValueExact(), j.fee, JobStatus.fromCode(j.status.intValueExact()), Address.parse(j.assignee),
        j.attempt.longValueExact(), j.deadline.longValueExact(), j.lastStep.longValueExact(), new Bytes32(j.lastStateHash),
        new Bytes32(j.lastCheckpointBlobKey), result, new Bytes32(j.outputBlobKey), Address.parse(j.resultOperator),
        j.challengeDeadline.longValueExact(), Address.parse(j.challenger), j.bond);
  }

  public BigInteger jobCount() {
    return call(jobs.jobCount());
  }

  // ---------------------------------------------------------------- court

  public TxOutcome vote(BigInteger jobId, Bytes32 commitment) {
    return send("vote", court.vote(jobId, commitment.bytes()));
  }

  public TxOutcome resolve(BigInteger jobId) {
    return send("resolve", court.resolve(jobId));
  }

  public DisputeInfo dispute(BigInteger jobId) {
    IntersubjectiveCourt.Dispute d = call(court.getDispute(jobId));
    return new DisputeInfo(jobId, new Bytes32(d.operatorCommitment), new Bytes32(d.challengerCommitment),
        d.deadline.longValueExact(), d.operatorStake, d.challengerStake, d.resolved, d.operatorWins);
  }

  // ---------------------------------------------------------------- chain

  public long blockNumber() {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read the block number", e);
    }
  }

  /** Timestamp of the latest block: the contracts' notion of now. */
  public long chainTime() {
    try {
      return web3j.ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
          .send().getBlock().getTimestamp().longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read the latest block", e);
    }
  }

  public EventReader events() {
    return new EventReader(web3j, deployment);
  }

  /** Devnet-only time travel (anvil's evm_increaseTime + evm_mine); refused on other chains. */
  public void advanceTime(long seconds) {
    if (deployment.chainId() != dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID) {
      throw new InvalidInputException("time travel is only for the devnet chain " + dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID);
    }
    try {
      web3jRaw("evm_increaseTime", List.of(seconds));
      web3jRaw("evm_mine", List.of());
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot advance devnet time", e);
    }
  }

  private void web3jRaw(String method, List<?> params) throws IOException {
    org.web3j.protocol.core.Response<?> r = new org.web3j.protocol.core.Request<>(method, params,
        rpc, org.web3j.protocol.core.methods.response.VoidResponse.class).send();
    if (r.hasError()) {
      throw new IOException(method + ": " + r.getError().getMessage());
    }
  }

  // ---------------------------------------------------------------- plumbing

  private <T> T call(RemoteFunctionCall<T> f) {
    try {
      return f.send();
    } catch (ContractRevertException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("chain call failed: " + e.getMessage(), e);
    }
  }

  private TxOutcome send(String action, RemoteFunctionCall<TransactionReceipt> f) {
    return outcome(action, sendRaw(action, f));
  }

  private TransactionReceipt sendRaw(String action, RemoteFunctionCall<TransactionReceipt> f) {
    try {
      TransactionReceipt r = f.send();
      if (!r.isStatusOK()) {
        throw new ChainUnavailableException(action + " reverted onchain after a successful simulation (tx " + r.getTransactionHash() + ")", null);
      }
      return r;
    } catch (ContractRevertException e) {
      throw new ContractRevertException(action, e.errorName(), e.arguments());
    } catch (TransactionException e) {
      throw new ChainUnavailableException(action + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ChainUnavailableException(action + " could not reach the chain: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException(action + " failed: " + e.getMessage(), e);
    }
  }

  private static TxOutcome outcome(String action, TransactionReceipt r) {
    return new TxOutcome(action, r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed().longValueExact());
  }

  @Override
  public void close() {
    if (ownsConnection) {
      web3j.shutdown();
    }
  }
}
