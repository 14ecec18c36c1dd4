// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {StakeRegistry} from "../src/StakeRegistry.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IntersubjectiveCourt} from "../src/IntersubjectiveCourt.sol";
import {IDisputeCourt} from "../src/IDisputeCourt.sol";

/// @notice Issue #13: every attack on the v1 settlement contracts, replayed against v2. Each test performs
///         the attack and asserts that it fails: the attacker does not get what the issue describes
///         (concrete balances, stakes, statuses and verdicts). Numbers follow SettlementFixture's constants.
contract AttacksTest is SettlementFixture {
    bytes32 internal constant X = bytes32(uint256(0x666)); // the liar's output
    bytes32 internal constant Y = bytes32(uint256(0x777)); // the liar's sybil's output
    bytes32 internal constant Z = bytes32(uint256(0x1)); // the true output

    uint8 internal constant OPERATOR_WINS = uint8(IDisputeCourt.Verdict.OperatorWins);
    uint8 internal constant CHALLENGER_WINS = uint8(IDisputeCourt.Verdict.ChallengerWins);
    uint8 internal constant BOTH_WRONG = uint8(IDisputeCourt.Verdict.BothWrong);
    uint8 internal constant NO_QUORUM = uint8(IDisputeCourt.Verdict.NoQuorum);
    uint8 internal constant NO_MAJORITY = uint8(IDisputeCourt.Verdict.NoMajority);

    address internal dev;
    uint256 internal appId;

    function setUp() public override {
        super.setUp();
        dev = makeAddr("dev");
        appId = createApp(dev, MODE_INTERSUBJECTIVE);
    }

    // ================================================================ helpers

    function statusOf(uint256 jobId) internal view returns (JobManager.JobStatus) {
        return jobs.getJob(jobId).status;
    }

    function assertStatus(uint256 jobId, JobManager.JobStatus expected, string memory message) internal view {
        assertEq(uint256(uint8(statusOf(jobId))), uint256(uint8(expected)), message);
    }

    function wrongStatus(uint256 jobId, JobManager.JobStatus s) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, s);
    }

    function castVote(address voter, uint256 disputeId, bytes32 c) internal {
        vm.prank(voter);
        court.vote(disputeId, c);
    }

    /// @dev Waits out the dispute's voting period (if needed) and resolves it in the fixture's court.
    function resolveDispute(uint256 disputeId) internal {
        uint64 deadline = court.getDispute(disputeId).deadline;
        if (block.timestamp <= deadline) vm.warp(uint256(deadline) + 1);
        court.resolve(disputeId);
    }

    function finalizeAfterWindow(uint256 jobId) internal {
        uint64 deadline = jobs.getJob(jobId).challengeDeadline;
        if (block.timestamp <= deadline) vm.warp(uint256(deadline) + 1);
        jobs.finalize(jobId);
    }

    function other(address a, address b, address x) internal pure returns (address) {
        return x == a ? b : a;
    }

    function ethSigned(bytes32 digest) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", digest));
    }

    function teeSign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, ethSigned(digest));
        return abi.encodePacked(r, s, v);
    }

    /// @dev What ecrecover makes of `sig` over `digest` (what JobManager reports as `recovered`).
    function recoverOf(bytes32 digest, bytes memory sig) internal pure returns (address) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        return ecrecover(ethSigned(digest), v, r, s);
    }

    /// @dev The assignee posts a TEE result with `sig`; a nonempty `revertData` is the revert expected.
    function submitTee(uint256 jobId, bytes32 out, bytes memory sig, bytes memory revertData) internal {
        address a = jobs.getJob(jobId).assignee;
        vm.prank(a);
        if (revertData.length != 0) vm.expectRevert(revertData);
        jobs.submitTeeResult(jobId, out, bytes32(uint256(2)), 3, bytes32(uint256(4)), keccak256("out"), sig);
    }

    // ================================================================ 1. sybil first challenger

    struct Sybil {
        uint256 jobId;
        address liar;
        address honest;
        address v1;
        address v2;
        address sybil;
        address watch;
        uint256 dSybil;
        uint256 dHonest;
    }

    /// @dev Two COMPUTE operators (the assignee lies), two honest VERIFIERs; the liar posts X, its own
    ///      second account challenges first with Y, an honest watchtower challenges with the true Z, and
    ///      the honest verifiers vote Z in both disputes.
    function sybilAttack() internal returns (Sybil memory s) {
        address a = operator("opA", COMPUTE, 1_000e18);
        address b = operator("opB", COMPUTE, 1_000e18);
        s.v1 = operator("v1", VERIFIER, 500e18);
        s.v2 = operator("v2", VERIFIER, 500e18);
        activate();
        s.jobId = submit(dev, appId);
        s.liar = assignNow(s.jobId);
        s.honest = other(a, b, s.liar);
        postResult(s.jobId, X);
        s.sybil = makeAddr("liar-sybil");
        s.dSybil = challengeWith(s.sybil, s.jobId, Y);
        s.watch = makeAddr("watchtower");
        s.dHonest = challengeWith(s.watch, s.jobId, Z);

        JobManager.Job memory j = jobs.getJob(s.jobId);
        assertEq(uint256(j.openDisputes), 2, "both disputes open: the sybil locked nobody out");
        assertStatus(s.jobId, JobManager.JobStatus.Disputed, "disputed");
        assertEq(token.balanceOf(s.sybil), 0, "sybil bond locked");

        // The window is over, but a result with an open dispute never finalizes.
        vm.warp(uint256(j.challengeDeadline) + 1);
        vm.expectRevert(wrongStatus(s.jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(s.jobId);

        // The liar cannot vote in a dispute about its own result.
        bytes32 cX = commitment(X);
        vm.prank(s.liar);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.PartyCannotVote.selector, s.dSybil, s.liar));
        court.vote(s.dSybil, cX);

        bytes32 cZ = commitment(Z);
        castVote(s.v1, s.dSybil, cZ);
        castVote(s.v2, s.dSybil, cZ);
        castVote(s.v1, s.dHonest, cZ);
        castVote(s.v2, s.dHonest, cZ);
        vm.warp(uint256(court.getDispute(s.dHonest).deadline) + 1);
        vm.expectRevert(wrongStatus(s.jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(s.jobId);
    }

    function test_attack1_sybilFirstChallenger_sybilResolvedFirst_bothWrongRequeuesWithoutLiar() public {
        Sybil memory s = sybilAttack();
        uint256 liarStake = registry.stakeOf(s.liar);
        uint256 slash = liarStake * DISPUTE_SLASH / 1e18;

        resolveDispute(s.dSybil);
        assertEq(uint256(court.getDispute(s.dSybil).verdict), BOTH_WRONG, "court: neither X nor Y");
        assertEq(uint256(jobs.getDispute(s.dSybil).verdict), BOTH_WRONG, "jobs: verdict recorded");
        assertEq(registry.stakeOf(s.liar), liarStake - slash, "liar slashed");
        assertEq(token.balanceOf(s.sybil), 0, "sybil bond forfeited");
        JobManager.Job memory j = jobs.getJob(s.jobId);
        assertStatus(s.jobId, JobManager.JobStatus.Queued, "wrong result dropped, job re-queued");
        assertEq(uint256(j.attempt), 1, "next attempt");
        assertEq(j.outputHash, bytes32(0), "X is gone");
        assertEq(j.resultOperator, address(0), "no result operator");
        assertTrue(jobs.hasFailed(s.jobId, s.liar), "liar excluded from the job");
        vm.expectRevert(wrongStatus(s.jobId, JobManager.JobStatus.Queued));
        jobs.finalize(s.jobId);

        // The honest dispute is now moot: bond back, nothing else.
        resolveDispute(s.dHonest);
        assertTrue(court.getDispute(s.dHonest).moot, "honest dispute moot");
        assertEq(token.balanceOf(s.watch), CHALLENGE_BOND, "honest bond back");

        // Re-run without the liar: the honest operator posts Z and is paid.
        assertEq(assignNow(s.jobId), s.honest, "re-assigned to the honest operator");
        postResult(s.jobId, Z);
        finalizeAfterWindow(s.jobId);
        j = jobs.getJob(s.jobId);
        assertStatus(s.jobId, JobManager.JobStatus.Finalized, "finalized");
        assertEq(j.outputHash, Z, "finalized with the true output");
        assertEq(j.resultOperator, s.honest, "paid to the honest operator");
        assertEq(token.balanceOf(s.honest), MIN_FEE, "fee to the honest operator");

        // Voters of the decided dispute share voterRewardWad of (slash + bond); the moot one pays nothing.
        uint256 pool = (slash + CHALLENGE_BOND) * VOTER_REWARD / 1e18;
        (uint256 r1, uint256 p1) = court.settleVote(s.dSybil, s.v1);
        (uint256 r2,) = court.settleVote(s.dSybil, s.v2);
        assertEq(r1, pool / 2, "v1 reward");
        assertEq(r2, pool / 2, "v2 reward");
        assertEq(p1, 0, "no penalty");
        (uint256 r3, uint256 p3) = court.settleVote(s.dHonest, s.v1);
        assertEq(r3 + p3, 0, "moot: neither reward nor penalty");
        court.settleVote(s.dHonest, s.v2);
        assertEq(registry.openObligations(s.liar), 0, "liar obligation closed");
        assertEq(registry.openObligations(s.v1), 0, "votes settled");
        assertEq(jobs.totalEscrow(), 0, "escrow settled");
    }

    function test_attack1_sybilFirstChallenger_honestResolvedFirst_challengerWins() public {
        Sybil memory s = sybilAttack();
        uint256 liarStake = registry.stakeOf(s.liar);
        uint256 slash = liarStake * DISPUTE_SLASH / 1e18;

        resolveDispute(s.dHonest);
        assertEq(uint256(court.getDispute(s.dHonest).verdict), CHALLENGER_WINS, "honest challenger wins");
        assertEq(registry.stakeOf(s.liar), liarStake - slash, "liar slashed");
        JobManager.Job memory j = jobs.getJob(s.jobId);
        assertStatus(s.jobId, JobManager.JobStatus.Finalized, "finalized");
        assertEq(j.outputHash, Z, "the true output stands");
        assertEq(j.resultOperator, s.watch, "the challenger's claim is the result");
        uint256 reward = slash * PARTY_REWARD / 1e18 < CHALLENGE_BOND ? slash * PARTY_REWARD / 1e18 : CHALLENGE_BOND;
        assertEq(token.balanceOf(s.watch), CHALLENGE_BOND + reward + MIN_FEE, "bond + reward + fee");
        assertEq(token.balanceOf(s.liar), 0, "the liar earns nothing");

        // The sybil's dispute is moot once the result is overturned (settlement.md section 5: its bond
        // returns); the attacker (liar + sybil) is still down the whole slash.
        resolveDispute(s.dSybil);
        assertTrue(court.getDispute(s.dSybil).moot, "sybil dispute moot");
        assertEq(token.balanceOf(s.sybil), CHALLENGE_BOND, "moot bond back");
        assertEq(registry.slashableStake(s.liar) + token.balanceOf(s.liar) + token.balanceOf(s.sybil),
            liarStake + CHALLENGE_BOND - slash, "attacker net loss is the slash");
        vm.expectRevert(wrongStatus(s.jobId, JobManager.JobStatus.Finalized));
        jobs.finalize(s.jobId);

        (uint256 r1,) = court.settleVote(s.dHonest, s.v1);
        (uint256 r2,) = court.settleVote(s.dHonest, s.v2);
        assertEq(r1 + r2, slash * VOTER_REWARD / 1e18, "voters paid from the slash");
        (uint256 r3, uint256 p3) = court.settleVote(s.dSybil, s.v1);
        assertEq(r3 + p3, 0, "moot dispute pays nothing");
        court.settleVote(s.dSybil, s.v2);
        assertEq(jobs.totalEscrow(), 0, "escrow settled");
        assertEq(registry.openObligations(s.liar), 0, "liar obligation closed");
    }

    function test_attack1_wrongResultWithOneHonestChallenger_neverFinalizes() public {
        address a = operator("opA", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), a);
        postResult(jobId, X);

        // The liar cannot challenge itself, and the honest challenger only once.
        fund(a, CHALLENGE_BOND);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.SelfChallenge.selector, jobId, a));
        jobs.challenge(jobId, Y, bytes32(uint256(2)), 3, bytes32(uint256(4)));
        address watch = makeAddr("watchtower");
        uint256 d = challengeWith(watch, jobId, Z);
        fund(watch, CHALLENGE_BOND);
        vm.prank(watch);
        vm.expectRevert(abi.encodeWithSelector(JobManager.AlreadyChallenged.selector, jobId, watch));
        jobs.challenge(jobId, Y, bytes32(uint256(2)), 3, bytes32(uint256(4)));

        // Past the window, during the vote, and long after it: never finalizable while the dispute is open.
        vm.warp(uint256(jobs.getJob(jobId).challengeDeadline) + 1);
        vm.expectRevert(wrongStatus(jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);
        bytes32 cZ = commitment(Z);
        castVote(v1, d, cZ);
        castVote(v2, d, cZ);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(wrongStatus(jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);

        uint256 before = registry.stakeOf(a);
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), CHALLENGER_WINS, "challenger wins");
        assertEq(registry.stakeOf(a), before - before * DISPUTE_SLASH / 1e18, "liar slashed");
        assertEq(jobs.getJob(jobId).outputHash, Z, "Z, never X");
        assertEq(jobs.getJob(jobId).resultOperator, watch, "the challenger's claim");
        assertStatus(jobId, JobManager.JobStatus.Finalized, "finalized with the challenger's claim");
        assertEq(token.balanceOf(a), CHALLENGE_BOND, "the liar is never paid (it keeps only its unused bond money)");
        vm.expectRevert(wrongStatus(jobId, JobManager.JobStatus.Finalized));
        jobs.finalize(jobId);
    }

    /// @dev The sybil's BothWrong re-queues the job; the attacker's second operator account gets the next
    ///      attempt and lies again. The honest watchtower, whose first dispute went moot, must be able to
    ///      challenge the new result: challenges are once per challenger per attempt, not per job.
    function test_attack1_sybilBothWrong_cannotLockHonestChallengerOutOfNextAttempt() public {
        address a = operator("liarA", COMPUTE, 1_000e18);
        address b = operator("liarB", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        activate();
        uint256 jobId = submit(dev, appId);
        address liar1 = assignNow(jobId);
        postResult(jobId, X);
        uint256 dSybil = challengeWith(makeAddr("liar-sybil"), jobId, Y);
        address watch = makeAddr("watchtower");
        uint256 dHonest = challengeWith(watch, jobId, Z);
        bytes32 cZ = commitment(Z);
        castVote(v1, dSybil, cZ);
        castVote(v2, dSybil, cZ);
        resolveDispute(dSybil);
        assertEq(uint256(court.getDispute(dSybil).verdict), BOTH_WRONG);
        resolveDispute(dHonest); // moot
        assertEq(token.balanceOf(watch), CHALLENGE_BOND, "moot bond back");

        // The attacker's other account runs attempt 1 and posts another wrong result.
        address liar2 = assignNow(jobId);
        assertEq(liar2, other(a, b, liar1), "the other account");
        postResult(jobId, Y);
        assertFalse(jobs.hasChallenged(jobId, watch), "a new attempt: not challenged yet");
        uint256 d2 = challengeWith(watch, jobId, Z);
        castVote(v1, d2, cZ);
        castVote(v2, d2, cZ);
        vm.warp(uint256(jobs.getJob(jobId).challengeDeadline) + 1);
        vm.expectRevert(wrongStatus(jobId, JobManager.JobStatus.Disputed));
        jobs.finalize(jobId);
        uint256 stake2 = registry.stakeOf(liar2);
        resolveDispute(d2);
        assertEq(uint256(court.getDispute(d2).verdict), CHALLENGER_WINS, "honest challenger wins attempt 1");
        assertEq(registry.stakeOf(liar2), stake2 - stake2 * DISPUTE_SLASH / 1e18, "second liar slashed");
        assertEq(jobs.getJob(jobId).outputHash, Z, "the true output");
        assertStatus(jobId, JobManager.JobStatus.Finalized, "finalized with Z");
    }

    // ================================================================ 2. withdraw while assigned

    function test_attack2_withdrawWhileAssigned_obligationHoldsStakeAndLiarIsSlashed() public {
        // Parameters under which a job may outlive the withdrawal delay: only the obligation holds the stake.
        JobManager.Params memory p = defaultParams(address(court));
        p.heartbeatWindow = 2 hours;
        p.maxJobDuration = 3 days;
        governance(address(jobs), abi.encodeCall(JobManager.setParams, (p)));

        address op = operator("assignee", COMPUTE, 1_000e18);
        address del = makeAddr("delegator");
        fund(del, 500e18);
        vm.prank(del);
        registry.delegate(op, 500e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        activate();

        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op, "the only COMPUTE operator");

        // Queue everything it can: all of it would fall below minSelfStake, so all but minSelfStake.
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, 0, MIN_SELF_STAKE));
        registry.queueWithdrawal(op, type(uint256).max);
        vm.prank(op);
        assertEq(registry.queueWithdrawal(op, 900e18), 900e18);
        vm.prank(del);
        assertEq(registry.queueWithdrawal(op, type(uint256).max), 500e18);
        assertEq(registry.stakeOf(op), 100e18, "active: minSelfStake");
        assertEq(registry.slashableStake(op), 1_500e18, "all of it still slashable");

        // No-progress keepalives until well past the withdrawal delay.
        uint256 until = block.timestamp + WITHDRAWAL_DELAY + 1;
        while (block.timestamp < until) {
            mine(1);
            vm.warp(block.timestamp + 1 hours);
            vm.prank(op);
            jobs.heartbeat(jobId, 0, bytes32(0), keccak256("same-checkpoint"));
        }
        bytes memory held = abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, op, uint64(0), uint64(1));
        vm.prank(op);
        vm.expectRevert(held);
        registry.completeWithdrawal(op);
        vm.prank(del);
        vm.expectRevert(held);
        registry.completeWithdrawal(op);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, op, uint64(0), uint64(1)));
        registry.deregister();

        // The wrong result: still held while it can be challenged.
        postResult(jobId, X);
        vm.prank(op);
        vm.expectRevert(held);
        registry.completeWithdrawal(op);
        address watch = makeAddr("watchtower");
        uint256 d = challengeWith(watch, jobId, Z);
        bytes32 cZ = commitment(Z);
        castVote(v1, d, cZ);
        castVote(v2, d, cZ);
        vm.prank(del);
        vm.expectRevert(held);
        registry.completeWithdrawal(op);
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), CHALLENGER_WINS, "loses the vote");

        // Slashed half of everything: the queued stake included (1500 -> 750).
        assertEq(registry.totalSlashed(), 750e18, "slashed nonzero: 750");
        assertEq(registry.slashableStake(op), 750e18, "half left");
        (, uint256 opPending) = registry.withdrawalOf(op, op);
        (, uint256 delPending) = registry.withdrawalOf(op, del);
        assertEq(opPending, 450e18, "operator's queued 900 -> 450");
        assertEq(delPending, 250e18, "delegator's queued 500 -> 250");

        // The obligation has ended: now they can leave, with what is left.
        vm.prank(op);
        assertEq(registry.completeWithdrawal(op), 450e18);
        vm.prank(del);
        assertEq(registry.completeWithdrawal(op), 250e18);
        assertEq(token.balanceOf(op), 450e18, "operator got only what survived the slash");
        assertEq(token.balanceOf(del), 250e18, "delegator too");
    }

    function test_attack2_defaultParams_keepalivesCannotOutliveTheWithdrawalDelay() public {
        address op = operator("assignee", COMPUTE, 1_000e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op);
        uint64 expiresAt = jobs.getJob(jobId).expiresAt;
        assertLt(uint256(MAX_JOB_DURATION), uint256(WITHDRAWAL_DELAY), "fixture: jobs expire before the delay");
        while (block.timestamp + HEARTBEAT_WINDOW / 2 <= expiresAt) {
            vm.warp(block.timestamp + HEARTBEAT_WINDOW / 2);
            vm.prank(op);
            jobs.heartbeat(jobId, 0, bytes32(0), bytes32(0));
        }
        assertEq(uint256(jobs.getJob(jobId).deadline), uint256(expiresAt), "deadline capped at expiry");
        vm.warp(uint256(expiresAt) + 1);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, expiresAt));
        jobs.heartbeat(jobId, 0, bytes32(0), bytes32(0));
    }

    // ================================================================ 3. just-in-time voting stake

    function test_attack3_justInTimeVotingStake_doesNotCount() public {
        address op = operator("honest-op", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        address topper = operator("jit-topper", VERIFIER, 100e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op);
        postResult(jobId, Z); // the honest, true result

        // The attacker's stake arrives within activationDelayBlocks before the dispute opens...
        uint256 arrived = block.number;
        fund(topper, 10_000e18);
        vm.prank(topper);
        registry.deposit(10_000e18);
        address early = operator("jit-early", VERIFIER, 10_000e18);
        mine(2);
        address mallory = makeAddr("mallory");
        uint256 d = challengeWith(mallory, jobId, X);
        assertLt(
            uint256(court.getDispute(d).snapshotBlock) - arrived,
            uint256(ACTIVATION_DELAY),
            "stake arrived inside the activation delay"
        );
        // ... or after it opened.
        address late = operator("jit-late", VERIFIER, 10_000e18);

        assertEq(court.getDispute(d).totalWeight, 1_100e18, "quorum denominator: old stake only");
        assertEq(court.voteWeight(d, early), 0, "fresh verifier before: no weight");
        assertEq(court.voteWeight(d, late), 0, "fresh verifier after: no weight");
        assertEq(court.voteWeight(d, topper), 100e18, "top-up: only the snapshot weight");
        bytes32 cX = commitment(X);
        bytes32 cZ = commitment(Z);
        vm.prank(early);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, early, 0));
        court.vote(d, cX);
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.NotVerifier.selector, late, 0));
        court.vote(d, cX);
        castVote(topper, d, cX);
        castVote(v1, d, cZ);
        castVote(v2, d, cZ);
        assertEq(court.tally(d, cX), 100e18, "the attacker's 10,100 staked counts 100");
        assertEq(court.tally(d, cZ), 1_000e18, "honest stake");

        // The topper tries to leave with its stake before its vote is settled.
        vm.prank(topper);
        registry.queueWithdrawal(topper, 10_000e18);

        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), OPERATOR_WINS, "honest stake decides");
        assertEq(registry.stakeOf(op), 1_000e18, "honest operator not slashed");
        assertEq(token.balanceOf(mallory), 0, "challenger bond forfeited");
        assertEq(token.balanceOf(op), CHALLENGE_BOND * PARTY_REWARD / 1e18, "operator gets partyRewardWad of the bond");
        finalizeAfterWindow(jobId);
        assertEq(jobs.getJob(jobId).outputHash, Z, "the true result stands");

        settleJustInTime(d, topper, v1);
    }

    /// @dev The just-in-time topper cannot leave before its vote is settled, and then pays the penalty.
    function settleJustInTime(uint256 d, address topper, address v1) internal {
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(topper);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, topper, uint64(0), uint64(1)));
        registry.completeWithdrawal(topper);
        // Minority voter: slashed voterPenaltyWad of all its VERIFIER stake (active 100 + queued 10,000).
        (uint256 reward, uint256 penalty) = court.settleVote(d, topper);
        assertEq(reward, 0, "no reward for the minority");
        assertEq(penalty, 10_100e18 * VOTER_PENALTY / 1e18, "penalty on the whole slashable stake");
        vm.prank(topper);
        assertEq(registry.completeWithdrawal(topper), 10_000e18 - 10_000e18 * VOTER_PENALTY / 1e18);
        (uint256 r1,) = court.settleVote(d, v1);
        assertEq(r1, CHALLENGE_BOND * VOTER_REWARD / 1e18 / 2, "majority voter paid from the bond");
    }

    // ================================================================ 4. no quorum, Schelling incentives

    /// @dev Issue #19: without a quorum nobody is slashed and the result does not finalize; with one operator the
    ///      re-queued job then fails onchain with a reason, the submitter refunded, the challenger gaining nothing.
    function test_attack4_tinyVerifierWithoutQuorum_cannotStripHonestOperator() public {
        address op = operator("honest-op", COMPUTE, 1_000e18);
        operator("v1", VERIFIER, 500e18); // honest verifiers, offline for this dispute
        operator("v2", VERIFIER, 500e18);
        address tiny = operator("tiny-verifier", VERIFIER, MIN_SELF_STAKE);
        vm.prank(tiny);
        registry.setAllocation(VERIFIER, 1); // 1e-18 of its pool: 100 wei of weight
        activate();
        assertEq(registry.weightOf(tiny, VERIFIER), 100, "a 100-wei verifier");

        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op);
        postResult(jobId, Z);
        address mallory = makeAddr("mallory");
        uint256 d = challengeWith(mallory, jobId, X);
        castVote(tiny, d, commitment(X));
        resolveDispute(d);

        assertEq(uint256(court.getDispute(d).verdict), NO_QUORUM, "no quorum");
        assertEq(registry.stakeOf(op), 1_000e18, "operator not slashed");
        assertEq(registry.totalSlashed(), 0, "nobody slashed");
        assertEq(token.balanceOf(mallory), CHALLENGE_BOND, "bond returned, nothing more");
        assertStatus(jobId, JobManager.JobStatus.Queued, "undecided: the result is dropped, the job re-queued");
        assertTrue(jobs.hasFailed(jobId, op), "without that operator");
        assertEq(registry.openObligations(op), 0, "its stake is free again");
        // Nobody else can run it: the next assignment fails the job with an onchain reason, fee and deposit back.
        uint256 devBefore = token.balanceOf(dev);
        vm.expectEmit(address(jobs));
        emit JobManager.JobFailed(jobId, jobs.FAIL_NO_OPERATOR());
        assignNow(jobId);
        assertStatus(jobId, JobManager.JobStatus.Failed, "failed, not finalized");
        assertEq(token.balanceOf(dev) - devBefore, MIN_FEE + SUBMITTER_DEPOSIT, "submitter refunded");
        assertEq(token.balanceOf(op), 0, "nobody paid for an undecided result");
        assertEq(token.balanceOf(mallory), CHALLENGE_BOND, "the challenger gains nothing");
        (uint256 reward, uint256 penalty) = court.settleVote(d, tiny);
        assertEq(reward + penalty, 0, "no decision: no reward, no penalty");
    }

    function test_attack4_schelling_majorityRewarded_minorityPenalised() public {
        address liar = operator("liar", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        address v3 = operator("v3", VERIFIER, 300e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), liar);
        postResult(jobId, X);
        uint256 d = challengeWith(makeAddr("watchtower"), jobId, Z);
        castVote(v1, d, commitment(Z));
        castVote(v2, d, commitment(Z));
        castVote(v3, d, commitment(X)); // votes with the liar
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), CHALLENGER_WINS);
        uint256 pool = 1_000e18 * DISPUTE_SLASH / 1e18 * VOTER_REWARD / 1e18;
        assertEq(court.getDispute(d).voterPool, pool, "voter pool");

        (uint256 r1, uint256 p1) = court.settleVote(d, v1);
        assertEq(r1, pool * 500e18 / 1_000e18, "v1: pro rata of the majority weight");
        assertEq(p1, 0, "majority not penalised");
        assertEq(token.balanceOf(v1), r1, "v1 paid");
        (r1,) = court.settleVote(d, v2);
        assertEq(r1, pool * 500e18 / 1_000e18, "v2");
        (r1, p1) = court.settleVote(d, v3);
        assertEq(r1, 0, "minority not rewarded");
        assertEq(p1, 300e18 * VOTER_PENALTY / 1e18, "minority penalised voterPenaltyWad");
        assertEq(registry.stakeOf(v3), 300e18 - p1, "v3 stake reduced");
        assertEq(registry.stakeOf(v1), 500e18, "v1 stake intact");
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.VoteSettledAlready.selector, d, v3));
        court.settleVote(d, v3);
    }

    function test_attack4_tie_isNoMajority_noSlashNoFinalize() public {
        address op = operator("op", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op);
        postResult(jobId, Z);
        address mallory = makeAddr("mallory");
        uint256 d = challengeWith(mallory, jobId, X);
        castVote(v1, d, commitment(Z));
        castVote(v2, d, commitment(X));
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), NO_MAJORITY, "a tie is no majority");
        assertEq(registry.stakeOf(op), 1_000e18, "operator not slashed");
        assertEq(token.balanceOf(mallory), CHALLENGE_BOND, "bond back");
        assertStatus(jobId, JobManager.JobStatus.Queued, "no decision: dropped and re-queued");
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(wrongStatus(jobId, JobManager.JobStatus.Queued));
        jobs.finalize(jobId);
        (uint256 r1, uint256 p1) = court.settleVote(d, v1);
        (uint256 r2, uint256 p2) = court.settleVote(d, v2);
        assertEq(r1 + p1 + r2 + p2, 0, "no decision: nobody paid or penalised");
        assertEq(registry.stakeOf(v2), 500e18, "v2 intact");
        assertEq(token.balanceOf(op), 0, "an undecided result is not paid");
    }

    // ================================================================ 4b. absent voters (issue #19)

    struct Absent {
        uint256 jobId;
        address first;
        address second;
        address v1;
        address v2;
        address watch;
    }

    /// @dev Two COMPUTE operators and two VERIFIERs (500 each, so either alone is exactly half: no majority);
    ///      the first assignee posts `out`, `watch` challenges with `challengeOut`.
    function absentVoters(bytes32 out, bytes32 challengeOut) internal returns (Absent memory s, uint256 d) {
        address a = operator("opA", COMPUTE, 1_000e18);
        address b = operator("opB", COMPUTE, 1_000e18);
        s.v1 = operator("v1", VERIFIER, 500e18);
        s.v2 = operator("v2", VERIFIER, 500e18);
        activate();
        s.jobId = submit(dev, appId);
        s.first = assignNow(s.jobId);
        s.second = other(a, b, s.first);
        s.watch = makeAddr("watchtower");
        postResult(s.jobId, out);
        d = challengeWith(s.watch, s.jobId, challengeOut);
    }

    /// @dev The dropped result's aftermath: nobody slashed, the first operator unpaid and excluded, the
    ///      challenger's bond back; the re-run by the second operator finalizes its result.
    function rerunFinalizes(Absent memory s, bytes32 rerunOut) internal {
        assertStatus(s.jobId, JobManager.JobStatus.Queued, "dropped and re-queued");
        assertEq(jobs.getJob(s.jobId).attempt, 1, "a new attempt");
        assertEq(registry.totalSlashed(), 0, "nobody slashed");
        assertEq(registry.stakeOf(s.first), 1_000e18, "first operator's stake intact");
        assertEq(registry.openObligations(s.first), 0, "its obligation ended");
        assertTrue(jobs.hasFailed(s.jobId, s.first), "excluded from the job");
        assertEq(token.balanceOf(s.watch), CHALLENGE_BOND, "bond back, nothing more");
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(wrongStatus(s.jobId, JobManager.JobStatus.Queued));
        jobs.finalize(s.jobId);

        assertEq(assignNow(s.jobId), s.second, "the re-run goes to the other operator");
        postResult(s.jobId, rerunOut);
        finalizeAfterWindow(s.jobId);
        assertStatus(s.jobId, JobManager.JobStatus.Finalized, "the re-run finalizes");
        assertEq(jobs.getJob(s.jobId).outputHash, rerunOut);
        assertEq(token.balanceOf(s.second), MIN_FEE, "the re-run's operator paid");
        assertEq(token.balanceOf(s.first), 0, "the first result never paid");
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_attack4b_lieChallenged_votersOffline_neverFinalizes() public {
        (Absent memory s, uint256 d) = absentVoters(X, Z);
        resolveDispute(d); // nobody voted
        assertEq(uint256(court.getDispute(d).verdict), NO_QUORUM);
        assertFalse(court.getDispute(d).moot);
        rerunFinalizes(s, Z);
    }

    function test_attack4b_lieChallenged_noMajority_neverFinalizes() public {
        (Absent memory s, uint256 d) = absentVoters(X, Z);
        castVote(s.v1, d, commitment(Z));
        castVote(s.v2, d, commitment(X)); // a bribed verifier ties the vote
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), NO_MAJORITY);
        rerunFinalizes(s, Z);
        (uint256 r, uint256 p) = court.settleVote(d, s.v2);
        assertEq(r + p, 0, "no decision: the bribed vote costs nothing, and it bought nothing");
    }

    function test_attack4b_falseChallenge_votersOffline_honestNotSlashed() public {
        (Absent memory s, uint256 d) = absentVoters(Z, X);
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), NO_QUORUM);
        rerunFinalizes(s, Z);
    }

    function test_attack4b_falseChallenge_noMajority_honestNotSlashed() public {
        (Absent memory s, uint256 d) = absentVoters(Z, X);
        castVote(s.v1, d, commitment(Z));
        castVote(s.v2, d, commitment(X));
        resolveDispute(d);
        assertEq(uint256(court.getDispute(d).verdict), NO_MAJORITY);
        rerunFinalizes(s, Z);
    }

    /// @dev Griefing bound: a false challenger against every attempt while verifiers are away re-runs the job
    ///      until no operator is left; the job then fails onchain (no-operator), everyone refunded, nobody slashed.
    function test_attack4b_falseChallengerEveryAttempt_endsWithOnchainFailure() public {
        (Absent memory s, uint256 d) = absentVoters(Z, X);
        resolveDispute(d);
        assertEq(assignNow(s.jobId), s.second);
        postResult(s.jobId, Z);
        uint256 d2 = challengeWith(s.watch, s.jobId, X); // the same account, a new attempt
        resolveDispute(d2);
        assertEq(uint256(court.getDispute(d2).verdict), NO_QUORUM);
        assertStatus(s.jobId, JobManager.JobStatus.Queued, "second result dropped too");
        uint256 devBefore = token.balanceOf(dev);
        vm.expectEmit(address(jobs));
        emit JobManager.JobFailed(s.jobId, jobs.FAIL_NO_OPERATOR());
        assignNow(s.jobId);
        assertStatus(s.jobId, JobManager.JobStatus.Failed, "ends onchain with a reason");
        assertEq(token.balanceOf(dev) - devBefore, MIN_FEE + SUBMITTER_DEPOSIT, "submitter refunded");
        assertEq(token.balanceOf(s.watch), 2 * CHALLENGE_BOND, "both bonds back, nothing more");
        assertEq(registry.totalSlashed(), 0, "no honest operator slashed");
        assertEq(jobs.totalEscrow(), 0);
    }

    /// @dev An undecided dispute does not let a liar off: a later dispute that the verifiers decide still
    ///      slashes it (the result is dropped only when its last dispute closes).
    function test_attack4b_undecidedFirst_laterDecisionStillSlashesTheLiar() public {
        (Absent memory s, uint256 d1) = absentVoters(X, Y); // the liar's sybil, nobody votes in it
        address honestWatch = makeAddr("honest-watchtower");
        vm.warp(block.timestamp + 10);
        uint256 d2 = challengeWith(honestWatch, s.jobId, Z);
        resolveDispute(d1);
        assertEq(uint256(court.getDispute(d1).verdict), NO_QUORUM);
        assertStatus(s.jobId, JobManager.JobStatus.Disputed, "the honest dispute still open");
        castVote(s.v1, d2, commitment(Z));
        castVote(s.v2, d2, commitment(Z));
        resolveDispute(d2);
        assertEq(uint256(court.getDispute(d2).verdict), CHALLENGER_WINS);
        assertStatus(s.jobId, JobManager.JobStatus.Finalized, "the true result, by decision");
        assertEq(jobs.getJob(s.jobId).outputHash, Z);
        assertEq(registry.stakeOf(s.first), 1_000e18 - 1_000e18 * DISPUTE_SLASH / 1e18, "the liar slashed");
    }

    // ================================================================ 5. unchallengeable modes

    function test_attack5_unchallengeableModes_refused() public {
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, true);
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, keccak256("program"), hex"");
        // A ZK app gets no jobs until it names its verifier, its app config (ZkModeTest covers its results).
        vm.prank(dev);
        uint256 zkApp = apps.createApp(MODE_ZK, keccak256("program"), hex"");
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoAppConfig.selector, zkApp));
        jobs.submitJob(zkApp, keccak256("input"), keccak256("digest"), 1_000, MIN_FEE);

        // A TEE app without a signer gets no jobs.
        operator("tee-op", TEE, 1_000e18);
        activate();
        uint256 teeApp = createApp(dev, MODE_TEE);
        fund(dev, MIN_FEE + SUBMITTER_DEPOSIT);
        bytes32 key = keccak256("input");
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoTeeSigner.selector, teeApp));
        jobs.submitJob(teeApp, key, keccak256("digest"), 1_000, MIN_FEE);

        // With a signer, an unsigned result (any garbage) is refused.
        uint256 pk = uint256(keccak256("tee-app-wallet"));
        address signer = vm.addr(pk);
        vm.prank(dev);
        apps.setTeeSigner(teeApp, signer);
        (uint256 jobId, address a) = submitAndAssign(dev, teeApp);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(JobManager.TeeSignatureRequired.selector, jobId, signer));
        jobs.submitResult(jobId, X, bytes32(uint256(2)), 3, bytes32(uint256(4)), keccak256("out"));
        // A signature by anyone else than the app wallet is refused as well.
        bytes32 digest = jobs.teeResultDigest(jobId, X);
        bytes memory bad = teeSign(uint256(keccak256("not-the-app")), digest);
        submitTee(
            jobId, X, bad, abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, recoverOf(digest, bad), signer)
        );
    }

    // ================================================================ 6. free job spam

    struct SpamTally {
        uint256 jobs;
        uint256 missed;
        uint256 slashes;
        uint256 slashedTotal;
        uint256 lastSlashAt;
        uint256 reporterIncome;
    }

    function test_attack6_freeJobSpam_cannotDrainOfflineOperator() public {
        address off = operator("offline-op", COMPUTE, 600e18);
        activate();
        address spammer = makeAddr("spammer");
        fund(spammer, 10_000e18);

        // Zero-fee jobs are refused.
        bytes32 key0 = keccak256("spam");
        vm.prank(spammer);
        vm.expectRevert(abi.encodeWithSelector(JobManager.FeeTooLow.selector, 0, MIN_FEE));
        jobs.submitJob(appId, key0, keccak256("digest"), 1_000, 0);

        // A 30-minute outage, spammed with bursts of jobs the whole time.
        uint256 start = block.timestamp;
        uint256 outage = 30 minutes;
        SpamTally memory t;
        while (block.timestamp < start + outage) {
            spamRound(off, spammer, t);
            if (t.missed == 4) assertEq(t.slashes, 1, "four misses in one burst: one slash");
        }
        uint256 finalStake = registry.stakeOf(off);
        logUint("jobs missed during the 30-minute outage", t.missed);
        logUint("liveness slashes", t.slashes);
        logUint("offline operator stake after, wei (v1: 600e18 -> 31e18)", finalStake);
        assertGt(t.missed, 60, "the spam was heavy");
        assertLe(t.slashes, outage / LIVENESS_COOLDOWN + 1, "at most one slash per cooldown");
        uint256 bound_ = 600e18;
        for (uint256 i; i < outage / LIVENESS_COOLDOWN + 1; ++i) bound_ -= bound_ * LIVENESS_SLASH / 1e18;
        assertGe(finalStake, bound_, "stake stays above 600 x 0.9^4");
        assertGt(finalStake, 10 * 31e18, "far above v1's 31");
        assertEq(t.reporterIncome, t.slashedTotal * REPORTER_SHARE / 1e18, "reporter share of the slashes only");
        assertLe(
            t.reporterIncome, t.slashes * (600e18 * LIVENESS_SLASH / 1e18) * REPORTER_SHARE / 1e18, "one share per cooldown"
        );
    }

    /// @dev One burst: 5 jobs (fee + deposit taken for each), 4 assigned to the offline operator (its cap),
    ///      the fifth fails and is refunded; every deadline passes and the spammer reports each miss.
    function spamRound(address off, address spammer, SpamTally memory t) internal {
        uint256[] memory ids = new uint256[](5);
        for (uint256 i; i < 5; ++i) {
            uint256 bal = token.balanceOf(spammer);
            bytes32 key = keccak256(abi.encode("spam", t.jobs++));
            vm.prank(spammer);
            ids[i] = jobs.submitJob(appId, key, keccak256("digest"), 1_000, MIN_FEE);
            assertEq(bal - token.balanceOf(spammer), MIN_FEE + SUBMITTER_DEPOSIT, "fee + deposit taken");
        }
        mine(2);
        for (uint256 i; i < 4; ++i) {
            assertTrue(jobs.assign(ids[i]), "assigned");
            assertEq(jobs.getJob(ids[i]).assignee, off);
        }
        assertEq(uint256(jobs.activeJobs(off)), MAX_ACTIVE_JOBS, "at the cap");
        uint256 before5 = token.balanceOf(spammer);
        assertFalse(jobs.assign(ids[4]), "over the cap: not assigned");
        assertStatus(ids[4], JobManager.JobStatus.Failed, "no-operator");
        assertEq(token.balanceOf(spammer) - before5, MIN_FEE + SUBMITTER_DEPOSIT, "refunded");

        vm.warp(block.timestamp + HEARTBEAT_WINDOW + 1);
        for (uint256 i; i < 4; ++i) {
            uint256 stakeBefore = registry.slashableStake(off);
            uint256 balBefore = token.balanceOf(spammer);
            vm.prank(spammer);
            jobs.reportMissed(ids[i]);
            ++t.missed;
            uint256 cut = stakeBefore - registry.slashableStake(off);
            t.reporterIncome += token.balanceOf(spammer) - balBefore;
            if (cut == 0) continue;
            if (t.slashes != 0) {
                assertGe(block.timestamp - t.lastSlashAt, LIVENESS_COOLDOWN, "one slash per cooldown");
            }
            ++t.slashes;
            t.slashedTotal += cut;
            t.lastSlashAt = block.timestamp;
            assertEq(cut, stakeBefore * LIVENESS_SLASH / 1e18, "livenessSlashWad of the stake");
        }
    }

    // ================================================================ 7. steerable assignment

    /// @dev The assignment rule of settlement.md section 2, written out independently: candidates in
    ///      active-set order with the given weights, minus failed/capped operators; r = keccak(seed, jobId,
    ///      attempt) mod W; the first cumulative weight above r.
    function expectedPick(uint256 jobId, bytes32 seed, address[] memory ops, uint256[] memory weights)
        internal
        view
        returns (address)
    {
        uint32 attempt = jobs.getJob(jobId).attempt;
        uint256 total;
        for (uint256 i; i < ops.length; ++i) {
            if (jobs.hasFailed(jobId, ops[i]) || jobs.activeJobs(ops[i]) >= MAX_ACTIVE_JOBS) weights[i] = 0;
            total += weights[i];
        }
        uint256 r = uint256(keccak256(abi.encode(seed, jobId, attempt))) % total;
        uint256 cumulative;
        for (uint256 i; i < ops.length; ++i) {
            cumulative += weights[i];
            if (r < cumulative) return ops[i];
        }
        return address(0);
    }

    function test_attack7_steerableAssignment_topUpsBeforeSubmissionDoNotSteer() public {
        address att = operator("steerer", COMPUTE, 100e18);
        address[] memory ops = new address[](4);
        ops[0] = att;
        ops[1] = operator("h1", COMPUTE, 300e18);
        ops[2] = operator("h2", COMPUTE, 300e18);
        ops[3] = operator("h3", COMPUTE, 300e18);
        activate();
        address[] memory order = registry.activeOperators();
        for (uint256 i; i < 4; ++i) assertEq(order[i], ops[i], "active-set order");

        uint256[] memory topBlock = new uint256[](11);
        uint256[] memory topAmount = new uint256[](11);
        uint256 wins;
        for (uint256 k; k < 11; ++k) {
            // The attacker tops up in the submission block: a few wei ten times, then a lot.
            uint256 amount = k < 10 ? k + 1 : 100_000e18;
            fund(att, amount);
            vm.prank(att);
            registry.deposit(amount);
            topBlock[k] = block.number;
            topAmount[k] = amount;

            uint256 jobId = submit(dev, appId);
            JobManager.Job memory j = jobs.getJob(jobId);
            assertEq(uint256(j.snapshotBlock), block.number, "snapshot at submission");
            // Snapshot weight: stake that was there activationDelayBlocks before the snapshot.
            uint256 attWeight = 100e18;
            for (uint256 t; t <= k; ++t) {
                if (topBlock[t] + ACTIVATION_DELAY <= j.snapshotBlock) attWeight += topAmount[t];
            }
            assertEq(registry.snapshotWeight(att, COMPUTE, j.snapshotBlock), attWeight, "top-up not counted");
            assertGt(registry.weightOf(att, COMPUTE), attWeight, "it is staked, just not counted");

            while (block.number <= j.seedBlock) mine(1);
            address expected = expectedWinner(jobId, j.seedBlock, ops, attWeight);
            assertTrue(jobs.assign(jobId), "assigned");
            assertEq(jobs.getJob(jobId).assignee, expected, "the documented rule over snapshot weights");
            if (expected == att) ++wins;
            postResult(jobId, Z); // frees the assignee's capacity
        }
        logUint("jobs won by the 10% operator topping up before each of 11", wins);
        assertLt(wins, 11, "does not win all");
        assertLe(wins, 3, "wins about its share");
    }

    function expectedWinner(uint256 jobId, uint64 seedBlock, address[] memory ops, uint256 attWeight)
        internal
        view
        returns (address)
    {
        bytes32 seed = keccak256(abi.encode("block", uint256(seedBlock))); // what mine() set
        assertEq(blockhash(seedBlock), seed, "seed is the seed block's hash");
        uint256[] memory w = new uint256[](4);
        w[0] = attWeight;
        w[1] = 300e18;
        w[2] = 300e18;
        w[3] = 300e18;
        return expectedPick(jobId, seed, ops, w);
    }

    function test_attack7_seedNotReady_andStaleSeedRequeues() public {
        address op = operator("op", COMPUTE, 1_000e18);
        activate();
        uint256 jobId = submit(dev, appId);
        uint64 seedBlock = jobs.getJob(jobId).seedBlock;
        assertEq(uint256(seedBlock), block.number + 1, "seed block is the next block");
        vm.expectRevert(abi.encodeWithSelector(JobManager.SeedNotReady.selector, jobId, seedBlock));
        jobs.assign(jobId);
        mine(1); // the seed block itself: its hash is not known inside it
        vm.expectRevert(abi.encodeWithSelector(JobManager.SeedNotReady.selector, jobId, seedBlock));
        jobs.assign(jobId);

        // Nobody assigns for more than 256 blocks: the seed is unreadable, the job gets a new seed block.
        vm.roll(uint256(seedBlock) + 257);
        assertEq(blockhash(seedBlock), bytes32(0), "hash no longer readable");
        assertFalse(jobs.assign(jobId), "not assigned");
        JobManager.Job memory j = jobs.getJob(jobId);
        assertStatus(jobId, JobManager.JobStatus.Queued, "still queued");
        assertEq(uint256(j.seedBlock), block.number + 1, "new seed block");
        assertEq(uint256(j.snapshotBlock), block.number, "new snapshot");
        assertEq(uint256(j.attempt), 0, "same attempt");
        assertEq(assignNow(jobId), op, "assigned with the new seed");
    }

    // ================================================================ 8. free registration, no exit

    function fillActiveSet(uint256 stake) internal returns (address[] memory ops) {
        ops = new address[](MAX_OPERATORS);
        for (uint256 i; i < MAX_OPERATORS; ++i) {
            ops[i] = operator(string.concat("op-", vm.toString(i)), COMPUTE, stake);
        }
        assertEq(registry.operatorCount(), MAX_OPERATORS, "active set full");
    }

    function test_attack8_registrationNeedsMinSelfStake() public {
        address cheap = makeAddr("cheap");
        fund(cheap, MIN_SELF_STAKE);
        vm.startPrank(cheap);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, 0, MIN_SELF_STAKE));
        registry.register(COMPUTE, cheap, "", 0);
        vm.expectRevert(
            abi.encodeWithSelector(StakeRegistry.BelowMinSelfStake.selector, MIN_SELF_STAKE - 1, MIN_SELF_STAKE)
        );
        registry.register(COMPUTE, cheap, "", MIN_SELF_STAKE - 1);
        registry.register(COMPUTE, cheap, "", MIN_SELF_STAKE);
        vm.stopPrank();
        assertEq(registry.stakeOf(cheap), MIN_SELF_STAKE);
    }

    function test_attack8_fullActiveSet_churnRules_obligationsBlockExit_thenExit() public {
        address[] memory ops = fillActiveSet(200e18);

        // A newcomer that does not out-stake the smallest by churnBps is refused.
        address newcomer = makeAddr("newcomer");
        fund(newcomer, 10_000e18);
        vm.prank(newcomer);
        vm.expectRevert(
            abi.encodeWithSelector(StakeRegistry.ActiveSetFull.selector, MAX_OPERATORS, ops[0], 200e18, 200e18)
        );
        registry.register(COMPUTE, newcomer, "", 200e18);

        // An operator with an open job becomes the smallest: it can be neither churned out nor leave, and
        // it does not freeze churn either — a newcomer replaces the smallest operator that is free.
        activate();
        uint256 jobId = submit(dev, appId);
        address busy = assignNow(jobId);
        vm.prank(busy);
        registry.queueWithdrawal(busy, 100e18);
        assertEq(registry.stakeOf(busy), 100e18, "now the smallest");
        address freeSmallest = ops[0] == busy ? ops[1] : ops[0];
        vm.prank(newcomer);
        vm.expectRevert(
            abi.encodeWithSelector(StakeRegistry.ActiveSetFull.selector, MAX_OPERATORS, freeSmallest, 200e18, 220e18)
        );
        registry.register(COMPUTE, newcomer, "", 220e18);
        vm.expectEmit(address(registry));
        emit StakeRegistry.OperatorExited(freeSmallest, true);
        vm.prank(newcomer);
        registry.register(COMPUTE, newcomer, "", 1_000e18);
        assertEq(uint256(registry.getOperator(busy).status), uint256(StakeRegistry.Status.Active), "busy stays");
        vm.prank(busy);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.ObligationsOpen.selector, busy, uint64(0), uint64(1)));
        registry.deregister();

        // The job ends: the obligation with it.
        postResult(jobId, Z);
        finalizeAfterWindow(jobId);
        assertEq(registry.openObligations(busy), 0);

        // Exactly smallest x (1 + churnBps) is not enough; one wei more ejects the smallest.
        address second = makeAddr("second-newcomer");
        fund(second, 10_000e18);
        uint256 threshold = 100e18 * (10_000 + uint256(CHURN_BPS)) / 10_000;
        vm.prank(second);
        vm.expectRevert(
            abi.encodeWithSelector(StakeRegistry.ActiveSetFull.selector, MAX_OPERATORS, busy, 100e18, threshold)
        );
        registry.register(COMPUTE, second, "", threshold);
        vm.expectEmit(address(registry));
        emit StakeRegistry.OperatorExited(busy, true);
        vm.prank(second);
        registry.register(COMPUTE, second, "", threshold + 1);
        assertEq(uint256(registry.getOperator(busy).status), uint256(StakeRegistry.Status.Exited), "ejected");
        assertEq(uint256(registry.getOperator(second).status), uint256(StakeRegistry.Status.Active), "in");
        assertEq(registry.operatorCount(), MAX_OPERATORS, "still bounded");

        // The ejected operator takes everything out after the delay and cannot come back.
        vm.prank(busy);
        registry.queueWithdrawal(busy, type(uint256).max);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(busy);
        assertEq(registry.completeWithdrawal(busy), 200e18, "all its stake");
        assertEq(token.balanceOf(busy), 200e18 + MIN_FEE, "stake + the fee it earned");
        vm.prank(busy);
        vm.expectRevert(abi.encodeWithSelector(StakeRegistry.AlreadyRegistered.selector, busy));
        registry.register(COMPUTE, busy, "", 200e18);

        // A voluntary exit without obligations works too.
        address quitter = ops[5] == busy || ops[5] == freeSmallest ? ops[6] : ops[5];
        vm.prank(quitter);
        registry.deregister();
        assertEq(registry.operatorCount(), MAX_OPERATORS - 1, "left the set");
        assertEq(registry.weightOf(quitter, COMPUTE), 0, "no weight");
        vm.prank(quitter);
        registry.queueWithdrawal(quitter, type(uint256).max);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        vm.prank(quitter);
        assertEq(registry.completeWithdrawal(quitter), 200e18);
    }

    function test_attack8_assignmentGasAtTheOperatorCap() public {
        fillActiveSet(200e18);
        activate();
        uint256 jobId = submit(dev, appId);
        JobManager.Job memory j = jobs.getJob(jobId);
        while (block.number <= j.seedBlock) mine(1);
        // As in a fresh transaction: nothing the setup touched is warm.
        vm.cool(address(registry));
        vm.cool(address(jobs));
        vm.cool(address(token));
        vm.cool(address(apps));
        uint256 g = gasleft();
        bool ok = jobs.assign(jobId);
        uint256 used = g - gasleft();
        assertTrue(ok, "assigned");
        (address[] memory cands,) = registry.eligibleAt(COMPUTE, j.snapshotBlock);
        assertEq(cands.length, MAX_OPERATORS, "64 candidates");
        logUint("assign() gas at 64 operators (call only, cold storage)", used);
        assertLt(used, 3_000_000, "assignment gas bounded at the cap");
    }

    // ================================================================ 9. owner powers

    function test_attack9_formerAdminHasNoDirectPowers() public {
        bytes memory notOwner = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, admin);
        vm.startPrank(admin);
        vm.expectRevert(notOwner);
        registry.setSlasher(admin, true);
        vm.expectRevert(notOwner);
        registry.setMinStake(COMPUTE, 1);
        vm.expectRevert(notOwner);
        jobs.setParams(defaultParams(admin));
        vm.expectRevert(notOwner);
        apps.setAllowlisted(admin, true);
        vm.expectRevert(notOwner);
        apps.setPermissionless(true);
        vm.expectRevert(notOwner);
        token.setMinter(admin, true);
        vm.expectRevert(notOwner);
        token.finishMinting();
        vm.expectRevert(abi.encodeWithSelector(StakeToken.NotMinter.selector, admin));
        token.mint(admin, 1);
        vm.stopPrank();
        assertEq(registry.owner(), address(timelock));
        assertEq(jobs.owner(), address(timelock));
        assertEq(apps.owner(), address(timelock));
        assertEq(token.owner(), address(timelock));
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), admin), "no timelock admin");
        assertFalse(registry.isSlasher(admin));
    }

    function test_attack9_governanceWaitsForTheTimelock() public {
        address rogue = makeAddr("rogue-slasher");
        bytes memory data = abi.encodeCall(StakeRegistry.setSlasher, (rogue, true));
        bytes32 salt = keccak256("add-slasher");
        bytes32 id = timelock.hashOperation(address(registry), 0, data, bytes32(0), salt);

        address mallory = makeAddr("mallory");
        bytes32 proposerRole = timelock.PROPOSER_ROLE();
        vm.prank(mallory);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, mallory, proposerRole)
        );
        timelock.schedule(address(registry), 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(TimelockController.TimelockInsufficientDelay.selector, 1 hours, TIMELOCK_DELAY)
        );
        timelock.schedule(address(registry), 0, data, bytes32(0), salt, 1 hours);

        vm.prank(admin);
        timelock.schedule(address(registry), 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        bytes memory notReady = abi.encodeWithSelector(
            TimelockController.TimelockUnexpectedOperationState.selector, id, bytes32(uint256(1) << 2)
        );
        vm.prank(admin);
        vm.expectRevert(notReady);
        timelock.execute(address(registry), 0, data, bytes32(0), salt);
        vm.warp(block.timestamp + TIMELOCK_DELAY - 1);
        vm.prank(admin);
        vm.expectRevert(notReady);
        timelock.execute(address(registry), 0, data, bytes32(0), salt);
        assertFalse(registry.isSlasher(rogue), "not before the delay");
        vm.warp(block.timestamp + 1);
        vm.prank(admin);
        timelock.execute(address(registry), 0, data, bytes32(0), salt);
        assertTrue(registry.isSlasher(rogue), "after TIMELOCK_DELAY");
    }

    function test_attack9_paramsAndCourtPinnedPerJob() public {
        operator("opA", COMPUTE, 1_000e18);
        operator("opB", COMPUTE, 1_000e18);
        address v1 = operator("v1", VERIFIER, 500e18);
        address v2 = operator("v2", VERIFIER, 500e18);
        activate();

        // Governance schedules a new court and a harsher dispute slash...
        IntersubjectiveCourt court2 = new IntersubjectiveCourt(registry, jobs, VOTING_PERIOD, QUORUM_BPS, VOTER_PENALTY);
        uint256 readyAt = scheduleCourt2(court2);

        // ... while job A is submitted under the current version.
        vm.warp(readyAt - 30);
        uint32 v = jobs.paramsVersion();
        uint256 jobA = submit(dev, appId);
        address liarA = assignNow(jobA);
        vm.warp(readyAt);
        executeCourt2(court2);
        assertEq(uint256(jobs.paramsVersion()), uint256(v) + 1, "a new version");
        assertEq(uint256(jobs.getJob(jobA).paramsVersion), uint256(v), "job A keeps its version");
        assertEq(jobs.paramsAt(v).court, address(court), "old version keeps the old court");
        assertEq(jobs.params().court, address(court2), "new version: new court");

        // Job A's dispute goes to the old court, is judged there, and slashes the old fraction.
        postResult(jobA, X);
        uint256 dA = challengeWith(makeAddr("watch-A"), jobA, Z);
        assertEq(court.getDispute(dA).jobId, jobA, "old court has it");
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, dA));
        court2.getDispute(dA);
        vm.prank(address(court2));
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotCourt.selector, address(court2)));
        jobs.resolveDispute(dA, CHALLENGER_WINS);
        bytes32 cZ = commitment(Z);
        castVote(v1, dA, cZ);
        castVote(v2, dA, cZ);
        uint256 stakeA = registry.stakeOf(liarA);
        resolveDispute(dA);
        assertEq(registry.stakeOf(liarA), stakeA - stakeA * DISPUTE_SLASH / 1e18, "old disputeSlashWad (50%)");

        jobUnderNewParams(court2, v1, v2, v + 1);
    }

    function scheduleCourt2(IntersubjectiveCourt court2) internal returns (uint256 readyAt) {
        vm.startPrank(admin);
        timelock.schedule(address(jobs), 0, court2Params(court2), bytes32(0), keccak256("p2"), TIMELOCK_DELAY);
        timelock.schedule(address(registry), 0, court2Slasher(court2), bytes32(0), keccak256("s2"), TIMELOCK_DELAY);
        vm.stopPrank();
        readyAt = block.timestamp + TIMELOCK_DELAY;
    }

    function executeCourt2(IntersubjectiveCourt court2) internal {
        vm.startPrank(admin);
        timelock.execute(address(jobs), 0, court2Params(court2), bytes32(0), keccak256("p2"));
        timelock.execute(address(registry), 0, court2Slasher(court2), bytes32(0), keccak256("s2"));
        vm.stopPrank();
    }

    function court2Params(IntersubjectiveCourt court2) internal pure returns (bytes memory) {
        JobManager.Params memory p2 = defaultParams(address(court2));
        p2.disputeSlashWad = 0.9e18;
        return abi.encodeCall(JobManager.setParams, (p2));
    }

    function court2Slasher(IntersubjectiveCourt court2) internal pure returns (bytes memory) {
        return abi.encodeCall(StakeRegistry.setSlasher, (address(court2), true));
    }

    /// @dev A job submitted after the change uses the new court and the new slash.
    function jobUnderNewParams(IntersubjectiveCourt court2, address v1, address v2, uint32 version) internal {
        uint256 jobB = submit(dev, appId);
        assertEq(uint256(jobs.getJob(jobB).paramsVersion), uint256(version));
        address liarB = assignNow(jobB);
        postResult(jobB, X);
        uint256 dB = challengeWith(makeAddr("watch-B"), jobB, Z);
        assertEq(court2.getDispute(dB).jobId, jobB, "new court has it");
        vm.expectRevert(abi.encodeWithSelector(IntersubjectiveCourt.UnknownDispute.selector, dB));
        court.getDispute(dB);
        bytes32 cZ = commitment(Z);
        vm.prank(v1);
        court2.vote(dB, cZ);
        vm.prank(v2);
        court2.vote(dB, cZ);
        vm.warp(uint256(court2.getDispute(dB).deadline) + 1);
        uint256 stakeB = registry.stakeOf(liarB);
        court2.resolve(dB);
        assertEq(registry.stakeOf(liarB), stakeB - stakeB * 0.9e18 / 1e18, "new disputeSlashWad (90%)");
    }

    function test_attack9_finishMinting_isForever() public {
        address faucet = makeAddr("faucet");
        governance(address(token), abi.encodeCall(StakeToken.setMinter, (faucet, true)));
        vm.prank(faucet);
        token.mint(faucet, 1e18);
        governance(address(token), abi.encodeCall(StakeToken.finishMinting, ()));
        assertTrue(token.mintingFinished());
        uint256 supply = token.totalSupply();
        vm.prank(address(timelock));
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(address(timelock), 1);
        vm.prank(faucet);
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(faucet, 1);
        // Governance cannot undo it either: the minter flag changes nothing.
        governance(address(token), abi.encodeCall(StakeToken.setMinter, (faucet, true)));
        vm.prank(faucet);
        vm.expectRevert(StakeToken.MintingFinished.selector);
        token.mint(faucet, 1);
        assertEq(token.totalSupply(), supply, "supply did not grow");
    }

    // ================================================================ 10. also

    function test_attack10_poisonedHeartbeatThenDecline_jobStillFinishes() public {
        address a = operator("opA", COMPUTE, 1_000e18);
        address b = operator("opB", COMPUTE, 1_000e18);
        activate();
        uint256 jobId = submit(dev, appId);
        address poisoner = assignNow(jobId);
        address successor = other(a, b, poisoner);
        uint64 maxSteps = jobs.getJob(jobId).maxSteps;
        vm.prank(poisoner);
        jobs.heartbeat(jobId, maxSteps, keccak256("garbage-state"), keccak256("garbage-checkpoint"));
        vm.prank(poisoner);
        jobs.declineJob(jobId);
        assertEq(registry.totalSlashed(), 0, "declining costs nothing");

        assertEq(assignNow(jobId), successor, "successor");
        JobManager.Job memory j = jobs.getJob(jobId);
        assertEq(uint256(j.lastStep), uint256(maxSteps), "poisoned step kept");
        assertEq(j.lastCheckpointBlobKey, keccak256("garbage-checkpoint"));
        // Without a restart the honest (shorter) result would be refused.
        vm.prank(successor);
        vm.expectRevert(abi.encodeWithSelector(JobManager.StepNotMonotonic.selector, maxSteps, uint64(3)));
        jobs.submitResult(jobId, Z, bytes32(uint256(2)), 3, bytes32(uint256(4)), keccak256("out"));
        vm.prank(successor);
        jobs.restartJob(jobId);
        j = jobs.getJob(jobId);
        assertEq(uint256(j.lastStep), 0, "restarted from step 0");
        assertEq(j.lastCheckpointBlobKey, bytes32(0), "checkpoint dropped");
        vm.prank(successor);
        jobs.heartbeat(jobId, 1, keccak256("s1"), keccak256("cp1"));
        postResult(jobId, Z);
        finalizeAfterWindow(jobId);
        assertStatus(jobId, JobManager.JobStatus.Finalized, "finished");
        assertEq(jobs.getJob(jobId).outputHash, Z);
        assertEq(token.balanceOf(successor), MIN_FEE, "successor paid");
    }

    function test_attack10_expiredJob_refundsSubmitter() public {
        // Queued, nobody ever assigns it.
        uint256 queued = submit(dev, appId);
        uint64 expiresAt = jobs.getJob(queued).expiresAt;
        assertEq(uint256(expiresAt), block.timestamp + MAX_JOB_DURATION, "expiry = submission + maxJobDuration");
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotExpired.selector, queued, expiresAt));
        jobs.expire(queued);
        vm.warp(uint256(expiresAt) + 1);
        uint256 before = token.balanceOf(dev);
        jobs.expire(queued);
        assertStatus(queued, JobManager.JobStatus.Failed, "expired");
        assertEq(token.balanceOf(dev) - before, MIN_FEE + SUBMITTER_DEPOSIT, "fee + deposit back");

        // Assigned, the assignee keeps it alive with keepalives until the expiry: nobody is slashed.
        address op = operator("op", COMPUTE, 1_000e18);
        activate();
        uint256 jobId = submit(dev, appId);
        assertEq(assignNow(jobId), op);
        expiresAt = jobs.getJob(jobId).expiresAt;
        while (block.timestamp + HEARTBEAT_WINDOW <= expiresAt) {
            vm.warp(block.timestamp + HEARTBEAT_WINDOW);
            vm.prank(op);
            jobs.heartbeat(jobId, 0, bytes32(0), bytes32(0));
        }
        vm.warp(uint256(expiresAt) + 1);
        before = token.balanceOf(dev);
        jobs.expire(jobId);
        assertStatus(jobId, JobManager.JobStatus.Failed, "expired");
        assertEq(token.balanceOf(dev) - before, MIN_FEE + SUBMITTER_DEPOSIT, "fee + deposit back");
        assertEq(registry.stakeOf(op), 1_000e18, "nobody slashed");
        assertEq(registry.openObligations(op), 0, "obligation released");
        assertEq(uint256(jobs.activeJobs(op)), 0, "capacity released");
        assertEq(jobs.totalEscrow(), 0);
    }

    function test_attack10_programAndTeeSignerPinnedPerJob() public {
        operator("tee-op", TEE, 1_000e18);
        activate();
        uint256 teeApp = createApp(dev, MODE_TEE);
        uint256 pk1 = uint256(keccak256("app-wallet-1"));
        uint256 pk2 = uint256(keccak256("app-wallet-2"));
        vm.prank(dev);
        apps.setTeeSigner(teeApp, vm.addr(pk1));
        (uint256 jobId,) = submitAndAssign(dev, teeApp);

        // Mid-job, the app owner upgrades the program and swaps the signer.
        vm.startPrank(dev);
        apps.upgradeApp(teeApp, keccak256("program-v2"), hex"");
        apps.setTeeSigner(teeApp, vm.addr(pk2));
        vm.stopPrank();
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(pin.programDigest, keccak256("program"), "program pinned");
        assertEq(pin.teeSigner, vm.addr(pk1), "signer pinned");
        assertEq(uint256(pin.appVersion), 1, "release pinned");
        assertEq(uint256(pin.mode), uint256(MODE_TEE));
        assertEq(uint256(pin.role), uint256(TEE), "TEE operators only");

        bytes32 digest = jobs.teeResultDigest(jobId, Z);
        bytes memory sig2 = teeSign(pk2, digest);
        submitTee(
            jobId, Z, sig2, abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, vm.addr(pk2), vm.addr(pk1))
        );
        submitTee(jobId, Z, teeSign(pk1, digest), "");
        assertStatus(jobId, JobManager.JobStatus.Submitted, "the pinned signer's result");

        // A new job pins the new release.
        uint256 jobId2 = submit(dev, teeApp);
        JobManager.Pin memory pin2 = jobs.pinOf(jobId2);
        assertEq(pin2.programDigest, keccak256("program-v2"));
        assertEq(pin2.teeSigner, vm.addr(pk2));
        assertEq(uint256(pin2.appVersion), 2);
    }

    /// @dev A signature by the app wallet over the digest of (attempt, assignee) is refused for the job's
    ///      current attempt and assignee when they differ.
    function rejectTeeSignatureFor(uint256 jobId, uint256 attempt, address assignee, uint256 pk) internal {
        bytes32 digest =
            keccak256(abi.encode(jobs.TEE_RESULT_TAG(), block.chainid, address(jobs), jobId, attempt, assignee, Z));
        bytes memory sig = teeSign(pk, digest);
        bytes32 current = jobs.teeResultDigest(jobId, Z);
        assertNotEq(current, digest, "a different digest");
        submitTee(
            jobId, Z, sig, abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, recoverOf(current, sig), vm.addr(pk))
        );
    }

    function test_attack10_teeSignatureBindsAssigneeAndAttempt() public {
        address a = operator("tee-a", TEE, 1_000e18);
        address b = operator("tee-b", TEE, 1_000e18);
        activate();
        uint256 teeApp = createApp(dev, MODE_TEE);
        uint256 pk = uint256(keccak256("app-wallet"));
        address signer = vm.addr(pk);
        vm.prank(dev);
        apps.setTeeSigner(teeApp, signer);
        (uint256 jobId, address first) = submitAndAssign(dev, teeApp);
        address second = other(a, b, first);

        // A signature for attempt 0 and the first assignee...
        bytes32 digest0 = jobs.teeResultDigest(jobId, Z);
        assertEq(
            digest0,
            keccak256(abi.encode(jobs.TEE_RESULT_TAG(), block.chainid, address(jobs), jobId, uint256(0), first, Z)),
            "digest binds chain, contract, job, attempt, assignee, output"
        );
        bytes memory sig0 = teeSign(pk, digest0);
        vm.prank(first);
        jobs.declineJob(jobId);
        assertEq(assignNow(jobId), second);
        assertEq(uint256(jobs.getJob(jobId).attempt), 1);

        // ... is useless to the second assignee at attempt 1,
        bytes32 digest1 = jobs.teeResultDigest(jobId, Z);
        submitTee(
            jobId, Z, sig0, abi.encodeWithSelector(JobManager.BadTeeSignature.selector, jobId, recoverOf(digest1, sig0), signer)
        );
        // and so is one for attempt 1 made out to another assignee, or for attempt 0 made out to this one.
        rejectTeeSignatureFor(jobId, 1, first, pk);
        rejectTeeSignatureFor(jobId, 0, second, pk);
        assertEq(
            digest1,
            keccak256(abi.encode(jobs.TEE_RESULT_TAG(), block.chainid, address(jobs), jobId, uint256(1), second, Z))
        );
        submitTee(jobId, Z, teeSign(pk, digest1), "");
        assertStatus(jobId, JobManager.JobStatus.Submitted, "accepted for the current attempt and assignee");
        assertEq(jobs.getJob(jobId).resultOperator, second);
    }
}
