// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {JobManager} from "./JobManager.sol";
import {IDisputeCourt} from "./IDisputeCourt.sol";
import {IObjectiveCourt} from "./IObjectiveCourt.sol";
import {IRiscvStep} from "./IRiscvStep.sol";
import {InputOracle} from "./InputOracle.sol";
import {ObjectiveConfig} from "./ObjectiveConfig.sol";

/// @title ObjectiveCourt (REEXEC_OBJECTIVE, mode 2)
/// @notice Decides each dispute of a REEXEC_OBJECTIVE job by a bisection game (docs/spec/objective.md §4): one
///         **match** per challenge between the result's operator (side O) and that challenger (side C), a binary
///         descent over their two trace commitments (§2) — first over the stride leaves, then over the step tree
///         of the first stride where they differ — down to one VM step, which this contract executes itself
///         (IRiscvStep, vm.md §9.2). No vote: an honest side wins against any liar as long as it moves before its
///         chess clock runs out. Every match is independent of every other, and all its state is its own.
///         It is also the mode's acceptance rule: JobManager.submitObjectiveResult asks `checkResult`.
/// @dev Registered as mode 2's adapter in JobManager (`setModeAdapter(2, court)`) and pinned per job: only this
///      court resolves its jobs' disputes. Tokens JobManager sends as a voter pool (there are no voters) are burned.
contract ObjectiveCourt is IDisputeCourt, IObjectiveCourt, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    enum Phase {
        None, // no such match
        Start, // C reveals the children of its root (start)
        StrideBisect, // descent over the stride leaves (bisect)
        StrideOpen, // at stride leaf i: each side posts its step tree root (openStride)
        StepBisect, // descent over the step tree of stride i (bisect)
        Prove, // at step leaf j: anyone of the two proves the step (proveStep)
        Done // resolved
    }

    /// @dev Which side moves: O (the result's operator) or C (the challenger).
    uint8 internal constant SIDE_O = 0;
    uint8 internal constant SIDE_C = 1;

    struct Match {
        uint256 jobId;
        address operator;
        uint32 attempt; // the job attempt whose result it disputes (another attempt makes it moot)
        uint8 phase; // Phase
        uint8 turn; // the side to move: 0 O, 1 C
        uint8 level; // the height of the current nodes in the current tree (stride tree, then step tree)
        uint8 strideHeight; // H
        uint8 strideLog2; // s
        uint8 strideAgreedHeight; // the height of strideAgreed (valid when strideWentRight)
        uint8 stepAgreedHeight; // the height of stepAgreed (valid when stepWentRight)
        uint8 stepRootsPosted; // 0..2 in StrideOpen
        address challenger;
        uint64 lastMove; // when the side to move's clock started running
        uint8 verdict; // IDisputeCourt.Verdict once Done
        bool moot;
        bool strideWentRight; // the stride descent went right at least once
        bool stepWentRight; // the step descent went right at least once
        uint64 clockO; // seconds left on O's clock (as of lastMove when it is O's turn)
        uint64 clockC;
        uint64 strideIndex; // the index of the current stride-level node (at its level)
        uint64 stepIndex; // the index of the current step-level node (at its level)
        bytes32 nodeO; // O's node at (level, index); in StrideOpen its stride leaf, then (once posted) its step root
        bytes32 nodeC; // C's node there; they always differ
        bytes32 revealedLeft; // the children of the last mover's node (the other side compares its own with them)
        bytes32 revealedRight;
        bytes32 strideAgreed; // the last agreed left subtree of the stride descent
        bytes32 stepAgreed; // the last agreed left subtree of the step descent
        bytes32 stepRootO; // the step tree roots posted in StrideOpen
        bytes32 stepRootC;
    }

    /// @notice What a job's prestate and final state are built from: its pinned config and posted input.
    struct JobParams {
        uint32 entryPc;
        uint32 ramEnd;
        uint32 outputLimit;
        uint8 strideLog2;
        bytes32 imageRoot;
        bytes32 inputRoot;
        uint32 inputLength;
    }

    /// @dev The fields of JobManager.Job the court reads.
    struct JobView {
        bytes32 inputBlobKey;
        bytes32 inputDigest;
        uint64 maxSteps;
        uint8 status;
        uint32 attempt;
        bytes32 checkpointRoot;
    }

    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @notice The mode code this court serves.
    uint8 public constant MODE = 2;
    /// @notice The length of a VM state encoding (vm.md §5).
    uint256 public constant STATE_BYTES = 296;

    JobManager public immutable jobs;
    InputOracle public immutable oracle;
    IRiscvStep public immutable stepper;
    IERC20 public immutable token;
    /// @notice Seconds on each side's chess clock at the start of a match.
    uint64 public immutable clock;
    /// @notice Seconds added to both clocks when a match reaches the step level (to compute a stride's step tree).
    uint64 public immutable stepExtension;

    mapping(uint256 disputeId => Match) private _matches;

    error NotJobManager(address caller);
    error ZeroAddress();
    error InvalidConfig(string reason);
    error DisputeExists(uint256 disputeId);
    error UnknownDispute(uint256 disputeId);
    /// @notice The challenger's trace root is the operator's: there is nothing to bisect.
    error SameTraceRoot(uint256 disputeId);
    /// @notice The move is not one of the match's current phase.
    error WrongPhase(uint256 disputeId, Phase phase);
    /// @notice `caller` is not the side to move (`expected`).
    error NotYourTurn(uint256 disputeId, address caller, address expected);
    /// @notice Only the operator or the challenger of the match may prove its step.
    error NotAParty(uint256 disputeId, address caller);
    /// @notice The side to move used up its clock: the match ends with timeout.
    error ClockExpired(uint256 disputeId, address side);
    /// @notice The side to move still has time (`deadline`).
    error ClockRunning(uint256 disputeId, uint64 deadline);
    /// @notice keccak256(left || right) is not the mover's node (or root).
    error BadChildren(uint256 disputeId);
    /// @notice The children revealed for the mover's new node do not hash to it, or are not zero at a leaf.
    error BadNextChildren(uint256 disputeId);
    /// @notice The step root's rightmost-leaf proof does not end in the side's stride leaf.
    error BadStepRoot(uint256 disputeId);
    /// @notice The pre-state does not hash to the step's predecessor through its rightmost-leaf proof.
    error BadPredecessor(uint256 disputeId);
    /// @notice The job's result still stands at the dispute's attempt: the match is not moot.
    error NotMoot(uint256 disputeId);
    /// @notice The job is not a REEXEC_OBJECTIVE job of this court.
    error NotObjectiveJob(uint256 jobId);
    /// @notice The app config names another program than the one the job pinned.
    error ProgramMismatch(bytes32 configDigest, bytes32 pinnedDigest);
    /// @notice Not a valid vm.md §5 state encoding.
    error BadState();
    /// @notice The final state is still running.
    error NotTerminal();
    /// @notice The final state's step is above the job's maxSteps.
    error TooManySteps(uint64 step, uint64 maxSteps);
    /// @notice The final state's input, ramEnd or outputLimit are not the job's.
    error StateNotOfJob(uint256 jobId);
    /// @notice The final leaf proof does not prove the final state as the rightmost stride leaf of the trace root.
    error BadFinalLeafProof();

    event MatchOpened(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        address operator,
        address challenger,
        bytes32 traceRootO,
        bytes32 traceRootC,
        uint8 strideHeight,
        uint8 strideLog2
    );
    /// @notice C's first move: the children of its root (zero when H = 0).
    event MatchStarted(uint256 indexed disputeId, bytes32 left, bytes32 right);
    /// @notice A bisect by `side` (0 O, 1 C): the new nodes at (level, index) of the stride (`stepLevel` false) or
    ///         step tree (the descent went right, and the shared left child became the agreed subtree, iff the
    ///         index is odd), and the mover's children of its new node (zero at a leaf).
    event Bisected(
        uint256 indexed disputeId,
        uint8 side,
        bool stepLevel,
        uint8 level,
        uint64 index,
        bytes32 nodeO,
        bytes32 nodeC,
        bytes32 nextLeft,
        bytes32 nextRight
    );
    /// @notice The stride descent reached stride leaf `strideIndex`: each side now posts its step tree root.
    event StrideReached(uint256 indexed disputeId, uint64 strideIndex, bytes32 leafO, bytes32 leafC);
    event StrideOpened(uint256 indexed disputeId, uint8 side, bytes32 stepRoot, bytes32 left, bytes32 right);
    /// @notice The descent reached the step taking T(step) to T(step + 1): proveStep decides.
    event StepReached(uint256 indexed disputeId, uint64 step, bytes32 leafO, bytes32 leafC);
    event StepProven(uint256 indexed disputeId, address indexed prover, uint64 step, bytes32 postStateHash);
    event MatchTimedOut(uint256 indexed disputeId, uint8 side);
    event MatchResolved(uint256 indexed disputeId, uint256 indexed jobId, uint8 verdict, bool moot);

    constructor(JobManager jobs_, InputOracle oracle_, IRiscvStep stepper_, uint64 clock_, uint64 stepExtension_) {
        if (address(jobs_) == address(0) || address(oracle_) == address(0) || address(stepper_) == address(0)) {
            revert ZeroAddress();
        }
        if (clock_ == 0) revert InvalidConfig("clock is 0");
        jobs = jobs_;
        oracle = oracle_;
        stepper = stepper_;
        token = jobs_.token();
        clock = clock_;
        stepExtension = stepExtension_;
    }

    // ---------------------------------------------------------------- opening

    /// @inheritdoc IDisputeCourt
    /// @dev Reads both trace roots (the result's and the challenge's checkpointRoot), the attempt, maxSteps and
    ///      the app's stride from JobManager. C moves first (start); its clock runs from now.
    function openDispute(uint256 disputeId, uint256 jobId, bytes32, bytes32, address operator, address challenger)
        external
    {
        if (msg.sender != address(jobs)) revert NotJobManager(msg.sender);
        Match storage m = _matches[disputeId];
        if (m.phase != uint8(Phase.None)) revert DisputeExists(disputeId);
        _open(disputeId, jobId, m);
        m.operator = operator;
        m.challenger = challenger;
        emit MatchOpened(disputeId, jobId, operator, challenger, m.nodeO, m.nodeC, m.strideHeight, m.strideLog2);
    }

    function _open(uint256 disputeId, uint256 jobId, Match storage m) internal {
        JobView memory job = _job(jobId);
        bytes memory d = _read(abi.encodeCall(JobManager.getDispute, (disputeId)));
        bytes32 rootC = _word(d, 9); // Dispute.checkpointRoot
        if (job.checkpointRoot == rootC) revert SameTraceRoot(disputeId);
        (,, address config,) = _pin(jobId);
        uint8 s = ObjectiveConfig(config).strideLog2();
        uint8 h = strideHeight(job.maxSteps, s);
        m.jobId = jobId;
        m.attempt = uint32(uint256(_word(d, 2))); // Dispute.attempt
        m.phase = uint8(Phase.Start);
        m.turn = SIDE_C;
        m.level = h;
        m.strideHeight = h;
        m.strideLog2 = s;
        m.lastMove = uint64(block.timestamp);
        m.clockO = clock;
        m.clockC = clock;
        m.nodeO = job.checkpointRoot;
        m.nodeC = rootC;
    }

    // ---------------------------------------------------------------- moves

    /// @notice C's first move: the children of its trace root (for H = 0 the roots are the leaves: both zero).
    function start(uint256 disputeId, bytes32 left, bytes32 right) external {
        Match storage m = _inPhase(disputeId, Phase.Start);
        _move(disputeId, m);
        if (m.strideHeight == 0) {
            if (left != bytes32(0) || right != bytes32(0)) revert BadChildren(disputeId);
            emit MatchStarted(disputeId, left, right);
            _strideLeafReached(disputeId, m);
            return;
        }
        if (keccak256(abi.encode(left, right)) != m.nodeC) revert BadChildren(disputeId);
        m.revealedLeft = left;
        m.revealedRight = right;
        m.phase = uint8(Phase.StrideBisect);
        emit MatchStarted(disputeId, left, right);
    }

    /// @notice One level of descent by the side to move (objective.md §4.2): its children of its node; the match
    ///         descends left where the mover's left child differs from the revealed one, else right (the shared
    ///         left child becomes the agreed subtree); above the leaves the mover reveals its children of its new
    ///         node (`nextLeft`, `nextRight`), at a leaf they are zero.
    function bisect(uint256 disputeId, bytes32 myLeft, bytes32 myRight, bytes32 nextLeft, bytes32 nextRight) external {
        Match storage m = _existing(disputeId);
        uint8 phase = m.phase;
        if (phase != uint8(Phase.StrideBisect) && phase != uint8(Phase.StepBisect)) {
            revert WrongPhase(disputeId, Phase(phase));
        }
        uint8 side = _move(disputeId, m);
        bool stepLevel = phase == uint8(Phase.StepBisect);
        bytes32 mine = _descend(disputeId, m, side, stepLevel, myLeft, myRight);
        uint8 level = m.level;
        if (level != 0) {
            if (keccak256(abi.encode(nextLeft, nextRight)) != mine) revert BadNextChildren(disputeId);
            m.revealedLeft = nextLeft;
            m.revealedRight = nextRight;
        } else if (nextLeft != bytes32(0) || nextRight != bytes32(0)) {
            revert BadNextChildren(disputeId);
        }
        // (at a leaf the revealed children are left as they were: no phase reads them until openStride rewrites them)
        _emitBisected(disputeId, m, side, stepLevel);
        if (level == 0) {
            if (stepLevel) _stepReached(disputeId, m);
            else _strideLeafReached(disputeId, m);
        }
    }

    function _emitBisected(uint256 disputeId, Match storage m, uint8 side, bool stepLevel) internal {
        uint64 index = stepLevel ? m.stepIndex : m.strideIndex;
        bool leaf = m.level == 0;
        emit Bisected(
            disputeId,
            side,
            stepLevel,
            m.level,
            index,
            m.nodeO,
            m.nodeC,
            leaf ? bytes32(0) : m.revealedLeft,
            leaf ? bytes32(0) : m.revealedRight
        );
    }

    /// @dev One level down: checks the mover's children, picks the side where they differ from the revealed ones,
    ///      records the agreed left subtree on a right turn. Returns the mover's new node.
    function _descend(uint256 disputeId, Match storage m, uint8 side, bool stepLevel, bytes32 myLeft, bytes32 myRight)
        internal
        returns (bytes32 mine)
    {
        if (keccak256(abi.encode(myLeft, myRight)) != (side == SIDE_O ? m.nodeO : m.nodeC)) {
            revert BadChildren(disputeId);
        }
        bool right = myLeft == m.revealedLeft;
        mine = right ? myRight : myLeft;
        bytes32 theirs = right ? m.revealedRight : m.revealedLeft;
        (m.nodeO, m.nodeC) = side == SIDE_O ? (mine, theirs) : (theirs, mine);
        uint8 level = m.level - 1;
        m.level = level;
        uint64 bit = right ? 1 : 0;
        if (stepLevel) {
            m.stepIndex = m.stepIndex * 2 + bit;
            if (right) {
                m.stepAgreed = myLeft;
                m.stepAgreedHeight = level;
                m.stepWentRight = true;
            }
        } else {
            m.strideIndex = m.strideIndex * 2 + bit;
            if (right) {
                m.strideAgreed = myLeft;
                m.strideAgreedHeight = level;
                m.strideWentRight = true;
            }
        }
    }

    /// @notice At stride leaf i (s > 0), the side to move posts the root of its step tree of stride i: its
    ///         rightmost-leaf proof (s left siblings) must end in the side's own stride leaf i, and `left`, `right`
    ///         are its children (checked, emitted). The poster's node becomes its step root; after the second post
    ///         the second poster's children are the revealed ones and the step descent starts at height s with the
    ///         first poster to bisect.
    function openStride(
        uint256 disputeId,
        bytes32 stepRoot,
        bytes32[] calldata lastLeafProof,
        bytes32 left,
        bytes32 right
    ) external {
        Match storage m = _inPhase(disputeId, Phase.StrideOpen);
        uint8 side = _move(disputeId, m);
        bytes32 leaf = side == SIDE_O ? m.nodeO : m.nodeC;
        if (lastLeafProof.length != m.strideLog2 || climbRight(leaf, lastLeafProof) != stepRoot) {
            revert BadStepRoot(disputeId);
        }
        if (keccak256(abi.encode(left, right)) != stepRoot) revert BadChildren(disputeId);
        // The poster's stride leaf is no longer needed: its node becomes its step root.
        if (side == SIDE_O) (m.stepRootO, m.nodeO) = (stepRoot, stepRoot);
        else (m.stepRootC, m.nodeC) = (stepRoot, stepRoot);
        emit StrideOpened(disputeId, side, stepRoot, left, right);
        if (++m.stepRootsPosted == 2) {
            // Only the second poster's children are compared with (the first poster bisects next).
            m.revealedLeft = left;
            m.revealedRight = right;
            m.level = m.strideLog2;
            m.phase = uint8(Phase.StepBisect);
        }
    }

    /// @notice Either side, any time in the Prove phase while the side to move has time left: `preState` (296
    ///         bytes) must hash to the step's predecessor through `predecessorProof` (the rightmost-leaf proof of the
    ///         agreed subtree, empty for the prestate); the step function then gives the true next state hash:
    ///         O's leaf -> OperatorWins, C's leaf -> OperatorRefuted, neither -> BothWrong.
    function proveStep(
        uint256 disputeId,
        bytes calldata preState,
        bytes32[] calldata predecessorProof,
        bytes calldata stepProof
    ) external nonReentrant {
        Match storage m = _inPhase(disputeId, Phase.Prove);
        if (msg.sender != m.operator && msg.sender != m.challenger) revert NotAParty(disputeId, msg.sender);
        if (block.timestamp - m.lastMove > _clockOfTurn(m)) revert ClockExpired(disputeId, _sideToMove(m));
        (bytes32 target, uint256 height, bool isPrestate) = _predecessor(m);
        if (isPrestate) target = prestateHash(m.jobId);
        if (predecessorProof.length != height || climbRight(keccak256(preState), predecessorProof) != target) {
            revert BadPredecessor(disputeId);
        }
        (bytes32 post,) = stepper.step(preState, stepProof);
        emit StepProven(disputeId, msg.sender, stepNumber(disputeId), post);
        Verdict verdict =
            post == m.nodeO ? Verdict.OperatorWins : post == m.nodeC ? Verdict.OperatorRefuted : Verdict.BothWrong;
        _resolve(disputeId, m, verdict);
    }

    /// @notice Anyone ends a match whose side to move used up its clock: that side loses (C: OperatorWins,
    ///         O: OperatorRefuted).
    function timeout(uint256 disputeId) external nonReentrant {
        Match storage m = _existing(disputeId);
        if (m.phase == uint8(Phase.Done)) revert WrongPhase(disputeId, Phase.Done);
        uint64 deadline = m.lastMove + _clockOfTurn(m);
        if (block.timestamp <= deadline) revert ClockRunning(disputeId, deadline);
        emit MatchTimedOut(disputeId, m.turn);
        _resolve(disputeId, m, m.turn == SIDE_O ? Verdict.OperatorRefuted : Verdict.OperatorWins);
    }

    /// @notice Anyone closes a match whose result another match already overturned (the job is no longer Disputed
    ///         at the match's attempt): JobManager returns the challenger's bond.
    function closeMoot(uint256 disputeId) external nonReentrant {
        Match storage m = _existing(disputeId);
        if (m.phase == uint8(Phase.Done)) revert WrongPhase(disputeId, Phase.Done);
        JobView memory job = _job(m.jobId);
        if (job.status == uint8(JobManager.JobStatus.Disputed) && job.attempt == m.attempt) revert NotMoot(disputeId);
        _resolve(disputeId, m, Verdict.None);
    }

    // ---------------------------------------------------------------- acceptance (JobManager.submitObjectiveResult)

    /// @inheritdoc IObjectiveCourt
    function checkResult(uint256 jobId, bytes calldata finalState, bytes32 traceRoot, bytes32[] calldata finalLeafProof)
        external
        view
        returns (bytes32 outputHash, bytes32 finalStateHash, uint64 stepCount)
    {
        JobView memory job = _job(jobId);
        uint8 h = strideHeight(job.maxSteps, _checkFinalState(jobId, job, finalState));
        finalStateHash = keccak256(finalState);
        if (finalLeafProof.length != h || climbRight(finalStateHash, finalLeafProof) != traceRoot) {
            revert BadFinalLeafProof();
        }
        stepCount = uint64(_field(finalState, 280, 8));
        // vm.md §4.2: outputAcc (204..236) || outputBuf (236..268) || outputLength (268..272), contiguous.
        outputHash = keccak256(finalState[204:272]);
    }

    /// @dev A valid terminal state of this job (its input, ramEnd, outputLimit) with step <= maxSteps; returns s.
    function _checkFinalState(uint256 jobId, JobView memory job, bytes calldata st)
        internal
        view
        returns (uint8 s)
    {
        JobParams memory p = jobParams(jobId, job);
        s = p.strideLog2;
        _checkState(st);
        if (_field(st, 288, 4) == 0) revert NotTerminal();
        uint64 step = uint64(_field(st, 280, 8));
        if (step > job.maxSteps) revert TooManySteps(step, job.maxSteps);
        if (
            bytes32(st[164:196]) != p.inputRoot || _field(st, 196, 4) != p.inputLength
                || _field(st, 272, 4) != p.outputLimit || _field(st, 276, 4) != p.ramEnd
        ) revert StateNotOfJob(jobId);
    }

    // ---------------------------------------------------------------- views

    /// @notice The hash of the job's initial state (vm.md §3, §5): the app's entry pc and image root, the posted
    ///         input's root and length, the app's outputLimit and ramEnd, everything else zero.
    function prestateHash(uint256 jobId) public view returns (bytes32) {
        return keccak256(prestate(jobId));
    }

    /// @notice The job's initial state encoding (296 bytes).
    function prestate(uint256 jobId) public view returns (bytes memory) {
        JobParams memory p = jobParams(jobId, _job(jobId));
        bytes memory st = new bytes(STATE_BYTES); // zero: registers, cursor, output, step, status, exit code
        _put(st, 0, p.entryPc, 4);
        _put(st, 132, uint256(p.imageRoot), 32); // memRoot
        _put(st, 164, uint256(p.inputRoot), 32);
        _put(st, 196, p.inputLength, 4);
        _put(st, 272, p.outputLimit, 4);
        _put(st, 276, p.ramEnd, 4);
        return st;
    }

    /// @dev Writes `value` big-endian into `len` bytes of `st` at `offset` (the bytes there are zero).
    function _put(bytes memory st, uint256 offset, uint256 value, uint256 len) internal pure {
        assembly ("memory-safe") {
            let p := add(add(st, 0x20), offset)
            mstore(p, or(mload(p), shl(sub(256, mul(8, len)), value)))
        }
    }

    /// @notice The whole state of a match.
    function getMatch(uint256 disputeId) external view returns (Match memory) {
        return _existing(disputeId);
    }

    /// @notice The side to move and when its clock runs out; each side's seconds left as of now.
    function clocks(uint256 disputeId)
        external
        view
        returns (address sideToMove, uint64 deadline, uint64 clockLeftO, uint64 clockLeftC)
    {
        Match storage m = _existing(disputeId);
        sideToMove = _sideToMove(m);
        deadline = m.lastMove + _clockOfTurn(m);
        uint256 elapsed = block.timestamp - m.lastMove;
        clockLeftO = m.clockO;
        clockLeftC = m.clockC;
        if (m.phase != uint8(Phase.Done)) {
            if (m.turn == SIDE_O) clockLeftO = elapsed >= clockLeftO ? 0 : clockLeftO - uint64(elapsed);
            else clockLeftC = elapsed >= clockLeftC ? 0 : clockLeftC - uint64(elapsed);
        }
    }

    /// @notice The step t whose successor T(t + 1) the match disputes (meaningful from the Prove phase on):
    ///         t = i * 2^s + j.
    function stepNumber(uint256 disputeId) public view returns (uint64) {
        Match storage m = _existing(disputeId);
        return uint64((uint256(m.strideIndex) << m.strideLog2) + m.stepIndex);
    }

    /// @notice The hash T(t) the pre-state must have and the length of its rightmost-leaf proof (objective.md
    ///         §4.3); `isPrestate` when it is the job's prestate (hash: prestateHash, empty proof).
    function predecessorOf(uint256 disputeId) external view returns (bytes32 hash, uint256 proofLength, bool isPrestate) {
        Match storage m = _existing(disputeId);
        (hash, proofLength, isPrestate) = _predecessor(m);
        if (isPrestate) hash = prestateHash(m.jobId);
    }

    /// @notice H: the smallest h with 2^h * 2^s >= maxSteps (objective.md §2).
    function strideHeight(uint64 maxSteps, uint8 s) public pure returns (uint8 h) {
        while ((uint256(1) << (uint256(h) + s)) < maxSteps) ++h;
    }

    /// @notice Climbs a rightmost-leaf proof: node = leaf; for each (left) sibling node = keccak256(sibling || node).
    function climbRight(bytes32 leaf, bytes32[] calldata leftSiblings) public pure returns (bytes32 node) {
        node = leaf;
        for (uint256 i; i < leftSiblings.length; ++i) {
            node = keccak256(abi.encode(leftSiblings[i], node));
        }
    }

    // ---------------------------------------------------------------- internal

    function _existing(uint256 disputeId) internal view returns (Match storage m) {
        m = _matches[disputeId];
        if (m.phase == uint8(Phase.None)) revert UnknownDispute(disputeId);
    }

    function _inPhase(uint256 disputeId, Phase phase) internal view returns (Match storage m) {
        m = _existing(disputeId);
        if (m.phase != uint8(phase)) revert WrongPhase(disputeId, Phase(m.phase));
    }

    function _sideToMove(Match storage m) internal view returns (address) {
        return m.turn == SIDE_O ? m.operator : m.challenger;
    }

    function _clockOfTurn(Match storage m) internal view returns (uint64) {
        return m.turn == SIDE_O ? m.clockO : m.clockC;
    }

    /// @dev msg.sender must be the side to move, with time left; charges its clock and passes the turn.
    function _move(uint256 disputeId, Match storage m) internal returns (uint8 side) {
        side = m.turn;
        address expected = side == SIDE_O ? m.operator : m.challenger;
        if (msg.sender != expected) revert NotYourTurn(disputeId, msg.sender, expected);
        uint64 elapsed = uint64(block.timestamp) - m.lastMove;
        if (side == SIDE_O) {
            if (elapsed > m.clockO) revert ClockExpired(disputeId, expected);
            m.clockO -= elapsed;
            m.turn = SIDE_C;
        } else {
            if (elapsed > m.clockC) revert ClockExpired(disputeId, expected);
            m.clockC -= elapsed;
            m.turn = SIDE_O;
        }
        m.lastMove = uint64(block.timestamp);
    }

    /// @dev The stride descent reached its leaf: the step level (both clocks extended), or for s = 0 the step.
    function _strideLeafReached(uint256 disputeId, Match storage m) internal {
        emit StrideReached(disputeId, m.strideIndex, m.nodeO, m.nodeC);
        if (m.strideLog2 == 0) {
            _stepReached(disputeId, m);
            return;
        }
        m.phase = uint8(Phase.StrideOpen);
        m.clockO += stepExtension;
        m.clockC += stepExtension;
    }

    function _stepReached(uint256 disputeId, Match storage m) internal {
        m.phase = uint8(Phase.Prove);
        emit StepReached(disputeId, stepNumber(disputeId), m.nodeO, m.nodeC);
    }

    /// @dev objective.md §4.3: the step level's agreed subtree if the step descent ever went right, else the stride
    ///      level's if it ever went right, else the prestate.
    function _predecessor(Match storage m) internal view returns (bytes32 hash, uint256 height, bool isPrestate) {
        if (m.stepWentRight) return (m.stepAgreed, m.stepAgreedHeight, false);
        if (m.strideWentRight) return (m.strideAgreed, m.strideAgreedHeight, false);
        return (bytes32(0), 0, true);
    }

    function _resolve(uint256 disputeId, Match storage m, Verdict verdict) internal {
        m.phase = uint8(Phase.Done);
        m.verdict = uint8(verdict);
        (uint256 pool, bool moot) = jobs.resolveDispute(disputeId, uint8(verdict));
        m.moot = moot;
        emit MatchResolved(disputeId, m.jobId, uint8(verdict), moot);
        // No voters in this mode: a voter pool is burned.
        if (pool != 0) token.safeTransfer(BURN_ADDRESS, pool);
    }

    /// @notice The job's pinned config (which must be for the job's program) and its posted input (reverts
    ///         InputOracle.InputNotPosted before it is posted).
    function jobParams(uint256 jobId, JobView memory job) internal view returns (JobParams memory p) {
        (bytes32 programDigest, uint8 mode, address config, address adapter) = _pin(jobId);
        if (mode != MODE || adapter != address(this)) revert NotObjectiveJob(jobId);
        ObjectiveConfig.Params memory c = ObjectiveConfig(config).params();
        if (c.programDigest != programDigest) revert ProgramMismatch(c.programDigest, programDigest);
        p.entryPc = c.entryPc;
        p.ramEnd = c.ramEnd;
        p.outputLimit = c.outputLimit;
        p.strideLog2 = c.strideLog2;
        p.imageRoot = c.imageRoot;
        if (c.blobInputs) (p.inputRoot, p.inputLength,) = oracle.blobInputOf(job.inputBlobKey);
        else (p.inputRoot, p.inputLength,) = oracle.inputOf(job.inputDigest);
    }

    /// @dev The job's fields the court needs, read from JobManager.getJob's return data (26 static words) without
    ///      decoding the whole struct.
    function _job(uint256 jobId) internal view returns (JobView memory v) {
        bytes memory ret = _read(abi.encodeCall(JobManager.getJob, (jobId)));
        v.inputBlobKey = _word(ret, 2);
        v.inputDigest = _word(ret, 3);
        v.maxSteps = uint64(uint256(_word(ret, 4)));
        v.status = uint8(uint256(_word(ret, 7)));
        v.attempt = uint32(uint256(_word(ret, 9)));
        v.checkpointRoot = _word(ret, 20);
    }

    /// @dev JobManager.pinOf(jobId): (programDigest, mode, appConfig, adapter).
    function _pin(uint256 jobId) internal view returns (bytes32 programDigest, uint8 mode, address config, address adapter) {
        bytes memory ret = _read(abi.encodeCall(JobManager.pinOf, (jobId)));
        programDigest = _word(ret, 0);
        mode = uint8(uint256(_word(ret, 3)));
        config = address(uint160(uint256(_word(ret, 6))));
        adapter = address(uint160(uint256(_word(ret, 7))));
    }

    /// @dev A static call to JobManager; its revert is re-thrown.
    function _read(bytes memory data) internal view returns (bytes memory ret) {
        bool ok;
        (ok, ret) = address(jobs).staticcall(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    function _word(bytes memory ret, uint256 index) internal pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(ret, add(0x20, shl(5, index))))
        }
    }

    /// @dev A big-endian unsigned field of `len` bytes at `offset`.
    function _field(bytes calldata st, uint256 offset, uint256 len) internal pure returns (uint256) {
        return uint256(bytes32(st[offset:offset + len])) >> (256 - 8 * len);
    }

    /// @dev vm.md §5 validity.
    function _checkState(bytes calldata st) internal pure {
        if (st.length != STATE_BYTES) revert BadState();
        if (_field(st, 4, 4) != 0) revert BadState(); // x0
        if (_field(st, 200, 4) > _field(st, 196, 4)) revert BadState(); // inputCursor <= inputLength
        uint256 outputLength = _field(st, 268, 4);
        if (outputLength > _field(st, 272, 4)) revert BadState(); // outputLength <= outputLimit
        // outputBuf is zero from offset outputLength mod 32 on
        if (uint256(bytes32(st[236:268])) << (8 * (outputLength % 32)) != 0 && outputLength % 32 != 0) revert BadState();
        if (outputLength % 32 == 0 && bytes32(st[236:268]) != bytes32(0)) revert BadState();
        uint256 ramEnd = _field(st, 276, 4);
        if (ramEnd % 4096 != 0 || ramEnd <= 0x00010000 || ramEnd > 0x80000000) revert BadState();
        if (_field(st, 280, 8) >= 1 << 63) revert BadState(); // step
        uint256 status = _field(st, 288, 4);
        uint256 exitCode = _field(st, 292, 4);
        if (status > 2 || (status == 0 && exitCode != 0) || (status == 2 && (exitCode == 0 || exitCode > 5))) {
            revert BadState();
        }
    }
}
