package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.IntersubjectiveCourt;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.SettlementTimelock;
import dev.trustdial.chain.contracts.StakeRegistry;
import dev.trustdial.chain.contracts.StakeToken;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.chain.tx.RevertDecoder;
import dev.trustdial.chain.tx.SimulatingTransactionManager;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The typed client of the settlement contracts, acting as one account. Every transaction is
 * simulated first: a refused one throws {@link ContractRevertException} (a user error, exit 2) and
 * changes nothing. No web3j type leaves this class.
 */
public final class Settlement implements SettlementPort, AutoCloseable {
  /**
   * Gas price floor and a placeholder limit: the transaction manager replaces the limit by an
   * estimate.
   */
  static final ContractGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(15_000_000L));

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
  private final SimulatingTransactionManager tm;

  /**
   * Decodes events for {@link #events(long, long)}; created on first use (reading is stateless).
   */
  private volatile EventReader eventReader;

  private Settlement(
      HttpService rpc,
      Web3j web3j,
      boolean owns,
      Deployment d,
      Secp256k1Key key,
      RevertDecoder decoder) {
    this.rpc = rpc;
    this.web3j = web3j;
    this.ownsConnection = owns;
    this.deployment = d;
    this.key = key;
    this.decoder = decoder;
    this.tm = new SimulatingTransactionManager(web3j, rpc, key.credentials(), d.chainId(), decoder);
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
        throw new InvalidInputException(
            "the chain at "
                + rpcUrl
                + " has id "
                + chainId
                + " but the deployment is for chain "
                + deployment.chainId());
      }
    } catch (IOException e) {
      w.shutdown();
      throw new InvalidInputException(
          "cannot reach the chain at " + rpcUrl + ": " + e.getMessage(), e);
    }
    return new Settlement(rpc, w, true, deployment, key, new RevertDecoder());
  }

  static HttpService httpService(String rpcUrl) {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .build();
    return new ClosingHttpService(rpcUrl, http);
  }

  static Web3j openRpc(HttpService rpc) {
    return Web3j.build(
        rpc,
        200,
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
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

  /**
   * Mints devnet stake; this account must be the token's owner or a minter it named (the devnet's
   * deployer is).
   */
  public TxOutcome mint(Address to, BigInteger amount) {
    return send("mint", token.mint(to.toString(), amount));
  }

  private void approve(Address spender, BigInteger amount) {
    if (call(token.allowance(key.address().toString(), spender.toString())).compareTo(amount) < 0) {
      send("approve", token.approve(spender.toString(), amount));
    }
  }

  // ---------------------------------------------------------------- stake registry: operators

  /**
   * Approves the registry for {@code selfStake} if needed, then registers this account with its
   * roles (each allocated 100%), signer and endpoint, staking {@code selfStake} (at least
   * minSelfStake) of its own tokens into its pool.
   */
  public TxOutcome register(
      Set<Role> roles, Address signer, String endpoint, BigInteger selfStake) {
    if (roles.isEmpty()) {
      throw new InvalidInputException("an operator needs at least one role");
    }
    positive(selfStake, "the registration's own stake");
    approve(deployment.stakeRegistry(), selfStake);
    return send(
        "register",
        registry.register(
            BigInteger.valueOf(Role.mask(roles)), signer.toString(), endpoint, selfStake));
  }

  /**
   * Replaces this operator's roles, signer and endpoint (stake untouched; a dropped role stays
   * slashable while obligations last).
   */
  public TxOutcome updateOperator(Set<Role> roles, Address signer, String endpoint) {
    if (roles.isEmpty()) {
      throw new InvalidInputException("an operator needs at least one role");
    }
    return send(
        "updateOperator",
        registry.updateOperator(BigInteger.valueOf(Role.mask(roles)), signer.toString(), endpoint));
  }

  /** Sets the fraction (WAD, at most 1e18) of this operator's pool that backs {@code role}. */
  public TxOutcome setAllocation(Role role, BigInteger wad) {
    if (wad.signum() < 0 || wad.compareTo(JobParams.WAD) > 0) {
      throw new InvalidInputException(
          "an allocation is a fraction within [0, 1e18] (WAD), got " + wad);
    }
    return send("setAllocation", registry.setAllocation(BigInteger.valueOf(role.bit()), wad));
  }

  /** Leaves the active set (once no obligation is open); then everything can be withdrawn. */
  public TxOutcome deregister() {
    return send("deregister", registry.deregister());
  }

  // ---------------------------------------------------------------- stake registry: stake

  /** Everything: queueWithdrawal's type(uint256).max. */
  public static final BigInteger ALL = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

  /**
   * Approves the registry for {@code amount} if needed, then adds it to this operator's own pool.
   */
  public TxOutcome deposit(BigInteger amount) {
    positive(amount, "a stake deposit");
    approve(deployment.stakeRegistry(), amount);
    return send("deposit", registry.deposit(amount));
  }

  /**
   * Approves the registry for {@code amount} if needed, then delegates it to {@code operator}'s
   * pool for shares of it.
   */
  public TxOutcome delegate(Address operator, BigInteger amount) {
    positive(amount, "a delegation");
    approve(deployment.stakeRegistry(), amount);
    return send("delegate", registry.delegate(operator.toString(), amount));
  }

  /**
   * Queues {@code amount} ({@link #ALL}: everything) of this account's stake with {@code operator}
   * for withdrawal: it stops counting at once and stays slashable until {@link
   * #completeWithdrawal}.
   */
  public TxOutcome queueWithdrawal(Address operator, BigInteger amount) {
    positive(amount, "a withdrawal");
    return send("queueWithdrawal", registry.queueWithdrawal(operator.toString(), amount));
  }

  /**
   * Pays out this account's queued withdrawal from {@code operator} once its delay and the
   * obligations it waits for are over.
   */
  public TxOutcome completeWithdrawal(Address operator) {
    return send("completeWithdrawal", registry.completeWithdrawal(operator.toString()));
  }

  // ---------------------------------------------------------------- stake registry: views

  public OperatorInfo operator(Address op) {
    StakeRegistry.Operator o = call(registry.getOperator(op.toString()));
    StakeRegistry.Pool p = call(registry.poolOf(op.toString()));
    BigInteger own = call(registry.delegatedStake(op.toString(), op.toString()));
    long open = call(registry.openObligations(op.toString())).longValueExact();
    return new OperatorInfo(
        op,
        OperatorStatus.fromCode(o.status.intValueExact()),
        Role.fromMask(o.roles.intValueExact()),
        Address.parse(o.signer),
        o.endpoint,
        p.activeAmount,
        own,
        p.pendingAmount,
        open);
  }

  /** The active set, in its onchain order (what eligibility and assignment iterate over). */
  public List<Address> operators() {
    List<String> raw = call(registry.activeOperators());
    List<Address> out = new ArrayList<>(raw.size());
    for (Object a : raw) {
      out.add(Address.parse(a.toString()));
    }
    return out;
  }

  public StakePool pool(Address op) {
    StakeRegistry.Pool p = call(registry.poolOf(op.toString()));
    return new StakePool(p.activeAmount, p.activeShares, p.pendingAmount, p.pendingShares);
  }

  /** {@code staker}'s active stake and queued withdrawal with {@code operator}. */
  public Delegation delegation(Address operator, Address staker) {
    BigInteger active = call(registry.delegatedStake(operator.toString(), staker.toString()));
    BigInteger shares = call(registry.sharesOf(operator.toString(), staker.toString()));
    var w = call(registry.withdrawalOf(operator.toString(), staker.toString()));
    StakeRegistry.Withdrawal wd = w.component1();
    return new Delegation(
        operator,
        staker,
        active,
        shares,
        w.component2(),
        wd.shares,
        wd.availableAt.longValueExact(),
        wd.obligationSeq.longValueExact());
  }

  public Obligations obligations(Address op) {
    return new Obligations(
        call(registry.openObligations(op.toString())).longValueExact(),
        call(registry.obligationLowWater(op.toString())).longValueExact(),
        call(registry.nextObligationSeq(op.toString())).longValueExact());
  }

  /** The fraction (WAD) of the operator's pool that backs {@code role}. */
  public BigInteger allocation(Address op, Role role) {
    return call(registry.allocationOf(op.toString(), BigInteger.valueOf(role.bit())));
  }

  /** The operator's weight for {@code role} now: active pool x allocation (0 unless active). */
  public BigInteger weightOf(Address op, Role role) {
    return call(registry.weightOf(op.toString(), BigInteger.valueOf(role.bit())));
  }

  /**
   * The operator's weight for {@code role} at the end of block {@code block} (not in the future).
   */
  public BigInteger weightAt(Address op, Role role, long block) {
    return call(
        registry.weightAt(
            op.toString(), BigInteger.valueOf(role.bit()), BigInteger.valueOf(block)));
  }

  /** The total weight of {@code role} at the end of block {@code block}. */
  public BigInteger totalWeightAt(Role role, long block) {
    return call(registry.totalWeightAt(BigInteger.valueOf(role.bit()), BigInteger.valueOf(block)));
  }

  public BigInteger minStake(Role role) {
    return call(registry.minStake(BigInteger.valueOf(role.bit())));
  }

  public BigInteger minSelfStake() {
    return call(registry.minSelfStake());
  }

  /** Blocks before new stake counts in snapshots (StakeRegistry.activationDelayBlocks). */
  public long activationDelayBlocks() {
    return call(registry.activationDelayBlocks()).longValueExact();
  }

  /** Seconds a queued withdrawal waits at least. */
  public long withdrawalDelaySeconds() {
    return call(registry.withdrawalDelay()).longValueExact();
  }

  /**
   * StakeRegistry.eligibleOperators(role): the active operators eligible now, in active-set order,
   * with their current weights.
   */
  public List<Assignment.Candidate> eligibleOperators(Role role) {
    return candidates(call(registry.eligibleOperators(BigInteger.valueOf(role.bit()))));
  }

  /**
   * StakeRegistry.eligibleAt(role, block): the candidates of a job snapshotted at {@code block},
   * each weighted by the smaller of its snapshot weight then and its weight now.
   */
  public List<Assignment.Candidate> eligibleAt(Role role, long block) {
    return candidates(
        call(registry.eligibleAt(BigInteger.valueOf(role.bit()), BigInteger.valueOf(block))));
  }

  private static List<Assignment.Candidate> candidates(
      org.web3j.tuples.generated.Tuple2<List<String>, List<BigInteger>> t) {
    List<Assignment.Candidate> out = new ArrayList<>(t.component1().size());
    for (int i = 0; i < t.component1().size(); i++) {
      out.add(
          new Assignment.Candidate(
              Address.parse(String.valueOf(t.component1().get(i))), t.component2().get(i)));
    }
    return out;
  }

  // ---------------------------------------------------------------- governance (through the
  // timelock)

  /**
   * Sets the minimum weight of {@code role}. A governance call: sent directly when this account
   * owns the registry, otherwise scheduled on the timelock that owns it (see {@link #governed}).
   */
  public TxOutcome setMinStake(Role role, BigInteger amount) {
    return governed(
        "setMinStake",
        call(registry.owner()),
        deployment.stakeRegistry(),
        registry.setMinStake(BigInteger.valueOf(role.bit()), amount));
  }

  /** Lets {@code who} create apps (a governance call, see {@link #governed}). */
  public TxOutcome setAllowlisted(Address who, boolean allowed) {
    return governed(
        "setAllowlisted",
        call(apps.owner()),
        deployment.appRegistry(),
        apps.setAllowlisted(who.toString(), allowed));
  }

  /** Lets anyone create apps (a governance call, see {@link #governed}). */
  public TxOutcome setPermissionless(boolean value) {
    return governed(
        "setPermissionless",
        call(apps.owner()),
        deployment.appRegistry(),
        apps.setPermissionless(value));
  }

  /**
   * A call only the contract's owner may make. If that is this account, it is sent directly.
   * Otherwise the owner must be the governance timelock and this account one of its proposers. The
   * operation's salt is derived from the call itself, so the same command finds it again: the first
   * time it is scheduled with the minimum delay; once ready, running the command again executes it.
   * On the devnet chain the clock is fast-forwarded past the delay and the call executed at once;
   * elsewhere a call that is not ready yet throws, naming when it will be.
   */
  private TxOutcome governed(
      String action,
      String ownerHex,
      Address target,
      RemoteFunctionCall<TransactionReceipt> direct) {
    Address owner = Address.parse(ownerHex);
    if (owner.equals(account())) {
      return send(action, direct);
    }
    SettlementTimelock timelock = SettlementTimelock.load(owner.toString(), web3j, tm, GAS);
    byte[] data = dev.trustdial.core.bytes.Hex.decode(direct.encodeFunctionCall());
    byte[] salt = Hashes.keccak256(data).bytes();
    byte[] id =
        call(timelock.hashOperation(target.toString(), BigInteger.ZERO, data, new byte[32], salt));
    if (call(timelock.isOperationDone(id))) {
      // The very same call ran before; a repeat gets a salt of its own (this moment's).
      salt =
          Hashes.keccak256(
                  data,
                  Long.toString(chainTime()).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .bytes();
      id =
          call(
              timelock.hashOperation(target.toString(), BigInteger.ZERO, data, new byte[32], salt));
    }
    if (!call(timelock.isOperationPending(id))) {
      BigInteger delay = call(timelock.getMinDelay());
      send(
          action + " (schedule)",
          timelock.schedule(target.toString(), BigInteger.ZERO, data, new byte[32], salt, delay));
      if (deployment.chainId() == dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID
          && delay.signum() > 0) {
        advanceTime(delay.longValueExact());
      }
    }
    if (!call(timelock.isOperationReady(id))) {
      long readyAt = call(timelock.getTimestamp(id)).longValueExact();
      throw new InvalidInputException(
          action
              + " is scheduled on the timelock "
              + owner
              + " (operation "
              + dev.trustdial.core.bytes.Hex.encode(id)
              + "); run the same command again at or after chain time "
              + readyAt
              + " to execute it");
    }
    return send(
        action + " (execute)",
        timelock.execute(
            target.toString(), BigInteger.ZERO, data, new byte[32], salt, BigInteger.ZERO));
  }

  // ---------------------------------------------------------------- apps

  /** Creates an app and returns its id with the transaction. */
  public Created createApp(TrustMode mode, Bytes32 programDigest, byte[] policy) {
    TransactionReceipt r =
        sendRaw(
            "createApp",
            apps.createApp(BigInteger.valueOf(mode.code()), programDigest.bytes(), policy));
    BigInteger id = AppRegistry.getAppCreatedEvents(r).getFirst().appId;
    return new Created(id, outcome("createApp", r));
  }

  public TxOutcome upgradeApp(BigInteger appId, Bytes32 programDigest, byte[] policy) {
    return send("upgradeApp", apps.upgradeApp(appId, programDigest.bytes(), policy));
  }

  /**
   * Names the app wallet a TEE app's results must be signed by (the zero address: none, and no job
   * is taken).
   */
  public TxOutcome setTeeSigner(BigInteger appId, Address signer) {
    return send("setTeeSigner", apps.setTeeSigner(appId, signer.toString()));
  }

  /**
   * The app wallet a TEE app's results must be signed by, if one is set (jobs pin it: see {@link
   * #pin}).
   */
  public Optional<Address> teeSignerOf(BigInteger appId) {
    return nonZero(Address.parse(call(apps.teeSignerOf(appId))));
  }

  /**
   * Names the per-app contract an adapter-mode app's results are checked against
   * (docs/spec/modes.md): a ZK app's Groth16 verifier (docs/spec/zk.md §4). Jobs pin it at
   * submission.
   */
  public TxOutcome setAppConfig(BigInteger appId, Address config) {
    return send("setAppConfig", apps.setAppConfig(appId, config.toString()));
  }

  /**
   * An adapter-mode app's config contract (a ZK app's verifier), if set (JobManager takes no job of
   * the app until it is).
   */
  public Optional<Address> appConfigOf(BigInteger appId) {
    return nonZero(Address.parse(call(apps.appConfigOf(appId))));
  }

  /** The adapter registered for a mode code (3: ZK's Groth16 adapter), if any. */
  public Optional<Address> modeAdapterOf(int modeCode) {
    return nonZero(Address.parse(call(jobs.modeAdapterOf(BigInteger.valueOf(modeCode)))));
  }

  /**
   * Deploys a contract from its creation code (a ZK app's verifier, compiled by {@code trustdial zk
   * build}); simulated first like every transaction. Returns its address with the transaction.
   */
  public Deployed deployContract(String what, byte[] creationCode) {
    try {
      EthSendTransaction sent =
          tm.sendTransaction(
              GAS.getGasPrice(),
              GAS.getGasLimit(),
              null,
              Numeric.toHexString(creationCode),
              BigInteger.ZERO,
              true);
      if (sent.hasError()) {
        throw new ChainUnavailableException(
            "deploying " + what + " failed: " + sent.getError().getMessage(), null);
      }
      TransactionReceipt r =
          new PollingTransactionReceiptProcessor(web3j, 50, 1200)
              .waitForTransactionReceipt(sent.getTransactionHash());
      if (!r.isStatusOK() || r.getContractAddress() == null) {
        throw new ChainUnavailableException(
            "deploying " + what + " reverted onchain (tx " + r.getTransactionHash() + ")", null);
      }
      return new Deployed(Address.parse(r.getContractAddress()), outcome("deploy " + what, r));
    } catch (ContractRevertException e) {
      throw new ContractRevertException("deploy " + what, e.errorName(), e.arguments());
    } catch (IOException | TransactionException e) {
      throw new ChainUnavailableException("deploying " + what + " failed: " + e.getMessage(), e);
    }
  }

  /** A contract this client deployed. */
  public record Deployed(Address address, TxOutcome tx) {}

  /** The runtime code at an address (empty for an account without code). */
  public byte[] codeAt(Address account) {
    try {
      return Numeric.hexStringToByteArray(
          web3j.ethGetCode(account.toString(), DefaultBlockParameterName.LATEST).send().getCode());
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "cannot read the code at " + account + ": " + e.getMessage(), e);
    }
  }

  /**
   * A read-only call of any contract with raw calldata (eth_call at the latest block); a revert
   * throws.
   */
  public byte[] staticCall(Address to, byte[] data) {
    try {
      return Numeric.hexStringToByteArray(
          tm.sendCall(to.toString(), Numeric.toHexString(data), DefaultBlockParameterName.LATEST));
    } catch (IOException e) {
      throw new ChainUnavailableException("call to " + to + " failed: " + e.getMessage(), e);
    }
  }

  public AppInfo app(BigInteger appId) {
    AppRegistry.App a = call(apps.getApp(appId));
    return new AppInfo(
        appId,
        Address.parse(a.owner),
        TrustMode.fromCode(a.mode.intValueExact()),
        new Bytes32(a.programDigest),
        a.policy,
        a.version.longValueExact());
  }

  /** How many apps exist (ids run from 1 to this). */
  public BigInteger appCount() {
    return call(apps.appCount());
  }

  // ---------------------------------------------------------------- jobs

  /** The parameters new jobs are submitted under. */
  public JobParams params() {
    return params(call(jobs.params()));
  }

  /** The parameters of version {@code version} (a job's {@link JobInfo#paramsVersion()}). */
  public JobParams paramsAt(long version) {
    return params(call(jobs.paramsAt(BigInteger.valueOf(version))));
  }

  private static JobParams params(JobManager.Params p) {
    return new JobParams(
        p.heartbeatWindow.longValueExact(),
        p.challengeWindow.longValueExact(),
        p.maxJobDuration.longValueExact(),
        p.maxStepsLimit.longValueExact(),
        p.livenessSlashCooldown.longValueExact(),
        p.maxActiveJobs.intValueExact(),
        p.livenessSlashWad,
        p.disputeSlashWad,
        p.challengeBond,
        p.minFee,
        p.submitterDeposit,
        p.reporterShareWad,
        p.partyRewardWad,
        p.voterRewardWad,
        Address.parse(p.court));
  }

  static JobManager.Params encode(JobParams p) {
    return new JobManager.Params(
        BigInteger.valueOf(p.heartbeatWindowSeconds()),
        BigInteger.valueOf(p.challengeWindowSeconds()),
        BigInteger.valueOf(p.maxJobDurationSeconds()),
        BigInteger.valueOf(p.maxStepsLimit()),
        BigInteger.valueOf(p.livenessSlashCooldownSeconds()),
        BigInteger.valueOf(p.maxActiveJobs()),
        p.livenessSlashWad(),
        p.disputeSlashWad(),
        p.challengeBond(),
        p.minFee(),
        p.submitterDeposit(),
        p.reporterShareWad(),
        p.partyRewardWad(),
        p.voterRewardWad(),
        p.court().toString());
  }

  /**
   * Approves the fee plus the submitter deposit if needed and submits a job; returns the job id.
   * The job is queued: it is assigned once its seed block is mined and someone (a keeper) calls
   * assign.
   */
  public Created submitJob(
      BigInteger appId, Bytes32 inputBlobKey, Bytes32 inputDigest, long maxSteps, BigInteger fee) {
    if (fee.signum() < 0) {
      throw new InvalidInputException("fee must not be negative");
    }
    JobParams p = params();
    if (fee.compareTo(p.minFee()) < 0) {
      throw new InvalidInputException(
          "fee " + Tokens.format(fee) + " is below the minimum fee " + Tokens.format(p.minFee()));
    }
    BigInteger escrow = fee.add(p.submitterDeposit());
    if (escrow.signum() > 0) {
      approve(deployment.jobManager(), escrow);
    }
    TransactionReceipt r =
        sendRaw(
            "submitJob",
            jobs.submitJob(
                appId,
                inputBlobKey.bytes(),
                inputDigest.bytes(),
                BigInteger.valueOf(maxSteps),
                fee));
    BigInteger id = JobManager.getJobSubmittedEvents(r).getFirst().jobId;
    return new Created(id, outcome("submitJob", r));
  }

  /**
   * Assigns a queued job whose seed block is mined (anyone may; keepers do). Reverts SeedNotReady
   * before, WrongStatus after.
   */
  public TxOutcome assign(BigInteger jobId) {
    return send("assign", jobs.assign(jobId));
  }

  /**
   * Ends a queued or assigned job past its expiry: fee and deposit back to the submitter, nobody
   * slashed.
   */
  public TxOutcome expire(BigInteger jobId) {
    return send("expire", jobs.expire(jobId));
  }

  public TxOutcome heartbeat(
      BigInteger jobId, long step, Bytes32 stateHash, Bytes32 checkpointBlobKey) {
    return send(
        "heartbeat",
        jobs.heartbeat(
            jobId, BigInteger.valueOf(step), stateHash.bytes(), checkpointBlobKey.bytes()));
  }

  /**
   * The assignee drops the job's last checkpoint (one it cannot restore) and runs the job from step
   * 0.
   */
  public TxOutcome restartJob(BigInteger jobId) {
    return send("restartJob", jobs.restartJob(jobId));
  }

  public TxOutcome reportMissed(BigInteger jobId) {
    return send("reportMissed", jobs.reportMissed(jobId));
  }

  public TxOutcome submitResult(BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey) {
    return send(
        "submitResult",
        jobs.submitResult(
            jobId,
            result.outputHash().bytes(),
            result.finalStateHash().bytes(),
            BigInteger.valueOf(result.stepCount()),
            result.checkpointRoot().bytes(),
            outputBlobKey.bytes()));
  }

  /**
   * The result of an adapter-mode job (docs/spec/modes.md; a ZK job: docs/spec/zk.md §4): the job's
   * envelope, the output and the mode's evidence (a Groth16 proof: its 8 words, 256 bytes).
   * JobManager hands the pinned adapter the job's own input and this output, and finalizes the job
   * in this transaction when it accepts; otherwise it reverts (simulated first: {@code
   * ResultRefused} or the adapter's own error throws {@link ContractRevertException} and nothing is
   * sent).
   */
  public TxOutcome submitCheckedResult(
      BigInteger jobId, byte[] envelope, byte[] output, byte[] evidence, Bytes32 outputBlobKey) {
    return send(
        "submitCheckedResult",
        jobs.submitCheckedResult(jobId, envelope, output, evidence, outputBlobKey.bytes()));
  }

  /**
   * A REEXEC_OBJECTIVE job's result (docs/spec/objective.md §5): its terminal VM state (296 bytes),
   * trace root and the final stride leaf's proof (H left siblings). The pinned court checks it
   * (simulated first: its errors throw {@link ContractRevertException}) and derives the commitment.
   */
  public TxOutcome submitObjectiveResult(
      BigInteger jobId,
      byte[] finalState,
      Bytes32 traceRoot,
      List<Bytes32> finalLeafProof,
      Bytes32 outputBlobKey) {
    return send(
        "submitObjectiveResult",
        jobs.submitObjectiveResult(
            jobId,
            finalState,
            traceRoot.bytes(),
            finalLeafProof.stream().map(Bytes32::bytes).toList(),
            outputBlobKey.bytes()));
  }

  /**
   * Hands an assigned job back without penalty (we cannot run it); it is queued for another
   * operator or fails.
   */
  public TxOutcome declineJob(BigInteger jobId) {
    return send("declineJob", jobs.declineJob(jobId));
  }

  /**
   * What a TEE app's wallet signs (EIP-191) for a job's output: JobManager.teeResultDigest, bound
   * to this chain, this JobManager, the job's current attempt and its assignee.
   */
  public Bytes32 teeResultDigest(BigInteger jobId, Bytes32 outputHash) {
    return new Bytes32(call(jobs.teeResultDigest(jobId, outputHash.bytes())));
  }

  /** A TEE app's result with the app wallet's signature over {@link #teeResultDigest}. */
  public TxOutcome submitTeeResult(
      BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey, Signature appSignature) {
    return send(
        "submitTeeResult",
        jobs.submitTeeResult(
            jobId,
            result.outputHash().bytes(),
            result.finalStateHash().bytes(),
            BigInteger.valueOf(result.stepCount()),
            result.checkpointRoot().bytes(),
            outputBlobKey.bytes(),
            appSignature.bytes()));
  }

  /**
   * Approves the bond if needed and challenges the job's result with our own commitment; returns
   * the id of the dispute this opens (each challenger of a result has its own).
   */
  public Created challenge(BigInteger jobId, ResultCommitment ours) {
    approve(deployment.jobManager(), paramsAt(job(jobId).paramsVersion()).challengeBond());
    TransactionReceipt r =
        sendRaw(
            "challenge",
            jobs.challenge(
                jobId,
                ours.outputHash().bytes(),
                ours.finalStateHash().bytes(),
                BigInteger.valueOf(ours.stepCount()),
                ours.checkpointRoot().bytes()));
    BigInteger id = JobManager.getJobChallengedEvents(r).getFirst().disputeId;
    return new Created(id, outcome("challenge", r));
  }

  /** Pays a result whose window is over and against which no dispute is open (status SUBMITTED). */
  public TxOutcome finalizeJob(BigInteger jobId) {
    return send("finalize", jobs.finalize(jobId));
  }

  public JobInfo job(BigInteger jobId) {
    JobManager.Job j = call(jobs.getJob(jobId));
    Address resultOperator = Address.parse(j.resultOperator);
    Optional<ResultCommitment> result =
        resultOperator.isZero()
            ? Optional.empty()
            : Optional.of(
                new ResultCommitment(
                    new Bytes32(j.outputHash),
                    new Bytes32(j.finalStateHash),
                    j.stepCount.longValueExact(),
                    new Bytes32(j.checkpointRoot)));
    return new JobInfo(
        jobId,
        j.appId,
        Address.parse(j.submitter),
        new Bytes32(j.inputBlobKey),
        new Bytes32(j.inputDigest),
        j.maxSteps.longValueExact(),
        j.fee,
        j.deposit,
        JobStatus.fromCode(j.status.intValueExact()),
        Address.parse(j.assignee),
        j.attempt.longValueExact(),
        j.deadline.longValueExact(),
        j.expiresAt.longValueExact(),
        j.seedBlock.longValueExact(),
        j.snapshotBlock.longValueExact(),
        j.lastStep.longValueExact(),
        new Bytes32(j.lastStateHash),
        new Bytes32(j.lastCheckpointBlobKey),
        result,
        new Bytes32(j.outputBlobKey),
        resultOperator,
        j.challengeDeadline.longValueExact(),
        j.openDisputes.intValueExact(),
        j.paramsVersion.longValueExact());
  }

  /** What the job runs, fixed at submission (JobManager.pinOf). */
  public JobPin pin(BigInteger jobId) {
    JobManager.Pin p = call(jobs.pinOf(jobId));
    Address signer = Address.parse(p.teeSigner);
    return new JobPin(
        new Bytes32(p.programDigest),
        nonZero(signer),
        p.appVersion.longValueExact(),
        TrustMode.fromCode(p.mode.intValueExact()),
        Role.fromBit(p.role.intValueExact()),
        p.obligationSeq.longValueExact(),
        nonZero(Address.parse(p.appConfig)),
        nonZero(Address.parse(p.adapter)));
  }

  public BigInteger jobCount() {
    return call(jobs.jobCount());
  }

  /** Jobs assigned to {@code operator} now (it takes no more than maxActiveJobs). */
  public long activeJobs(Address operator) {
    return call(jobs.activeJobs(operator.toString())).longValueExact();
  }

  /** Whether {@code operator} missed, declined or lost this job (it is never assigned it again). */
  public boolean hasFailed(BigInteger jobId, Address operator) {
    return call(jobs.hasFailed(jobId, operator.toString()));
  }

  /**
   * Whether {@code challenger} challenged the result of the job's current attempt (once per attempt
   * each).
   */
  public boolean hasChallenged(BigInteger jobId, Address challenger) {
    return call(jobs.hasChallenged(jobId, challenger.toString()));
  }

  /**
   * JobManager's record of a challenge: its job, attempt, claim, bond and, once resolved, verdict.
   */
  public Challenge challengeOf(BigInteger disputeId) {
    JobManager.Dispute d = call(jobs.getDispute(disputeId));
    return new Challenge(
        disputeId,
        d.jobId,
        Address.parse(d.challenger),
        d.attempt.longValueExact(),
        d.resolved,
        Verdict.fromCode(d.verdict.intValueExact()),
        d.bond,
        new ResultCommitment(
            new Bytes32(d.outputHash),
            new Bytes32(d.finalStateHash),
            d.stepCount.longValueExact(),
            new Bytes32(d.checkpointRoot)));
  }

  public BigInteger disputeCount() {
    return call(jobs.disputeCount());
  }

  /**
   * Who {@link #assign} would pick for a queued job now that its seed block is mined: the rule of
   * {@link Assignment} over the chain's own inputs (seed block hash, snapshot candidates, failed
   * and full operators). Empty: nobody is eligible and assign would fail the job.
   */
  public Optional<Address> predictAssignee(BigInteger jobId) {
    JobInfo job = job(jobId);
    if (job.status() != JobStatus.QUEUED) {
      throw new InvalidInputException("job " + jobId + " is " + job.status() + ", not queued");
    }
    if (blockNumber() <= job.seedBlock()) {
      throw new InvalidInputException(
          "job " + jobId + "'s seed block " + job.seedBlock() + " is not mined yet");
    }
    int cap = paramsAt(job.paramsVersion()).maxActiveJobs();
    List<Assignment.Candidate> candidates = eligibleAt(pin(jobId).role(), job.snapshotBlock());
    Set<Address> excluded = new java.util.HashSet<>();
    for (Assignment.Candidate c : candidates) {
      if (hasFailed(jobId, c.operator()) || activeJobs(c.operator()) >= cap) {
        excluded.add(c.operator());
      }
    }
    return Assignment.pick(blockHash(job.seedBlock()), jobId, job.attempt(), candidates, excluded);
  }

  // ---------------------------------------------------------------- court

  /**
   * Votes {@code commitment} in dispute {@code disputeId} (a VERIFIER that is not one of its
   * parties).
   */
  public TxOutcome vote(BigInteger disputeId, Bytes32 commitment) {
    return send("vote", court.vote(disputeId, commitment.bytes()));
  }

  /** Resolves a dispute after its voting period (anyone may). */
  public TxOutcome resolve(BigInteger disputeId) {
    return send("resolve", court.resolve(disputeId));
  }

  /**
   * Settles {@code voter}'s vote after resolution: its reward or penalty, and the end of its
   * obligation.
   */
  public TxOutcome settleVote(BigInteger disputeId, Address voter) {
    return send("settleVote", court.settleVote(disputeId, voter.toString()));
  }

  /** The court's record of a dispute. */
  public DisputeInfo dispute(BigInteger disputeId) {
    IntersubjectiveCourt.Dispute d = call(court.getDispute(disputeId));
    return new DisputeInfo(
        disputeId,
        d.jobId,
        Address.parse(d.operator),
        Address.parse(d.challenger),
        new Bytes32(d.operatorCommitment),
        new Bytes32(d.challengerCommitment),
        d.snapshotBlock.longValueExact(),
        d.deadline.longValueExact(),
        d.totalWeight,
        d.castWeight,
        d.operatorWeight,
        d.challengerWeight,
        new Bytes32(d.leading),
        d.leadingWeight,
        Verdict.fromCode(d.verdict.intValueExact()),
        d.moot,
        d.voterPool);
  }

  public VoteInfo voteOf(BigInteger disputeId, Address voter) {
    IntersubjectiveCourt.Vote v = call(court.voteOf(disputeId, voter.toString()));
    return new VoteInfo(
        new Bytes32(v.commitment), v.weight, v.obligationSeq.longValueExact(), v.settled);
  }

  /** The weight {@code voter} would vote with in this dispute now (0: it cannot vote). */
  public BigInteger voteWeight(BigInteger disputeId, Address voter) {
    return call(court.voteWeight(disputeId, voter.toString()));
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
      return web3j
          .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read the latest block", e);
    }
  }

  /** The hash of block {@code number} (a job's seed block, say). */
  public Bytes32 blockHash(long number) {
    return Bytes32.fromHex(block(number).getHash());
  }

  /** Timestamp (seconds) of block {@code number}; read-only, for explorers and reports. */
  public long blockTime(long number) {
    return block(number).getTimestamp().longValueExact();
  }

  /** Block {@code number} (header only); refused when it does not exist yet. */
  private org.web3j.protocol.core.methods.response.EthBlock.Block block(long number) {
    try {
      var b =
          web3j
              .ethGetBlockByNumber(
                  org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(number)),
                  false)
              .send()
              .getBlock();
      if (b == null) {
        throw new InvalidInputException("block " + number + " does not exist yet");
      }
      return b;
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read block " + number, e);
    }
  }

  /** Sender, gas used and called function of the mined transaction {@code txHash}; read-only. */
  public TxFacts transaction(String txHash) {
    try {
      var tx =
          web3j
              .ethGetTransactionByHash(txHash)
              .send()
              .getTransaction()
              .orElseThrow(
                  () -> new InvalidInputException("no transaction " + txHash + " on this chain"));
      var receipt =
          web3j
              .ethGetTransactionReceipt(txHash)
              .send()
              .getTransactionReceipt()
              .orElseThrow(
                  () -> new InvalidInputException("transaction " + txHash + " is not mined yet"));
      return new TxFacts(
          txHash,
          Address.parse(tx.getFrom()),
          receipt.getBlockNumber().longValueExact(),
          receipt.getGasUsed().longValueExact(),
          GasLedger.functionOf(tx.getTo(), tx.getInput()));
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read transaction " + txHash, e);
    }
  }

  public EventReader events() {
    return new EventReader(web3j, deployment);
  }

  @Override
  public List<SettlementEvent> events(long fromBlock, long toBlock) {
    EventReader r = eventReader;
    if (r == null) {
      r = eventReader = events();
    }
    return r.read(fromBlock, toBlock);
  }

  @Override
  public long chainId() {
    return deployment.chainId();
  }

  /** Devnet-only time travel (anvil's evm_increaseTime + evm_mine); refused on other chains. */
  public void advanceTime(long seconds) {
    if (deployment.chainId() != dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID) {
      throw new InvalidInputException(
          "time travel is only for the devnet chain "
              + dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID);
    }
    try {
      web3jRaw("evm_increaseTime", List.of(seconds));
      web3jRaw("evm_mine", List.of());
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot advance devnet time", e);
    }
  }

  /**
   * Devnet-only: mines {@code blocks} empty blocks now (anvil's evm_mine), e.g. so fresh stake
   * passes the activation delay.
   */
  public void mineBlocks(int blocks) {
    if (deployment.chainId() != dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID) {
      throw new InvalidInputException(
          "mining on demand is only for the devnet chain "
              + dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID);
    }
    if (blocks < 0 || blocks > 1000) {
      throw new IllegalArgumentException("blocks must be within 0..1000, got " + blocks);
    }
    try {
      for (int i = 0; i < blocks; i++) {
        web3jRaw("evm_mine", List.of());
      }
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot mine devnet blocks", e);
    }
  }

  private void web3jRaw(String method, List<?> params) throws IOException {
    org.web3j.protocol.core.Response<?> r =
        new org.web3j.protocol.core.Request<>(
                method, params, rpc, org.web3j.protocol.core.methods.response.VoidResponse.class)
            .send();
    if (r.hasError()) {
      throw new IOException(method + ": " + r.getError().getMessage());
    }
  }

  // ---------------------------------------------------------------- for the mode clients of this
  // package (ObjectiveCourtClient)

  Web3j web3j() {
    return web3j;
  }

  SimulatingTransactionManager transactionManager() {
    return tm;
  }

  <T> T read(RemoteFunctionCall<T> f) {
    return call(f);
  }

  TxOutcome transact(String action, RemoteFunctionCall<TransactionReceipt> f) {
    return send(action, f);
  }

  /**
   * Sends {@code data} to {@code to} in a type-3 transaction carrying blobs (simulated first, with
   * the blobs' versioned hashes); the sidecar (commitments, blob proofs) comes from the caller's
   * KZG.
   */
  TxOutcome transactBlobs(
      String action,
      Address to,
      String data,
      List<byte[]> blobs,
      List<byte[]> commitments,
      List<byte[]> proofs,
      List<byte[]> versionedHashes) {
    try {
      String hash =
          tm.sendBlobTransaction(to.toString(), data, blobs, commitments, proofs, versionedHashes);
      TransactionReceipt r = tm.waitForReceipt(hash);
      if (!r.isStatusOK()) {
        throw new ChainUnavailableException(
            action
                + " reverted onchain after a successful simulation (tx "
                + r.getTransactionHash()
                + ")",
            null);
      }
      return outcome(action, r);
    } catch (ContractRevertException e) {
      throw new ContractRevertException(action, e.errorName(), e.arguments());
    } catch (TransactionException e) {
      throw new ChainUnavailableException(action + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ChainUnavailableException(
          action + " could not reach the chain: " + e.getMessage(), e);
    }
  }

  /**
   * Enables or disables a mode for app creation (AppRegistry.setModeEnabled: a governance call, see
   * {@link #governed}).
   */
  TxOutcome setModeEnabled(TrustMode mode, boolean enabled) {
    return governed(
        "setModeEnabled(" + mode + ")",
        call(apps.owner()),
        deployment.appRegistry(),
        apps.setModeEnabled(BigInteger.valueOf(mode.code()), enabled));
  }

  // ---------------------------------------------------------------- plumbing

  private static Optional<Address> nonZero(Address a) {
    return a.isZero() ? Optional.empty() : Optional.of(a);
  }

  private static void positive(BigInteger amount, String what) {
    if (amount.signum() <= 0) {
      throw new InvalidInputException(what + " must be positive, got " + amount);
    }
  }

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
        throw new ChainUnavailableException(
            action
                + " reverted onchain after a successful simulation (tx "
                + r.getTransactionHash()
                + ")",
            null);
      }
      return r;
    } catch (ContractRevertException e) {
      throw new ContractRevertException(action, e.errorName(), e.arguments());
    } catch (TransactionException e) {
      throw new ChainUnavailableException(action + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ChainUnavailableException(
          action + " could not reach the chain: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException(action + " failed: " + e.getMessage(), e);
    }
  }

  private static TxOutcome outcome(String action, TransactionReceipt r) {
    return new TxOutcome(
        action,
        r.getTransactionHash(),
        r.getBlockNumber().longValueExact(),
        r.getGasUsed().longValueExact());
  }

  @Override
  public void close() {
    if (ownsConnection) {
      web3j.shutdown();
    }
  }
}
