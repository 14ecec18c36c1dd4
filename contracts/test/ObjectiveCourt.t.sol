// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ObjectiveFixture, StepDouble} from "./ObjectiveFixture.sol";
import {JobManager} from "../src/JobManager.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";
import {IRiscvStep} from "../src/IRiscvStep.sol";
import {InputOracle} from "../src/InputOracle.sol";
import {BlobHashOracle} from "./BlobHashOracle.sol";
import {ObjectiveConfig} from "../src/ObjectiveConfig.sol";
import {ObjectiveCourt} from "../src/ObjectiveCourt.sol";
import {RiscvStep} from "../src/RiscvStep.sol";

/// @notice REEXEC_OBJECTIVE (docs/spec/objective.md): results, matches, verdicts and their money, with the step
///         double (ObjectiveFixture) for the game logic and the real RiscvStep end to end. Each attack is played and
///         shown to fail.
contract ObjectiveCourtTest is ObjectiveFixture {
    address internal watcher;
    address internal sybil;

    function setUp() public override {
        super.setUp();
        watcher = makeAddr("watcher");
        sybil = makeAddr("sybil");
        setHonestHalt(12);
    }

    function setHonestHalt(uint64 h) internal {
        honestHalt = h;
        double.setHalt(h);
    }

    /// @dev A job of a fresh app with stride 2^s and maxSteps, op's result `trO` submitted, `who` challenging with
    ///      `trC`.
    function disputed(uint8 s, uint64 maxSteps, Trace memory trO, address who, Trace memory trC)
        internal
        returns (uint256 jobId, uint256 id)
    {
        jobId = objectiveJob(objectiveApp(s), maxSteps);
        submitClaim(jobId, s, trO);
        id = challengeClaim(who, jobId, s, trC);
    }

    // ================================================================ honest vs liar

    function test_honestOperator_falseChallengerLosesBond() public {
        (uint256 jobId, uint256 id) = disputed(3, 64, honest(), watcher, liar(37, 50, 7));
        uint256 opBefore = token.balanceOf(op);
        assertEq(runMatch(id, watcher, honest(), liar(37, 50, 7)), OPERATOR_WINS, "operator wins");
        assertEq(proofs, 1, "one step proven");
        assertEq(token.balanceOf(watcher), 0, "bond forfeited");
        assertEq(token.balanceOf(op) - opBefore, CHALLENGE_BOND * PARTY_REWARD / 1e18, "operator's share");
        assertEq(token.balanceOf(address(ocourt)), 0, "voter pool burned");
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Submitted), "result stands");
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        jobs.finalize(jobId);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Finalized));
    }

    function test_liarOperator_honestChallengerRefutesIt() public {
        (uint256 jobId, uint256 id) = disputed(3, 64, liar(23, 30, 9), watcher, honest());
        uint256 stake = registry.stakeOf(op);
        assertEq(runMatch(id, watcher, liar(23, 30, 9), honest()), OPERATOR_REFUTED, "refuted");
        assertEq(proofs, 1, "exactly one step proven");
        assertEq(ocourt.stepNumber(id), 22, "the first wrong step: T(22) -> T(23)");
        uint256 slashed = stake - registry.stakeOf(op);
        assertEq(slashed, stake * DISPUTE_SLASH / 1e18, "slashed disputeSlashWad");
        uint256 reward = slashed * PARTY_REWARD / 1e18;
        if (reward > CHALLENGE_BOND) reward = CHALLENGE_BOND;
        assertEq(token.balanceOf(watcher), CHALLENGE_BOND + reward, "bond back plus reward");
        JobManager.Job memory j = jobs.getJob(jobId);
        assertEq(uint8(j.status), uint8(JobManager.JobStatus.Queued), "queued again");
        assertEq(j.attempt, 1);
        assertEq(j.outputHash, bytes32(0), "result dropped");
        assertEq(j.checkpointRoot, bytes32(0));
        assertEq(j.lastStep, 0, "checkpoints dropped");
        assertTrue(jobs.hasFailed(jobId, op), "without that operator");
        assertEq(jobs.getDispute(id).verdict, OPERATOR_REFUTED);
    }

    /// The first divergence is T(1), stride leaf 0, step leaf 0: the predecessor is the prestate.
    function test_divergenceAtStepZero_predecessorIsPrestate() public {
        (, uint256 id) = disputed(2, 16, liar(1, 9, 3), watcher, honest());
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.Prove)) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.turn == 0) play(id, op, liar(1, 9, 3));
            else play(id, watcher, honest());
        }
        ObjectiveCourt.Match memory mm = ocourt.getMatch(id);
        assertEq(mm.strideIndex, 0);
        assertEq(mm.stepIndex, 0);
        assertFalse(mm.strideWentRight || mm.stepWentRight, "always left");
        (bytes32 pre, uint256 len, bool isPrestate) = ocourt.predecessorOf(id);
        assertTrue(isPrestate, "prestate");
        assertEq(len, 0);
        assertEq(pre, keccak256(currentPrestate));
        play(id, watcher, honest());
        assertEq(verdictOf(id), OPERATOR_REFUTED);
    }

    /// The divergence is T(2S): the last step of stride 1 (rightmost path of its step tree); the predecessor is the
    /// step level's agreed subtree.
    function test_divergenceAtLastStepOfStride() public {
        setHonestHalt(60);
        (, uint256 id) = disputed(3, 64, honest(), watcher, liar(16, 64, 5));
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.Prove)) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.turn == 0) play(id, op, honest());
            else play(id, watcher, liar(16, 64, 5));
        }
        ObjectiveCourt.Match memory mm = ocourt.getMatch(id);
        assertEq(mm.strideIndex, 1, "stride 1");
        assertEq(mm.stepIndex, 7, "its last step");
        assertTrue(mm.stepWentRight, "rightmost path");
        assertEq(mm.stepAgreedHeight, 0, "agreed: the leaf before");
        assertEq(ocourt.stepNumber(id), 15);
        play(id, watcher, liar(16, 64, 5)); // the liar proves: the step still says the truth
        assertEq(verdictOf(id), OPERATOR_WINS);
    }

    /// The divergence is the first step of stride 2: the predecessor is the stride level's agreed subtree.
    function test_divergenceAtFirstStepOfStride_strideAgreed() public {
        (, uint256 id) = disputed(2, 16, liar(9, 16, 4), watcher, honest());
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.Prove)) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.turn == 0) play(id, op, liar(9, 16, 4));
            else play(id, watcher, honest());
        }
        ObjectiveCourt.Match memory mm = ocourt.getMatch(id);
        assertEq(mm.strideIndex, 2);
        assertEq(mm.stepIndex, 0);
        assertFalse(mm.stepWentRight);
        assertTrue(mm.strideWentRight);
        play(id, watcher, honest());
        assertEq(verdictOf(id), OPERATOR_REFUTED);
    }

    /// Claims of different step counts are trees of one shape (padded by the terminal state): a liar that exits
    /// early, and one that runs on past the honest exit, are both refuted at the first differing step.
    function test_differentStepCounts() public {
        setHonestHalt(20);
        (, uint256 id) = disputed(2, 32, liar(12, 12, 0), watcher, honest());
        assertEq(runMatch(id, watcher, liar(12, 12, 0), honest()), OPERATOR_REFUTED, "early exit refuted");
        assertEq(ocourt.stepNumber(id), 11);

        (, uint256 id2) = disputed(2, 32, honest(), sybil, liar(20, 27, 0));
        assertEq(runMatch(id2, sybil, honest(), liar(20, 27, 0)), OPERATOR_WINS, "late exit refuted");
        assertEq(ocourt.stepNumber(id2), 19);
    }

    /// s = 0: no step level; H = 0: no stride descent.
    function test_strideOneAndSingleLeaf() public {
        (, uint256 id) = disputed(0, 64, liar(33, 64, 2), watcher, honest());
        assertEq(runMatch(id, watcher, liar(33, 64, 2), honest()), OPERATOR_REFUTED, "s = 0");
        setHonestHalt(5);
        (, uint256 id2) = disputed(3, 8, honest(), sybil, liar(3, 8, 1));
        assertEq(ocourt.getMatch(id2).strideHeight, 0, "H = 0");
        assertEq(runMatch(id2, sybil, honest(), liar(3, 8, 1)), OPERATOR_WINS, "H = 0");
    }

    /// Neither leaf is the true successor: both computed wrong.
    function test_bothWrong() public {
        (uint256 jobId, uint256 id) = disputed(2, 16, liar(10, 16, 1), watcher, liar(10, 16, 2));
        uint256 stake = registry.stakeOf(op);
        assertEq(runMatch(id, watcher, liar(10, 16, 1), liar(10, 16, 2)), BOTH_WRONG);
        assertLt(registry.stakeOf(op), stake, "operator slashed");
        assertEq(token.balanceOf(watcher), 0, "bond forfeited");
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Queued), "queued again");
        assertEq(token.balanceOf(address(ocourt)), 0, "voter pool burned");
    }

    // ================================================================ clocks

    function test_silentChallenger_losesOnClock() public {
        (uint256 jobId, uint256 id) = disputed(2, 16, honest(), watcher, liar(5, 16, 1));
        (, uint64 deadline,,) = ocourt.clocks(id);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.ClockRunning.selector, id, deadline));
        ocourt.timeout(id);
        vm.warp(deadline + 1);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.ClockExpired.selector, id, watcher));
        ocourt.start(id, bytes32(0), bytes32(0));
        ocourt.timeout(id);
        assertEq(verdictOf(id), OPERATOR_WINS);
        assertEq(token.balanceOf(watcher), 0);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Submitted));
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, id, ObjectiveCourt.Phase.Done));
        ocourt.timeout(id);
    }

    function test_silentOperator_losesOnClock() public {
        (uint256 jobId, uint256 id) = disputed(2, 16, liar(5, 16, 1), watcher, honest());
        vm.warp(block.timestamp + 600);
        play(id, watcher, honest()); // C spends 600 s
        (, , uint64 leftO, uint64 leftC) = ocourt.clocks(id);
        assertEq(leftO, CLOCK);
        assertEq(leftC, CLOCK - 600, "C's clock ran only on its turn");
        vm.warp(block.timestamp + CLOCK + 1);
        ocourt.timeout(id);
        assertEq(verdictOf(id), OPERATOR_REFUTED);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Queued));
    }

    /// Reaching the step level adds stepExtension to both clocks.
    function test_stepLevelExtendsClocks() public {
        (, uint256 id) = disputed(2, 16, liar(5, 16, 1), watcher, honest());
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.StrideOpen)) {
            if (ocourt.getMatch(id).turn == 0) play(id, op, liar(5, 16, 1));
            else play(id, watcher, honest());
        }
        ObjectiveCourt.Match memory m = ocourt.getMatch(id);
        assertEq(m.clockO, CLOCK + STEP_EXTENSION);
        assertEq(m.clockC, CLOCK + STEP_EXTENSION);
    }

    // ================================================================ moves that must revert

    function test_outOfTurnAndWrongSide_revert() public {
        (, uint256 id) = disputed(2, 16, liar(5, 16, 1), watcher, honest());
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.NotYourTurn.selector, id, op, watcher));
        ocourt.start(id, bytes32(0), bytes32(0));
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.NotYourTurn.selector, id, user, watcher));
        ocourt.start(id, bytes32(0), bytes32(0));
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, id, ObjectiveCourt.Phase.Start)
        );
        ocourt.bisect(id, 0, 0, 0, 0);
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, id, ObjectiveCourt.Phase.Start)
        );
        ocourt.proveStep(id, currentPrestate, new bytes32[](0), "");
        play(id, watcher, honest());
        // now O's turn: C may not bisect, nobody may start or open a stride
        (bytes memory data,) = moveOf(id, honest());
        vm.prank(watcher);
        (bool ok, bytes memory ret) = address(ocourt).call(data);
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(ObjectiveCourt.NotYourTurn.selector, id, watcher, op));
        vm.prank(op);
        vm.expectRevert(
            abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, id, ObjectiveCourt.Phase.StrideBisect)
        );
        ocourt.start(id, bytes32(0), bytes32(0));
        vm.prank(op);
        vm.expectRevert(
            abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, id, ObjectiveCourt.Phase.StrideBisect)
        );
        ocourt.openStride(id, bytes32(0), new bytes32[](0), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.NotJobManager.selector, address(this)));
        ocourt.openDispute(99, 1, 0, 0, op, watcher);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.UnknownDispute.selector, 99));
        ocourt.bisect(99, 0, 0, 0, 0);
    }

    function test_bisect_childrenNotMatchingTheNode_revert() public {
        (, uint256 id) = disputed(2, 16, honest(), watcher, liar(5, 16, 1));
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadChildren.selector, id));
        ocourt.start(id, keccak256("a"), keccak256("b"));
        play(id, watcher, liar(5, 16, 1));
        (bytes memory data,) = moveOf(id, honest());
        (, bytes32 l, bytes32 r, bytes32 nl, bytes32 nr) =
            abi.decode(_tail(data), (uint256, bytes32, bytes32, bytes32, bytes32));
        vm.startPrank(op);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadChildren.selector, id));
        ocourt.bisect(id, r, l, nl, nr); // swapped children
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadNextChildren.selector, id));
        ocourt.bisect(id, l, r, nr, nl); // next children not of the new node
        ocourt.bisect(id, l, r, nl, nr);
        vm.stopPrank();
    }

    function _tail(bytes memory data) internal pure returns (bytes memory r) {
        r = new bytes(data.length - 4);
        for (uint256 i; i < r.length; ++i) {
            r[i] = data[i + 4];
        }
    }

    function test_openStride_stepRootNotEndingInOwnLeaf_reverts() public {
        (, uint256 id) = disputed(2, 16, liar(6, 16, 1), watcher, honest());
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.StrideOpen)) {
            if (ocourt.getMatch(id).turn == 0) play(id, op, liar(6, 16, 1));
            else play(id, watcher, honest());
        }
        ObjectiveCourt.Match memory m = ocourt.getMatch(id);
        address mover = m.turn == 0 ? op : watcher;
        // The mover posts the other side's step tree (its last leaf is the other side's stride leaf).
        Trace memory other = m.turn == 0 ? honest() : liar(6, 16, 1);
        (bytes memory data,) = moveOf(id, other);
        vm.prank(mover);
        (bool ok, bytes memory ret) = address(ocourt).call(data);
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(ObjectiveCourt.BadStepRoot.selector, id));
        // a proof of the wrong length
        vm.prank(mover);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadStepRoot.selector, id));
        ocourt.openStride(id, m.turn == 0 ? m.nodeO : m.nodeC, new bytes32[](0), 0, 0);
    }

    function test_proveStep_wrongPredecessor_reverts() public {
        (, uint256 id) = disputed(2, 16, liar(7, 16, 1), watcher, honest());
        while (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.Prove)) {
            if (ocourt.getMatch(id).turn == 0) play(id, op, liar(7, 16, 1));
            else play(id, watcher, honest());
        }
        (bytes memory data,) = moveOf(id, honest());
        (, bytes memory pre, bytes32[] memory proof,) = abi.decode(_tail(data), (uint256, bytes, bytes32[], bytes));
        vm.startPrank(watcher);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadPredecessor.selector, id));
        ocourt.proveStep(id, stateAt(honest(), 5), proof, ""); // another state
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.BadPredecessor.selector, id));
        ocourt.proveStep(id, pre, new bytes32[](0), ""); // the proof left out
        vm.stopPrank();
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.NotAParty.selector, id, user));
        ocourt.proveStep(id, pre, proof, "");
        vm.prank(watcher);
        ocourt.proveStep(id, pre, proof, "");
        assertEq(verdictOf(id), OPERATOR_REFUTED);
    }

    // ================================================================ many matches

    /// A sybil challenger who goes silent cannot shield a lying operator: the honest challenger's match refutes it
    /// whatever the other match does; the sybil's match is then moot and its bond returned.
    function test_sybilSilentChallenger_cannotShieldLiar() public {
        uint256 jobId = objectiveJob(objectiveApp(2), 16);
        Trace memory lie = liar(8, 16, 6);
        submitClaim(jobId, 2, lie);
        uint256 idS = challengeClaim(sybil, jobId, 2, liar(3, 16, 99)); // the sybil challenges first, then stalls
        uint256 idH = challengeClaim(watcher, jobId, 2, honest());
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.NotMoot.selector, idS));
        ocourt.closeMoot(idS);
        assertEq(runMatch(idH, watcher, lie, honest()), OPERATOR_REFUTED);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Queued));
        ocourt.closeMoot(idS);
        assertTrue(ocourt.getMatch(idS).moot, "moot");
        assertEq(token.balanceOf(sybil), CHALLENGE_BOND, "moot bond returned");
        assertTrue(jobs.getDispute(idS).resolved);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.WrongPhase.selector, idS, ObjectiveCourt.Phase.Done));
        ocourt.closeMoot(idS);
    }

    /// The sybil's match timing out first (the liar "wins" it) changes nothing: the honest match still refutes.
    function test_sybilTimesOutFirst_honestStillRefutes() public {
        uint256 jobId = objectiveJob(objectiveApp(2), 16);
        Trace memory lie = liar(8, 16, 6);
        submitClaim(jobId, 2, lie);
        uint256 idS = challengeClaim(sybil, jobId, 2, liar(3, 16, 99));
        uint256 idH = challengeClaim(watcher, jobId, 2, honest());
        play(idH, watcher, honest());
        vm.warp(block.timestamp + CLOCK / 2);
        play(idH, op, lie);
        vm.warp(block.timestamp + CLOCK / 2 + 1);
        ocourt.timeout(idS); // the sybil never moved
        assertEq(verdictOf(idS), OPERATOR_WINS);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Disputed), "the honest match is open");
        assertEq(runMatch(idH, watcher, lie, honest()), OPERATOR_REFUTED);
        assertEq(uint8(jobStatus(jobId)), uint8(JobManager.JobStatus.Queued));
    }

    // ================================================================ submitObjectiveResult

    function test_submitObjectiveResult_recordsDerivedCommitment() public {
        uint256 jobId = objectiveJob(objectiveApp(3), 64);
        submitClaim(jobId, 3, honest());
        JobManager.Job memory j = jobs.getJob(jobId);
        bytes memory fin = stateAt(honest(), 64);
        // outputHash is the output digest of the final state (vm.md §4.2): no separate output claim to mismatch
        assertEq(j.outputHash, keccak256(abi.encodePacked(bytes32(0), bytes32(0), uint32(0))), "empty output");
        assertEq(j.finalStateHash, keccak256(fin));
        assertEq(j.stepCount, 12);
        assertEq(j.checkpointRoot, strideNode(honest(), 3, 3, 0));
        assertEq(uint8(j.status), uint8(JobManager.JobStatus.Submitted));
        // the same commitment cannot be challenged
        fund(watcher, CHALLENGE_BOND);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveCourt.SameTraceRoot.selector, 1));
        jobs.challenge(jobId, keccak256("other"), bytes32(0), 0, j.checkpointRoot);
    }

    function _submitReverts(uint256 jobId, bytes memory fin, bytes32 root, bytes32[] memory proof, bytes memory err)
        internal
    {
        vm.prank(op);
        vm.expectRevert(err);
        jobs.submitObjectiveResult(jobId, fin, root, proof, OUT_KEY);
    }

    function _put(bytes memory st, uint256 off, uint256 len, uint256 v) internal pure returns (bytes memory r) {
        r = bytes.concat(st);
        for (uint256 i; i < len; ++i) {
            r[off + len - 1 - i] = bytes1(uint8(v >> (8 * i)));
        }
    }

    /// Every refusal of submitObjectiveResult.
    function test_submitObjectiveResult_refusals() public {
        uint256 jobId = objectiveJob(objectiveApp(3), 64);
        Trace memory h = honest();
        bytes memory fin = stateAt(h, 64);
        bytes32 root = strideNode(h, 3, 3, 0);
        bytes32[] memory proof = strideProof(h, 3, 3, 0);

        // a running final state (its leaf and proof made consistent with it)
        setHonestHalt(100);
        Trace memory running = honest();
        _submitReverts(
            jobId, stateAt(running, 64), strideNode(running, 3, 3, 0), strideProof(running, 3, 3, 0),
            abi.encodeWithSelector(ObjectiveCourt.NotTerminal.selector)
        );
        setHonestHalt(12);
        // step > maxSteps
        _submitReverts(jobId, _put(fin, 280, 8, 65), root, proof, abi.encodeWithSelector(ObjectiveCourt.TooManySteps.selector, 65, 64));
        // invalid encodings
        _submitReverts(jobId, _put(fin, 4, 4, 1), root, proof, abi.encodeWithSelector(ObjectiveCourt.BadState.selector));
        _submitReverts(jobId, _put(fin, 288, 4, 3), root, proof, abi.encodeWithSelector(ObjectiveCourt.BadState.selector));
        _submitReverts(jobId, _put(fin, 236, 1, 1), root, proof, abi.encodeWithSelector(ObjectiveCourt.BadState.selector));
        _submitReverts(jobId, _slice(fin, 0, 295), root, proof, abi.encodeWithSelector(ObjectiveCourt.BadState.selector));
        // a state of another job (another input root, another ramEnd)
        _submitReverts(jobId, _put(fin, 164, 32, 7), root, proof, abi.encodeWithSelector(ObjectiveCourt.StateNotOfJob.selector, jobId));
        _submitReverts(jobId, _put(fin, 276, 4, 0x10010000), root, proof, abi.encodeWithSelector(ObjectiveCourt.StateNotOfJob.selector, jobId));
        // wrong final leaf proofs
        bytes32[] memory shortProof = new bytes32[](2);
        _submitReverts(jobId, fin, root, shortProof, abi.encodeWithSelector(ObjectiveCourt.BadFinalLeafProof.selector));
        _submitReverts(jobId, fin, keccak256("root"), proof, abi.encodeWithSelector(ObjectiveCourt.BadFinalLeafProof.selector));
        // other entry points refuse mode 2
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongMode.selector, jobId, MODE_OBJECTIVE));
        jobs.submitResult(jobId, keccak256("o"), bytes32(0), 1, bytes32(0), OUT_KEY);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongMode.selector, jobId, MODE_OBJECTIVE));
        jobs.submitCheckedResult(jobId, envelope(input), "", "", OUT_KEY);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, user));
        jobs.submitObjectiveResult(jobId, fin, root, proof, OUT_KEY);
        // and the good one passes
        vm.prank(op);
        jobs.submitObjectiveResult(jobId, fin, root, proof, OUT_KEY);
    }

    function test_submitObjectiveResult_inputNotPosted() public {
        uint256 appId = objectiveApp(3);
        bytes memory env = envelope(hex"ff");
        uint256 jobId = submitObjective(appId, keccak256(env), 64);
        assignNow(jobId);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.InputNotPosted.selector, keccak256(env)));
        jobs.submitObjectiveResult(jobId, new bytes(296), bytes32(0), new bytes32[](3), OUT_KEY);
        vm.expectRevert(abi.encodeWithSelector(InputOracle.InputNotPosted.selector, keccak256(env)));
        ocourt.prestateHash(jobId);
    }

    /// @notice An app with blob inputs: the prestate's input root is the blob-form root the oracle recorded under the
    ///         job's DA blob key (vm.md §4.1.1), not anything posted as calldata under its inputDigest; before the
    ///         blobs are posted the job has no prestate. A calldata posting of the same envelope changes nothing.
    function test_blobInputApp_prestateFromTheBlobEntry() public {
        uint256 appId = createApp(dev, MODE_OBJECTIVE);
        ObjectiveConfig config = new ObjectiveConfig(keccak256("program"), ENTRY_PC, IMAGE_ROOT, RAM_END, OUTPUT_LIMIT, 3, true);
        vm.prank(dev);
        apps.setAppConfig(appId, address(config));
        vm.warp(1000);
        // a DA header for a 100-byte envelope (one blob) with a made-up commitment
        bytes memory commitment = abi.encodePacked(keccak256("c"), bytes16(keccak256("d")));
        bytes memory header = abi.encodePacked(uint8(1), uint32(152), uint64(7), uint64(5000), uint16(1), commitment);
        bytes32[] memory hs = new bytes32[](1);
        hs[0] = (sha256(commitment) & bytes32(type(uint256).max >> 8)) | bytes32(uint256(1) << 248);
        bytes memory env = envelope(new bytes(100));
        fund(user, MIN_FEE + SUBMITTER_DEPOSIT);
        vm.prank(user);
        uint256 jobId = jobs.submitJob(appId, keccak256(header), keccak256(env), 64, MIN_FEE);
        assignNow(jobId);
        oracle.postInput(env); // calldata under the digest: not this app's form
        vm.expectRevert(abi.encodeWithSelector(InputOracle.BlobInputNotPosted.selector, keccak256(header)));
        ocourt.prestateHash(jobId);
        BlobHashOracle(address(oracle)).setBlobHashes(hs);
        oracle.postInputBlobs(header);
        bytes32 root = keccak256(abi.encodePacked(bytes8("TDVMBLOB"), uint32(100), uint8(1), hs[0]));
        bytes memory pre = abi.encodePacked(
            abi.encodePacked(ENTRY_PC, new bytes(128), IMAGE_ROOT, root, uint32(100), uint32(0)),
            abi.encodePacked(bytes32(0), bytes32(0), uint32(0), OUTPUT_LIMIT, RAM_END, uint64(0), uint32(0), uint32(0))
        );
        assertEq(ocourt.prestateHash(jobId), keccak256(pre), "the blob-form prestate");
    }

    function test_submitObjectiveResult_configForAnotherProgram() public {
        uint256 appId = createApp(dev, MODE_OBJECTIVE);
        ObjectiveConfig other = new ObjectiveConfig(keccak256("another program"), ENTRY_PC, IMAGE_ROOT, RAM_END, OUTPUT_LIMIT, 3, false);
        vm.prank(dev);
        apps.setAppConfig(appId, address(other));
        bytes memory env = envelope(input);
        oracle.postInput(env);
        uint256 jobId = submitObjective(appId, keccak256(env), 64);
        assignNow(jobId);
        vm.prank(op);
        vm.expectRevert(
            abi.encodeWithSelector(ObjectiveCourt.ProgramMismatch.selector, keccak256("another program"), keccak256("program"))
        );
        jobs.submitObjectiveResult(jobId, new bytes(296), bytes32(0), new bytes32[](3), OUT_KEY);
    }

    // ================================================================ wiring

    function test_wiring_modeTwoPinsTheCourt() public {
        uint256 appId = objectiveApp(3);
        uint256 jobId = objectiveJob(appId, 64);
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(pin.mode, MODE_OBJECTIVE);
        assertEq(pin.adapter, address(ocourt), "pins the court");
        assertEq(pin.appConfig, apps.appConfigOf(appId), "pins the config");
        // a new court for new jobs changes nothing for this one
        ObjectiveCourt court2 = new ObjectiveCourt(jobs, oracle, IRiscvStep(address(double)), CLOCK, STEP_EXTENSION);
        vm.prank(address(timelock));
        jobs.setModeAdapter(MODE_OBJECTIVE, address(court2));
        assertEq(jobs.pinOf(jobId).adapter, address(ocourt));
        submitClaim(jobId, 3, honest());
        uint256 id = challengeClaim(watcher, jobId, 3, liar(3, 40, 1));
        assertEq(ocourt.getMatch(id).jobId, jobId, "the pinned court has it");
        vm.prank(address(court2));
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, address(court2)));
        jobs.resolveDispute(id, OPERATOR_REFUTED);
        vm.prank(address(court)); // the parameter version's court has no say over a mode-2 job
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, address(court)));
        jobs.resolveDispute(id, OPERATOR_REFUTED);
        // mode 2 apps need mode 2 enabled; modes 0 and 1 take no adapter
        vm.prank(address(timelock));
        apps.setModeEnabled(MODE_OBJECTIVE, false);
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(bytes4(keccak256("ModeNotAvailable(uint8)")), MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, keccak256("program"), "");
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidMode.selector, uint8(1)));
        jobs.setModeAdapter(1, address(court2));
    }

    function test_config_validation() public {
        vm.expectRevert(abi.encodeWithSelector(ObjectiveConfig.BadRamEnd.selector, uint32(0x10000)));
        new ObjectiveConfig(keccak256("p"), ENTRY_PC, IMAGE_ROOT, 0x10000, 0, 3, false);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveConfig.BadRamEnd.selector, uint32(0x20010001)));
        new ObjectiveConfig(keccak256("p"), ENTRY_PC, IMAGE_ROOT, 0x20010001, 0, 3, false);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveConfig.BadRamEnd.selector, uint32(0x80001000)));
        new ObjectiveConfig(keccak256("p"), ENTRY_PC, IMAGE_ROOT, 0x80001000, 0, 3, false);
        vm.expectRevert(abi.encodeWithSelector(ObjectiveConfig.BadStrideLog2.selector, uint8(41)));
        new ObjectiveConfig(keccak256("p"), ENTRY_PC, IMAGE_ROOT, RAM_END, 0, 41, false);
        vm.expectRevert(ObjectiveConfig.ZeroDigest.selector);
        new ObjectiveConfig(bytes32(0), ENTRY_PC, IMAGE_ROOT, RAM_END, 0, 3, false);
        ObjectiveConfig c = new ObjectiveConfig(keccak256("p"), ENTRY_PC, IMAGE_ROOT, 0x80000000, 7, 40, false);
        ObjectiveConfig.Params memory p = c.params();
        assertEq(p.programDigest, keccak256("p"));
        assertEq(p.entryPc, ENTRY_PC);
        assertEq(p.imageRoot, IMAGE_ROOT);
        assertEq(p.ramEnd, 0x80000000);
        assertEq(p.outputLimit, 7);
        assertEq(p.strideLog2, 40);
        assertEq(ocourt.strideHeight(1, 0), 0);
        assertEq(ocourt.strideHeight(uint64(1) << 32, 20), 12);
        assertEq(ocourt.strideHeight((uint64(1) << 32) + 1, 20), 13);
        assertEq(ocourt.strideHeight(type(uint64).max, 0), 64);
    }

    // ================================================================ figures for the README

    /// A whole dispute at maxSteps 2^32, stride 2^20 (H = 12, s = 20), the step double, a liar operator diverging
    /// deep inside a stride: every move's execution gas with cold storage, printed per kind and per side.
    function test_gasFigures_H12_s20() public {
        setHonestHalt(100);
        uint64 d = (uint64(5) << 29) + 777_777;
        Trace memory lie = liar(d, d + 3, 42);
        (, uint256 id) = disputed(20, uint64(1) << 32, lie, watcher, honest());
        assertEq(ocourt.getMatch(id).strideHeight, 12);
        // Under --gas-report forge runs each call as its own transaction (isolation): the measured gas then already
        // holds the 21 000 and the calldata. A cheap state-changing call tells which mode this is.
        uint256 g0 = gasleft();
        double.setHalt(honestHalt);
        isolated = g0 - gasleft() > 15_000;
        uint256[2] memory sideGas;
        uint256 maxMove;
        for (uint256 n; n < 100; ++n) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.phase == uint8(ObjectiveCourt.Phase.Done)) break;
            (uint256 cost, bool last) = _measuredMove(id, m.turn, lie);
            sideGas[m.turn] += cost;
            if (!last && cost > maxMove) maxMove = cost;
        }
        assertEq(verdictOf(id), OPERATOR_REFUTED);
        logUint("moves (transactions) in the match", moves);
        logUint("O total gas (exec + 21000 + calldata)", sideGas[0]);
        logUint("C total gas (exec + 21000 + calldata)", sideGas[1]);
        logUint("largest game move (exec + 21000 + calldata)", maxMove);
        assertLe(moves, 40, "at most 40 transactions");
        assertLe(maxMove, 100_000, "at most 100k gas a game move");
    }

    bool internal isolated;

    /// @dev One move of side `side` (0 O playing the lie, 1 C honest): its gas per transaction, and whether it ended
    ///      the match (proveStep, which also pays for the verdict's settlement).
    function _measuredMove(uint256 id, uint8 side, Trace memory lie) internal returns (uint256 cost, bool last) {
        Trace memory tr = side == 0 ? lie : honest();
        (bytes memory data,) = moveOf(id, tr);
        (uint256 g, string memory kind) = play(id, side == 0 ? op : watcher, tr);
        cost = isolated ? g : g + calldataGas(data) + 21_000;
        last = keccak256(bytes(kind)) == keccak256("proveStep");
        logUint(string.concat(kind, side == 0 ? " (O) gas per transaction" : " (C) gas per transaction"), cost);
    }

    function calldataGas(bytes memory data) internal pure returns (uint256 g) {
        for (uint256 i; i < data.length; ++i) {
            g += data[i] == 0 ? 4 : 16;
        }
    }

    // ================================================================ a fuzzed liar never beats the honest side

    struct Outcome {
        bool liarIsOperator;
        uint8 verdict;
        bool reachedStepLevel;
        bool proven;
        bool timedOut;
    }

    /// Random configuration, random lie, and a liar whose every move is random: its own model's move, a garbage
    /// bisect, another model's move, a bogus proof, any delay, or silence. The honest side answers at once. The
    /// honest side never loses.
    function testFuzz_randomLiarNeverBeatsHonest(uint256 seed) public {
        Outcome memory o = randomGame(seed);
        assertEq(o.verdict, o.liarIsOperator ? OPERATOR_REFUTED : OPERATOR_WINS, "honest side wins");
    }

    /// The same games over a fixed sequence of seeds: the adversary reaches every part of the game.
    function test_randomLiarCampaign_reach() public {
        uint256 stepLevel;
        uint256 proven;
        uint256 timedOut;
        uint256 refuted;
        for (uint256 i; i < 24; ++i) {
            uint256 snap = vm.snapshotState();
            Outcome memory o = randomGame(uint256(keccak256(abi.encode("campaign", i))));
            assertEq(o.verdict, o.liarIsOperator ? OPERATOR_REFUTED : OPERATOR_WINS, "honest side wins");
            if (o.reachedStepLevel) ++stepLevel;
            if (o.proven) ++proven;
            if (o.timedOut) ++timedOut;
            if (o.liarIsOperator) ++refuted;
            vm.revertToState(snap);
        }
        logUint("matches that reached the step level", stepLevel);
        logUint("matches decided by a proven step", proven);
        logUint("matches decided by a timeout", timedOut);
        logUint("matches with a lying operator", refuted);
        assertGt(stepLevel, 0, "step level reached");
        assertGt(proven, 0, "steps proven");
        assertGt(timedOut, 0, "timeouts");
        assertGt(refuted, 0, "liars refuted");
        assertLt(refuted, 24, "false challengers beaten");
    }

    function randomGame(uint256 seed) internal returns (Outcome memory o) {
        uint8 s = uint8(seed % 4);
        uint64 maxSteps = uint64(1 + (seed >> 8) % 64);
        setHonestHalt(uint64(1 + (seed >> 16) % maxSteps));
        uint64 d = uint64(1 + (seed >> 24) % maxSteps);
        Trace memory lie = liar(d, uint64(1 + (seed >> 32) % maxSteps), uint32(1 + (seed >> 40) % 1000));
        o.liarIsOperator = (seed >> 56) & 1 == 1;
        uint256 id;
        {
            Trace memory trO = o.liarIsOperator ? lie : honest();
            Trace memory trC = o.liarIsOperator ? honest() : lie;
            (, id) = disputed(s, maxSteps, trO, watcher, trC);
        }
        address liarAddr = o.liarIsOperator ? op : watcher;
        address honestAddr = o.liarIsOperator ? watcher : op;
        uint8 liarSide = o.liarIsOperator ? 0 : 1;
        for (uint256 n; n < 300; ++n) {
            ObjectiveCourt.Match memory m = ocourt.getMatch(id);
            if (m.phase == uint8(ObjectiveCourt.Phase.Done)) break;
            if (m.phase >= uint8(ObjectiveCourt.Phase.StrideOpen)) o.reachedStepLevel = o.reachedStepLevel || s > 0;
            uint256 r = uint256(keccak256(abi.encode(seed, n)));
            if (m.phase == uint8(ObjectiveCourt.Phase.Prove) && m.turn != liarSide) {
                // the honest side's turn at the step: the liar may try a bogus proof first, then the honest proves
                if (r % 2 == 0) _liarTries(id, liarAddr, lie, r);
                if (ocourt.getMatch(id).phase != uint8(ObjectiveCourt.Phase.Done)) play(id, honestAddr, honest());
                o.proven = true;
            } else if (m.turn == liarSide) {
                if (_liarTries(id, liarAddr, lie, r)) {
                    // a random move that happened to be legal (e.g. start at H = 0, or a "bogus" proof whose state
                    // was the true predecessor): the liar has moved
                    if (ocourt.getMatch(id).phase == uint8(ObjectiveCourt.Phase.Done)) o.proven = true;
                } else if (r % 7 == 0) {
                    // silence: the liar's clock runs out
                    (, uint64 deadline,,) = ocourt.clocks(id);
                    vm.warp(deadline + 1);
                    ocourt.timeout(id);
                    o.timedOut = true;
                } else {
                    (, uint64 deadline,,) = ocourt.clocks(id);
                    vm.warp(block.timestamp + (r >> 8) % (deadline - block.timestamp + 1));
                    (bytes memory data,) = moveOf(id, lie);
                    vm.prank(liarAddr);
                    (bool ok,) = address(ocourt).call(data); // its own model's move (a proof of its lie fails)
                    if (!ok) {
                        vm.warp(deadline + 1);
                        ocourt.timeout(id);
                        o.timedOut = true;
                    } else if (m.phase == uint8(ObjectiveCourt.Phase.Prove)) {
                        o.proven = true;
                    }
                }
            } else {
                play(id, honestAddr, honest());
                if (m.phase == uint8(ObjectiveCourt.Phase.Prove)) o.proven = true;
            }
        }
        o.verdict = verdictOf(id);
    }

    /// @dev A random move the liar tries (each must fail or be harmless).
    function _liarTries(uint256 id, address liarAddr, Trace memory lie, uint256 r) internal returns (bool ok) {
        bytes memory data;
        uint256 kind = (r >> 16) % 4;
        if (kind == 0) {
            data = abi.encodeCall(
                ObjectiveCourt.bisect, (id, keccak256(abi.encode(r, 1)), keccak256(abi.encode(r, 2)), bytes32(r), 0)
            );
        } else if (kind == 1) {
            (data,) = moveOf(id, liar(lie.d, lie.halt, lie.tag + 1)); // another model's move
        } else if (kind == 2) {
            data = abi.encodeCall(ObjectiveCourt.proveStep, (id, stateAt(lie, r % 64), new bytes32[](r % 3), ""));
        } else {
            data = abi.encodeCall(ObjectiveCourt.openStride, (id, bytes32(r), new bytes32[](r % 4), 0, 0));
        }
        ObjectiveCourt.Match memory before = ocourt.getMatch(id);
        vm.prank(liarAddr);
        (ok,) = address(ocourt).call(data);
        if (ok) {
            // only an exact replica of a legal move can pass: it must not have changed the outcome's fairness
            ObjectiveCourt.Match memory afterM = ocourt.getMatch(id);
            assertTrue(afterM.phase != uint8(ObjectiveCourt.Phase.Done) || before.phase == uint8(ObjectiveCourt.Phase.Prove), "no early end");
        }
    }

    // ================================================================ end to end with the real RiscvStep

    /// A two-instruction program (`addi a7, x0, 93; ecall` with a0 = 0: exit 0) at the entry point; the memory is
    /// that one leaf, so every proof is one record whose 27 siblings are all zero hashes (mask 0x07ffffff). A false
    /// challenger claims T(1) has a7 = 94; the match descends to step 0 and RiscvStep proves the operator right.
    function test_endToEnd_realRiscvStep() public {
        RiscvStep rv = new RiscvStep();
        ObjectiveCourt court2 = new ObjectiveCourt(jobs, oracle, IRiscvStep(address(rv)), CLOCK, STEP_EXTENSION);
        vm.prank(address(timelock));
        jobs.setModeAdapter(MODE_OBJECTIVE, address(court2));
        ocourt = court2;

        bytes32 leaf = bytes32(abi.encodePacked(hex"9308d005", hex"73000000", new bytes(24)));
        bytes32 memRoot = leaf;
        uint256 index = ENTRY_PC / 32;
        bytes32 z; // Z_l
        for (uint256 l; l < 27; ++l) {
            memRoot = (index >> l) & 1 == 1 ? keccak256(abi.encode(z, memRoot)) : keccak256(abi.encode(memRoot, z));
            z = keccak256(abi.encode(z, z));
        }
        uint256 appId = createApp(dev, MODE_OBJECTIVE);
        ObjectiveConfig config = new ObjectiveConfig(keccak256("program"), ENTRY_PC, memRoot, RAM_END, OUTPUT_LIMIT, 0, false);
        vm.prank(dev);
        apps.setAppConfig(appId, address(config));
        bytes memory env = envelope(input);
        oracle.postInput(env);
        uint256 jobId = submitObjective(appId, keccak256(env), 2);
        assignNow(jobId);

        bytes memory t0 = ocourt.prestate(jobId);
        assertEq(_word(t0, 132), memRoot);
        bytes memory t1 = _put(_put(_put(t0, 0, 4, ENTRY_PC + 4), 4 + 17 * 4, 4, 93), 280, 8, 1);
        bytes memory t2 = _put(_put(t1, 280, 8, 2), 288, 4, 1); // exit: pc unchanged, status 1, code a0 = 0
        bytes memory proof = abi.encodePacked(leaf, uint32(0x07ffffff));
        (bytes32 post, uint8 status) = rv.step(t0, proof);
        assertEq(post, keccak256(t1), "RiscvStep: addi");
        assertEq(status, 0);
        (post, status) = rv.step(t1, proof);
        assertEq(post, keccak256(t2), "RiscvStep: ecall exit");
        assertEq(status, 1);

        // H = 1 (maxSteps 2, s = 0): leaves T(1), T(2)
        bytes32[] memory fin = new bytes32[](1);
        fin[0] = keccak256(t1);
        vm.prank(op);
        jobs.submitObjectiveResult(jobId, t2, keccak256(abi.encode(keccak256(t1), keccak256(t2))), fin, OUT_KEY);
        bytes32 lie1 = keccak256(_put(t1, 4 + 17 * 4, 4, 94));
        bytes32 lie2 = keccak256("whatever follows");
        fund(watcher, CHALLENGE_BOND);
        vm.prank(watcher);
        uint256 id = jobs.challenge(jobId, keccak256("out"), lie2, 2, keccak256(abi.encode(lie1, lie2)));
        vm.prank(watcher);
        ocourt.start(id, lie1, lie2);
        vm.prank(op);
        ocourt.bisect(id, keccak256(t1), keccak256(t2), 0, 0);
        assertEq(ocourt.getMatch(id).phase, uint8(ObjectiveCourt.Phase.Prove));
        assertEq(ocourt.stepNumber(id), 0);
        vm.prank(op);
        uint256 g = gasleft();
        ocourt.proveStep(id, t0, new bytes32[](0), proof);
        logUint("proveStep with RiscvStep (addi), exec gas", g - gasleft());
        assertEq(verdictOf(id), OPERATOR_WINS);
    }
}
