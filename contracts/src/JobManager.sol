// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StakeRegistry} from "./StakeRegistry.sol";
import {AppRegistry} from "./AppRegistry.sol";
import {IDisputeCourt} from "./IDisputeCourt.sol";
import {IResultMode} from "./IResultMode.sol";
import {IObjectiveCourt} from "./IObjectiveCourt.sol";
import {Roles} from "./Roles.sol";

/// @title JobManager (settlement protocol v2)
/// @notice Jobs: submit (fee and deposit escrowed; app release and parameters pinned) -> queued until a
///         seed block nobody controls at submission -> assigned by stake snapshot -> heartbeats with
///         checkpoints -> result commitment -> challenge window in which any number of challengers each
///         open their own dispute -> finalized when the window is over and no dispute is open, or
///         overturned by a dispute. A missed deadline slashes the assignee (at most once per cooldown)
///         and queues the job again; a job past its expiry fails with everything refunded. A job of an
///         adapter mode (code >= 3, e.g. ZK) skips the window: the mode's adapter (IResultMode, registered by
///         governance and pinned per job) checks its result against the job's own input, and it is finalized
///         in the transaction that submits it (submitCheckedResult). A REEXEC_OBJECTIVE job (mode 2) pins its court
///         (ObjectiveCourt, registered under mode 2): its result is a trace commitment the court checks
///         (submitObjectiveResult), and its disputes are that court's bisection games.
///         Rules: docs/spec/settlement.md, docs/spec/modes.md, docs/spec/zk.md, docs/spec/objective.md.
contract JobManager is Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    enum JobStatus {
        None,
        Assigned,
        Submitted,
        Disputed,
        Finalized,
        Failed,
        Queued
    }

    /// @notice Governance parameters. Every change is a new version; a job keeps the version it was
    ///         submitted under (court included), so a change never touches a live job.
    struct Params {
        uint64 heartbeatWindow; // seconds an assignee has between heartbeats (and to submit)
        uint64 challengeWindow; // seconds after a result during which it can be challenged
        uint64 maxJobDuration; // seconds from submission after which an unfinished job can be expired
        uint64 maxStepsLimit; // upper bound on a job's maxSteps
        uint64 livenessSlashCooldown; // at most one liveness slash per operator per this many seconds
        uint32 maxActiveJobs; // jobs one operator may hold assigned at once
        uint256 livenessSlashWad; // fraction of the role's slashable stake taken for a missed deadline
        uint256 disputeSlashWad; // fraction taken from an operator whose result a dispute overturns
        uint256 challengeBond; // tokens a challenger locks per dispute
        uint256 minFee; // smallest job fee
        uint256 submitterDeposit; // locked with every job, returned when it ends
        uint256 reporterShareWad; // of a liveness slash, to the reporter (the rest is burned)
        uint256 partyRewardWad; // of a dispute loser's forfeit, to the winning party (a challenger: at most its bond)
        uint256 voterRewardWad; // of a dispute loser's forfeit, to the majority voters (through the court)
        address court; // decides this version's disputes
    }

    struct Job {
        uint256 appId;
        address submitter;
        bytes32 inputBlobKey;
        bytes32 inputDigest;
        uint64 maxSteps;
        uint256 fee;
        uint256 deposit;
        JobStatus status; // uint8 in the ABI
        address assignee;
        uint32 attempt;
        uint64 deadline;
        uint64 expiresAt;
        uint64 seedBlock;
        uint64 snapshotBlock;
        uint64 lastStep;
        bytes32 lastStateHash;
        bytes32 lastCheckpointBlobKey;
        bytes32 outputHash;
        bytes32 finalStateHash;
        uint64 stepCount;
        bytes32 checkpointRoot;
        bytes32 outputBlobKey;
        address resultOperator;
        uint64 challengeDeadline;
        uint32 openDisputes;
        uint32 paramsVersion;
    }

    /// @notice What a job runs and under which terms, fixed at submission.
    struct Pin {
        bytes32 programDigest;
        address teeSigner;
        uint32 appVersion;
        uint8 mode;
        uint8 role; // COMPUTE, or TEE for a TEE app
        uint64 obligationSeq; // the assignee's (then the result operator's) obligation in the registry
        address appConfig; // an adapter-mode or objective app's config (a ZK app's Groth16 verifier, an ObjectiveConfig), else 0
        address adapter; // the mode's adapter (IResultMode; for mode 2 the ObjectiveCourt) at submission, else 0
    }

    struct Dispute {
        uint256 jobId;
        address challenger;
        uint32 attempt; // the job attempt whose result it disputes; another attempt makes it moot
        bool resolved;
        uint8 verdict; // IDisputeCourt.Verdict
        uint256 bond;
        bytes32 outputHash;
        bytes32 finalStateHash;
        uint64 stepCount;
        bytes32 checkpointRoot;
    }

    uint256 public constant WAD = 1e18;
    bytes32 public constant REASON_LIVENESS = "liveness";
    bytes32 public constant REASON_DISPUTE = "dispute";
    bytes32 public constant FAIL_NO_OPERATOR = "no-operator";
    bytes32 public constant FAIL_EXPIRED = "expired";
    /// @notice Blocks between queueing a job and the block whose hash seeds its assignment.
    uint64 public constant SEED_DELAY_BLOCKS = 1;
    /// @notice Slashed tokens that nobody is paid are sent here; no key controls this address.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @dev The tag of teeResultDigest.
    bytes32 public constant TEE_RESULT_TAG = keccak256("TrustDial TEE result v2");
    /// @notice Gas an adapter's checkResult may use at most (docs/spec/modes.md §2).
    uint256 public constant MODE_CHECK_GAS = 2_000_000;
    /// @notice Mode codes below this are built in (TEE, REEXEC_INTERSUBJECTIVE, REEXEC_OBJECTIVE); from it on, a mode
    ///         is an adapter registered by governance.
    uint8 public constant FIRST_ADAPTER_MODE = 3;
    /// @dev REEXEC_OBJECTIVE: its "adapter" is its court (ObjectiveCourt), registered like an adapter's.
    uint8 internal constant OBJECTIVE_MODE = 2;
    /// @dev Longest adapter revert data re-thrown as is; longer (or empty) is ResultRefused.
    uint256 internal constant MAX_MODE_REVERT = 1024;
    /// @dev The magic of a job input envelope (docs/spec/job-input.md).
    bytes8 internal constant ENVELOPE_MAGIC = "TDJOBIN1";

    StakeRegistry public immutable registry;
    AppRegistry public immutable apps;
    IERC20 public immutable token;

    mapping(uint32 version => Params) private _params;
    uint32 public paramsVersion;

    mapping(uint8 mode => address adapter) private _modeAdapters;
    mapping(uint256 jobId => Job) private _jobs;
    mapping(uint256 jobId => Pin) private _pins;
    uint256 private _jobCount;
    mapping(uint256 jobId => mapping(address operator => bool)) public hasFailed;
    /// @dev attempt + 1 of the attempt each account last challenged (0: never): once per account per attempt,
    ///      so a dispute that went moot or a BothWrong re-queue never locks a challenger out of the next result.
    mapping(uint256 jobId => mapping(address challenger => uint32)) private _challengedAttempt;
    /// @dev attempt + 1 of the attempt one of whose disputes ended without a decision (NoQuorum, NoMajority; 0:
    ///      none): when its last dispute closes, its result is dropped without a slash (settlement.md §5).
    mapping(uint256 jobId => uint32) private _undecidedAttempt;
    mapping(uint256 disputeId => Dispute) private _disputes;
    uint256 public disputeCount;
    mapping(address operator => uint32) public activeJobs;
    mapping(address operator => uint64) public lastLivenessSlashAt;
    /// @notice Fees, deposits and bonds held for unsettled jobs; the token balance of this contract covers it.
    uint256 public totalEscrow;

    error UnknownJob(uint256 jobId);
    error UnknownDispute(uint256 disputeId);
    error InvalidParams(string reason);
    error InvalidMaxSteps(uint64 maxSteps, uint64 limit);
    error FeeTooLow(uint256 fee, uint256 minFee);
    error ZeroBlobKey();
    error ZeroAddress();
    error WrongStatus(uint256 jobId, JobStatus status);
    error NotAssignee(uint256 jobId, address caller);
    error DeadlinePassed(uint256 jobId, uint64 deadline);
    error DeadlineNotPassed(uint256 jobId, uint64 deadline);
    error NotExpired(uint256 jobId, uint64 expiresAt);
    error SeedNotReady(uint256 jobId, uint64 seedBlock);
    error StepNotMonotonic(uint64 lastStep, uint64 step);
    error StepsExceeded(uint64 steps, uint64 maxSteps);
    error ChallengeWindowClosed(uint256 jobId, uint64 challengeDeadline);
    error ChallengeWindowOpen(uint256 jobId, uint64 challengeDeadline);
    error SelfChallenge(uint256 jobId, address operator);
    error AlreadyChallenged(uint256 jobId, address challenger);
    error SameCommitment(bytes32 commitment);
    error UnsupportedMode(uint8 mode);
    error CourtNotSet();
    error TeeSignatureRequired(uint256 jobId, address signer);
    error NoTeeSigner(uint256 appId);
    error BadTeeSignature(uint256 jobId, address recovered, address expected);
    error NotCourt(address caller);
    error DisputeResolvedAlready(uint256 disputeId);
    error WrongMode(uint256 jobId, uint8 mode);
    error InputMismatch(uint256 jobId);
    error ModeNotRegistered(uint8 mode);
    error NoAppConfig(uint256 appId);
    error InvalidMode(uint8 mode);
    error NotAContract(address account);
    error BadEnvelope(uint256 jobId);
    error ResultRefused(uint256 jobId);

    event JobSubmitted(
        uint256 indexed jobId,
        uint256 indexed appId,
        address indexed submitter,
        bytes32 inputBlobKey,
        uint64 maxSteps,
        uint256 fee
    );
    event JobQueued(uint256 indexed jobId, uint32 attempt, uint64 seedBlock, uint64 snapshotBlock);
    event JobAssigned(
        uint256 indexed jobId, address indexed operator, uint32 attempt, uint64 deadline, bytes32 resumeFromCheckpoint
    );
    event HeartbeatPosted(
        uint256 indexed jobId, address indexed operator, uint64 step, bytes32 stateHash, bytes32 checkpointBlobKey
    );
    event HeartbeatMissed(uint256 indexed jobId, address indexed operator, address indexed reporter, uint256 slashed);
    event CheckpointDiscarded(uint256 indexed jobId, address indexed operator, uint64 step, bytes32 checkpointBlobKey);
    event ResultSubmitted(
        uint256 indexed jobId,
        address indexed operator,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    );
    event JobChallenged(
        uint256 indexed jobId, uint256 indexed disputeId, address indexed challenger, bytes32 challengerCommitment, uint256 bond
    );
    event DisputeResolved(uint256 indexed disputeId, uint256 indexed jobId, uint8 verdict, bool moot, uint256 slashed);
    event JobFinalized(uint256 indexed jobId, address indexed paidTo, bytes32 outputHash, uint256 fee);
    event JobFailed(uint256 indexed jobId, bytes32 reason);
    event JobDeclined(uint256 indexed jobId, address indexed operator);
    event ParamsSet(uint32 version, Params params);
    event ModeAdapterSet(uint8 indexed mode, address adapter);

    constructor(address owner, StakeRegistry registry_, AppRegistry apps_, IERC20 token_, Params memory params_)
        Ownable(owner)
    {
        if (address(registry_) == address(0) || address(apps_) == address(0) || address(token_) == address(0)) {
            revert ZeroAddress();
        }
        registry = registry_;
        apps = apps_;
        token = token_;
        _setParams(params_);
    }

    // ---------------------------------------------------------------- admin (behind the timelock)

    /// @notice Adds a parameter version; jobs submitted from now on use it, live jobs keep theirs.
    function setParams(Params calldata params_) external onlyOwner {
        _setParams(params_);
    }

    function params() external view returns (Params memory) {
        return _params[paramsVersion];
    }

    function paramsAt(uint32 version) external view returns (Params memory) {
        return _params[version];
    }

    /// @notice Registers `adapter` (an IResultMode contract; for mode 2 the ObjectiveCourt) as the acceptance rule of
    ///         mode `mode` (>= 2) for jobs submitted from now on; live jobs keep the adapter they pinned. address(0)
    ///         unregisters the mode: its apps get no new jobs (ModeNotRegistered).
    function setModeAdapter(uint8 mode, address adapter) external onlyOwner {
        if (mode < OBJECTIVE_MODE) revert InvalidMode(mode);
        if (adapter != address(0) && adapter.code.length == 0) revert NotAContract(adapter);
        _modeAdapters[mode] = adapter;
        emit ModeAdapterSet(mode, adapter);
    }

    /// @notice The adapter new jobs of mode `mode` pin; 0 when none is registered (and for modes 0 and 1).
    function modeAdapterOf(uint8 mode) external view returns (address) {
        return _modeAdapters[mode];
    }

    // ---------------------------------------------------------------- lifecycle

    /// @notice Submits a job of `appId`: escrows `fee` (>= minFee) plus the submitter deposit, pins the
    ///         app's release and the parameters, and queues it for assignment at the next seed block.
    ///         A TEE app needs its signer set; an adapter-mode app its config and its mode a registered adapter.
    function submitJob(uint256 appId, bytes32 inputBlobKey, bytes32 inputDigest, uint64 maxSteps, uint256 fee)
        external
        nonReentrant
        returns (uint256 jobId)
    {
        Params storage p = _params[paramsVersion];
        Pin memory pin = _release(appId);
        if (inputBlobKey == bytes32(0)) revert ZeroBlobKey();
        if (maxSteps == 0 || maxSteps > p.maxStepsLimit) revert InvalidMaxSteps(maxSteps, p.maxStepsLimit);
        if (fee < p.minFee) revert FeeTooLow(fee, p.minFee);

        jobId = ++_jobCount;
        Job storage job = _jobs[jobId];
        job.appId = appId;
        job.submitter = msg.sender;
        job.inputBlobKey = inputBlobKey;
        job.inputDigest = inputDigest;
        job.maxSteps = maxSteps;
        job.fee = fee;
        job.deposit = p.submitterDeposit;
        job.expiresAt = uint64(block.timestamp) + p.maxJobDuration;
        job.paramsVersion = paramsVersion;
        _pins[jobId] = pin;
        emit JobSubmitted(jobId, appId, msg.sender, inputBlobKey, maxSteps, fee);
        _queue(jobId, job);

        uint256 total = fee + job.deposit;
        if (total != 0) {
            totalEscrow += total;
            token.safeTransferFrom(msg.sender, address(this), total);
        }
    }

    /// @notice Anyone assigns a queued job once its seed block is mined: the seed is that block's hash,
    ///         unknown at submission. If the hash is no longer readable (256 blocks later) the job is
    ///         queued again with a new seed block; if nobody is eligible, or the job expired, it fails
    ///         with fee and deposit refunded. Returns whether the job now has an assignee.
    function assign(uint256 jobId) external nonReentrant returns (bool) {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Queued) revert WrongStatus(jobId, job.status);
        if (block.timestamp > job.expiresAt) {
            _fail(jobId, job, FAIL_EXPIRED);
            return false;
        }
        if (block.number <= job.seedBlock) revert SeedNotReady(jobId, job.seedBlock);
        bytes32 seed = blockhash(job.seedBlock);
        if (seed == bytes32(0)) {
            _queue(jobId, job);
            return false;
        }
        address chosen = _pick(jobId, job, seed);
        if (chosen == address(0)) {
            _fail(jobId, job, FAIL_NO_OPERATOR);
            return false;
        }
        Params storage p = _params[job.paramsVersion];
        uint64 deadline = uint64(Math.min(block.timestamp + p.heartbeatWindow, job.expiresAt));
        job.assignee = chosen;
        job.status = JobStatus.Assigned;
        job.deadline = deadline;
        activeJobs[chosen] += 1;
        _pins[jobId].obligationSeq = registry.openObligation(chosen);
        emit JobAssigned(jobId, chosen, job.attempt, deadline, job.lastCheckpointBlobKey);
        return true;
    }

    /// @notice The assignee reports progress: the step reached, the VM state hash there, and the DA
    ///         blob key of the checkpoint a successor would resume from. Extends the deadline (never past
    ///         the job's expiry).
    function heartbeat(uint256 jobId, uint64 step, bytes32 stateHash, bytes32 checkpointBlobKey) external {
        Job storage job = _activeAssignment(jobId);
        if (step < job.lastStep) revert StepNotMonotonic(job.lastStep, step);
        if (step > job.maxSteps) revert StepsExceeded(step, job.maxSteps);

        job.lastStep = step;
        job.lastStateHash = stateHash;
        job.lastCheckpointBlobKey = checkpointBlobKey;
        job.deadline = uint64(Math.min(block.timestamp + _params[job.paramsVersion].heartbeatWindow, job.expiresAt));
        emit HeartbeatPosted(jobId, msg.sender, step, stateHash, checkpointBlobKey);
    }

    /// @notice The assignee drops the job's last checkpoint and runs it from step 0: a checkpoint it
    ///         cannot restore (a predecessor's poisoned heartbeat) never makes a job unfinishable, and a
    ///         deterministic job ends with the same result either way.
    function restartJob(uint256 jobId) external {
        Job storage job = _activeAssignment(jobId);
        emit CheckpointDiscarded(jobId, msg.sender, job.lastStep, job.lastCheckpointBlobKey);
        job.lastStep = 0;
        job.lastStateHash = bytes32(0);
        job.lastCheckpointBlobKey = bytes32(0);
    }

    /// @notice Anyone may report an assignee that let its deadline pass: it is slashed livenessSlashWad of
    ///         its stake for the job's role (at most once per livenessSlashCooldown; the reporter gets
    ///         reporterShareWad of it), excluded from this job, and the job is queued again with its last
    ///         checkpoint kept. A job past its expiry fails instead, nobody slashed.
    function reportMissed(uint256 jobId) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Assigned) revert WrongStatus(jobId, job.status);
        if (block.timestamp <= job.deadline) revert DeadlineNotPassed(jobId, job.deadline);
        if (block.timestamp > job.expiresAt) {
            _releaseAssignee(jobId, job);
            _fail(jobId, job, FAIL_EXPIRED);
            return;
        }

        address missed = job.assignee;
        Params storage p = _params[job.paramsVersion];
        uint256 slashed;
        uint64 last = lastLivenessSlashAt[missed];
        if (last == 0 || block.timestamp >= uint256(last) + p.livenessSlashCooldown) {
            lastLivenessSlashAt[missed] = uint64(block.timestamp);
            slashed = registry.slash(missed, _pins[jobId].role, p.livenessSlashWad, REASON_LIVENESS);
            uint256 reward = slashed * p.reporterShareWad / WAD;
            _send(msg.sender, reward);
            _send(BURN_ADDRESS, slashed - reward);
        }
        hasFailed[jobId][missed] = true;
        emit HeartbeatMissed(jobId, missed, msg.sender, slashed);
        _releaseAssignee(jobId, job);
        _requeue(jobId, job);
    }

    /// @notice The assignee hands the job back before its deadline, without penalty (it cannot run it:
    ///         no TEE install, a launch the KMS refuses for the job itself). It is never assigned this job
    ///         again; the job is queued for the next attempt.
    function declineJob(uint256 jobId) external nonReentrant {
        Job storage job = _activeAssignment(jobId);
        hasFailed[jobId][msg.sender] = true;
        emit JobDeclined(jobId, msg.sender);
        _releaseAssignee(jobId, job);
        _requeue(jobId, job);
    }

    /// @notice Anyone ends a queued or assigned job that is past its expiry: it fails, the submitter gets
    ///         fee and deposit back, and nobody is slashed (an assignee that kept heartbeating was live).
    function expire(uint256 jobId) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Queued && job.status != JobStatus.Assigned) revert WrongStatus(jobId, job.status);
        if (block.timestamp <= job.expiresAt) revert NotExpired(jobId, job.expiresAt);
        if (job.status == JobStatus.Assigned) _releaseAssignee(jobId, job);
        _fail(jobId, job, FAIL_EXPIRED);
    }

    /// @notice The assignee posts its result commitment; the challenge window starts. A TEE app's results
    ///         go through submitTeeResult, an objective app's through submitObjectiveResult, an adapter-mode app's
    ///         through submitCheckedResult.
    function submitResult(
        uint256 jobId,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    ) external {
        Job storage job = _activeAssignment(jobId);
        Pin storage pin = _builtIn(jobId);
        address signer = pin.teeSigner;
        if (signer != address(0)) revert TeeSignatureRequired(jobId, signer);
        _submit(jobId, job, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @notice A TEE app's result, signed by the app wallet pinned at submission (EIP-191 over
    ///         teeResultDigest, which binds this attempt and its assignee).
    function submitTeeResult(
        uint256 jobId,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey,
        bytes calldata signature
    ) external {
        Job storage job = _activeAssignment(jobId);
        Pin storage pin = _builtIn(jobId);
        address signer = pin.teeSigner;
        if (signer == address(0)) revert NoTeeSigner(job.appId);
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(MessageHashUtils.toEthSignedMessageHash(teeResultDigest(jobId, outputHash)), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer) revert BadTeeSignature(jobId, recovered, signer);
        _submit(jobId, job, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @notice A result of an adapter-mode job (docs/spec/modes.md §2): the job's input envelope, the output and
    ///         the evidence the mode needs (for ZK, zk.md §4: the Groth16 proof). The adapter pinned for the job
    ///         checks the output against the input taken here from the job's own envelope (fixed by its
    ///         inputDigest), so evidence for another input or another output cannot pass. It is called with
    ///         staticcall and at most MODE_CHECK_GAS; it accepts by returning exactly true. Its revert data (4 to
    ///         1 024 bytes) is re-thrown unchanged; any other failure or answer is ResultRefused. On acceptance the
    ///         job is finalized in this transaction: no challenge window; the fee goes to the operator, the
    ///         deposit back to the submitter. The commitment recorded: outputHash = keccak256(output),
    ///         finalStateHash, stepCount and checkpointRoot 0.
    function submitCheckedResult(
        uint256 jobId,
        bytes calldata envelope,
        bytes calldata output,
        bytes calldata evidence,
        bytes32 outputBlobKey
    ) external nonReentrant {
        Job storage job = _activeAssignment(jobId);
        Pin storage pin = _pins[jobId];
        address adapter = pin.adapter;
        if (pin.mode < FIRST_ADAPTER_MODE) revert WrongMode(jobId, pin.mode);
        if (keccak256(envelope) != job.inputDigest) revert InputMismatch(jobId);
        // A TDJOBIN1 header (docs/spec/job-input.md): magic, program key, stride, then inputLength and the input.
        if (
            envelope.length < 52 || bytes8(envelope[:8]) != ENVELOPE_MAGIC
                || uint256(uint32(bytes4(envelope[48:52]))) != envelope.length - 52
        ) revert BadEnvelope(jobId);
        bytes memory data = abi.encodeCall(
            IResultMode.checkResult, (jobId, pin.programDigest, pin.appConfig, envelope[52:], output, evidence)
        );
        bool ok;
        uint256 answer;
        uint256 size;
        assembly ("memory-safe") {
            // Only 32 bytes of return data are copied, whatever the adapter returns.
            ok := staticcall(MODE_CHECK_GAS, adapter, add(data, 0x20), mload(data), 0, 0x20)
            answer := mload(0)
            size := returndatasize()
        }
        if (!ok) {
            if (size >= 4 && size <= MAX_MODE_REVERT) {
                assembly ("memory-safe") {
                    let p := mload(0x40)
                    returndatacopy(p, 0, size)
                    revert(p, size)
                }
            }
            revert ResultRefused(jobId);
        }
        if (size != 32 || answer != 1) revert ResultRefused(jobId);

        _record(jobId, job, keccak256(output), bytes32(0), 0, bytes32(0), outputBlobKey);
        _settle(jobId, job);
    }

    /// @notice A REEXEC_OBJECTIVE job's result (docs/spec/objective.md §5): its terminal VM state, its trace root and
    ///         the final stride leaf's proof. The pinned court checks it (ObjectiveCourt.checkResult, whose errors are
    ///         re-thrown) and derives the commitment: outputHash = the state's output digest, finalStateHash,
    ///         stepCount = its step, checkpointRoot = traceRoot. The challenge window starts.
    function submitObjectiveResult(
        uint256 jobId,
        bytes calldata finalState,
        bytes32 traceRoot,
        bytes32[] calldata finalLeafProof,
        bytes32 outputBlobKey
    ) external {
        Job storage job = _activeAssignment(jobId);
        Pin storage pin = _pins[jobId];
        if (pin.mode != OBJECTIVE_MODE) revert WrongMode(jobId, pin.mode);
        (bytes32 outputHash, bytes32 finalStateHash, uint64 stepCount) =
            IObjectiveCourt(pin.adapter).checkResult(jobId, finalState, traceRoot, finalLeafProof);
        _submit(jobId, job, outputHash, finalStateHash, stepCount, traceRoot, outputBlobKey);
    }

    /// @notice What a TEE app's wallet signs for the job's current attempt (docs/spec/settlement.md §1):
    ///         bound to this chain, this JobManager, the attempt and its assignee, so a signature cannot be
    ///         replayed on another deployment or by another operator.
    function teeResultDigest(uint256 jobId, bytes32 outputHash) public view returns (bytes32) {
        Job storage job = _existing(jobId);
        return keccak256(
            abi.encode(TEE_RESULT_TAG, block.chainid, address(this), jobId, job.attempt, job.assignee, outputHash)
        );
    }

    /// @notice Anyone but the result's operator may dispute it within the challenge window, once per attempt,
    ///         by locking challengeBond and posting a different commitment. Each challenge is its own
    ///         dispute in the job's court (a REEXEC_OBJECTIVE job's: its pinned court, where `checkpointRoot` is the
    ///         challenger's trace root); the result finalizes only when none is open.
    function challenge(
        uint256 jobId,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot
    ) external nonReentrant returns (uint256 disputeId) {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Submitted && job.status != JobStatus.Disputed) revert WrongStatus(jobId, job.status);
        if (block.timestamp > job.challengeDeadline) revert ChallengeWindowClosed(jobId, job.challengeDeadline);
        if (msg.sender == job.resultOperator) revert SelfChallenge(jobId, msg.sender);
        if (hasChallenged(jobId, msg.sender)) revert AlreadyChallenged(jobId, msg.sender);
        if (stepCount > job.maxSteps) revert StepsExceeded(stepCount, job.maxSteps);
        address court_ = _courtOf(jobId, job);
        Params storage p = _params[job.paramsVersion];

        bytes32 operatorCommitment = commitmentOf(job.outputHash, job.finalStateHash, job.stepCount, job.checkpointRoot);
        bytes32 challengerCommitment = commitmentOf(outputHash, finalStateHash, stepCount, checkpointRoot);
        if (challengerCommitment == operatorCommitment) revert SameCommitment(challengerCommitment);

        uint256 bond = p.challengeBond;
        _challengedAttempt[jobId][msg.sender] = job.attempt + 1;
        disputeId = ++disputeCount;
        _disputes[disputeId] = Dispute({
            jobId: jobId,
            challenger: msg.sender,
            attempt: job.attempt,
            resolved: false,
            verdict: 0,
            bond: bond,
            outputHash: outputHash,
            finalStateHash: finalStateHash,
            stepCount: stepCount,
            checkpointRoot: checkpointRoot
        });
        job.openDisputes += 1;
        job.status = JobStatus.Disputed;
        if (bond != 0) {
            totalEscrow += bond;
            token.safeTransferFrom(msg.sender, address(this), bond);
        }
        emit JobChallenged(jobId, disputeId, msg.sender, challengerCommitment, bond);
        IDisputeCourt(court_).openDispute(
            disputeId, jobId, operatorCommitment, challengerCommitment, job.resultOperator, msg.sender
        );
    }

    /// @notice After the challenge window, with no dispute open, pays the fee to the operator whose
    ///         result stands and the deposit back to the submitter.
    function finalize(uint256 jobId) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Submitted) revert WrongStatus(jobId, job.status);
        if (block.timestamp <= job.challengeDeadline) revert ChallengeWindowOpen(jobId, job.challengeDeadline);
        _settle(jobId, job);
    }

    /// @notice Called by the court of the job's parameter version with its verdict (settlement.md §5):
    ///         - OperatorWins: the bond is forfeited (partyRewardWad to the operator, voterRewardWad to the
    ///           voters, the rest burned); the result stands once no other dispute is open.
    ///         - ChallengerWins: the operator is slashed disputeSlashWad; the challenger gets its bond back
    ///           plus min(bond, partyRewardWad of the slash) and the fee; its commitment becomes the result.
    ///         - BothWrong: the operator is slashed, the bond forfeited, the voters get voterRewardWad of
    ///           both; the result is dropped and the job queued again without that operator.
    ///         - OperatorRefuted (the objective court): the operator is slashed; the challenger gets its bond back
    ///           plus min(bond, partyRewardWad of the slash); the result is dropped and the job queued again
    ///           without that operator.
    ///         - NoQuorum, NoMajority: the bond returns and nobody is slashed; the challenge stays undecided, so
    ///           when the result's last open dispute closes (and none overturned it), the result is dropped
    ///           without a slash and the job queued again without that operator (`_dropUndecided`). A result
    ///           finalizes only unchallenged or with every dispute against it decided OperatorWins.
    ///         A dispute whose result another dispute already overturned is moot: its bond returns.
    /// @return voterPool tokens sent to the court for the majority voters
    /// @return moot whether the dispute no longer mattered
    function resolveDispute(uint256 disputeId, uint8 verdict) external nonReentrant returns (uint256 voterPool, bool moot) {
        Dispute storage d = _disputes[disputeId];
        if (d.jobId == 0) revert UnknownDispute(disputeId);
        Job storage job = _jobs[d.jobId];
        if (msg.sender != _courtOf(d.jobId, job)) revert NotCourt(msg.sender);
        if (d.resolved) revert DisputeResolvedAlready(disputeId);
        d.resolved = true;
        d.verdict = verdict;

        uint256 slashed;
        moot = job.status != JobStatus.Disputed || job.attempt != d.attempt;
        if (moot) {
            _payOut(d.challenger, d.bond);
        } else if (verdict == uint8(IDisputeCourt.Verdict.OperatorWins)) {
            voterPool = _forfeitBond(d.bond, job.resultOperator, job.paramsVersion);
            _closeDispute(job);
        } else if (verdict == uint8(IDisputeCourt.Verdict.ChallengerWins)) {
            (slashed, voterPool) = _challengerWins(d, job);
        } else if (
            verdict == uint8(IDisputeCourt.Verdict.BothWrong) || verdict == uint8(IDisputeCourt.Verdict.OperatorRefuted)
        ) {
            (slashed, voterPool) = _dropResult(d, job, verdict == uint8(IDisputeCourt.Verdict.OperatorRefuted));
        } else {
            _payOut(d.challenger, d.bond);
            _undecidedAttempt[d.jobId] = job.attempt + 1;
            _closeDispute(job);
        }
        emit DisputeResolved(disputeId, d.jobId, verdict, moot, slashed);
        if (!moot && job.status == JobStatus.Submitted && _undecidedAttempt[d.jobId] == job.attempt + 1) {
            _dropUndecided(d.jobId, job);
        }
        _send(msg.sender, voterPool);
    }

    // ---------------------------------------------------------------- views

    /// @notice The job commitment: keccak256(abi.encode(outputHash, finalStateHash, stepCount, checkpointRoot)).
    function commitmentOf(bytes32 outputHash, bytes32 finalStateHash, uint64 stepCount, bytes32 checkpointRoot)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(outputHash, finalStateHash, stepCount, checkpointRoot));
    }

    /// @notice Whether a dispute against the result of the job's current attempt ended without a decision (NoQuorum,
    ///         NoMajority): that result will not finalize.
    function undecided(uint256 jobId) public view returns (bool) {
        return _undecidedAttempt[jobId] == _jobs[jobId].attempt + 1;
    }

    /// @notice Whether `challenger` has challenged the result of the job's current attempt.
    function hasChallenged(uint256 jobId, address challenger) public view returns (bool) {
        return _challengedAttempt[jobId][challenger] == _jobs[jobId].attempt + 1;
    }

    function getJob(uint256 jobId) external view returns (Job memory) {
        return _existing(jobId);
    }

    function pinOf(uint256 jobId) external view returns (Pin memory) {
        _existing(jobId);
        return _pins[jobId];
    }

    function getDispute(uint256 disputeId) external view returns (Dispute memory d) {
        d = _disputes[disputeId];
        if (d.jobId == 0) revert UnknownDispute(disputeId);
    }

    function jobCount() external view returns (uint256) {
        return _jobCount;
    }

    // ---------------------------------------------------------------- internal

    /// @dev Assignment rule (settlement.md §2; the Java client reproduces it):
    ///      1. Candidates: registry.eligibleAt(role, snapshotBlock) in active-set order (snapshot weight of
    ///         the job's role, >= minStake), minus operators that failed this job or hold maxActiveJobs.
    ///      2. r = uint256(keccak256(abi.encode(blockhash(seedBlock), jobId, attempt))) % W.
    ///      3. The assignee is the first candidate i with r < w_0 + ... + w_i.
    function _pick(uint256 jobId, Job storage job, bytes32 seed) internal view returns (address chosen) {
        uint32 cap = _params[job.paramsVersion].maxActiveJobs;
        (address[] memory ops, uint256[] memory weights) = registry.eligibleAt(_pins[jobId].role, job.snapshotBlock);
        uint256 total;
        for (uint256 i; i < ops.length; ++i) {
            if (hasFailed[jobId][ops[i]] || activeJobs[ops[i]] >= cap) weights[i] = 0;
            else total += weights[i];
        }
        if (total == 0) return address(0);
        uint256 r = uint256(keccak256(abi.encode(seed, jobId, job.attempt))) % total;
        uint256 cumulative;
        for (uint256 i; i < ops.length; ++i) {
            cumulative += weights[i];
            if (r < cumulative) return ops[i];
        }
        assert(false);
    }

    /// @dev What a job of `appId` pins (its obligation sequence is set at assignment). A TEE app needs its
    ///      signer; an adapter-mode app its config and its mode's adapter: a result nobody could check is never
    ///      taken.
    function _release(uint256 appId) internal view returns (Pin memory pin) {
        (pin.mode, pin.programDigest, pin.appVersion, pin.teeSigner, pin.appConfig) = apps.releaseOf(appId);
        pin.role = Roles.COMPUTE;
        if (pin.mode == uint8(AppRegistry.TrustMode.TEE)) {
            if (pin.teeSigner == address(0)) revert NoTeeSigner(appId);
            pin.role = Roles.TEE;
        } else if (pin.mode >= OBJECTIVE_MODE) {
            pin.adapter = _modeAdapters[pin.mode];
            if (pin.adapter == address(0)) revert ModeNotRegistered(pin.mode);
            if (pin.appConfig == address(0)) revert NoAppConfig(appId);
        } else if (pin.mode != uint8(AppRegistry.TrustMode.REEXEC_INTERSUBJECTIVE)) {
            revert UnsupportedMode(pin.mode);
        }
    }

    /// @dev The job's pin; an objective or adapter-mode job's result goes only through its own entry point.
    function _builtIn(uint256 jobId) internal view returns (Pin storage pin) {
        pin = _pins[jobId];
        uint8 mode = pin.mode;
        if (mode >= OBJECTIVE_MODE) revert WrongMode(jobId, mode);
    }

    /// @dev The court of a job's disputes: the pinned court of a REEXEC_OBJECTIVE job, the parameter version's court
    ///      of a REEXEC_INTERSUBJECTIVE job; other modes have none.
    function _courtOf(uint256 jobId, Job storage job) internal view returns (address court_) {
        Pin storage pin = _pins[jobId];
        uint8 mode = pin.mode;
        if (mode == OBJECTIVE_MODE) return pin.adapter;
        if (mode != uint8(AppRegistry.TrustMode.REEXEC_INTERSUBJECTIVE)) revert UnsupportedMode(mode);
        court_ = _params[job.paramsVersion].court;
        if (court_ == address(0)) revert CourtNotSet();
    }

    function _queue(uint256 jobId, Job storage job) internal {
        job.status = JobStatus.Queued;
        job.assignee = address(0);
        job.deadline = 0;
        job.snapshotBlock = uint64(block.number);
        job.seedBlock = uint64(block.number) + SEED_DELAY_BLOCKS;
        emit JobQueued(jobId, job.attempt, job.seedBlock, job.snapshotBlock);
    }

    /// @dev After a miss, a decline or an overturned result: the next attempt, unless the job expired.
    function _requeue(uint256 jobId, Job storage job) internal {
        job.attempt += 1;
        if (block.timestamp > job.expiresAt) _fail(jobId, job, FAIL_EXPIRED);
        else _queue(jobId, job);
    }

    function _fail(uint256 jobId, Job storage job, bytes32 reason) internal {
        job.status = JobStatus.Failed;
        job.assignee = address(0);
        job.deadline = 0;
        emit JobFailed(jobId, reason);
        _payOut(job.submitter, job.fee + job.deposit);
    }

    /// @dev The assignee no longer holds the job: its capacity and its obligation are freed.
    function _releaseAssignee(uint256 jobId, Job storage job) internal {
        address a = job.assignee;
        activeJobs[a] -= 1;
        registry.closeObligation(a, _pins[jobId].obligationSeq);
    }

    function _submit(
        uint256 jobId,
        Job storage job,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    ) internal {
        if (stepCount > job.maxSteps) revert StepsExceeded(stepCount, job.maxSteps);
        if (stepCount < job.lastStep) revert StepNotMonotonic(job.lastStep, stepCount);
        _record(jobId, job, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
        job.status = JobStatus.Submitted;
        job.challengeDeadline = uint64(block.timestamp) + _params[job.paramsVersion].challengeWindow;
    }

    /// @dev Records msg.sender's result. The job stops using the operator's capacity; its obligation stays
    ///      open until the result settles.
    function _record(
        uint256 jobId,
        Job storage job,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    ) internal {
        job.outputHash = outputHash;
        job.finalStateHash = finalStateHash;
        job.stepCount = stepCount;
        job.checkpointRoot = checkpointRoot;
        job.outputBlobKey = outputBlobKey;
        job.resultOperator = msg.sender;
        activeJobs[msg.sender] -= 1;
        emit ResultSubmitted(jobId, msg.sender, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @dev The result stands: the job is finalized, the result operator's obligation for it ends, the fee
    ///      goes to that operator and the deposit back to the submitter.
    function _settle(uint256 jobId, Job storage job) internal {
        address op = job.resultOperator;
        job.status = JobStatus.Finalized;
        registry.closeObligation(op, _pins[jobId].obligationSeq);
        emit JobFinalized(jobId, op, job.outputHash, job.fee);
        _payOut(op, job.fee);
        _payOut(job.submitter, job.deposit);
    }

    function _closeDispute(Job storage job) internal {
        job.openDisputes -= 1;
        if (job.openDisputes == 0) job.status = JobStatus.Submitted;
    }

    /// @dev OperatorWins: the challenger's bond pays the operator and the voters; the rest is burned.
    function _forfeitBond(uint256 bond, address operator, uint32 version) internal returns (uint256 voterPool) {
        Params storage p = _params[version];
        uint256 reward = bond * p.partyRewardWad / WAD;
        voterPool = bond * p.voterRewardWad / WAD;
        totalEscrow -= bond;
        _send(operator, reward);
        _send(BURN_ADDRESS, bond - reward - voterPool);
    }

    function _challengerWins(Dispute storage d, Job storage job) internal returns (uint256 slashed, uint256 voterPool) {
        uint256 jobId = d.jobId;
        Params storage p = _params[job.paramsVersion];
        address operator = job.resultOperator;
        slashed = _slashResultOperator(jobId, operator, p.disputeSlashWad);
        uint256 reward = Math.min(d.bond, slashed * p.partyRewardWad / WAD);
        voterPool = slashed * p.voterRewardWad / WAD;
        _send(BURN_ADDRESS, slashed - reward - voterPool);

        job.outputHash = d.outputHash;
        job.finalStateHash = d.finalStateHash;
        job.stepCount = d.stepCount;
        job.checkpointRoot = d.checkpointRoot;
        job.outputBlobKey = bytes32(0);
        job.resultOperator = d.challenger;
        job.openDisputes = 0;
        job.status = JobStatus.Finalized;
        emit JobFinalized(jobId, d.challenger, d.outputHash, job.fee);
        _send(d.challenger, reward);
        _payOut(d.challenger, d.bond + job.fee);
        _payOut(job.submitter, job.deposit);
    }

    /// @dev BothWrong (`refuted` false): the bond is forfeited with the slash. OperatorRefuted (`refuted` true): the
    ///      challenger gets its bond back and min(bond, partyRewardWad of the slash), the rest of the slash is burned.
    ///      Either way the result is dropped and the job queued again without its operator.
    function _dropResult(Dispute storage d, Job storage job, bool refuted)
        internal
        returns (uint256 slashed, uint256 voterPool)
    {
        uint256 jobId = d.jobId;
        Params storage p = _params[job.paramsVersion];
        address operator = job.resultOperator;
        slashed = _slashResultOperator(jobId, operator, p.disputeSlashWad);
        if (refuted) {
            uint256 reward = Math.min(d.bond, slashed * p.partyRewardWad / WAD);
            _send(BURN_ADDRESS, slashed - reward);
            _send(d.challenger, reward);
            _payOut(d.challenger, d.bond);
        } else {
            totalEscrow -= d.bond;
            uint256 forfeit = slashed + d.bond;
            voterPool = forfeit * p.voterRewardWad / WAD;
            _send(BURN_ADDRESS, forfeit - voterPool);
        }

        _discardResult(jobId, job, operator);
    }

    /// @dev A result whose disputes closed with one of them undecided (NoQuorum, NoMajority): nobody showed it wrong
    ///      or right, so it neither finalizes nor costs its operator stake. The operator's obligation ends, it is
    ///      not paid, and the job is queued again without it: a lie never finalizes because verifiers stayed away,
    ///      and a false challenge without voters costs the honest operator this job's fee, never stake.
    function _dropUndecided(uint256 jobId, Job storage job) internal {
        address operator = job.resultOperator;
        registry.closeObligation(operator, _pins[jobId].obligationSeq);
        _discardResult(jobId, job, operator);
    }

    /// @dev Drops the result of `operator` together with its checkpoints and queues the next attempt without it
    ///      (or fails the job past its expiry).
    function _discardResult(uint256 jobId, Job storage job, address operator) internal {
        hasFailed[jobId][operator] = true;
        job.outputHash = bytes32(0);
        job.finalStateHash = bytes32(0);
        job.stepCount = 0;
        job.checkpointRoot = bytes32(0);
        job.outputBlobKey = bytes32(0);
        job.resultOperator = address(0);
        job.challengeDeadline = 0;
        job.openDisputes = 0;
        // The checkpoints came from an operator whose result did not stand: the next attempt starts over.
        job.lastStep = 0;
        job.lastStateHash = bytes32(0);
        job.lastCheckpointBlobKey = bytes32(0);
        _requeue(jobId, job);
    }

    /// @dev The dispute slash of an overturned result; the operator's obligation for the job ends with it.
    function _slashResultOperator(uint256 jobId, address operator, uint256 wad) internal returns (uint256 slashed) {
        slashed = registry.slash(operator, _pins[jobId].role, wad, REASON_DISPUTE);
        registry.closeObligation(operator, _pins[jobId].obligationSeq);
    }

    function _existing(uint256 jobId) internal view returns (Job storage job) {
        job = _jobs[jobId];
        if (job.status == JobStatus.None) revert UnknownJob(jobId);
    }

    /// @dev The job, if it is Assigned to msg.sender and its deadline has not passed.
    function _activeAssignment(uint256 jobId) internal view returns (Job storage job) {
        job = _existing(jobId);
        if (job.status != JobStatus.Assigned) revert WrongStatus(jobId, job.status);
        if (msg.sender != job.assignee) revert NotAssignee(jobId, msg.sender);
        if (block.timestamp > job.deadline) revert DeadlinePassed(jobId, job.deadline);
    }

    /// @dev Pays out escrowed tokens (fees, deposits, bonds).
    function _payOut(address to, uint256 amount) internal {
        if (amount == 0) return;
        totalEscrow -= amount;
        token.safeTransfer(to, amount);
    }

    /// @dev Sends tokens that are not escrow (slash proceeds passing through, forfeited bonds already
    ///      taken out of escrow).
    function _send(address to, uint256 amount) internal {
        if (amount != 0) token.safeTransfer(to, amount);
    }

    function _setParams(Params memory p) internal {
        if (p.heartbeatWindow == 0) revert InvalidParams("heartbeatWindow is 0");
        if (p.challengeWindow == 0) revert InvalidParams("challengeWindow is 0");
        if (p.maxJobDuration < p.heartbeatWindow) revert InvalidParams("maxJobDuration < heartbeatWindow");
        if (p.livenessSlashWad >= WAD) revert InvalidParams("livenessSlashWad >= 1e18");
        if (p.disputeSlashWad >= WAD) revert InvalidParams("disputeSlashWad >= 1e18");
        if (p.maxStepsLimit == 0) revert InvalidParams("maxStepsLimit is 0");
        if (p.maxActiveJobs == 0) revert InvalidParams("maxActiveJobs is 0");
        if (p.reporterShareWad >= WAD) revert InvalidParams("reporterShareWad >= 1e18");
        if (p.partyRewardWad + p.voterRewardWad > WAD) revert InvalidParams("partyRewardWad + voterRewardWad > 1e18");
        uint32 version = _params[paramsVersion].heartbeatWindow == 0 ? paramsVersion : paramsVersion + 1;
        _params[version] = p;
        paramsVersion = version;
        emit ParamsSet(version, p);
    }
}
