// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";
import {IRiscvStep} from "../src/IRiscvStep.sol";
import {InputOracle} from "../src/InputOracle.sol";
import {BlobHashOracle} from "./BlobHashOracle.sol";
import {ObjectiveConfig} from "../src/ObjectiveConfig.sol";
import {ObjectiveCourt} from "../src/ObjectiveCourt.sol";

/// @notice The test double of RiscvStep for game-logic tests: a VM whose only instruction advances `step`, and
///         which exits (status 1) when `step` reaches `halt`. It is a function of the pre-state alone (other fields,
///         such as a liar's marker register, are carried over), so every trace of the model has one true successor.
contract StepDouble {
    uint64 public halt = type(uint64).max;

    function setHalt(uint64 h) external {
        halt = h;
    }

    function step(bytes calldata pre, bytes calldata) external view returns (bytes32, uint8) {
        if (pre.length != 296) revert("double: not a state");
        uint32 status = uint32(bytes4(pre[288:292]));
        if (status != 0) return (keccak256(pre), uint8(status));
        bytes memory post = pre;
        uint64 t = uint64(bytes8(pre[280:288])) + 1;
        uint8 next = t >= halt ? 1 : 0;
        assembly ("memory-safe") {
            let p := add(post, 0x20)
            mstore(add(p, 280), or(shl(192, t), and(mload(add(p, 280)), shr(64, not(0)))))
            mstore8(add(p, 291), next)
        }
        return (keccak256(post), next);
    }
}

/// @notice Deploys the objective mode on top of the settlement fixture (InputOracle, the step double, an
///         ObjectiveCourt registered as mode 2's adapter, mode 2 enabled) and plays matches: a **trace model** gives
///         every state T(t) of a claim (the honest run, or a liar's run that departs from it at step `d`), the
///         trace commitment's nodes are computed from it (constant stretches folded), and `play` makes the move
///         of a side that follows its model exactly.
abstract contract ObjectiveFixture is SettlementFixture {
    uint64 internal constant CLOCK = 10 minutes;
    uint64 internal constant STEP_EXTENSION = 10 minutes;
    uint32 internal constant ENTRY_PC = 0x10000;
    uint32 internal constant RAM_END = 0x20010000;
    uint32 internal constant OUTPUT_LIMIT = 64 << 20;
    bytes32 internal constant IMAGE_ROOT = keccak256("image");
    bytes32 internal constant PROGRAM_KEY = bytes32(uint256(0x2a));
    bytes32 internal constant OUT_KEY = keccak256("objective-output");
    uint8 internal constant OPERATOR_WINS = uint8(IDisputeCourt.Verdict.OperatorWins);
    uint8 internal constant BOTH_WRONG = uint8(IDisputeCourt.Verdict.BothWrong);
    uint8 internal constant OPERATOR_REFUTED = uint8(IDisputeCourt.Verdict.OperatorRefuted);
    uint64 internal constant NEVER = type(uint64).max;

    /// @notice A claim: the honest run for t < d; from d on a run that halts at `halt` with register x5 = `tag`.
    struct Trace {
        uint64 d;
        uint64 halt;
        uint32 tag;
    }

    InputOracle internal oracle;
    StepDouble internal double;
    ObjectiveCourt internal ocourt;
    address internal dev;
    address internal user;
    address internal op;
    uint64 internal honestHalt; // the honest run exits at this step
    bytes internal input = hex"0102030405";
    bytes internal currentPrestate; // the prestate of the job being played

    // move counters and gas (execution gas of the call, storage cooled first)
    uint256 internal moves;
    uint256 internal proofs;

    function setUp() public virtual override {
        super.setUp();
        dev = makeAddr("dev");
        user = makeAddr("user");
        op = operator("obj-op", COMPUTE, 1_000e18);
        activate();
        oracle = new BlobHashOracle();
        double = new StepDouble();
        ocourt = new ObjectiveCourt(jobs, oracle, IRiscvStep(address(double)), CLOCK, STEP_EXTENSION);
        vm.startPrank(address(timelock));
        jobs.setModeAdapter(MODE_OBJECTIVE, address(ocourt));
        apps.setModeEnabled(MODE_OBJECTIVE, true);
        vm.stopPrank();
    }

    // ------------------------------------------------------------ apps and jobs

    function objectiveApp(uint8 s) internal returns (uint256 appId) {
        appId = createApp(dev, MODE_OBJECTIVE);
        ObjectiveConfig config =
            new ObjectiveConfig(keccak256("program"), ENTRY_PC, IMAGE_ROOT, RAM_END, OUTPUT_LIMIT, s, false);
        vm.prank(dev);
        apps.setAppConfig(appId, address(config));
    }

    function envelope(bytes memory data) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes8("TDJOBIN1"), PROGRAM_KEY, uint64(1), uint32(data.length), data);
    }

    /// @dev Posts the input, submits a job of `appId` with `maxSteps` and assigns it to op.
    function objectiveJob(uint256 appId, uint64 maxSteps) internal returns (uint256 jobId) {
        bytes memory env = envelope(input);
        oracle.postInput(env);
        jobId = submitObjective(appId, keccak256(env), maxSteps);
        assertEq(assignNow(jobId), op, "the only operator");
        currentPrestate = prestateBytes();
        assertEq(keccak256(currentPrestate), ocourt.prestateHash(jobId), "prestate built like the court");
    }

    function submitObjective(uint256 appId, bytes32 digest, uint64 maxSteps) internal returns (uint256 jobId) {
        fund(user, MIN_FEE + SUBMITTER_DEPOSIT);
        bytes32 inputKey = keccak256(abi.encode("input", jobs.jobCount()));
        vm.prank(user);
        jobId = jobs.submitJob(appId, inputKey, digest, maxSteps, MIN_FEE);
    }

    /// @dev The prestate of a job with `input` (vm.md §3, §5), built here independently of the court.
    function prestateBytes() internal view returns (bytes memory) {
        return abi.encodePacked(
            abi.encodePacked(ENTRY_PC, new bytes(128), IMAGE_ROOT, oracleRoot(), uint32(input.length), uint32(0)),
            abi.encodePacked(bytes32(0), bytes32(0), uint32(0), OUTPUT_LIMIT, RAM_END, uint64(0), uint32(0), uint32(0))
        );
    }

    function oracleRoot() internal view returns (bytes32 root) {
        (root,,) = oracle.inputOf(keccak256(envelope(input)));
    }

    // ------------------------------------------------------------ the trace model

    function honest() internal pure returns (Trace memory) {
        return Trace(NEVER, 0, 0);
    }

    function liar(uint64 d, uint64 halt, uint32 tag) internal pure returns (Trace memory) {
        return Trace(d, halt, tag);
    }

    /// @dev T(t) of a claim: the prestate with step and status set (and x5 = tag on the liar's stretch).
    function stateAt(Trace memory tr, uint256 t) internal view returns (bytes memory st) {
        st = bytes.concat(currentPrestate);
        uint256 stepField;
        uint256 status;
        uint32 tag;
        if (t < tr.d) {
            stepField = t < honestHalt ? t : honestHalt;
            status = t >= honestHalt ? 1 : 0;
        } else {
            stepField = t < tr.halt ? t : tr.halt;
            status = t >= tr.halt ? 1 : 0;
            tag = tr.tag;
        }
        assembly ("memory-safe") {
            let p := add(st, 0x20)
            mstore(add(p, 280), or(shl(192, stepField), and(mload(add(p, 280)), shr(64, not(0)))))
            mstore8(add(p, 291), status)
            // x5 at offset 4 + 5 * 4 = 24
            mstore(add(p, 24), or(shl(224, tag), and(mload(add(p, 24)), shr(32, not(0)))))
        }
    }

    function leafHash(Trace memory tr, uint256 t) internal view returns (bytes32) {
        return keccak256(stateAt(tr, t));
    }

    /// @dev Equal keys at both ends of a range mean the claim is constant over it.
    function key(Trace memory tr, uint256 t) internal view returns (uint256) {
        if (t < tr.d) return t < honestHalt ? t : 1 << 100;
        return t < tr.halt ? t : 1 << 101;
    }

    /// @dev The node of height h over the leaves T(base + k * unit), k < 2^h.
    function node(Trace memory tr, uint256 base, uint256 unit, uint256 h) internal view returns (bytes32 x) {
        uint256 last = base + ((uint256(1) << h) - 1) * unit;
        if (key(tr, base) == key(tr, last)) {
            x = leafHash(tr, base);
            for (uint256 i; i < h; ++i) {
                x = keccak256(abi.encode(x, x));
            }
            return x;
        }
        uint256 half = uint256(1) << (h - 1);
        return keccak256(abi.encode(node(tr, base, unit, h - 1), node(tr, base + half * unit, unit, h - 1)));
    }

    /// @dev Stride tree node (level, index): leaves T((i + 1) * S).
    function strideNode(Trace memory tr, uint8 s, uint256 level, uint256 index) internal view returns (bytes32) {
        uint256 stride = uint256(1) << s;
        return node(tr, ((index << level) + 1) * stride, stride, level);
    }

    /// @dev Step tree of stride i, node (level, index): leaves T(i * S + j + 1).
    function stepNode(Trace memory tr, uint8 s, uint256 i, uint256 level, uint256 index)
        internal
        view
        returns (bytes32)
    {
        return node(tr, (i << s) + (index << level) + 1, 1, level);
    }

    /// @dev Rightmost-leaf proof of the stride subtree at (height h, index idx): its left siblings from the leaves up.
    function strideProof(Trace memory tr, uint8 s, uint256 h, uint256 idx) internal view returns (bytes32[] memory p) {
        p = new bytes32[](h);
        for (uint256 k; k < h; ++k) {
            p[k] = strideNode(tr, s, k, ((idx + 1) << (h - k)) - 2);
        }
    }

    function stepProof(Trace memory tr, uint8 s, uint256 i, uint256 h, uint256 idx)
        internal
        view
        returns (bytes32[] memory p)
    {
        p = new bytes32[](h);
        for (uint256 k; k < h; ++k) {
            p[k] = stepNode(tr, s, i, k, ((idx + 1) << (h - k)) - 2);
        }
    }

    // ------------------------------------------------------------ results and challenges

    function heightOf(uint256 jobId, uint8 s) internal view returns (uint8) {
        return ocourt.strideHeight(jobs.getJob(jobId).maxSteps, s);
    }

    /// @dev The assignee submits `tr`'s result: its final state T(N * S), trace root and final leaf proof.
    function submitClaim(uint256 jobId, uint8 s, Trace memory tr) internal {
        uint8 h = heightOf(jobId, s);
        bytes memory fin = stateAt(tr, (uint256(1) << h) << s);
        vm.prank(op);
        jobs.submitObjectiveResult(
            jobId, fin, strideNode(tr, s, h, 0), strideProof(tr, s, h, 0), OUT_KEY
        );
    }

    function challengeClaim(address who, uint256 jobId, uint8 s, Trace memory tr) internal returns (uint256 id) {
        uint8 h = heightOf(jobId, s);
        bytes memory fin = stateAt(tr, (uint256(1) << h) << s);
        fund(who, CHALLENGE_BOND);
        vm.prank(who);
        id = jobs.challenge(
            jobId, keccak256(_slice(fin, 204, 68)), keccak256(fin), uint64(bytes8(_word(fin, 280))),
            strideNode(tr, s, h, 0)
        );
    }

    function _slice(bytes memory b, uint256 from, uint256 len) internal pure returns (bytes memory r) {
        r = new bytes(len);
        for (uint256 i; i < len; ++i) {
            r[i] = b[from + i];
        }
    }

    function _word(bytes memory b, uint256 off) internal pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), off))
        }
    }

    // ------------------------------------------------------------ the player

    /// @dev The move `who` (playing `tr`) makes now in match `id`: start, bisect or openStride when it is its turn,
    ///      proveStep in the Prove phase. Returns the move's calldata (for the gas figures) and its name.
    function moveOf(uint256 id, Trace memory tr)
        internal
        view
        returns (bytes memory data, string memory kind)
    {
        ObjectiveCourt.Match memory m = ocourt.getMatch(id);
        uint8 s = m.strideLog2;
        ObjectiveCourt.Phase ph = ObjectiveCourt.Phase(m.phase);
        if (ph == ObjectiveCourt.Phase.Start) {
            uint8 h = m.strideHeight;
            (bytes32 l, bytes32 r) =
                h == 0 ? (bytes32(0), bytes32(0)) : (strideNode(tr, s, h - 1, 0), strideNode(tr, s, h - 1, 1));
            return (abi.encodeCall(ObjectiveCourt.start, (id, l, r)), "start");
        }
        if (ph == ObjectiveCourt.Phase.StrideBisect || ph == ObjectiveCourt.Phase.StepBisect) {
            bool stepLevel = ph == ObjectiveCourt.Phase.StepBisect;
            uint256 idx = stepLevel ? m.stepIndex : m.strideIndex;
            uint256 lv = m.level - 1;
            bytes32 myL = _treeNode(tr, m, stepLevel, lv, 2 * idx);
            bytes32 myR = _treeNode(tr, m, stepLevel, lv, 2 * idx + 1);
            uint256 nidx = 2 * idx + (myL == m.revealedLeft ? 1 : 0);
            bytes32 nl;
            bytes32 nr;
            if (lv > 0) {
                nl = _treeNode(tr, m, stepLevel, lv - 1, 2 * nidx);
                nr = _treeNode(tr, m, stepLevel, lv - 1, 2 * nidx + 1);
            }
            return (
                abi.encodeCall(ObjectiveCourt.bisect, (id, myL, myR, nl, nr)), stepLevel ? "bisect-step" : "bisect-stride"
            );
        }
        if (ph == ObjectiveCourt.Phase.StrideOpen) {
            uint256 i = m.strideIndex;
            return (
                abi.encodeCall(
                    ObjectiveCourt.openStride,
                    (id, stepNode(tr, s, i, s, 0), stepProof(tr, s, i, s, 0), stepNode(tr, s, i, s - 1, 0), stepNode(tr, s, i, s - 1, 1))
                ),
                "openStride"
            );
        }
        if (ph == ObjectiveCourt.Phase.Prove) {
            uint256 t = ocourt.stepNumber(id);
            bytes32[] memory proof;
            if (m.stepWentRight) {
                proof = stepProof(tr, s, m.strideIndex, m.stepAgreedHeight, (m.stepIndex >> m.stepAgreedHeight) - 1);
            } else if (m.strideWentRight) {
                proof = strideProof(tr, s, m.strideAgreedHeight, (m.strideIndex >> m.strideAgreedHeight) - 1);
            }
            return (abi.encodeCall(ObjectiveCourt.proveStep, (id, stateAt(tr, t), proof, bytes(""))), "proveStep");
        }
        revert("no move");
    }

    function _treeNode(Trace memory tr, ObjectiveCourt.Match memory m, bool stepLevel, uint256 level, uint256 index)
        internal
        view
        returns (bytes32)
    {
        return stepLevel
            ? stepNode(tr, m.strideLog2, m.strideIndex, level, index)
            : strideNode(tr, m.strideLog2, level, index);
    }

    /// @dev `who` makes its move (playing `tr`); returns the call's execution gas (storage cooled first).
    function play(uint256 id, address who, Trace memory tr) internal returns (uint256 gasUsed, string memory kind) {
        bytes memory data;
        (data, kind) = moveOf(id, tr);
        vm.cool(address(ocourt));
        vm.cool(address(jobs));
        vm.cool(address(registry));
        vm.cool(address(token));
        vm.prank(who);
        uint256 g = gasleft();
        (bool ok, bytes memory ret) = address(ocourt).call(data);
        gasUsed = g - gasleft();
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        ++moves;
        if (keccak256(bytes(kind)) == keccak256("proveStep")) ++proofs;
    }

    function sideToMove(uint256 id) internal view returns (address who) {
        (who,,,) = ocourt.clocks(id);
    }

    /// @dev Plays a match to its end, each side following its model; the operator proves the step.
    function runMatch(uint256 id, address challenger, Trace memory trO, Trace memory trC) internal returns (uint8) {
        for (uint256 n; n < 200; ++n) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.phase == uint8(ObjectiveCourt.Phase.Done)) return m.verdict;
            if (m.phase == uint8(ObjectiveCourt.Phase.Prove)) {
                play(id, op, trO);
            } else if (m.turn == 0) {
                play(id, op, trO);
            } else {
                play(id, challenger, trC);
            }
        }
        revert("match did not end");
    }

    function verdictOf(uint256 id) internal view returns (uint8) {
        return ocourt.getMatch(id).verdict;
    }

    function jobStatus(uint256 jobId) internal view returns (JobManager.JobStatus) {
        return jobs.getJob(jobId).status;
    }
}
