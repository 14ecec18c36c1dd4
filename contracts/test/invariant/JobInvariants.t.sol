// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "../SettlementFixture.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {JobManager} from "../../src/JobManager.sol";
import {IntersubjectiveCourt} from "../../src/IntersubjectiveCourt.sol";
import {JobHandler} from "./JobHandler.sol";

/// @notice The security properties of settlement protocol v2 (issue #13) as invariants of the whole
///         protocol (the fixture's timelock-owned deployment) under JobHandler's honest and adversarial
///         actors:
///         1. token conservation: every token minted is with a known holder; the registry's books close;
///            JobManager holds exactly its escrow; the court can pay every majority voter it owes;
///         2. stake behind an open obligation never leaves: no withdrawal paid stake queued while an
///            obligation open at the time was still open, no operator left the set with one open, and every
///            live job and unsettled vote holds its obligation;
///         3. a wrong result with an honest challenger never finalizes;
///         4. an honest operator (or verifier) is never slashed, never reported for a miss, never penalised.
///         After every run everything is settled and everybody exits (`afterInvariant`): nothing is stuck.
///         `test_campaignReachesEveryPath` shows that the handler reaches every outcome: forge calls
///         `afterInvariant` after each run (and resets the state between runs), so the outcome counters of
///         one 64-call run cannot show every path; a fixed 700-step sequence of the same actions does.
contract JobInvariantsTest is SettlementFixture {
    JobHandler internal handler;

    function setUp() public override {
        super.setUp();
        JobHandler.Actors memory a;
        a.honestOps = _operators("honest", 3, COMPUTE, 1_000e18);
        a.liars = _operators("liar", 3, COMPUTE, 1_000e18);
        a.offline = _operators("offline", 1, COMPUTE, 2_000e18);
        a.honestVerifiers = _operators("verifier", 3, VERIFIER, 1_000e18);
        // 1,800 of 4,800 VERIFIER stake: below the honest 3,000; all three together reach the 30 % quorum
        // (1,440), so split three ways they give no majority, and together they would win without the honest
        a.dishonestVerifiers = _operators("dishonest", 3, VERIFIER, 600e18);
        a.sybils = _accounts("sybil", 10);
        a.delegators = _accounts("delegator", 3);
        a.watchtower = makeAddr("watchtower");
        a.spammer = makeAddr("spammer");
        a.reporter = makeAddr("reporter");
        address dev = makeAddr("dev");
        a.others = new address[](2);
        a.others[0] = admin;
        a.others[1] = dev;
        uint256 appId = createApp(dev, MODE_INTERSUBJECTIVE);
        activate();
        handler = new JobHandler(token, registry, jobs, court, address(timelock), appId, a);

        bytes4[] memory s = new bytes4[](24);
        s[0] = JobHandler.submit.selector;
        s[1] = JobHandler.assign.selector;
        s[2] = JobHandler.honestWork.selector;
        s[3] = JobHandler.adversaryWork.selector;
        s[4] = JobHandler.reportMissed.selector;
        s[5] = JobHandler.expire.selector;
        s[6] = JobHandler.finalize.selector;
        s[7] = JobHandler.challengeBySybil.selector;
        s[8] = JobHandler.sweep.selector;
        s[9] = JobHandler.vote.selector;
        s[10] = JobHandler.honestVote.selector;
        s[11] = JobHandler.resolve.selector;
        s[12] = JobHandler.settleVote.selector;
        s[13] = JobHandler.registerSybil.selector;
        s[14] = JobHandler.deposit.selector;
        s[15] = JobHandler.delegate.selector;
        s[16] = JobHandler.queueWithdrawal.selector;
        s[17] = JobHandler.completeWithdrawal.selector;
        s[18] = JobHandler.deregister.selector;
        s[19] = JobHandler.setAllocation.selector;
        s[20] = JobHandler.warp.selector;
        s[21] = JobHandler.roll.selector;
        s[22] = JobHandler.submit.selector; // jobs and assignments twice as often: every path starts there
        s[23] = JobHandler.assign.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: s}));
    }

    // ------------------------------------------------------------ invariants

    /// 1. Token conservation.
    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 64
    function invariant_tokenConservation() public view {
        _checkConservation();
        _checkRefusals();
    }

    /// 2. Stake behind an open obligation never leaves.
    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 64
    function invariant_stakeBehindObligationsNeverLeaves() public view {
        _checkObligations();
        _checkRefusals();
    }

    /// 3. A wrong result with an honest challenger never finalizes, nor does any result after an undecided dispute
    ///    (the honest verifiers may be absent: `JobHandler.absent`).
    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 64
    function invariant_wrongResultNeverFinalizes() public view {
        _checkNoWrongFinal();
        _checkRefusals();
    }

    /// 4. An honest operator is never slashed.
    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 64
    function invariant_honestNeverSlashed() public view {
        _checkHonestUnharmed();
        _checkRefusals();
    }

    /// After a run: resolve, finalize, expire, settle and withdraw everything, then everybody exits.
    function afterInvariant() public {
        _drainAndCheck();
    }

    // ------------------------------------------------------------ every path is reached

    /// A fixed pseudo-random sequence of the campaign's actions, the invariants checked along the way;
    /// every outcome counter must be reached, and the honesty ghosts stay zero.
    function test_campaignReachesEveryPath() public {
        uint256 seed = 0xC0FFEE;
        for (uint256 i; i < 700; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _step(seed);
            if (i % 35 == 34) this.checkAll(); // an external call, so each check's memory is freed
        }
        _drainAndCheck(); // settling everything is part of the campaign: its outcomes count too
        _logCounters();
        JobHandler h = handler;
        assertGt(h.jobsSubmitted(), 0, "jobs submitted");
        assertGt(h.spamRefusedLowFee(), 0, "jobs below the minimum fee refused");
        assertGt(h.assignments(), 0, "assignments");
        assertGt(h.reassignments(), 0, "reassignments");
        assertGt(h.declines(), 0, "declines");
        assertGt(h.restarts(), 0, "restarts after a poisoned checkpoint");
        assertGt(h.poisonedHeartbeats(), 0, "poisoned heartbeats");
        assertGt(h.honestResults(), 0, "honest results");
        assertGt(h.liarResults(), 0, "wrong results");
        assertGt(h.jobsFinalized(), 0, "jobs finalized");
        assertGt(h.jobsFinalizedHonest(), 0, "jobs finalized with an honest operator's result");
        assertGt(h.jobsFailedExpired(), 0, "jobs expired");
        assertGt(h.livenessSlashes(), 0, "liveness slashes");
        assertGt(h.livenessSlashesSkippedByCooldown(), 0, "liveness slashes skipped by the cooldown");
        assertGt(h.falseReportsRefused(), 0, "premature miss reports refused");
        assertGt(h.watchtowerChallenges(), 0, "watchtower challenges");
        assertGt(h.sybilChallenges(), 0, "sybil challenges");
        assertGt(h.challengesRefused(), 0, "challenges refused");
        assertGt(h.challengerWins(), 0, "challenger wins");
        assertGt(h.operatorWins(), 0, "operator wins");
        assertGt(h.bothWrong(), 0, "both wrong");
        assertGt(h.noQuorum(), 0, "no quorum");
        assertGt(h.noMajority(), 0, "no majority");
        assertGt(h.absentDisputes(), 0, "disputes the honest verifiers sat out");
        assertGt(h.liesDroppedUndecided(), 0, "lies dropped without a decision (issue #19)");
        assertGt(h.truthsDroppedUndecided(), 0, "right results dropped after an undecided false challenge");
        assertGt(h.mootDisputes(), 0, "moot disputes");
        assertGt(h.honestVotes(), 0, "honest votes");
        assertGt(h.dishonestVotes(), 0, "dishonest votes");
        assertGt(h.jitVotesRefused(), 0, "votes without snapshot stake refused");
        assertGt(h.resolvesRefusedEarly(), 0, "early resolves refused");
        assertGt(h.finalizesRefusedEarly(), 0, "finalize inside the window refused");
        assertGt(h.finalizesRefusedDisputed(), 0, "finalize of a disputed job refused");
        assertGt(h.votesSettledReward(), 0, "votes settled with a reward");
        assertGt(h.votesSettledPenalty(), 0, "votes settled with a penalty");
        assertGt(h.sybilRegistrations(), 0, "sybil registrations");
        assertGt(h.registrationsRefusedBelowMin(), 0, "registrations below the minimum refused");
        assertGt(h.deposits(), 0, "deposits");
        assertGt(h.delegations(), 0, "delegations");
        assertGt(h.withdrawalsQueued(), 0, "withdrawals queued");
        assertGt(h.withdrawalsCompleted(), 0, "withdrawals completed");
        assertGt(h.withdrawalsRefusedEarly(), 0, "early withdrawals refused");
        assertGt(h.withdrawalsRefusedForObligations(), 0, "withdrawals refused for open obligations");
        assertGt(h.withdrawalsHeldThenPaid(), 0, "withdrawals held by obligations, then paid");
        assertGt(h.deregistrations(), 0, "deregistrations");
        assertGt(h.deregistersRefusedForObligations(), 0, "deregistrations refused for open obligations");
    }

    /// @dev One action, weighted towards the job pipeline (submit, assign, work, challenge, vote, resolve).
    function _step(uint256 r) internal {
        uint256 a = uint256(keccak256(abi.encode(r, 1)));
        uint256 b = uint256(keccak256(abi.encode(r, 2)));
        uint256 c = uint256(keccak256(abi.encode(r, 3)));
        uint256 x = r % 48;
        JobHandler h = handler;
        if (x < 4) h.submit(a, b % 8 == 0);
        else if (x < 6) h.assign(a);
        else if (x < 8) h.honestWork(a, uint8(b));
        else if (x < 11) h.adversaryWork(a, uint8(b), uint64(c));
        else if (x < 13) h.reportMissed(a, b % 2 == 0);
        else if (x < 14) h.expire(a, b % 8 == 0);
        else if (x < 17) h.finalize(a, b % 2 == 0);
        else if (x < 19) h.challengeBySybil(a, b, uint8(c));
        else if (x < 20) h.sweep();
        else if (x < 22) h.vote(a, b, uint8(c));
        else if (x < 23) h.honestVote(a, b);
        else if (x < 27) h.resolve(a, b % 2 == 0);
        else if (x < 29) h.settleVote(a);
        else if (x < 30) h.registerSybil(a, b, uint8(c));
        else if (x < 31) h.deposit(a, c);
        else if (x < 33) h.delegate(a, b, c);
        else if (x < 36) h.queueWithdrawal(a, b, c, c % 4 == 0);
        else if (x < 39) h.completeWithdrawal(a, b % 4 == 0);
        else if (x < 41) h.deregister(a);
        else if (x < 42) h.setAllocation(a, uint64(b));
        else if (x < 47) h.warp(a, b % 20 == 0);
        else h.roll(a);
    }

    // ------------------------------------------------------------ checks

    /// @dev The checks as an external call (the campaign test's memory would otherwise grow with each).
    function checkAll() external view {
        _checkAll();
    }

    function _checkAll() internal view {
        _checkConservation();
        _checkObligations();
        _checkNoWrongFinal();
        _checkHonestUnharmed();
        _checkRefusals();
    }

    function _checkConservation() internal view {
        // the registry's books, and its balance
        uint256 active = registry.totalActive();
        uint256 pending = registry.totalPending();
        assertEq(
            registry.totalDeposited(),
            active + pending + registry.totalWithdrawn() + registry.totalSlashed(),
            "registry books: deposited == active + pending + withdrawn + slashed"
        );
        assertEq(token.balanceOf(address(registry)), active + pending, "registry balance == active + pending");
        assertEq(registry.totalDeposited(), handler.ghostDeposited(), "deposits seen in events");
        assertEq(registry.totalWithdrawn(), handler.ghostWithdrawn(), "withdrawals seen in events");
        assertEq(registry.totalSlashed(), handler.ghostSlashed(), "slashes seen in events");
        uint256 sumActive;
        uint256 sumPending;
        for (uint256 i; i < handler.operatorCount(); ++i) {
            StakeRegistry.Pool memory p = registry.poolOf(handler.operators(i));
            sumActive += p.activeAmount;
            sumPending += p.pendingAmount;
        }
        assertEq(sumActive, active, "sum of active pools == totalActive");
        assertEq(sumPending, pending, "sum of pending pools == totalPending");

        // every token minted is with a known holder
        uint256 held;
        for (uint256 i; i < handler.holderCount(); ++i) {
            held += token.balanceOf(handler.holders(i));
        }
        assertEq(token.totalSupply(), handler.ghostMinted(), "supply == minted");
        assertEq(held, token.totalSupply(), "every token is with a known holder");

        // JobManager holds exactly the fees, deposits and bonds of what is unsettled
        uint256 escrow;
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.Job memory j = jobs.getJob(id);
            if (
                j.status == JobManager.JobStatus.Queued || j.status == JobManager.JobStatus.Assigned
                    || j.status == JobManager.JobStatus.Submitted || j.status == JobManager.JobStatus.Disputed
            ) escrow += j.fee + j.deposit;
        }
        for (uint256 d = 1; d <= jobs.disputeCount(); ++d) {
            JobManager.Dispute memory jd = jobs.getDispute(d);
            if (!jd.resolved) escrow += jd.bond;
        }
        assertEq(jobs.totalEscrow(), escrow, "escrow == fees + deposits of live jobs + bonds of open disputes");
        assertEq(token.balanceOf(address(jobs)), jobs.totalEscrow(), "JobManager balance == totalEscrow at rest");

        // the court can pay every majority voter it owes
        uint256 owed;
        IntersubjectiveCourt.Dispute memory cd;
        uint256 cached;
        for (uint256 i; i < handler.voteCount(); ++i) {
            (uint256 d, address voter) = handler.voteAt(i);
            IntersubjectiveCourt.Vote memory v = court.voteOf(d, voter);
            if (v.settled) continue;
            if (d != cached) (cd, cached) = (court.getDispute(d), d);
            if (cd.moot || cd.verdict == 0 || cd.verdict > 3 || v.commitment != cd.leading) continue;
            owed += cd.voterPool * v.weight / cd.leadingWeight;
        }
        assertGe(token.balanceOf(address(court)), owed, "court balance covers the rewards it owes");
    }

    function _checkObligations() internal view {
        assertEq(handler.withdrawalViolations(), 0, "a withdrawal paid stake behind an open obligation");
        assertEq(handler.exitViolations(), 0, "an operator left the active set with an obligation open");
        assertEq(handler.obligationMismatches(), 0, "obligation events contradict the ghost");
        for (uint256 i; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            assertEq(registry.openObligations(op), handler.ghostOpen(op), "open obligations");
            assertEq(registry.obligationLowWater(op), handler.ghostLowWater(op), "obligation low-water mark");
        }
        // every live job's stake and every unsettled vote's stake is held by an open obligation
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.Job memory j = jobs.getJob(id);
            address holder;
            if (j.status == JobManager.JobStatus.Assigned) {
                holder = j.assignee;
            } else if (j.status == JobManager.JobStatus.Submitted || j.status == JobManager.JobStatus.Disputed) {
                holder = j.resultOperator;
            } else {
                continue;
            }
            assertEq(
                handler.ghostObligation(holder, jobs.pinOf(id).obligationSeq), 1, "a live job's obligation is open"
            );
        }
        for (uint256 i; i < handler.voteCount(); ++i) {
            (uint256 d, address voter) = handler.voteAt(i);
            IntersubjectiveCourt.Vote memory v = court.voteOf(d, voter);
            if (!v.settled) {
                assertEq(handler.ghostObligation(voter, v.obligationSeq), 1, "an unsettled vote's obligation is open");
            }
        }
    }

    function _checkNoWrongFinal() internal view {
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.Job memory j = jobs.getJob(id);
            if (j.status != JobManager.JobStatus.Finalized) continue;
            assertEq(handler.resultCommitment(j), handler.truthCommitment(id), "a wrong result finalized");
        }
        assertEq(handler.undecidedFinalized(), 0, "a result finalized after a dispute against it ended undecided");
        assertEq(handler.watchtowerFailures(), 0, "the honest watchtower was refused a challenge");
        assertEq(handler.honestVoteFailures(), 0, "an honest verifier was refused a vote");
    }

    function _checkHonestUnharmed() internal view {
        assertEq(handler.honestSlashed(), 0, "an honest operator or verifier was slashed");
        assertEq(handler.honestMisses(), 0, "a miss was reported against an honest operator");
        assertEq(handler.honestPenalties(), 0, "an honest verifier was penalised");
        assertEq(handler.honestWorkFailures(), 0, "an honest operator was refused a heartbeat or result");
        for (uint256 i; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            if (!handler.isHonest(op)) continue;
            StakeRegistry.Pool memory p = registry.poolOf(op);
            // tokens per share start at 1 and only a slash lowers them
            assertGe(p.activeAmount, p.activeShares, "an honest pool lost value (active)");
            assertGe(p.pendingAmount, p.pendingShares, "an honest pool lost value (pending)");
        }
    }

    function _checkRefusals() internal view {
        if (handler.unexpectedReverts() != 0) {
            fail(string.concat("unexpected revert: ", vm.toString(handler.lastUnexpected())));
        }
    }

    function _drainAndCheck() internal {
        uint256 refused = handler.drain();
        if (refused != 0) {
            fail(string.concat("settling or exiting was refused: ", vm.toString(handler.lastUnexpected())));
        }
        _checkAll();
        for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
            JobManager.JobStatus s = jobs.getJob(id).status;
            assertTrue(s == JobManager.JobStatus.Finalized || s == JobManager.JobStatus.Failed, "every job ended");
        }
        assertEq(jobs.totalEscrow(), 0, "no escrow left");
        for (uint256 i; i < handler.operatorCount(); ++i) {
            assertEq(registry.openObligations(handler.operators(i)), 0, "every obligation ended");
        }
        assertEq(registry.operatorCount(), 0, "every operator exited");
        assertEq(token.balanceOf(address(registry)), 0, "every staker withdrew everything");
    }

    function _logCounters() internal view {
        JobHandler h = handler;
        logUint("jobsSubmitted", h.jobsSubmitted());
        logUint("spamRefusedLowFee", h.spamRefusedLowFee());
        logUint("assignments", h.assignments());
        logUint("reseeds", h.reseeds());
        logUint("reassignments", h.reassignments());
        logUint("declines", h.declines());
        logUint("restarts", h.restarts());
        logUint("poisonedHeartbeats", h.poisonedHeartbeats());
        logUint("honestResults", h.honestResults());
        logUint("liarResults", h.liarResults());
        logUint("jobsFinalized", h.jobsFinalized());
        logUint("jobsFinalizedHonest", h.jobsFinalizedHonest());
        logUint("jobsFailedExpired", h.jobsFailedExpired());
        logUint("jobsFailedNoOperator", h.jobsFailedNoOperator());
        logUint("livenessSlashes", h.livenessSlashes());
        logUint("livenessSlashesSkippedByCooldown", h.livenessSlashesSkippedByCooldown());
        logUint("falseReportsRefused", h.falseReportsRefused());
        logUint("watchtowerChallenges", h.watchtowerChallenges());
        logUint("sybilChallenges", h.sybilChallenges());
        logUint("challengesRefused", h.challengesRefused());
        logUint("challengerWins", h.challengerWins());
        logUint("operatorWins", h.operatorWins());
        logUint("bothWrong", h.bothWrong());
        logUint("noQuorum", h.noQuorum());
        logUint("noMajority", h.noMajority());
        logUint("absentDisputes", h.absentDisputes());
        logUint("liesDroppedUndecided", h.liesDroppedUndecided());
        logUint("truthsDroppedUndecided", h.truthsDroppedUndecided());
        logUint("mootDisputes", h.mootDisputes());
        logUint("honestVotes", h.honestVotes());
        logUint("dishonestVotes", h.dishonestVotes());
        logUint("jitVotesRefused", h.jitVotesRefused());
        logUint("partyVotesRefused", h.partyVotesRefused());
        logUint("resolvesRefusedEarly", h.resolvesRefusedEarly());
        logUint("finalizesRefusedEarly", h.finalizesRefusedEarly());
        logUint("finalizesRefusedDisputed", h.finalizesRefusedDisputed());
        logUint("expiresRefusedEarly", h.expiresRefusedEarly());
        logUint("votesSettledReward", h.votesSettledReward());
        logUint("votesSettledPenalty", h.votesSettledPenalty());
        logUint("votesSettledNeutral", h.votesSettledNeutral());
        logUint("sybilRegistrations", h.sybilRegistrations());
        logUint("registrationsRefusedBelowMin", h.registrationsRefusedBelowMin());
        logUint("deposits", h.deposits());
        logUint("delegations", h.delegations());
        logUint("capSkips", h.capSkips());
        logUint("withdrawalsQueued", h.withdrawalsQueued());
        logUint("withdrawalsCompleted", h.withdrawalsCompleted());
        logUint("withdrawalsRefusedEarly", h.withdrawalsRefusedEarly());
        logUint("withdrawalsRefusedForObligations", h.withdrawalsRefusedForObligations());
        logUint("withdrawalsHeldThenPaid", h.withdrawalsHeldThenPaid());
        logUint("deregistrations", h.deregistrations());
        logUint("deregistersRefusedForObligations", h.deregistersRefusedForObligations());
        logUint("allocationsSet", h.allocationsSet());
        logUint("slashEvents", h.slashEvents());
    }

    // ------------------------------------------------------------ setup helpers

    function _operators(string memory prefix, uint256 n, uint8 roles, uint256 stake)
        internal
        returns (address[] memory list)
    {
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = operator(string.concat(prefix, "-", vm.toString(i)), roles, stake);
        }
    }

    function _accounts(string memory prefix, uint256 n) internal returns (address[] memory list) {
        list = new address[](n);
        for (uint256 i; i < n; ++i) {
            list[i] = makeAddr(string.concat(prefix, "-", vm.toString(i)));
        }
    }
}
