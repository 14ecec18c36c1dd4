// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {StakeRegistry} from "./StakeRegistry.sol";
import {AppRegistry} from "./AppRegistry.sol";
import {IDisputeCourt} from "./IDisputeCourt.sol";
import {Roles} from "./Roles.sol";

/// @title JobManager
/// @notice Jobs of deterministic apps: submit (fee escrowed) -> assigned to a staked COMPUTE operator
///         -> heartbeats with checkpoints -> result commitment -> challenge window -> finalized, or
///         disputed in the court. A missed heartbeat deadline lets anyone slash the assignee and
///         reassign the job; the successor resumes from the last checkpoint.
contract JobManager is Ownable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    enum JobStatus {
        None,
        Assigned,
        Submitted,
        Disputed,
        Finalized,
        Failed
    }

    struct Params {
        uint64 heartbeatWindow; // seconds an assignee has between heartbeats (and to submit)
        uint64 challengeWindow; // seconds after a result during which it can be challenged
        uint256 livenessSlashWad; // fraction of slashable stake taken for a missed deadline
        uint256 disputeSlashWad; // fraction taken from an operator that loses a dispute
        uint256 challengeBond; // tokens a challenger locks
        uint64 maxStepsLimit; // upper bound on a job's maxSteps
    }

    struct Job {
        uint256 appId;
        address submitter;
        bytes32 inputBlobKey;
        bytes32 inputDigest;
        uint64 maxSteps;
        uint256 fee;
        JobStatus status; // uint8 in the ABI
        address assignee;
        uint32 attempt;
        uint64 deadline;
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
        address challenger;
        uint256 bond;
    }

    /// @notice A challenger's competing result commitment.
    struct Claim {
        bytes32 outputHash;
        bytes32 finalStateHash;
        uint64 stepCount;
        bytes32 checkpointRoot;
    }

    uint256 public constant WAD = 1e18;
    bytes32 public constant REASON_LIVENESS = "liveness";
    bytes32 public constant REASON_DISPUTE = "dispute";

    StakeRegistry public immutable registry;
    AppRegistry public immutable apps;
    IERC20 public immutable token;

    Params private _params;
    address public court;

    mapping(uint256 jobId => Job) private _jobs;
    uint256 private _jobCount;
    mapping(uint256 jobId => mapping(address operator => bool)) public hasFailed;
    mapping(uint256 jobId => Claim) private _claims;
    /// @dev The court that opened a dispute is the one that resolves it, even if `court` changes meanwhile.
    mapping(uint256 jobId => address) public disputeCourtOf;
    /// @notice Fees and bonds held for unsettled jobs; the token balance of this contract covers it.
    uint256 public totalEscrow;

    /// @dev The tag of teeResultDigest.
    bytes32 public constant TEE_RESULT_TAG = keccak256("TrustDial TEE result v1");

    error UnknownJob(uint256 jobId);
    error UnknownApp(uint256 appId);
    error InvalidParams(string reason);
    error InvalidMaxSteps(uint64 maxSteps, uint64 limit);
    error ZeroBlobKey();
    error ZeroAddress();
    error NoEligibleOperator(uint256 jobId);
    error WrongStatus(uint256 jobId, JobStatus status);
    error NotAssignee(uint256 jobId, address caller);
    error DeadlinePassed(uint256 jobId, uint64 deadline);
    error DeadlineNotPassed(uint256 jobId, uint64 deadline);
    error StepNotMonotonic(uint64 lastStep, uint64 step);
    error StepsExceeded(uint64 steps, uint64 maxSteps);
    error ChallengeWindowClosed(uint256 jobId, uint64 challengeDeadline);
    error ChallengeWindowOpen(uint256 jobId, uint64 challengeDeadline);
    error SelfChallenge(uint256 jobId, address operator);
    error SameCommitment(bytes32 commitment);
    error UnsupportedMode(uint8 mode);
    error CourtNotSet();
    error TeeSignatureRequired(uint256 jobId, address signer);
    error NoTeeSigner(uint256 appId);
    error BadTeeSignature(uint256 jobId, address recovered, address expected);
    error NotCourt(address caller);

    event JobSubmitted(
        uint256 indexed jobId,
        uint256 indexed appId,
        address indexed submitter,
        bytes32 inputBlobKey,
        uint64 maxSteps,
        uint256 fee
    );
    event JobAssigned(
        uint256 indexed jobId, address indexed operator, uint32 attempt, uint64 deadline, bytes32 resumeFromCheckpoint
    );
    event HeartbeatPosted(
        uint256 indexed jobId, address indexed operator, uint64 step, bytes32 stateHash, bytes32 checkpointBlobKey
    );
    event HeartbeatMissed(
        uint256 indexed jobId, address indexed operator, address indexed reporter, uint256 slashed
    );
    event ResultSubmitted(
        uint256 indexed jobId,
        address indexed operator,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    );
    event JobChallenged(uint256 indexed jobId, address indexed challenger, bytes32 challengerCommitment, uint256 bond);
    event JobFinalized(uint256 indexed jobId, address indexed paidTo, bytes32 outputHash, uint256 fee);
    event DisputeResolved(uint256 indexed jobId, bool operatorWins);
    event JobFailed(uint256 indexed jobId);
    event JobDeclined(uint256 indexed jobId, address indexed operator);
    event ParamsSet(Params params);
    event CourtSet(address court);

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

    // ---------------------------------------------------------------- admin

    function setParams(Params calldata params_) external onlyOwner {
        _setParams(params_);
    }

    function setCourt(address court_) external onlyOwner {
        if (court_ == address(0)) revert ZeroAddress();
        court = court_;
        emit CourtSet(court_);
    }

    function params() external view returns (Params memory) {
        return _params;
    }

    // ---------------------------------------------------------------- lifecycle

    /// @notice Submits a job of `appId` and assigns it at once. The fee (may be 0) is escrowed with
    ///         transferFrom and paid to whoever's result finalizes, or refunded if the job fails.
    function submitJob(uint256 appId, bytes32 inputBlobKey, bytes32 inputDigest, uint64 maxSteps, uint256 fee)
        external
        nonReentrant
        returns (uint256 jobId)
    {
        if (!apps.appExists(appId)) revert UnknownApp(appId);
        if (inputBlobKey == bytes32(0)) revert ZeroBlobKey();
        if (maxSteps == 0 || maxSteps > _params.maxStepsLimit) revert InvalidMaxSteps(maxSteps, _params.maxStepsLimit);

        jobId = ++_jobCount;
        Job storage job = _jobs[jobId];
        job.appId = appId;
        job.submitter = msg.sender;
        job.inputBlobKey = inputBlobKey;
        job.inputDigest = inputDigest;
        job.maxSteps = maxSteps;
        job.fee = fee;
        emit JobSubmitted(jobId, appId, msg.sender, inputBlobKey, maxSteps, fee);

        if (!_assign(jobId, job)) revert NoEligibleOperator(jobId);
        if (fee != 0) {
            totalEscrow += fee;
            token.safeTransferFrom(msg.sender, address(this), fee);
        }
    }

    /// @notice The assignee reports progress: the step reached, the VM state hash there, and the DA
    ///         blob key of the checkpoint a successor would resume from. Extends the deadline.
    function heartbeat(uint256 jobId, uint64 step, bytes32 stateHash, bytes32 checkpointBlobKey) external {
        Job storage job = _activeAssignment(jobId);
        if (step < job.lastStep) revert StepNotMonotonic(job.lastStep, step);
        if (step > job.maxSteps) revert StepsExceeded(step, job.maxSteps);

        job.lastStep = step;
        job.lastStateHash = stateHash;
        job.lastCheckpointBlobKey = checkpointBlobKey;
        job.deadline = uint64(block.timestamp) + _params.heartbeatWindow;
        emit HeartbeatPosted(jobId, msg.sender, step, stateHash, checkpointBlobKey);
    }

    /// @notice Anyone may report an assignee that let its deadline pass: the assignee is slashed
    ///         livenessSlashWad (the reporter gets the beneficiary share), is excluded from this job,
    ///         and the job is reassigned with its last checkpoint kept. With nobody left, it fails
    ///         and the fee is refunded.
    function reportMissed(uint256 jobId) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Assigned) revert WrongStatus(jobId, job.status);
        if (block.timestamp <= job.deadline) revert DeadlineNotPassed(jobId, job.deadline);

        address missed = job.assignee;
        hasFailed[jobId][missed] = true;
        uint256 slashed = registry.slash(missed, _params.livenessSlashWad, REASON_LIVENESS, msg.sender);
        emit HeartbeatMissed(jobId, missed, msg.sender, slashed);

        _reassignOrFail(jobId, job);
    }

    /// @notice The assignee hands the job back before its deadline, without penalty: it cannot run it
    ///         (a TEE launch the KMS refuses for the job itself, so no signed result can exist; no TEE
    ///         install). It is never assigned this job again; the job goes to the next operator by the
    ///         rule of settlement.md §2 (attempt + 1), or fails with the fee refunded when nobody is left.
    function declineJob(uint256 jobId) external nonReentrant {
        Job storage job = _activeAssignment(jobId);
        hasFailed[jobId][msg.sender] = true;
        emit JobDeclined(jobId, msg.sender);
        _reassignOrFail(jobId, job);
    }

    /// @notice The assignee posts its result commitment; the challenge window starts. A TEE app with a
    ///         signer set (AppRegistry.setTeeSigner) takes results only through submitTeeResult.
    function submitResult(
        uint256 jobId,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot,
        bytes32 outputBlobKey
    ) external {
        Job storage job = _activeAssignment(jobId);
        address signer = apps.teeSignerOf(job.appId);
        if (signer != address(0)) revert TeeSignatureRequired(jobId, signer);
        _submit(jobId, job, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @notice A TEE app's result, signed by the app's wallet (EIP-191 over teeResultDigest): an operator
    ///         cannot post an output the attested app did not produce.
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
        address signer = apps.teeSignerOf(job.appId);
        if (signer == address(0)) revert NoTeeSigner(job.appId);
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(MessageHashUtils.toEthSignedMessageHash(teeResultDigest(jobId, outputHash)), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer) revert BadTeeSignature(jobId, recovered, signer);
        _submit(jobId, job, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @notice What a TEE app's wallet signs for a job's output (docs/spec/settlement.md §1): bound to
    ///         this chain and this JobManager, so a signature cannot be replayed on another deployment.
    function teeResultDigest(uint256 jobId, bytes32 outputHash) public view returns (bytes32) {
        return keccak256(abi.encode(TEE_RESULT_TAG, block.chainid, address(this), jobId, outputHash));
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

        job.outputHash = outputHash;
        job.finalStateHash = finalStateHash;
        job.stepCount = stepCount;
        job.checkpointRoot = checkpointRoot;
        job.outputBlobKey = outputBlobKey;
        job.resultOperator = msg.sender;
        job.status = JobStatus.Submitted;
        job.challengeDeadline = uint64(block.timestamp) + _params.challengeWindow;
        emit ResultSubmitted(jobId, msg.sender, outputHash, finalStateHash, stepCount, checkpointRoot, outputBlobKey);
    }

    /// @notice Anyone but the result's operator may dispute it within the challenge window by locking
    ///         challengeBond and posting a different commitment. Only REEXEC_INTERSUBJECTIVE apps
    ///         can be challenged so far (objective and ZK disputes come later).
    function challenge(
        uint256 jobId,
        bytes32 outputHash,
        bytes32 finalStateHash,
        uint64 stepCount,
        bytes32 checkpointRoot
    ) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Submitted) revert WrongStatus(jobId, job.status);
        if (block.timestamp > job.challengeDeadline) revert ChallengeWindowClosed(jobId, job.challengeDeadline);
        if (msg.sender == job.resultOperator) revert SelfChallenge(jobId, msg.sender);
        if (stepCount > job.maxSteps) revert StepsExceeded(stepCount, job.maxSteps);
        uint8 mode = apps.modeOf(job.appId);
        if (mode != uint8(AppRegistry.TrustMode.REEXEC_INTERSUBJECTIVE)) revert UnsupportedMode(mode);
        address court_ = court;
        if (court_ == address(0)) revert CourtNotSet();

        bytes32 operatorCommitment =
            commitmentOf(job.outputHash, job.finalStateHash, job.stepCount, job.checkpointRoot);
        bytes32 challengerCommitment = commitmentOf(outputHash, finalStateHash, stepCount, checkpointRoot);
        if (challengerCommitment == operatorCommitment) revert SameCommitment(challengerCommitment);

        uint256 bond = _params.challengeBond;
        job.status = JobStatus.Disputed;
        job.challenger = msg.sender;
        job.bond = bond;
        _claims[jobId] = Claim(outputHash, finalStateHash, stepCount, checkpointRoot);
        disputeCourtOf[jobId] = court_;
        if (bond != 0) {
            totalEscrow += bond;
            token.safeTransferFrom(msg.sender, address(this), bond);
        }
        emit JobChallenged(jobId, msg.sender, challengerCommitment, bond);
        IDisputeCourt(court_).openDispute(jobId, operatorCommitment, challengerCommitment);
    }

    /// @notice After an unchallenged window, pays the fee to the operator whose result stands.
    function finalize(uint256 jobId) external nonReentrant {
        Job storage job = _existing(jobId);
        if (job.status != JobStatus.Submitted) revert WrongStatus(jobId, job.status);
        if (block.timestamp <= job.challengeDeadline) revert ChallengeWindowOpen(jobId, job.challengeDeadline);

        job.status = JobStatus.Finalized;
        emit JobFinalized(jobId, job.resultOperator, job.outputHash, job.fee);
        _payOut(job.resultOperator, job.fee);
    }

    /// @notice Called by the court that opened the dispute. If the operator wins it gets the fee and
    ///         the challenger's bond. Otherwise the operator is slashed disputeSlashWad (the challenger
    ///         is the beneficiary), the challenger's commitment becomes the job's result (its
    ///         outputBlobKey is unknown and left zero), and the challenger gets its bond back and the fee.
    function resolveDispute(uint256 jobId, bool operatorWins) external nonReentrant {
        Job storage job = _existing(jobId);
        if (msg.sender != disputeCourtOf[jobId]) revert NotCourt(msg.sender);
        if (job.status != JobStatus.Disputed) revert WrongStatus(jobId, job.status);

        job.status = JobStatus.Finalized;
        emit DisputeResolved(jobId, operatorWins);
        address operator = job.resultOperator;
        address challenger = job.challenger;
        if (operatorWins) {
            emit JobFinalized(jobId, operator, job.outputHash, job.fee);
            _payOut(operator, job.fee + job.bond);
        } else {
            Claim storage claim = _claims[jobId];
            job.outputHash = claim.outputHash;
            job.finalStateHash = claim.finalStateHash;
            job.stepCount = claim.stepCount;
            job.checkpointRoot = claim.checkpointRoot;
            job.outputBlobKey = bytes32(0);
            registry.slash(operator, _params.disputeSlashWad, REASON_DISPUTE, challenger);
            emit JobFinalized(jobId, challenger, claim.outputHash, job.fee);
            _payOut(challenger, job.fee + job.bond);
        }
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

    function getJob(uint256 jobId) external view returns (Job memory) {
        return _existing(jobId);
    }

    /// @notice The challenger's commitment fields of a disputed (or dispute-settled) job.
    function challengerClaimOf(uint256 jobId) external view returns (Claim memory) {
        _existing(jobId);
        return _claims[jobId];
    }

    /// @notice The operator whose result is on record and the challenger (zero if none).
    function partiesOf(uint256 jobId) external view returns (address operator, address challenger) {
        Job storage job = _existing(jobId);
        return (job.resultOperator, job.challenger);
    }

    function jobCount() external view returns (uint256) {
        return _jobCount;
    }

    // ---------------------------------------------------------------- internal

    /// @dev Assignment rule (the Java client reproduces it):
    ///      1. Candidates: registry.eligibleOperators(ROLE_TEE for a TEE app, else ROLE_COMPUTE), in registration order, minus the
    ///         operators that already missed a deadline on this job; weight = active stake now.
    ///      2. W = the sum of the weights; if W == 0 nobody can take the job.
    ///      3. r = uint256(keccak256(abi.encode(jobId, attempt))) % W, with attempt 0 at submission
    ///         and +1 for every reassignment.
    ///      4. The assignee is the first candidate i with r < w_0 + ... + w_i.
    ///      On success the deadline becomes now + heartbeatWindow; the last checkpoint is kept.
    function _assign(uint256 jobId, Job storage job) internal returns (bool) {
        // A TEE app's jobs need a TEE install: only TEE-role operators take them (settlement.md §2).
        uint8 role = apps.modeOf(job.appId) == uint8(AppRegistry.TrustMode.TEE) ? Roles.TEE : Roles.COMPUTE;
        (address[] memory ops, uint256[] memory stakes) = registry.eligibleOperators(role);
        uint256 total;
        for (uint256 i; i < ops.length; ++i) {
            if (hasFailed[jobId][ops[i]]) stakes[i] = 0;
            else total += stakes[i];
        }
        if (total == 0) return false;

        uint256 r = uint256(keccak256(abi.encode(jobId, job.attempt))) % total;
        address chosen;
        uint256 cumulative;
        for (uint256 i; i < ops.length; ++i) {
            cumulative += stakes[i];
            if (r < cumulative) {
                chosen = ops[i];
                break;
            }
        }
        assert(chosen != address(0) && !hasFailed[jobId][chosen]);

        uint64 deadline = uint64(block.timestamp) + _params.heartbeatWindow;
        job.assignee = chosen;
        job.status = JobStatus.Assigned;
        job.deadline = deadline;
        emit JobAssigned(jobId, chosen, job.attempt, deadline, job.lastCheckpointBlobKey);
        return true;
    }

    /// @dev After a miss or a decline: the next attempt goes to the next operator (settlement.md §2), or,
    ///      when nobody is left, the job fails and the fee goes back to the submitter.
    function _reassignOrFail(uint256 jobId, Job storage job) internal {
        job.attempt += 1;
        if (!_assign(jobId, job)) {
            job.status = JobStatus.Failed;
            job.assignee = address(0);
            job.deadline = 0;
            emit JobFailed(jobId);
            _payOut(job.submitter, job.fee);
        }
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

    function _payOut(address to, uint256 amount) internal {
        if (amount == 0) return;
        totalEscrow -= amount;
        token.safeTransfer(to, amount);
    }

    function _setParams(Params memory p) internal {
        if (p.heartbeatWindow == 0) revert InvalidParams("heartbeatWindow is 0");
        if (p.challengeWindow == 0) revert InvalidParams("challengeWindow is 0");
        if (p.livenessSlashWad > WAD) revert InvalidParams("livenessSlashWad > 1e18");
        if (p.disputeSlashWad > WAD) revert InvalidParams("disputeSlashWad > 1e18");
        if (p.maxStepsLimit == 0) revert InvalidParams("maxStepsLimit is 0");
        _params = p;
        emit ParamsSet(p);
    }
}
