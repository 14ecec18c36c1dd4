package dev.trustdial.sim.chain;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.Assignment;
import dev.trustdial.chain.Delegation;
import dev.trustdial.chain.Deployment;
import dev.trustdial.chain.DisputeInfo;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobParams;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.ObjectiveMatch;
import dev.trustdial.chain.Obligations;
import dev.trustdial.chain.OperatorInfo;
import dev.trustdial.chain.OperatorStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementEvent.Where;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.StakePool;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.chain.Verdict;
import dev.trustdial.chain.VoteInfo;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.node.objective.GameBoard;
import dev.trustdial.node.objective.ObjectiveReads;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * An executable model of the settlement contracts (StakeToken, StakeRegistry, AppRegistry,
 * JobManager, IntersubjectiveCourt: docs/spec/settlement.md) for seeded deterministic simulation.
 * {@link #as(Address)} gives a {@link SettlementPort} acting as one account, so the node's real
 * logic runs against it unchanged. Every transaction applies fully or throws {@link
 * ContractRevertException} with the contract's custom error name and changes nothing; a transaction
 * that applies mines one block (anvil's automine) at the simulation clock ({@link #setTime}).
 * Blocks hash to {@code keccak256(seed, number)} unless another source is given (the differential
 * test feeds anvil's). Rules are checked against the real contracts by SimChainDifferentialIT
 * (docs/spec/sim-vectors.md).
 *
 * <p>Modelled: token balances (allowances are not: every account has approved the contracts for
 * everything), registration with roles, self stake and churn, deposits, role minimum stakes, stake
 * checkpoints per block with the activation delay (snapshot weights for assignment and votes),
 * obligations, liveness and dispute slashes (reporter share, party and voter rewards, the rest to
 * the burn address), REEXEC_INTERSUBJECTIVE jobs end to end (submit, seed block, assign, heartbeat,
 * restart, decline, miss, result, challenge window, finalize, expiry) and their intersubjective
 * disputes (challenge, vote, resolve, settleVote), and stake withdrawals (queueWithdrawal with its
 * share rounding and dust burning, the pending half that slashes still reach, completeWithdrawal
 * after the delay and once every obligation open at queueing time has ended). App creation is
 * permissionless. REEXEC_OBJECTIVE jobs end to end ({@link SimObjectiveCourt}): ObjectiveConfig
 * contracts ({@link #deployObjectiveConfig}), AppRegistry.setAppConfig, InputOracle.postInput
 * (calldata inputs), the job's pinned config and court, submitObjectiveResult with the court's
 * checkResult, challenges opening one ObjectiveCourt match each (played through {@link #gameBoard}:
 * start, bisect, openStride, proveStep with the one-step proof checked by the Java step function
 * WitnessChecker, timeout, closeMoot with the chess clocks and the step-level extension), and their
 * verdicts in JobManager (OperatorWins, OperatorRefuted, BothWrong, moot); {@link #objectiveReads}
 * answers a node's ObjectiveJob reads.
 *
 * <p>Not modelled, refused with {@link UnsupportedOperationException}: the TEE and adapter (ZK)
 * result paths (submitCheckedResult, submitTeeResult, teeResultDigest) and apps of the adapter
 * modes (a TEE app can be created, but its jobs revert NoTeeSigner as onchain without a signer);
 * objective apps with blob inputs (InputOracle.postInputBlobs, EIP-4844), the ObjectiveCourt's own
 * events (MatchOpened, Bisected, ...: JobManager's are recorded) and its clocks() view; delegation
 * by others, allocations, deregistration and governance (parameters are fixed at construction;
 * REEXEC_OBJECTIVE is enabled and its court registered, as on the devnet).
 *
 * <p>Not thread-safe: the simulation drives it from one thread.
 */
public final class SimChain {
  public static final BigInteger WAD = JobParams.WAD;
  public static final Address BURN_ADDRESS =
      Address.parse("0x000000000000000000000000000000000000dEaD");

  /** JobManager.SEED_DELAY_BLOCKS. */
  public static final long SEED_DELAY_BLOCKS = 1;

  /** StakeRegistry.MAX_ENDPOINT_BYTES. */
  public static final int MAX_ENDPOINT_BYTES = 256;

  /**
   * The parameter version every job is submitted under: JobManager's constructor stores version 0
   * without a court, and the deployer's setParams(with the court) makes it version 1.
   */
  public static final long PARAMS_VERSION = 1;

  /** Longest list {@link #events(long, long)} returns at once, like a node's log range limit. */
  public static final int MAX_EVENTS_PER_READ = 100_000;

  /**
   * The deployment's constructor settings, as {@link SettlementDeployer.Config} sets them, with the
   * addresses the contracts live at (they appear in events: a slash's {@code by}), the chain id,
   * the genesis block number and time, and the seed of the block hashes.
   */
  public record Config(
      JobParams params,
      SettlementDeployer.RegistryConfig registry,
      SettlementDeployer.CourtConfig court,
      BigInteger minComputeStake,
      BigInteger minVerifierStake,
      BigInteger minDaStake,
      Deployment contracts,
      long startBlock,
      long startTime,
      Bytes32 seed) {
    public Config {
      if (startBlock < 0 || startTime < 0) {
        throw new IllegalArgumentException("start block and time must not be negative");
      }
      if (minComputeStake.signum() < 0
          || minVerifierStake.signum() < 0
          || minDaStake.signum() < 0) {
        throw new IllegalArgumentException("minimum stakes must not be negative");
      }
      params = params.withCourt(contracts.court());
    }

    /**
     * The devnet's settings (SettlementDeployer.Config.devnet()) at made-up addresses, from block 0
     * at {@code startTime}.
     */
    public static Config devnet(long startTime, long seed) {
      return of(
          SettlementDeployer.Config.devnet(),
          simulatedContracts(),
          0,
          startTime,
          Hashes.keccak256(ByteBuffer.allocate(8).putLong(seed).array()));
    }

    public static Config of(
        SettlementDeployer.Config c,
        Deployment contracts,
        long startBlock,
        long startTime,
        Bytes32 seed) {
      return new Config(
          c.jobParams(),
          c.registry(),
          c.court(),
          c.minComputeStake(),
          c.minVerifierStake(),
          c.minDaStake(),
          contracts,
          startBlock,
          startTime,
          seed);
    }

    public static Deployment simulatedContracts() {
      return new Deployment(
          dev.trustdial.chain.anvil.Anvil.DEVNET_CHAIN_ID,
          named("StakeToken"),
          named("StakeRegistry"),
          named("AppRegistry"),
          named("JobManager"),
          named("IntersubjectiveCourt"));
    }

    private static Address named(String contract) {
      byte[] h =
          Hashes.keccak256(("trustdial-sim/" + contract).getBytes(StandardCharsets.US_ASCII))
              .bytes();
      return new Address(Arrays.copyOfRange(h, 12, 32));
    }
  }

  // ------------------------------------------------------------------ state

  private final Config config;
  private final JobParams params;
  private final LongFunction<Bytes32> blockHashes;
  private final Address tokenAddr;
  private final Address registryAddr;
  private final Address jobsAddr;
  private final Address courtAddr;

  private long blockNumber;
  private final Map<Long, Long> blockTimes = new HashMap<>();
  private long time;
  private final List<SettlementEvent> events = new ArrayList<>();
  private List<SettlementEvent> pending = null;

  // StakeToken
  private final Map<Address, BigInteger> balances = new TreeMap<>();
  private BigInteger minted = BigInteger.ZERO;

  // StakeRegistry
  private final Map<Address, Operator> operators = new HashMap<>();
  private final List<Address> active = new ArrayList<>();
  private final Map<Address, Address> operatorOfSigner = new HashMap<>();
  private final EnumMap<Role, TreeMap<Long, BigInteger>> totalWeight = new EnumMap<>(Role.class);
  private final EnumMap<Role, BigInteger> minStake = new EnumMap<>(Role.class);
  private BigInteger totalActive = BigInteger.ZERO;
  private BigInteger totalPending = BigInteger.ZERO;

  // AppRegistry
  private final List<App> apps = new ArrayList<>();

  // JobManager
  private final List<Job> jobs = new ArrayList<>();
  private final List<Challenge> challenges = new ArrayList<>();
  private final Map<Address, Integer> activeJobs = new HashMap<>();
  private final Map<Address, Long> lastLivenessSlashAt = new HashMap<>();
  private BigInteger totalEscrow = BigInteger.ZERO;

  // IntersubjectiveCourt
  private final List<Dispute> disputes = new ArrayList<>();

  // ObjectiveCourt, InputOracle, ObjectiveConfigs (REEXEC_OBJECTIVE), and each app's appConfig
  private final SimObjectiveCourt objective;
  private final Map<BigInteger, Address> appConfigs = new HashMap<>();

  public SimChain(Config config) {
    this(config, null);
  }

  /** {@code blockHashes}: the hash of each block number (null: keccak256(seed, number)). */
  public SimChain(Config config, LongFunction<Bytes32> blockHashes) {
    this(config, blockHashes, OBJECTIVE_COURT);
  }

  /**
   * As {@link #SimChain(Config, LongFunction)} with the ObjectiveCourt at {@code objectiveCourt}
   * (the differential test passes the deployed one's).
   */
  public SimChain(Config config, LongFunction<Bytes32> blockHashes, Address objectiveCourt) {
    this.config = config;
    this.params = config.params();
    this.blockHashes =
        blockHashes != null
            ? blockHashes
            : n -> Hashes.keccak256(config.seed().bytes(), word(BigInteger.valueOf(n)));
    Deployment d = config.contracts();
    this.tokenAddr = d.stakeToken();
    this.registryAddr = d.stakeRegistry();
    this.jobsAddr = d.jobManager();
    this.courtAddr = d.court();
    this.blockNumber = config.startBlock();
    this.time = config.startTime();
    blockTimes.put(blockNumber, time);
    for (Role r : Role.values()) {
      totalWeight.put(r, new TreeMap<>());
    }
    minStake.put(Role.COMPUTE, config.minComputeStake());
    minStake.put(Role.TEE, config.minComputeStake());
    minStake.put(Role.VERIFIER, config.minVerifierStake());
    minStake.put(Role.DA, config.minDaStake());
    this.objective =
        new SimObjectiveCourt(
            objectiveCourt,
            SettlementDeployer.OBJECTIVE_CLOCK_SECONDS,
            SettlementDeployer.OBJECTIVE_STEP_EXTENSION_SECONDS,
            new ObjectiveJobs());
  }

  public Config config() {
    return config;
  }

  /** A port whose transactions are sent by {@code account}. */
  public SettlementPort as(Address account) {
    return new Port(account);
  }

  // ------------------------------------------------------------------ clock and blocks

  /** Sets the clock the next blocks are stamped with; it never goes back. */
  public void setTime(long epochSeconds) {
    if (epochSeconds < time) {
      throw new IllegalArgumentException(
          "the simulated clock never goes back: " + epochSeconds + " < " + time);
    }
    time = epochSeconds;
  }

  public long time() {
    return time;
  }

  public long blockNumber() {
    return blockNumber;
  }

  /**
   * Timestamp of the latest block (the contracts' notion of now, which {@link #setTime} alone does
   * not move).
   */
  public long chainTime() {
    return blockTimes.get(blockNumber);
  }

  /**
   * Mines an empty block at the current time (an interval-mined block: it lets a seed block pass).
   */
  public void mine() {
    blockNumber++;
    blockTimes.put(blockNumber, time);
  }

  /** The hash of a mined block. */
  public Bytes32 blockHash(long number) {
    if (number < 0 || number > blockNumber) {
      throw new IllegalArgumentException(
          "block " + number + " is not mined (latest " + blockNumber + ")");
    }
    return blockHashes.apply(number);
  }

  // ------------------------------------------------------------------ setup and workload (outside
  // the port)

  /** StakeToken.mint by its owner (the devnet faucet): one block. */
  public void mint(Address to, BigInteger amount) {
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("cannot mint a negative amount");
    }
    if (to.isZero()) {
      throw revert("mint", "ERC20InvalidReceiver", to);
    }
    execute(() -> {
      credit(to, amount);
      minted = minted.add(amount);
      return null;
    });
  }

  /**
   * AppRegistry.createApp (creation is permissionless here) with an empty policy; returns the app
   * id.
   */
  public BigInteger createApp(Address owner, TrustMode mode, Bytes32 programDigest) {
    if (mode != TrustMode.REEXEC_INTERSUBJECTIVE
        && mode != TrustMode.TEE
        && mode != TrustMode.REEXEC_OBJECTIVE) {
      throw new UnsupportedOperationException(
          "apps of mode " + mode + " are not modelled by the simulator");
    }
    if (programDigest.isZero()) {
      throw revert("createApp", "ZeroDigest");
    }
    return execute(() -> {
      App a = new App(BigInteger.valueOf(apps.size() + 1L), owner, mode, programDigest);
      apps.add(a);
      emit(new SettlementEvent.AppCreated(null, a.id, owner, mode, programDigest));
      return a.id;
    });
  }

  /**
   * JobManager.submitJob by {@code submitter} (approved beforehand, as the CLI does); returns the
   * job id.
   */
  public BigInteger submitJob(
      Address submitter,
      BigInteger appId,
      Bytes32 inputBlobKey,
      Bytes32 inputDigest,
      long maxSteps,
      BigInteger fee) {
    final String action = "submitJob";
    if (fee.signum() < 0) {
      throw new InvalidInputException("fee must not be negative");
    }
    if (fee.compareTo(params.minFee()) < 0) {
      throw new InvalidInputException(
          "fee " + fee + " is below the minimum fee " + params.minFee());
    }
    App app = appOrRevert(action, appId);
    if (app.mode == TrustMode.TEE) {
      throw revert(action, "NoTeeSigner", appId);
    }
    Address appConfig = appConfigs.getOrDefault(appId, Address.ZERO);
    if (app.mode == TrustMode.REEXEC_OBJECTIVE && appConfig.isZero()) {
      throw revert(action, "NoAppConfig", appId);
    }
    if (inputBlobKey.isZero()) {
      throw revert(action, "ZeroBlobKey");
    }
    if (maxSteps <= 0 || maxSteps > params.maxStepsLimit()) {
      throw revert(action, "InvalidMaxSteps", maxSteps, params.maxStepsLimit());
    }
    BigInteger total = fee.add(params.submitterDeposit());
    requireBalance(action, submitter, total);
    return execute(() -> {
      Job j = new Job();
      j.id = BigInteger.valueOf(jobs.size() + 1L);
      j.appId = appId;
      j.submitter = submitter;
      j.inputBlobKey = inputBlobKey;
      j.inputDigest = inputDigest;
      j.maxSteps = maxSteps;
      j.fee = fee;
      j.deposit = params.submitterDeposit();
      j.expiresAt = time + params.maxJobDurationSeconds();
      j.programDigest = app.programDigest;
      j.mode = app.mode;
      j.appConfig = app.mode == TrustMode.REEXEC_OBJECTIVE ? appConfig : Address.ZERO;
      jobs.add(j);
      emit(
          new SettlementEvent.JobSubmitted(
              null, j.id, appId, submitter, inputBlobKey, maxSteps, fee));
      queue(j);
      totalEscrow = totalEscrow.add(total);
      transfer(submitter, jobsAddr, total);
      return j.id;
    });
  }

  // ------------------------------------------------------------------ stake withdrawals (a
  // staker's
  // own transactions, as `Settlement` sends them; the node's logic never withdraws)

  /** StakeRegistry's "everything" for queueWithdrawal: type(uint256).max. */
  public static final BigInteger ALL = dev.trustdial.chain.Settlement.ALL;

  /**
   * StakeRegistry.queueWithdrawal sent by {@code staker}: queues {@code amount} ({@link #ALL}:
   * everything) of its stake with {@code operator}. The stake stops counting at once and stays
   * slashable until {@link #completeWithdrawal}; an active operator keeps minSelfStake of its own.
   * Returns the amount moved to the pending half (0 when only dust shares were burned).
   */
  public BigInteger queueWithdrawal(Address staker, Address operator, BigInteger amount) {
    final String action = "queueWithdrawal";
    if (amount.signum() <= 0 || amount.compareTo(ALL) > 0) {
      throw new InvalidInputException("a withdrawal must be within 1..2^256-1, got " + amount);
    }
    Operator o = operators.get(operator);
    if (o == null) {
      throw revert(action, "NotRegistered", operator);
    }
    BigInteger have = o.shares.getOrDefault(staker, BigInteger.ZERO);
    if (have.signum() == 0) {
      throw revert(action, "InsufficientShares", 0, amount);
    }
    BigInteger shares =
        amount.equals(ALL) ? have : ceilDiv(amount.multiply(o.activeShares), o.activeAmount);
    if (shares.signum() == 0 || shares.compareTo(have) > 0) {
      throw revert(action, "InsufficientShares", have, shares);
    }
    BigInteger moved = shares.multiply(o.activeAmount).divide(o.activeShares);
    boolean self = staker.equals(operator) && o.status == OperatorStatus.ACTIVE;
    BigInteger min = config.registry().minSelfStake();
    if (moved.signum() == 0) {
      if (!amount.equals(ALL)) {
        throw revert(action, "ZeroAmount");
      }
      if (self) {
        throw revert(action, "BelowMinSelfStake", 0, min);
      }
      // Dust: the shares are burned (DustSharesBurned, an event the client does not decode).
      return execute(() -> {
        o.shares.put(staker, BigInteger.ZERO);
        o.activeShares = o.activeShares.subtract(have);
        return BigInteger.ZERO;
      });
    }
    BigInteger left = have.subtract(shares);
    if (self) {
      BigInteger leftShares = o.activeShares.subtract(shares);
      BigInteger selfStake =
          left.signum() == 0
              ? BigInteger.ZERO
              : left.multiply(o.activeAmount.subtract(moved)).divide(leftShares);
      if (selfStake.compareTo(min) < 0) {
        throw revert(action, "BelowMinSelfStake", selfStake, min);
      }
    }
    BigInteger pendingShares =
        o.pendingShares.signum() == 0
            ? moved
            : moved.multiply(o.pendingShares).divide(o.pendingAmount);
    if (pendingShares.signum() == 0) {
      throw revert(action, "Panic", 1); // the contract's assert(pendingShares != 0)
    }
    return execute(() -> {
      o.shares.put(staker, left);
      o.activeShares = o.activeShares.subtract(shares);
      o.activeAmount = o.activeAmount.subtract(moved);
      o.pendingShares = o.pendingShares.add(pendingShares);
      o.pendingAmount = o.pendingAmount.add(moved);
      totalActive = totalActive.subtract(moved);
      totalPending = totalPending.add(moved);
      Withdrawal w = o.withdrawals.computeIfAbsent(staker, k -> new Withdrawal());
      w.shares = w.shares.add(pendingShares);
      w.availableAt = time + config.registry().withdrawalDelaySeconds();
      w.obligationSeq = o.nextObligationSeq;
      syncWeights(o);
      emit(
          new SettlementEvent.WithdrawalQueued(
              null, operator, staker, moved, pendingShares, w.availableAt, w.obligationSeq));
      return moved;
    });
  }

  /**
   * StakeRegistry.completeWithdrawal sent by {@code staker}: pays out what is left of its queued
   * withdrawal from {@code operator} once the delay has passed and every obligation the operator
   * had open when it was queued has ended. Returns the amount paid.
   */
  public BigInteger completeWithdrawal(Address staker, Address operator) {
    final String action = "completeWithdrawal";
    Operator o = operators.get(operator);
    Withdrawal w = o == null ? null : o.withdrawals.get(staker);
    if (w == null || w.shares.signum() == 0) {
      throw revert(action, "NoPendingWithdrawal", operator, staker);
    }
    if (time < w.availableAt) {
      throw revert(action, "WithdrawalNotReady", w.availableAt);
    }
    if (o.obligationLowWater < w.obligationSeq) {
      throw revert(action, "ObligationsOpen", operator, o.obligationLowWater, w.obligationSeq);
    }
    BigInteger amount = w.shares.multiply(o.pendingAmount).divide(o.pendingShares);
    return execute(() -> {
      o.pendingShares = o.pendingShares.subtract(w.shares);
      o.pendingAmount = o.pendingAmount.subtract(amount);
      o.withdrawals.remove(staker);
      totalPending = totalPending.subtract(amount);
      transfer(registryAddr, staker, amount);
      emit(new SettlementEvent.WithdrawalCompleted(null, operator, staker, amount));
      return amount;
    });
  }

  /** StakeRegistry.poolOf (all zero for an account that never registered). */
  public StakePool pool(Address operator) {
    Operator o = operators.get(operator);
    return o == null
        ? new StakePool(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO)
        : new StakePool(o.activeAmount, o.activeShares, o.pendingAmount, o.pendingShares);
  }

  /**
   * {@code staker}'s active stake and queued withdrawal with {@code operator}, as Settlement reads
   * them.
   */
  public Delegation delegation(Address operator, Address staker) {
    Operator o = operators.get(operator);
    if (o == null) {
      return new Delegation(
          operator,
          staker,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          0,
          0);
    }
    BigInteger shares = o.shares.getOrDefault(staker, BigInteger.ZERO);
    Withdrawal w = o.withdrawals.getOrDefault(staker, new Withdrawal());
    BigInteger pending =
        w.shares.signum() == 0
            ? BigInteger.ZERO
            : w.shares.multiply(o.pendingAmount).divide(o.pendingShares);
    return new Delegation(
        operator,
        staker,
        o.value(shares),
        shares,
        pending,
        w.shares,
        w.availableAt,
        w.obligationSeq);
  }

  /** StakeRegistry's obligation counters of {@code operator}. */
  public Obligations obligations(Address operator) {
    Operator o = operators.get(operator);
    return o == null
        ? new Obligations(0, 0, 0)
        : new Obligations(o.openObligations, o.obligationLowWater, o.nextObligationSeq);
  }

  /** Stake queued for withdrawal in all pools (StakeRegistry.totalPending): slashable, not paid. */
  public BigInteger totalPendingStake() {
    return totalPending;
  }

  private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }

  // ------------------------------------------------------------------ invariant reads

  /** Every token holder's balance (the contracts' own included, and the burn address). */
  public Map<Address, BigInteger> balances() {
    return Collections.unmodifiableMap(new TreeMap<>(balances));
  }

  public BigInteger balanceOf(Address who) {
    return balances.getOrDefault(who, BigInteger.ZERO);
  }

  /** Everything ever minted: slashes do not burn supply, they send it to {@link #BURN_ADDRESS}. */
  public BigInteger totalSupply() {
    return minted;
  }

  /** JobManager's escrow: fees, deposits and bonds of unsettled jobs. */
  public BigInteger totalEscrow() {
    return totalEscrow;
  }

  /** Active stake in all pools (StakeRegistry.totalActive). */
  public BigInteger totalActiveStake() {
    return totalActive;
  }

  /** Every registered operator's pool: active amount. */
  public Map<Address, BigInteger> stakes() {
    Map<Address, BigInteger> m = new TreeMap<>();
    operators.forEach((a, o) -> m.put(a, o.activeAmount));
    return m;
  }

  public Deployment contracts() {
    return config.contracts();
  }

  /** Every event so far, in chain order. */
  public List<SettlementEvent> events() {
    return List.copyOf(events);
  }

  /** Every job so far, by id. */
  public List<JobInfo> jobs() {
    List<JobInfo> out = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      out.add(j.info());
    }
    return out;
  }

  public List<Address> activeOperators() {
    return List.copyOf(active);
  }

  /** Jobs assigned to {@code op} now (JobManager.activeJobs). */
  public int activeJobs(Address op) {
    return activeJobs.getOrDefault(op, 0);
  }

  /**
   * Checks the books: the token supply is conserved (balances sum to what was minted), the registry
   * holds exactly the active stake plus the stake queued for withdrawal (each pool's pending shares
   * are exactly its queued withdrawals'), JobManager exactly its escrow, and no figure is negative.
   * Throws {@link IllegalStateException} naming the first broken one.
   */
  public void checkInvariants() {
    BigInteger sum = BigInteger.ZERO;
    for (var e : balances.entrySet()) {
      if (e.getValue().signum() < 0) {
        throw new IllegalStateException("negative balance of " + e.getKey() + ": " + e.getValue());
      }
      sum = sum.add(e.getValue());
    }
    if (!sum.equals(minted)) {
      throw new IllegalStateException(
          "token conservation broken: balances sum to " + sum + ", minted " + minted);
    }
    BigInteger pools = BigInteger.ZERO;
    BigInteger pendingPools = BigInteger.ZERO;
    for (Operator o : operators.values()) {
      if (o.activeAmount.signum() < 0
          || o.activeShares.signum() < 0
          || o.pendingAmount.signum() < 0
          || o.pendingShares.signum() < 0) {
        throw new IllegalStateException("negative pool of " + o.address);
      }
      BigInteger queued = BigInteger.ZERO;
      for (Withdrawal w : o.withdrawals.values()) {
        queued = queued.add(w.shares);
      }
      if (!queued.equals(o.pendingShares)) {
        throw new IllegalStateException(
            "pending shares of "
                + o.address
                + " are "
                + o.pendingShares
                + " but its queued withdrawals hold "
                + queued);
      }
      pools = pools.add(o.activeAmount);
      pendingPools = pendingPools.add(o.pendingAmount);
    }
    BigInteger held = totalActive.add(totalPending);
    if (!pools.equals(totalActive)
        || !pendingPools.equals(totalPending)
        || !balanceOf(registryAddr).equals(held)) {
      throw new IllegalStateException(
          "registry books broken: pools "
              + pools
              + " active + "
              + pendingPools
              + " pending, totalActive "
              + totalActive
              + ", totalPending "
              + totalPending
              + ", held "
              + balanceOf(registryAddr));
    }
    if (!balanceOf(jobsAddr).equals(totalEscrow)) {
      throw new IllegalStateException(
          "JobManager holds " + balanceOf(jobsAddr) + " but its escrow is " + totalEscrow);
    }
    for (Address a : operators.keySet()) {
      if (activeJobs(a) < 0) {
        throw new IllegalStateException("negative active jobs for " + a);
      }
    }
  }

  // ------------------------------------------------------------------ transactions: plumbing

  /** Runs a transaction's effects (every check already passed) and mines its block. */
  private <T> T execute(Supplier<T> effects) {
    if (pending != null) {
      throw new IllegalStateException("transactions do not nest");
    }
    pending = new ArrayList<>();
    long block = blockNumber + 1;
    T result;
    try {
      result = effects.get();
    } catch (RuntimeException e) {
      pending = null;
      throw new IllegalStateException(
          "the model failed after its checks passed (state may be inconsistent)", e);
    }
    blockNumber = block;
    blockTimes.put(block, time);
    String txHash =
        Hashes.keccak256(
                config.seed().bytes(),
                word(BigInteger.valueOf(block)),
                "tx".getBytes(StandardCharsets.US_ASCII))
            .toHex();
    long logIndex = 0;
    for (SettlementEvent e : pending) {
      events.add(locate(e, new Where(block, txHash, logIndex++)));
    }
    pending = null;
    return result;
  }

  private TxOutcome outcome(String action) {
    SettlementEvent last = events.isEmpty() ? null : events.getLast();
    String hash =
        last != null && last.where().block() == blockNumber
            ? last.where().txHash()
            : Hashes.keccak256(
                    config.seed().bytes(),
                    word(BigInteger.valueOf(blockNumber)),
                    "tx".getBytes(StandardCharsets.US_ASCII))
                .toHex();
    return new TxOutcome(action, hash, blockNumber, 0);
  }

  private void emit(SettlementEvent e) {
    pending.add(e);
  }

  /** The block a transaction executes in (block.number). */
  private long nextBlock() {
    return blockNumber + 1;
  }

  private static ContractRevertException revert(String action, String error, Object... args) {
    List<String> a = new ArrayList<>(args.length);
    for (Object o : args) {
      a.add(String.valueOf(o));
    }
    return new ContractRevertException(action, error, a);
  }

  // ------------------------------------------------------------------ token

  private void credit(Address to, BigInteger amount) {
    balances.merge(to, amount, BigInteger::add);
  }

  private void requireBalance(String action, Address from, BigInteger amount) {
    BigInteger have = balanceOf(from);
    if (have.compareTo(amount) < 0) {
      throw revert(action, "ERC20InsufficientBalance", from, have, amount);
    }
  }

  private void transfer(Address from, Address to, BigInteger amount) {
    if (amount.signum() == 0) {
      return;
    }
    BigInteger have = balanceOf(from);
    if (have.compareTo(amount) < 0) {
      throw new IllegalStateException(from + " holds " + have + ", cannot send " + amount);
    }
    balances.put(from, have.subtract(amount));
    credit(to, amount);
  }

  // ------------------------------------------------------------------ registry

  private static final class Operator {
    final Address address;
    OperatorStatus status = OperatorStatus.ACTIVE;
    int roles;
    Address signer;
    String endpoint;
    BigInteger activeAmount = BigInteger.ZERO;
    BigInteger activeShares = BigInteger.ZERO;
    BigInteger pendingAmount = BigInteger.ZERO;
    BigInteger pendingShares = BigInteger.ZERO;
    final Map<Address, BigInteger> shares = new HashMap<>();
    final Map<Address, Withdrawal> withdrawals = new HashMap<>();
    final EnumMap<Role, BigInteger> allocation = new EnumMap<>(Role.class);
    final EnumMap<Role, BigInteger[]> deallocation =
        new EnumMap<>(Role.class); // {wad, obligationSeq}
    final EnumMap<Role, TreeMap<Long, BigInteger>> weights = new EnumMap<>(Role.class);
    long nextObligationSeq;
    long obligationLowWater;
    long openObligations;
    final Set<Long> closed = new HashSet<>();

    Operator(Address address) {
      this.address = address;
      for (Role r : Role.values()) {
        weights.put(r, new TreeMap<>());
        allocation.put(r, BigInteger.ZERO);
      }
    }

    BigInteger value(BigInteger s) {
      return s.signum() == 0 ? BigInteger.ZERO : s.multiply(activeAmount).divide(activeShares);
    }
  }

  /** StakeRegistry.Withdrawal: shares of the pending half. */
  private static final class Withdrawal {
    BigInteger shares = BigInteger.ZERO;
    long availableAt;
    long obligationSeq;
  }

  private static BigInteger latest(TreeMap<Long, BigInteger> trace) {
    return trace.isEmpty() ? BigInteger.ZERO : trace.lastEntry().getValue();
  }

  private static BigInteger at(TreeMap<Long, BigInteger> trace, long block) {
    var e = trace.floorEntry(block);
    return e == null ? BigInteger.ZERO : e.getValue();
  }

  private BigInteger weightNow(Address op, Role role) {
    Operator o = operators.get(op);
    return o == null ? BigInteger.ZERO : latest(o.weights.get(role));
  }

  private BigInteger weightAt(Address op, Role role, long block) {
    Operator o = operators.get(op);
    return o == null ? BigInteger.ZERO : at(o.weights.get(role), block);
  }

  /**
   * StakeRegistry.snapshotWeight: the smaller of the weight at the block and activationDelayBlocks
   * earlier.
   */
  private BigInteger snapshotWeight(Address op, Role role, long block) {
    long delay = config.registry().activationDelayBlocks();
    BigInteger atSnapshot = weightAt(op, role, block);
    BigInteger early = block > delay ? weightAt(op, role, block - delay) : BigInteger.ZERO;
    return atSnapshot.min(early);
  }

  private BigInteger snapshotTotalWeight(Role role, long block) {
    long delay = config.registry().activationDelayBlocks();
    return block > delay ? at(totalWeight.get(role), block - delay) : BigInteger.ZERO;
  }

  /** StakeRegistry.eligibleAt: JobManager's candidates, in active-set order. */
  private List<Assignment.Candidate> eligibleAt(Role role, long block) {
    List<Assignment.Candidate> out = new ArrayList<>();
    BigInteger min = minStake.get(role);
    for (Address a : active) {
      BigInteger w = snapshotWeight(a, role, block).min(weightNow(a, role));
      if (w.signum() != 0 && w.compareTo(min) >= 0) {
        out.add(new Assignment.Candidate(a, w));
      }
    }
    return out;
  }

  private BigInteger slashableAllocation(Operator o, Role role) {
    BigInteger current = o.allocation.get(role);
    BigInteger[] d = o.deallocation.get(role);
    if (d != null && d[0].compareTo(current) > 0 && o.obligationLowWater < d[1].longValueExact()) {
      return d[0];
    }
    return current;
  }

  private void syncWeights(Operator o) {
    long key = nextBlock();
    BigInteger activeAmt = o.status == OperatorStatus.ACTIVE ? o.activeAmount : BigInteger.ZERO;
    for (Role role : Role.values()) {
      BigInteger w =
          (o.roles & role.bit()) == 0
              ? BigInteger.ZERO
              : activeAmt.multiply(o.allocation.get(role)).divide(WAD);
      TreeMap<Long, BigInteger> t = o.weights.get(role);
      BigInteger old = latest(t);
      if (w.equals(old)) {
        continue;
      }
      t.put(key, w);
      TreeMap<Long, BigInteger> total = totalWeight.get(role);
      total.put(key, latest(total).add(w).subtract(old));
    }
  }

  private long openObligation(Operator o) {
    long seq = o.nextObligationSeq++;
    o.openObligations++;
    return seq;
  }

  private void closeObligation(Address op, long seq) {
    Operator o = operators.get(op);
    if (o == null
        || seq >= o.nextObligationSeq
        || seq < o.obligationLowWater
        || o.closed.contains(seq)) {
      throw new IllegalStateException("UnknownObligation(" + op + ", " + seq + ")");
    }
    o.closed.add(seq);
    o.openObligations--;
    long low = o.obligationLowWater;
    while (low < o.nextObligationSeq && o.closed.contains(low)) {
      o.closed.remove(low);
      low++;
    }
    o.obligationLowWater = low;
  }

  /** StakeRegistry.slash: sends the slashed tokens to {@code by} and returns the amount. */
  private BigInteger slash(Address op, Role role, BigInteger wad, String reason, Address by) {
    Operator o = operators.get(op);
    BigInteger fraction = slashableAllocation(o, role).multiply(wad);
    BigInteger fromActive = o.activeAmount.multiply(fraction).divide(WAD.multiply(WAD));
    BigInteger fromPending = o.pendingAmount.multiply(fraction).divide(WAD.multiply(WAD));
    o.activeAmount = o.activeAmount.subtract(fromActive);
    o.pendingAmount = o.pendingAmount.subtract(fromPending);
    totalActive = totalActive.subtract(fromActive);
    totalPending = totalPending.subtract(fromPending);
    BigInteger slashed = fromActive.add(fromPending);
    syncWeights(o);
    emit(new SettlementEvent.Slashed(null, op, role, slashed, fromActive, fromPending, reason, by));
    transfer(registryAddr, by, slashed);
    return slashed;
  }

  private void delegate(Operator o, Address staker, BigInteger received) {
    BigInteger shares =
        o.activeShares.signum() == 0
            ? received
            : received.multiply(o.activeShares).divide(o.activeAmount);
    transfer(staker, registryAddr, received);
    o.activeShares = o.activeShares.add(shares);
    o.activeAmount = o.activeAmount.add(received);
    o.shares.merge(staker, shares, BigInteger::add);
    totalActive = totalActive.add(received);
    syncWeights(o);
    emit(new SettlementEvent.Delegated(null, o.address, staker, received, shares));
  }

  private BigInteger sharesFor(Operator o, BigInteger amount) {
    return o.activeShares.signum() == 0
        ? amount
        : amount.multiply(o.activeShares).divide(o.activeAmount);
  }

  private void exit(Operator o, boolean ejected) {
    o.status = OperatorStatus.EXITED;
    int idx = active.indexOf(o.address);
    Address last = active.getLast();
    active.set(idx, last);
    active.removeLast();
    operatorOfSigner.remove(o.signer);
    syncWeights(o);
    emit(new SettlementEvent.OperatorExited(null, o.address, ejected));
  }

  private static void checkProfile(String action, int roles, Address signer, String endpoint) {
    if (roles == 0 || roles > 15) {
      throw revert(action, "InvalidRoles", roles);
    }
    if (signer.isZero()) {
      throw revert(action, "ZeroAddress");
    }
    int len = endpoint.getBytes(StandardCharsets.UTF_8).length;
    if (len > MAX_ENDPOINT_BYTES) {
      throw revert(action, "EndpointTooLong", len, MAX_ENDPOINT_BYTES);
    }
  }

  private Operator activeOperatorOrRevert(String action, Address op) {
    Operator o = operators.get(op);
    if (o == null) {
      throw revert(action, "NotRegistered", op);
    }
    if (o.status != OperatorStatus.ACTIVE) {
      throw revert(action, "NotActive", op);
    }
    return o;
  }

  // ------------------------------------------------------------------ apps

  private record App(BigInteger id, Address owner, TrustMode mode, Bytes32 programDigest) {}

  private App appOrRevert(String action, BigInteger appId) {
    if (appId.signum() <= 0 || appId.compareTo(BigInteger.valueOf(apps.size())) > 0) {
      throw revert(action, "UnknownApp", appId);
    }
    return apps.get(appId.intValueExact() - 1);
  }

  // ------------------------------------------------------------------ jobs

  private final class Job {
    BigInteger id;
    BigInteger appId;
    Address submitter;
    Bytes32 inputBlobKey;
    Bytes32 inputDigest;
    long maxSteps;
    BigInteger fee;
    BigInteger deposit;
    JobStatus status = JobStatus.NONE;
    Address assignee = Address.ZERO;
    long attempt;
    long deadline;
    long expiresAt;
    long seedBlock;
    long snapshotBlock;
    long lastStep;
    Bytes32 lastStateHash = Bytes32.ZERO;
    Bytes32 lastCheckpointBlobKey = Bytes32.ZERO;
    Bytes32 outputHash = Bytes32.ZERO;
    Bytes32 finalStateHash = Bytes32.ZERO;
    long stepCount;
    Bytes32 checkpointRoot = Bytes32.ZERO;
    Bytes32 outputBlobKey = Bytes32.ZERO;
    Address resultOperator = Address.ZERO;
    long challengeDeadline;
    int openDisputes;
    long undecidedAttempt; // JobManager._undecidedAttempt: attempt + 1 with an undecided dispute, 0
    // none
    final Set<Address> failed = new HashSet<>();
    final Map<Address, Long> challengedAttempt = new HashMap<>();
    // the pin
    Bytes32 programDigest;
    TrustMode mode;
    long obligationSeq;
    Address appConfig = Address.ZERO; // an objective job's ObjectiveConfig

    JobInfo info() {
      Optional<ResultCommitment> result =
          resultOperator.isZero()
              ? Optional.empty()
              : Optional.of(
                  new ResultCommitment(outputHash, finalStateHash, stepCount, checkpointRoot));
      return new JobInfo(
          id,
          appId,
          submitter,
          inputBlobKey,
          inputDigest,
          maxSteps,
          fee,
          deposit,
          status,
          assignee,
          attempt,
          deadline,
          expiresAt,
          seedBlock,
          snapshotBlock,
          lastStep,
          lastStateHash,
          lastCheckpointBlobKey,
          result,
          outputBlobKey,
          resultOperator,
          challengeDeadline,
          openDisputes,
          PARAMS_VERSION);
    }

    Role role() {
      return Assignment.roleFor(mode);
    }

    Bytes32 commitment() {
      return new ResultCommitment(outputHash, finalStateHash, stepCount, checkpointRoot)
          .commitment();
    }
  }

  /** JobManager's record of a challenge (its bond and claim); the court's is {@link Dispute}. */
  private static final class Challenge {
    BigInteger jobId;
    Address challenger;
    long attempt;
    boolean resolved;
    BigInteger bond;
    ResultCommitment claim;
  }

  private Job jobOrRevert(String action, BigInteger jobId) {
    if (jobId.signum() <= 0 || jobId.compareTo(BigInteger.valueOf(jobs.size())) > 0) {
      throw revert(action, "UnknownJob", jobId);
    }
    return jobs.get(jobId.intValueExact() - 1);
  }

  /** JobManager._activeAssignment. */
  private Job activeAssignment(String action, BigInteger jobId, Address sender) {
    Job j = jobOrRevert(action, jobId);
    if (j.status != JobStatus.ASSIGNED) {
      throw revert(action, "WrongStatus", jobId, j.status.ordinal());
    }
    if (!sender.equals(j.assignee)) {
      throw revert(action, "NotAssignee", jobId, sender);
    }
    if (time > j.deadline) {
      throw revert(action, "DeadlinePassed", jobId, j.deadline);
    }
    return j;
  }

  private void queue(Job j) {
    j.status = JobStatus.QUEUED;
    j.assignee = Address.ZERO;
    j.deadline = 0;
    j.snapshotBlock = nextBlock();
    j.seedBlock = nextBlock() + SEED_DELAY_BLOCKS;
    emit(new SettlementEvent.JobQueued(null, j.id, j.attempt, j.seedBlock, j.snapshotBlock));
  }

  private void requeue(Job j) {
    j.attempt++;
    if (time > j.expiresAt) {
      fail(j, "expired");
    } else {
      queue(j);
    }
  }

  private void fail(Job j, String reason) {
    j.status = JobStatus.FAILED;
    j.assignee = Address.ZERO;
    j.deadline = 0;
    emit(new SettlementEvent.JobFailed(null, j.id, reason));
    payOut(j.submitter, j.fee.add(j.deposit));
  }

  private void releaseAssignee(Job j) {
    activeJobs.merge(j.assignee, -1, Integer::sum);
    closeObligation(j.assignee, j.obligationSeq);
  }

  private void payOut(Address to, BigInteger amount) {
    if (amount.signum() == 0) {
      return;
    }
    totalEscrow = totalEscrow.subtract(amount);
    transfer(jobsAddr, to, amount);
  }

  private void send(Address to, BigInteger amount) {
    transfer(jobsAddr, to, amount);
  }

  private void settle(Job j) {
    Address op = j.resultOperator;
    j.status = JobStatus.FINALIZED;
    closeObligation(op, j.obligationSeq);
    emit(new SettlementEvent.JobFinalized(null, j.id, op, j.outputHash, j.fee));
    payOut(op, j.fee);
    payOut(j.submitter, j.deposit);
  }

  private void closeDispute(Job j) {
    j.openDisputes--;
    if (j.openDisputes == 0) {
      j.status = JobStatus.SUBMITTED;
    }
  }

  /**
   * JobManager._discardResult: the result of {@code op} dropped with its checkpoints (the next
   * attempt starts over) and the job queued again without it.
   */
  private void discardResult(Job j, Address op) {
    j.failed.add(op);
    j.outputHash = Bytes32.ZERO;
    j.finalStateHash = Bytes32.ZERO;
    j.stepCount = 0;
    j.checkpointRoot = Bytes32.ZERO;
    j.outputBlobKey = Bytes32.ZERO;
    j.resultOperator = Address.ZERO;
    j.challengeDeadline = 0;
    j.openDisputes = 0;
    j.lastStep = 0;
    j.lastStateHash = Bytes32.ZERO;
    j.lastCheckpointBlobKey = Bytes32.ZERO;
    requeue(j);
  }

  /**
   * JobManager._dropUndecided: a result whose disputes closed with one undecided (NO_QUORUM,
   * NO_MAJORITY) neither finalizes nor costs stake; it is dropped with its checkpoints and the job
   * queued again without its operator.
   */
  private void dropUndecided(Job j) {
    Address op = j.resultOperator;
    closeObligation(op, j.obligationSeq);
    discardResult(j, op);
  }

  private BigInteger slashResultOperator(Job j, Address op) {
    BigInteger slashed = slash(op, j.role(), params.disputeSlashWad(), "dispute", jobsAddr);
    closeObligation(op, j.obligationSeq);
    return slashed;
  }

  /**
   * JobManager.resolveDispute: returns the voter pool sent to the court and whether the dispute was
   * moot.
   */
  private Object[] resolveDispute(BigInteger disputeId, Verdict verdict) {
    Challenge c = challenges.get(disputeId.intValueExact() - 1);
    Job j = jobs.get(c.jobId.intValueExact() - 1);
    c.resolved = true;
    BigInteger slashed = BigInteger.ZERO;
    BigInteger voterPool = BigInteger.ZERO;
    boolean moot = j.status != JobStatus.DISPUTED || j.attempt != c.attempt;
    if (moot) {
      payOut(c.challenger, c.bond);
    } else if (verdict == Verdict.OPERATOR_WINS) {
      BigInteger reward = JobParams.ofWad(c.bond, params.partyRewardWad());
      voterPool = JobParams.ofWad(c.bond, params.voterRewardWad());
      totalEscrow = totalEscrow.subtract(c.bond);
      send(j.resultOperator, reward);
      send(BURN_ADDRESS, c.bond.subtract(reward).subtract(voterPool));
      closeDispute(j);
    } else if (verdict == Verdict.CHALLENGER_WINS) {
      slashed = slashResultOperator(j, j.resultOperator);
      BigInteger reward = c.bond.min(JobParams.ofWad(slashed, params.partyRewardWad()));
      voterPool = JobParams.ofWad(slashed, params.voterRewardWad());
      send(BURN_ADDRESS, slashed.subtract(reward).subtract(voterPool));
      j.outputHash = c.claim.outputHash();
      j.finalStateHash = c.claim.finalStateHash();
      j.stepCount = c.claim.stepCount();
      j.checkpointRoot = c.claim.checkpointRoot();
      j.outputBlobKey = Bytes32.ZERO;
      j.resultOperator = c.challenger;
      j.openDisputes = 0;
      j.status = JobStatus.FINALIZED;
      emit(new SettlementEvent.JobFinalized(null, j.id, c.challenger, c.claim.outputHash(), j.fee));
      send(c.challenger, reward);
      payOut(c.challenger, c.bond.add(j.fee));
      payOut(j.submitter, j.deposit);
    } else if (verdict == Verdict.OPERATOR_REFUTED) {
      slashed = refuteResult(j, c);
    } else if (verdict == Verdict.BOTH_WRONG) {
      Address op = j.resultOperator;
      slashed = slashResultOperator(j, op);
      totalEscrow = totalEscrow.subtract(c.bond);
      BigInteger forfeit = slashed.add(c.bond);
      voterPool = JobParams.ofWad(forfeit, params.voterRewardWad());
      send(BURN_ADDRESS, forfeit.subtract(voterPool));
      discardResult(j, op);
    } else {
      payOut(c.challenger, c.bond);
      j.undecidedAttempt = j.attempt + 1;
      closeDispute(j);
    }
    emit(new SettlementEvent.DisputeResolved(null, disputeId, c.jobId, verdict, moot, slashed));
    if (!moot && j.status == JobStatus.SUBMITTED && j.undecidedAttempt == j.attempt + 1) {
      dropUndecided(j);
    }
    send(j.mode == TrustMode.REEXEC_OBJECTIVE ? objective.address() : courtAddr, voterPool);
    return new Object[] {voterPool, moot};
  }

  // ------------------------------------------------------------------ court

  private static final class Dispute {
    BigInteger id;
    BigInteger jobId;
    Address operator;
    Address challenger;
    Bytes32 operatorCommitment;
    Bytes32 challengerCommitment;
    long snapshotBlock;
    long deadline;
    BigInteger totalWeight;
    BigInteger castWeight = BigInteger.ZERO;
    BigInteger operatorWeight = BigInteger.ZERO;
    BigInteger challengerWeight = BigInteger.ZERO;
    Bytes32 leading = Bytes32.ZERO;
    BigInteger leadingWeight = BigInteger.ZERO;
    Verdict verdict = Verdict.NONE;
    boolean moot;
    BigInteger voterPool = BigInteger.ZERO;
    final Map<Bytes32, BigInteger> tally = new HashMap<>();
    final Map<Address, Vote> votes = new LinkedHashMap<>();

    DisputeInfo info() {
      return new DisputeInfo(
          id,
          jobId,
          operator,
          challenger,
          operatorCommitment,
          challengerCommitment,
          snapshotBlock,
          deadline,
          totalWeight,
          castWeight,
          operatorWeight,
          challengerWeight,
          leading,
          leadingWeight,
          verdict,
          moot,
          voterPool);
    }
  }

  private static final class Vote {
    Bytes32 commitment;
    BigInteger weight;
    long obligationSeq;
    boolean settled;
  }

  private Dispute disputeOrRevert(String action, BigInteger disputeId) {
    if (disputeId.signum() <= 0 || disputeId.compareTo(BigInteger.valueOf(disputes.size())) > 0) {
      throw revert(action, "UnknownDispute", disputeId);
    }
    Dispute d = disputes.get(disputeId.intValueExact() - 1);
    if (d == null) {
      // an objective dispute: the IntersubjectiveCourt does not know it
      throw revert(action, "UnknownDispute", disputeId);
    }
    return d;
  }

  private BigInteger voteWeight(Dispute d, Address voter) {
    return snapshotWeight(voter, Role.VERIFIER, d.snapshotBlock)
        .min(weightNow(voter, Role.VERIFIER));
  }

  /** IntersubjectiveCourt.verdictOf. */
  private Verdict verdictOf(Dispute d) {
    int quorumBps = config.court().quorumBps();
    if (d.castWeight
                .multiply(BigInteger.valueOf(10_000))
                .compareTo(d.totalWeight.multiply(BigInteger.valueOf(quorumBps)))
            < 0
        || d.castWeight.signum() == 0) {
      return Verdict.NO_QUORUM;
    }
    if (d.leadingWeight.multiply(BigInteger.TWO).compareTo(d.castWeight) <= 0) {
      return Verdict.NO_MAJORITY;
    }
    if (d.leading.equals(d.operatorCommitment)) {
      return Verdict.OPERATOR_WINS;
    }
    if (d.leading.equals(d.challengerCommitment)) {
      return Verdict.CHALLENGER_WINS;
    }
    return Verdict.BOTH_WRONG;
  }

  // ------------------------------------------------------------------ events

  private static SettlementEvent locate(SettlementEvent e, Where w) {
    return switch (e) {
      case SettlementEvent.OperatorRegistered x ->
          new SettlementEvent.OperatorRegistered(
              w, x.operator(), x.roles(), x.signer(), x.endpoint());
      case SettlementEvent.OperatorUpdated x ->
          new SettlementEvent.OperatorUpdated(w, x.operator(), x.roles(), x.signer(), x.endpoint());
      case SettlementEvent.OperatorExited x ->
          new SettlementEvent.OperatorExited(w, x.operator(), x.ejected());
      case SettlementEvent.Delegated x ->
          new SettlementEvent.Delegated(w, x.operator(), x.staker(), x.amount(), x.shares());
      case SettlementEvent.WithdrawalQueued x ->
          new SettlementEvent.WithdrawalQueued(
              w,
              x.operator(),
              x.staker(),
              x.amount(),
              x.shares(),
              x.availableAt(),
              x.obligationSeq());
      case SettlementEvent.WithdrawalCompleted x ->
          new SettlementEvent.WithdrawalCompleted(w, x.operator(), x.staker(), x.amount());
      case SettlementEvent.AllocationSet x ->
          new SettlementEvent.AllocationSet(w, x.operator(), x.role(), x.wad());
      case SettlementEvent.Slashed x ->
          new SettlementEvent.Slashed(
              w,
              x.operator(),
              x.role(),
              x.amount(),
              x.fromActive(),
              x.fromPending(),
              x.reason(),
              x.by());
      case SettlementEvent.AppCreated x ->
          new SettlementEvent.AppCreated(w, x.appId(), x.owner(), x.mode(), x.programDigest());
      case SettlementEvent.JobSubmitted x ->
          new SettlementEvent.JobSubmitted(
              w, x.jobId(), x.appId(), x.submitter(), x.inputBlobKey(), x.maxSteps(), x.fee());
      case SettlementEvent.JobQueued x ->
          new SettlementEvent.JobQueued(
              w, x.jobId(), x.attempt(), x.seedBlock(), x.snapshotBlock());
      case SettlementEvent.JobAssigned x ->
          new SettlementEvent.JobAssigned(
              w, x.jobId(), x.operator(), x.attempt(), x.deadline(), x.resumeFromCheckpoint());
      case SettlementEvent.HeartbeatPosted x ->
          new SettlementEvent.HeartbeatPosted(
              w, x.jobId(), x.operator(), x.step(), x.stateHash(), x.checkpointBlobKey());
      case SettlementEvent.HeartbeatMissed x ->
          new SettlementEvent.HeartbeatMissed(
              w, x.jobId(), x.operator(), x.reporter(), x.slashed());
      case SettlementEvent.CheckpointDiscarded x ->
          new SettlementEvent.CheckpointDiscarded(
              w, x.jobId(), x.operator(), x.step(), x.checkpointBlobKey());
      case SettlementEvent.JobDeclined x ->
          new SettlementEvent.JobDeclined(w, x.jobId(), x.operator());
      case SettlementEvent.ResultSubmitted x ->
          new SettlementEvent.ResultSubmitted(
              w, x.jobId(), x.operator(), x.result(), x.outputBlobKey());
      case SettlementEvent.JobChallenged x ->
          new SettlementEvent.JobChallenged(
              w, x.jobId(), x.disputeId(), x.challenger(), x.challengerCommitment(), x.bond());
      case SettlementEvent.DisputeResolved x ->
          new SettlementEvent.DisputeResolved(
              w, x.disputeId(), x.jobId(), x.verdict(), x.moot(), x.slashed());
      case SettlementEvent.JobFinalized x ->
          new SettlementEvent.JobFinalized(w, x.jobId(), x.paidTo(), x.outputHash(), x.fee());
      case SettlementEvent.JobFailed x -> new SettlementEvent.JobFailed(w, x.jobId(), x.reason());
      case SettlementEvent.DisputeOpened x ->
          new SettlementEvent.DisputeOpened(
              w,
              x.disputeId(),
              x.jobId(),
              x.operatorCommitment(),
              x.challengerCommitment(),
              x.snapshotBlock(),
              x.deadline(),
              x.totalWeight());
      case SettlementEvent.Voted x ->
          new SettlementEvent.Voted(w, x.disputeId(), x.voter(), x.commitment(), x.weight());
      case SettlementEvent.DisputeSettled x ->
          new SettlementEvent.DisputeSettled(
              w,
              x.disputeId(),
              x.jobId(),
              x.verdict(),
              x.castWeight(),
              x.leadingWeight(),
              x.moot());
      case SettlementEvent.VoteSettled x ->
          new SettlementEvent.VoteSettled(w, x.disputeId(), x.voter(), x.reward(), x.penalty());
    };
  }

  private static byte[] word(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] w = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, w, 32 - n, n);
    return w;
  }

  // ------------------------------------------------------------------ REEXEC_OBJECTIVE
  // (ObjectiveCourt, InputOracle, ObjectiveConfig: SimObjectiveCourt; JobManager's objective rules)

  /** Where the simulated ObjectiveCourt lives (JobManager's adapter of REEXEC_OBJECTIVE). */
  public static final Address OBJECTIVE_COURT = Config.named("ObjectiveCourt");

  static ContractRevertException revertOf(String action, String error, Object... args) {
    return revert(action, error, args);
  }

  /** Deploys an ObjectiveConfig contract (one block); returns its address. */
  public Address deployObjectiveConfig(ObjectiveAppConfig objectiveConfig) {
    return execute(() -> objective.deployConfig(objectiveConfig, Optional.empty()));
  }

  /**
   * As {@link #deployObjectiveConfig(ObjectiveAppConfig)} at {@code at} (the differential test
   * passes the address the chain deployed it at).
   */
  public Address deployObjectiveConfig(ObjectiveAppConfig objectiveConfig, Address at) {
    return execute(() -> objective.deployConfig(objectiveConfig, Optional.of(at)));
  }

  /** Where the ObjectiveCourt lives. */
  public Address objectiveCourt() {
    return objective.address();
  }

  /**
   * AppRegistry.setAppConfig by {@code owner}: names the ObjectiveConfig of an objective app (the
   * model's only contracts that can be a config).
   */
  public void setAppConfig(Address owner, BigInteger appId, Address configAt) {
    final String action = "setAppConfig";
    App a = appOrRevert(action, appId);
    if (!a.owner().equals(owner)) {
      throw revert(action, "NotAppOwner", appId, owner);
    }
    if (a.mode().code() < TrustMode.REEXEC_OBJECTIVE.code()) {
      throw revert(action, "NotAdapterMode", appId);
    }
    if (!objective.isConfig(configAt)) {
      throw revert(action, "NotAContract", configAt);
    }
    execute(() -> appConfigs.put(appId, configAt));
  }

  /**
   * InputOracle.postInput by anyone: records a job envelope's input root and length under its
   * keccak256 (a no-op when posted before); returns the digest.
   */
  public Bytes32 postInput(byte[] envelope) {
    Bytes32 digest = objective.checkEnvelope(envelope);
    execute(() -> objective.postInput(envelope, nextBlock()));
    return digest;
  }

  /** The ObjectiveCourt as {@code account} plays it: the simulator's board for GamePlayer. */
  public GameBoard gameBoard(Address account) {
    return new Board(account);
  }

  /** The objective reads a node makes beside its settlement port (ObjectiveJob). */
  public ObjectiveReads objectiveReads() {
    return new ObjectiveReads() {
      @Override
      public ObjectiveAppConfig config(Address configAt) {
        return objective
            .config(configAt)
            .orElseThrow(() ->
                new InvalidInputException(
                    "there is no contract at "
                        + configAt
                        + " (an objective app's config is an ObjectiveConfig)"));
      }

      @Override
      public Optional<ObjectiveApps.InputEntry> inputOf(Bytes32 digest) {
        return objective.inputOf(digest);
      }

      @Override
      public Optional<ObjectiveApps.InputEntry> blobInputOf(Bytes32 blobKey) {
        return Optional.empty(); // blob inputs (EIP-4844) are not modelled
      }

      @Override
      public Bytes32 prestateHash(BigInteger jobId) {
        return objective.prestateHash("prestateHash", jobId);
      }
    };
  }

  /** Every ObjectiveCourt match, by dispute id (invariant reads). */
  public List<ObjectiveMatch> objectiveMatches() {
    return objective.matches();
  }

  /** ObjectiveCourt.prestate (296 bytes). */
  public byte[] objectivePrestate(BigInteger jobId) {
    return objective.prestate("prestate", jobId);
  }

  private SimObjectiveCourt.JobView objectiveView(Job j) {
    return new SimObjectiveCourt.JobView(
        j.id,
        j.inputBlobKey,
        j.inputDigest,
        j.maxSteps,
        j.status,
        j.attempt,
        j.checkpointRoot,
        j.mode,
        j.programDigest,
        j.appConfig);
  }

  /** What the court reads of JobManager and calls back into it. */
  private final class ObjectiveJobs implements SimObjectiveCourt.Jobs {
    @Override
    public SimObjectiveCourt.JobView job(String action, BigInteger jobId) {
      return objectiveView(jobOrRevert(action, jobId));
    }

    @Override
    public SimObjectiveCourt.Resolution resolveDispute(BigInteger disputeId, Verdict verdict) {
      Object[] r = SimChain.this.resolveDispute(disputeId, verdict);
      return new SimObjectiveCourt.Resolution((BigInteger) r[0], (Boolean) r[1]);
    }

    @Override
    public void transfer(Address from, Address to, BigInteger amount) {
      SimChain.this.transfer(from, to, amount);
    }
  }

  /** JobManager.submitObjectiveResult: the court checks the result and derives the commitment. */
  private TxOutcome objectiveResult(
      Address me,
      BigInteger jobId,
      byte[] finalState,
      Bytes32 traceRoot,
      List<Bytes32> finalLeafProof,
      Bytes32 outputBlobKey) {
    final String action = "submitObjectiveResult";
    Job j = activeAssignment(action, jobId, me);
    if (j.mode != TrustMode.REEXEC_OBJECTIVE) {
      throw revert(action, "WrongMode", jobId, j.mode.code());
    }
    ResultCommitment result =
        objective.checkResult(action, objectiveView(j), finalState, traceRoot, finalLeafProof);
    return acceptResult(action, j, me, result, outputBlobKey);
  }

  /**
   * JobManager's common tail of submitResult and submitObjectiveResult: the step bounds, then the
   * result stored, the operator's active job released and the challenge window opened.
   */
  private TxOutcome acceptResult(
      String action, Job j, Address me, ResultCommitment result, Bytes32 outputBlobKey) {
    if (result.stepCount() > j.maxSteps) {
      throw revert(action, "StepsExceeded", result.stepCount(), j.maxSteps);
    }
    if (result.stepCount() < j.lastStep) {
      throw revert(action, "StepNotMonotonic", j.lastStep, result.stepCount());
    }
    execute(() -> {
      j.outputHash = result.outputHash();
      j.finalStateHash = result.finalStateHash();
      j.stepCount = result.stepCount();
      j.checkpointRoot = result.checkpointRoot();
      j.outputBlobKey = outputBlobKey;
      j.resultOperator = me;
      activeJobs.merge(me, -1, Integer::sum);
      emit(new SettlementEvent.ResultSubmitted(null, j.id, me, result, outputBlobKey));
      j.status = JobStatus.SUBMITTED;
      j.challengeDeadline = time + params.challengeWindowSeconds();
      return null;
    });
    return outcome(action);
  }

  /**
   * JobManager._dropResult(refuted = true), OperatorRefuted: the operator is slashed, the
   * challenger gets its bond back and min(bond, partyRewardWad of the slash), the rest of the slash
   * is burned; the result is dropped and the job queued again without its operator.
   */
  private BigInteger refuteResult(Job j, Challenge c) {
    Address op = j.resultOperator;
    BigInteger slashed = slashResultOperator(j, op);
    BigInteger reward = c.bond.min(JobParams.ofWad(slashed, params.partyRewardWad()));
    send(BURN_ADDRESS, slashed.subtract(reward));
    send(c.challenger, reward);
    payOut(c.challenger, c.bond);
    discardResult(j, op);
    return slashed;
  }

  /** A court move as one transaction of {@code me} at the current time. */
  private TxOutcome courtTx(String action, Runnable effects) {
    execute(() -> {
      effects.run();
      return null;
    });
    return outcome(action);
  }

  /** {@link GameBoard} over the model's ObjectiveCourt, as one account. */
  private final class Board implements GameBoard {
    private final Address me;

    Board(Address me) {
      this.me = me;
    }

    @Override
    public Address self() {
      return me;
    }

    @Override
    public long now() {
      return chainTime();
    }

    @Override
    public ObjectiveMatch match(BigInteger disputeId) {
      return objective.match(disputeId);
    }

    @Override
    public ObjectiveCourtClient.Predecessor predecessorOf(BigInteger disputeId) {
      return objective.predecessorOf(disputeId);
    }

    @Override
    public boolean moot(ObjectiveMatch match) {
      return objective.moot(match);
    }

    @Override
    public TxOutcome start(BigInteger disputeId, Bytes32 left, Bytes32 right) {
      return courtTx("start", objective.start(me, time, disputeId, left, right));
    }

    @Override
    public TxOutcome bisect(
        BigInteger disputeId,
        Bytes32 myLeft,
        Bytes32 myRight,
        Bytes32 nextLeft,
        Bytes32 nextRight) {
      return courtTx(
          "bisect", objective.bisect(me, time, disputeId, myLeft, myRight, nextLeft, nextRight));
    }

    @Override
    public TxOutcome openStride(
        BigInteger disputeId,
        Bytes32 stepRoot,
        List<Bytes32> lastLeafProof,
        Bytes32 left,
        Bytes32 right) {
      return courtTx(
          "openStride",
          objective.openStride(me, time, disputeId, stepRoot, lastLeafProof, left, right));
    }

    @Override
    public TxOutcome proveStep(
        BigInteger disputeId, byte[] preState, List<Bytes32> predecessorProof, byte[] stepProof) {
      return courtTx(
          "proveStep",
          objective.proveStep(me, time, disputeId, preState, predecessorProof, stepProof));
    }

    @Override
    public TxOutcome timeout(BigInteger disputeId) {
      return courtTx("timeout", objective.timeout(time, disputeId));
    }

    @Override
    public TxOutcome closeMoot(BigInteger disputeId) {
      return courtTx("closeMoot", objective.closeMoot(disputeId));
    }
  }

  // ------------------------------------------------------------------ the port

  private final class Port implements SettlementPort {
    private final Address me;

    Port(Address me) {
      this.me = me;
    }

    @Override
    public Address account() {
      return me;
    }

    @Override
    public long chainId() {
      return config.contracts().chainId();
    }

    @Override
    public long blockNumber() {
      return SimChain.this.blockNumber;
    }

    @Override
    public long chainTime() {
      return SimChain.this.chainTime();
    }

    @Override
    public List<SettlementEvent> events(long fromBlock, long toBlock) {
      List<SettlementEvent> out = new ArrayList<>();
      for (SettlementEvent e : events) {
        long b = e.where().block();
        if (b >= fromBlock && b <= toBlock) {
          if (out.size() == MAX_EVENTS_PER_READ) {
            throw new InvalidInputException(
                "more than "
                    + MAX_EVENTS_PER_READ
                    + " events in blocks "
                    + fromBlock
                    + ".."
                    + toBlock);
          }
          out.add(e);
        }
      }
      return out;
    }

    @Override
    public JobParams params() {
      return params;
    }

    @Override
    public JobInfo job(BigInteger jobId) {
      return jobOrRevert("getJob", jobId).info();
    }

    @Override
    public JobPin pin(BigInteger jobId) {
      Job j = jobOrRevert("pinOf", jobId);
      return new JobPin(
          j.programDigest,
          Optional.empty(),
          1,
          j.mode,
          j.role(),
          j.obligationSeq,
          j.appConfig.isZero() ? Optional.empty() : Optional.of(j.appConfig),
          j.appConfig.isZero() ? Optional.empty() : Optional.of(objective.address()));
    }

    @Override
    public BigInteger jobCount() {
      return BigInteger.valueOf(jobs.size());
    }

    @Override
    public AppInfo app(BigInteger appId) {
      App a = appOrRevert("getApp", appId);
      return new AppInfo(a.id, a.owner, a.mode, a.programDigest, new byte[0], 1);
    }

    @Override
    public DisputeInfo dispute(BigInteger disputeId) {
      return disputeOrRevert("getDispute", disputeId).info();
    }

    @Override
    public VoteInfo voteOf(BigInteger disputeId, Address voter) {
      Dispute d =
          disputeId.signum() > 0 && disputeId.compareTo(BigInteger.valueOf(disputes.size())) <= 0
              ? disputes.get(disputeId.intValueExact() - 1)
              : null;
      Vote v = d == null ? null : d.votes.get(voter);
      return v == null
          ? new VoteInfo(Bytes32.ZERO, BigInteger.ZERO, 0, false)
          : new VoteInfo(v.commitment, v.weight, v.obligationSeq, v.settled);
    }

    @Override
    public boolean hasChallenged(BigInteger jobId, Address challenger) {
      if (jobId.signum() <= 0 || jobId.compareTo(BigInteger.valueOf(jobs.size())) > 0) {
        return false;
      }
      Job j = jobs.get(jobId.intValueExact() - 1);
      return j.challengedAttempt.getOrDefault(challenger, 0L) == j.attempt + 1;
    }

    @Override
    public OperatorInfo operator(Address op) {
      Operator o = operators.get(op);
      if (o == null) {
        return new OperatorInfo(
            op,
            OperatorStatus.NONE,
            Set.of(),
            Address.ZERO,
            "",
            BigInteger.ZERO,
            BigInteger.ZERO,
            BigInteger.ZERO,
            0);
      }
      return new OperatorInfo(
          op,
          o.status,
          Role.fromMask(o.roles),
          o.signer,
          o.endpoint,
          o.activeAmount,
          o.value(o.shares.getOrDefault(op, BigInteger.ZERO)),
          o.pendingAmount,
          o.openObligations);
    }

    @Override
    public BigInteger minSelfStake() {
      return config.registry().minSelfStake();
    }

    @Override
    public Bytes32 teeResultDigest(BigInteger jobId, Bytes32 outputHash) {
      throw new UnsupportedOperationException(
          "teeResultDigest (TEE jobs) is not modelled by the simulator");
    }

    // ---------------------------------------------------------------- operators

    @Override
    public TxOutcome register(
        Set<Role> roles, Address signer, String endpoint, BigInteger selfStake) {
      final String action = "register";
      if (roles.isEmpty()) {
        throw new InvalidInputException("an operator needs at least one role");
      }
      if (selfStake.signum() <= 0) {
        throw new InvalidInputException(
            "the registration's own stake must be positive, got " + selfStake);
      }
      if (operators.containsKey(me)) {
        throw revert(action, "AlreadyRegistered", me);
      }
      BigInteger min = config.registry().minSelfStake();
      if (selfStake.compareTo(min) < 0) {
        throw revert(action, "BelowMinSelfStake", selfStake, min);
      }
      int mask = Role.mask(roles);
      checkProfile(action, mask, signer, endpoint);
      Operator ejected = null;
      if (active.size() >= config.registry().maxOperators()) {
        BigInteger least = null;
        for (Address a : active) {
          Operator o = operators.get(a);
          if ((least == null || o.activeAmount.compareTo(least) < 0) && o.openObligations == 0) {
            least = o.activeAmount;
            ejected = o;
          }
        }
        BigInteger bps = BigInteger.valueOf(10_000);
        if (ejected == null
            || selfStake
                    .multiply(bps)
                    .compareTo(
                        least.multiply(bps.add(BigInteger.valueOf(config.registry().churnBps()))))
                <= 0) {
          throw revert(
              action,
              "ActiveSetFull",
              config.registry().maxOperators(),
              ejected == null ? Address.ZERO : ejected.address,
              ejected == null ? 0 : least,
              selfStake);
        }
      }
      Address holder = operatorOfSigner.get(signer);
      if (holder != null
          && !holder.equals(me)
          && !(ejected != null && holder.equals(ejected.address))) {
        throw revert(action, "SignerInUse", signer, holder);
      }
      requireBalance(action, me, selfStake);
      final Operator toEject = ejected;
      execute(() -> {
        if (toEject != null) {
          exit(toEject, true);
        }
        operatorOfSigner.put(signer, me);
        Operator o = new Operator(me);
        o.roles = mask;
        o.signer = signer;
        o.endpoint = endpoint;
        operators.put(me, o);
        active.add(me);
        for (Role r : roles) {
          o.allocation.put(r, WAD);
        }
        emit(
            new SettlementEvent.OperatorRegistered(
                null, me, Role.fromMask(mask), signer, endpoint));
        delegate(o, me, selfStake);
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome updateOperator(Set<Role> roles, Address signer, String endpoint) {
      final String action = "updateOperator";
      if (roles.isEmpty()) {
        throw new InvalidInputException("an operator needs at least one role");
      }
      Operator o = activeOperatorOrRevert(action, me);
      int mask = Role.mask(roles);
      checkProfile(action, mask, signer, endpoint);
      if (!signer.equals(o.signer)) {
        Address holder = operatorOfSigner.get(signer);
        if (holder != null && !holder.equals(me)) {
          throw revert(action, "SignerInUse", signer, holder);
        }
      }
      execute(() -> {
        if (!signer.equals(o.signer)) {
          operatorOfSigner.put(signer, me);
          operatorOfSigner.remove(o.signer);
          o.signer = signer;
        }
        int old = o.roles;
        o.roles = mask;
        o.endpoint = endpoint;
        for (Role r : Role.values()) {
          boolean had = (old & r.bit()) != 0;
          boolean has = (mask & r.bit()) != 0;
          if (had && !has) {
            BigInteger oldWad = o.allocation.get(r);
            BigInteger[] d = o.deallocation.get(r);
            BigInteger held =
                d != null
                        && o.obligationLowWater < d[1].longValueExact()
                        && d[0].compareTo(oldWad) > 0
                    ? d[0]
                    : oldWad;
            o.deallocation.put(r, new BigInteger[] {held, BigInteger.valueOf(o.nextObligationSeq)});
            o.allocation.put(r, BigInteger.ZERO);
          } else if (!had && has) {
            o.allocation.put(r, WAD);
          }
        }
        syncWeights(o);
        emit(new SettlementEvent.OperatorUpdated(null, me, Role.fromMask(mask), signer, endpoint));
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome deposit(BigInteger amount) {
      final String action = "deposit";
      if (amount.signum() <= 0) {
        throw new InvalidInputException("a stake deposit must be positive, got " + amount);
      }
      Operator o = activeOperatorOrRevert(action, me);
      requireBalance(action, me, amount);
      if (sharesFor(o, amount).signum() == 0) {
        throw revert(action, "ZeroAmount");
      }
      execute(() -> {
        delegate(o, me, amount);
        return null;
      });
      return outcome(action);
    }

    // ---------------------------------------------------------------- jobs

    @Override
    public TxOutcome assign(BigInteger jobId) {
      final String action = "assign";
      Job j = jobOrRevert(action, jobId);
      if (j.status != JobStatus.QUEUED) {
        throw revert(action, "WrongStatus", jobId, j.status.ordinal());
      }
      long nb = nextBlock();
      if (time <= j.expiresAt && nb <= j.seedBlock) {
        throw revert(action, "SeedNotReady", jobId, j.seedBlock);
      }
      execute(() -> {
        if (time > j.expiresAt) {
          fail(j, "expired");
          return null;
        }
        if (nb - j.seedBlock > 256) {
          queue(j); // blockhash(seedBlock) is 0 more than 256 blocks later
          return null;
        }
        int cap = params.maxActiveJobs();
        List<Assignment.Candidate> candidates = eligibleAt(j.role(), j.snapshotBlock);
        Set<Address> excluded = new HashSet<>();
        for (Assignment.Candidate c : candidates) {
          if (j.failed.contains(c.operator()) || activeJobs(c.operator()) >= cap) {
            excluded.add(c.operator());
          }
        }
        Optional<Address> chosen =
            Assignment.pick(blockHashes.apply(j.seedBlock), j.id, j.attempt, candidates, excluded);
        if (chosen.isEmpty()) {
          fail(j, "no-operator");
          return null;
        }
        Address op = chosen.get();
        j.assignee = op;
        j.status = JobStatus.ASSIGNED;
        j.deadline = Math.min(time + params.heartbeatWindowSeconds(), j.expiresAt);
        activeJobs.merge(op, 1, Integer::sum);
        j.obligationSeq = openObligation(operators.get(op));
        emit(
            new SettlementEvent.JobAssigned(
                null, j.id, op, j.attempt, j.deadline, j.lastCheckpointBlobKey));
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome heartbeat(
        BigInteger jobId, long step, Bytes32 stateHash, Bytes32 checkpointBlobKey) {
      final String action = "heartbeat";
      if (step < 0) {
        throw new InvalidInputException("a step is never negative, got " + step);
      }
      Job j = activeAssignment(action, jobId, me);
      if (step < j.lastStep) {
        throw revert(action, "StepNotMonotonic", j.lastStep, step);
      }
      if (step > j.maxSteps) {
        throw revert(action, "StepsExceeded", step, j.maxSteps);
      }
      execute(() -> {
        j.lastStep = step;
        j.lastStateHash = stateHash;
        j.lastCheckpointBlobKey = checkpointBlobKey;
        j.deadline = Math.min(time + params.heartbeatWindowSeconds(), j.expiresAt);
        emit(
            new SettlementEvent.HeartbeatPosted(
                null, j.id, me, step, stateHash, checkpointBlobKey));
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome restartJob(BigInteger jobId) {
      final String action = "restartJob";
      Job j = activeAssignment(action, jobId, me);
      execute(() -> {
        emit(
            new SettlementEvent.CheckpointDiscarded(
                null, j.id, me, j.lastStep, j.lastCheckpointBlobKey));
        j.lastStep = 0;
        j.lastStateHash = Bytes32.ZERO;
        j.lastCheckpointBlobKey = Bytes32.ZERO;
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome reportMissed(BigInteger jobId) {
      final String action = "reportMissed";
      Job j = jobOrRevert(action, jobId);
      if (j.status != JobStatus.ASSIGNED) {
        throw revert(action, "WrongStatus", jobId, j.status.ordinal());
      }
      if (time <= j.deadline) {
        throw revert(action, "DeadlineNotPassed", jobId, j.deadline);
      }
      execute(() -> {
        if (time > j.expiresAt) {
          releaseAssignee(j);
          fail(j, "expired");
          return null;
        }
        Address missed = j.assignee;
        BigInteger slashed = BigInteger.ZERO;
        long last = lastLivenessSlashAt.getOrDefault(missed, 0L);
        if (last == 0 || time >= last + params.livenessSlashCooldownSeconds()) {
          lastLivenessSlashAt.put(missed, time);
          slashed = slash(missed, j.role(), params.livenessSlashWad(), "liveness", jobsAddr);
          BigInteger reward = JobParams.ofWad(slashed, params.reporterShareWad());
          send(me, reward);
          send(BURN_ADDRESS, slashed.subtract(reward));
        }
        j.failed.add(missed);
        emit(new SettlementEvent.HeartbeatMissed(null, j.id, missed, me, slashed));
        releaseAssignee(j);
        requeue(j);
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome submitResult(
        BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey) {
      final String action = "submitResult";
      Job j = activeAssignment(action, jobId, me);
      if (j.mode == TrustMode.REEXEC_OBJECTIVE) {
        throw revert(action, "WrongMode", jobId, j.mode.code());
      }
      return acceptResult(action, j, me, result, outputBlobKey);
    }

    @Override
    public TxOutcome submitCheckedResult(
        BigInteger jobId, byte[] envelope, byte[] output, byte[] evidence, Bytes32 outputBlobKey) {
      throw new UnsupportedOperationException(
          "submitCheckedResult (adapter-mode jobs) is not modelled by the simulator");
    }

    @Override
    public TxOutcome submitObjectiveResult(
        BigInteger jobId,
        byte[] finalState,
        Bytes32 traceRoot,
        List<Bytes32> finalLeafProof,
        Bytes32 outputBlobKey) {
      return objectiveResult(me, jobId, finalState, traceRoot, finalLeafProof, outputBlobKey);
    }

    @Override
    public TxOutcome submitTeeResult(
        BigInteger jobId, ResultCommitment result, Bytes32 outputBlobKey, Signature appSignature) {
      throw new UnsupportedOperationException(
          "submitTeeResult (TEE jobs) is not modelled by the simulator");
    }

    @Override
    public TxOutcome declineJob(BigInteger jobId) {
      final String action = "declineJob";
      Job j = activeAssignment(action, jobId, me);
      execute(() -> {
        j.failed.add(me);
        emit(new SettlementEvent.JobDeclined(null, j.id, me));
        releaseAssignee(j);
        requeue(j);
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome finalizeJob(BigInteger jobId) {
      final String action = "finalize";
      Job j = jobOrRevert(action, jobId);
      if (j.status != JobStatus.SUBMITTED) {
        throw revert(action, "WrongStatus", jobId, j.status.ordinal());
      }
      if (time <= j.challengeDeadline) {
        throw revert(action, "ChallengeWindowOpen", jobId, j.challengeDeadline);
      }
      execute(() -> {
        settle(j);
        return null;
      });
      return outcome(action);
    }

    // ---------------------------------------------------------------- disputes

    @Override
    public Created challenge(BigInteger jobId, ResultCommitment ours) {
      final String action = "challenge";
      Job j = jobOrRevert(action, jobId);
      if (j.status != JobStatus.SUBMITTED && j.status != JobStatus.DISPUTED) {
        throw revert(action, "WrongStatus", jobId, j.status.ordinal());
      }
      if (time > j.challengeDeadline) {
        throw revert(action, "ChallengeWindowClosed", jobId, j.challengeDeadline);
      }
      if (me.equals(j.resultOperator)) {
        throw revert(action, "SelfChallenge", jobId, me);
      }
      if (j.challengedAttempt.getOrDefault(me, 0L) == j.attempt + 1) {
        throw revert(action, "AlreadyChallenged", jobId, me);
      }
      if (ours.stepCount() > j.maxSteps) {
        throw revert(action, "StepsExceeded", ours.stepCount(), j.maxSteps);
      }
      if (j.mode != TrustMode.REEXEC_INTERSUBJECTIVE && j.mode != TrustMode.REEXEC_OBJECTIVE) {
        throw revert(action, "UnsupportedMode", j.mode.code());
      }
      Bytes32 operatorCommitment = j.commitment();
      Bytes32 challengerCommitment = ours.commitment();
      if (challengerCommitment.equals(operatorCommitment)) {
        throw revert(action, "SameCommitment", challengerCommitment);
      }
      BigInteger bond = params.challengeBond();
      requireBalance(action, me, bond);
      // ObjectiveCourt.openDispute runs after the bond's transfer
      if (j.mode == TrustMode.REEXEC_OBJECTIVE) {
        objective.checkOpen(
            action,
            BigInteger.valueOf(challenges.size() + 1L),
            objectiveView(j),
            ours.checkpointRoot());
      }
      BigInteger id =
          execute(() -> {
            j.challengedAttempt.put(me, j.attempt + 1);
            Challenge c = new Challenge();
            c.jobId = j.id;
            c.challenger = me;
            c.attempt = j.attempt;
            c.bond = bond;
            c.claim = ours;
            challenges.add(c);
            BigInteger disputeId = BigInteger.valueOf(challenges.size());
            j.openDisputes++;
            j.status = JobStatus.DISPUTED;
            totalEscrow = totalEscrow.add(bond);
            transfer(me, jobsAddr, bond);
            emit(
                new SettlementEvent.JobChallenged(
                    null, j.id, disputeId, me, challengerCommitment, bond));
            if (j.mode == TrustMode.REEXEC_OBJECTIVE) {
              // The objective court plays this dispute; the intersubjective court has no entry.
              disputes.add(null);
              objective.open(
                  disputeId,
                  objectiveView(j),
                  j.attempt,
                  ours.checkpointRoot(),
                  j.resultOperator,
                  me,
                  time);
              return disputeId;
            }
            Dispute d = new Dispute();
            d.id = disputeId;
            d.jobId = j.id;
            d.operator = j.resultOperator;
            d.challenger = me;
            d.operatorCommitment = operatorCommitment;
            d.challengerCommitment = challengerCommitment;
            d.snapshotBlock = nextBlock() - 1;
            d.deadline = time + config.court().votingPeriodSeconds();
            d.totalWeight = snapshotTotalWeight(Role.VERIFIER, d.snapshotBlock);
            disputes.add(d);
            emit(
                new SettlementEvent.DisputeOpened(
                    null,
                    disputeId,
                    j.id,
                    operatorCommitment,
                    challengerCommitment,
                    d.snapshotBlock,
                    d.deadline,
                    d.totalWeight));
            return disputeId;
          });
      return new Created(id, outcome(action));
    }

    @Override
    public TxOutcome vote(BigInteger disputeId, Bytes32 commitment) {
      final String action = "vote";
      Dispute d = disputeOrRevert(action, disputeId);
      if (time > d.deadline) {
        throw revert(action, "VotingClosed", disputeId, d.deadline);
      }
      if (me.equals(d.operator) || me.equals(d.challenger)) {
        throw revert(action, "PartyCannotVote", disputeId, me);
      }
      if (d.votes.containsKey(me)) {
        throw revert(action, "AlreadyVoted", disputeId, me);
      }
      BigInteger weight = voteWeight(d, me);
      if (weight.signum() == 0 || weight.compareTo(minStake.get(Role.VERIFIER)) < 0) {
        throw revert(action, "NotVerifier", me, weight);
      }
      execute(() -> {
        Vote v = new Vote();
        v.commitment = commitment;
        v.weight = weight;
        v.obligationSeq = openObligation(operators.get(me));
        d.votes.put(me, v);
        BigInteger t = d.tally.getOrDefault(commitment, BigInteger.ZERO).add(weight);
        d.tally.put(commitment, t);
        d.castWeight = d.castWeight.add(weight);
        if (commitment.equals(d.operatorCommitment)) {
          d.operatorWeight = d.operatorWeight.add(weight);
        } else if (commitment.equals(d.challengerCommitment)) {
          d.challengerWeight = d.challengerWeight.add(weight);
        }
        if (t.compareTo(d.leadingWeight) > 0) {
          d.leading = commitment;
          d.leadingWeight = t;
        }
        emit(new SettlementEvent.Voted(null, disputeId, me, commitment, weight));
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome resolve(BigInteger disputeId) {
      final String action = "resolve";
      Dispute d = disputeOrRevert(action, disputeId);
      if (time <= d.deadline) {
        throw revert(action, "VotingOpen", disputeId, d.deadline);
      }
      if (d.verdict != Verdict.NONE) {
        throw revert(action, "AlreadyResolved", disputeId);
      }
      execute(() -> {
        Verdict verdict = verdictOf(d);
        d.verdict = verdict;
        Object[] r = resolveDispute(disputeId, verdict);
        d.voterPool = (BigInteger) r[0];
        d.moot = (Boolean) r[1];
        emit(
            new SettlementEvent.DisputeSettled(
                null, disputeId, d.jobId, verdict, d.castWeight, d.leadingWeight, d.moot));
        return null;
      });
      return outcome(action);
    }

    @Override
    public TxOutcome settleVote(BigInteger disputeId, Address voter) {
      final String action = "settleVote";
      Dispute d = disputeOrRevert(action, disputeId);
      if (d.verdict == Verdict.NONE) {
        throw revert(action, "NotResolved", disputeId);
      }
      Vote v = d.votes.get(voter);
      if (v == null) {
        throw revert(action, "NoVote", disputeId, voter);
      }
      if (v.settled) {
        throw revert(action, "VoteSettledAlready", disputeId, voter);
      }
      execute(() -> {
        v.settled = true;
        boolean decided = !d.moot && d.verdict.decided();
        BigInteger reward = BigInteger.ZERO;
        BigInteger penalty = BigInteger.ZERO;
        if (decided) {
          if (v.commitment.equals(d.leading)) {
            reward = d.voterPool.multiply(v.weight).divide(d.leadingWeight);
          } else {
            penalty =
                slash(voter, Role.VERIFIER, config.court().voterPenaltyWad(), "vote", courtAddr);
          }
        }
        closeObligation(voter, v.obligationSeq);
        emit(new SettlementEvent.VoteSettled(null, disputeId, voter, reward, penalty));
        transfer(courtAddr, voter, reward);
        transfer(courtAddr, BURN_ADDRESS, penalty);
        return null;
      });
      return outcome(action);
    }
  }

  /** Operators that ever registered, in address order (invariant sweeps). */
  public Set<Address> registeredOperators() {
    return Collections.unmodifiableSet(new TreeSet<>(operators.keySet()));
  }
}
