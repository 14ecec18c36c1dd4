// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Vm} from "../base/Vm.sol";
import {StakeToken} from "../../src/StakeToken.sol";
import {StakeRegistry} from "../../src/StakeRegistry.sol";
import {JobManager} from "../../src/JobManager.sol";
import {IntersubjectiveCourt} from "../../src/IntersubjectiveCourt.sol";
import {IDisputeCourt} from "../../src/IDisputeCourt.sol";
import {RegistryGhost} from "./RegistryGhost.sol";

/// @notice Drives the whole v2 protocol (registry, JobManager, court) with honest and adversarial actors.
///
///         Ground truth: job `id` has exactly one right commitment, `truthCommitment(id)`. Honest parties:
///         - honest COMPUTE operators heartbeat every job they hold before any time passes and post the
///           truth (or decline, which is free);
///         - the honest watchtower challenges every result that is not the truth, within its window;
///         - the honest verifiers (a bloc whose own stake outweighs all other VERIFIER stake, and is well
///           above the quorum) vote the truth in every dispute of a wrong result, and in a dispute of a
///           right result whenever the votes cast so far would decide it wrongly (otherwise they may stay
///           lazy, which is how no-quorum and no-majority outcomes arise).
///         The actors that watch the chain act in `_react`, which runs before every step of time: a keeper
///         assigns queued jobs, a reporter reports every missed deadline (honest operators' too, if any),
///         operators work on their jobs, sybils front-run the watchtower, the watchtower challenges, the
///         dishonest and then the honest verifiers vote. Time only passes in steps of at most STEP seconds
///         (half a heartbeat window) or in long jumps past every live job's expiry, so an honest operator
///         can never miss a deadline.
///
///         Adversaries (each action bounded, picking valid-ish targets): liars and sybils follow a plan per
///         job attempt (let it lapse, poison the checkpoint and lapse, post a wrong output or state, post the
///         truth, decline) and restake after slashes; the offline operator never acts; sybils register at or
///         below the minimum stake, challenge with wrong (or copied) commitments, stake just in time to vote
///         (refused: no snapshot weight), deregister; the dishonest verifiers (a minority) abstain, vote
///         alone, split three ways or collude, and restake after penalties; delegators and operators move
///         stake in and out of pools that back open obligations; anyone reports misses (also too early),
///         resolves (also too early), settles, finalizes (also too early, and while disputed) and expires.
///         Stake additions that would let the non-honest VERIFIER stake reach the honest bloc's are skipped
///         (the honest-majority assumption) and counted.
///
///         Every call goes through `_call`: its events feed the ghost books, and a refusal must be one the
///         rules give for that call (else it counts as unexpected).
contract JobHandler is RegistryGhost {
    StakeToken internal immutable token;
    JobManager internal immutable jobs;
    IntersubjectiveCourt internal immutable court;
    address internal immutable minter;
    uint256 internal immutable appId;

    uint8 internal constant COMPUTE = 1;
    uint8 internal constant VERIFIER = 4;
    uint64 internal constant MAX_STEPS = 1_000;
    uint256 internal constant MAX_JOBS = 120;
    /// @dev Longest single step of time (half the heartbeat window); more than STEPS_MAX of them is a long jump.
    uint256 internal constant STEP = 30;
    uint256 internal constant STEPS_MAX = 20;
    address public constant BURN = 0x000000000000000000000000000000000000dEaD;

    uint256 internal immutable minFee;
    uint256 internal immutable bond;
    uint256 internal immutable deposit_;
    uint256 internal immutable jobDuration;
    uint256 internal immutable withdrawalDelay;

    struct Actors {
        address[] honestOps;
        address[] liars;
        address[] offline;
        address[] honestVerifiers;
        address[] dishonestVerifiers;
        address[] sybils;
        address[] delegators;
        address watchtower;
        address spammer;
        address reporter;
        address[] others; // other accounts that may hold tokens (admin, app owner, ...)
    }

    address[] public honestOps;
    address[] public liars;
    address[] public offline;
    address[] public honestVerifiers;
    address[] public dishonestVerifiers;
    address[] public sybils;
    address[] public delegators;
    address public immutable watchtower;
    address public immutable spammer;
    address public immutable reporter;
    address[] public holders;
    /// @notice Every account that ever registered (initial operators and sybils).
    address[] public operators;
    mapping(address account => bool) public isHonest;
    mapping(address account => bool) public isOffline;
    /// @notice The honest verifiers' own stake: the honest majority every other VERIFIER stake stays under.
    uint256 public honestVerifierOwn;
    /// @dev A dishonest verifier's VERIFIER weight at the start (it restakes up to it after penalties).
    uint256 internal immutable _dishonestStart;
    /// @dev A liar's pool at the start (it restakes up to it after slashes).
    uint256 internal immutable _liarStart;

    struct VoteRef {
        uint256 disputeId;
        address voter;
    }

    VoteRef[] internal _votes;


    mapping(uint256 jobId => uint32 attemptPlusOne) internal _queuedAttempt;
    /// @dev Finalized or failed (from the events): scans skip these.
    mapping(uint256 jobId => bool) internal _ended;
    mapping(uint256 jobId => mapping(uint32 attempt => bool)) internal _watchtowerTried;
    mapping(uint256 jobId => mapping(uint32 attempt => bool)) internal _sybilTried;
    mapping(uint256 disputeId => bool) internal _dishonestTried;
    /// @dev Resolved in JobManager (from the events): scans skip these.
    mapping(uint256 disputeId => bool) internal _disputeDone;
    /// @dev From the events, per job: the current result's operator and commitment, whether a dispute against it
    ///      ended undecided (NoQuorum, NoMajority, not moot), and the last non-moot verdict.
    mapping(uint256 jobId => address) internal _resultOperator;
    mapping(uint256 jobId => bytes32) internal _resultCommitment;
    mapping(uint256 jobId => bool) internal _undecidedSeen;
    mapping(uint256 jobId => uint8) internal _lastVerdict;

    uint256 public ghostMinted;

    // ---------------------------------------------------------------- honesty ghosts (must stay 0)
    uint256 public honestSlashed; // tokens slashed from honest operators and verifiers
    uint256 public honestMisses; // HeartbeatMissed against an honest operator
    uint256 public honestPenalties; // minority-vote penalties of honest verifiers
    uint256 public watchtowerFailures; // an honest challenge refused
    uint256 public honestVoteFailures; // an honest vote refused
    uint256 public honestWorkFailures; // an honest heartbeat, restart or result refused
    uint256 public undecidedFinalized; // a result finalized (paid to its operator) after a dispute against it ended undecided

    // ---------------------------------------------------------------- outcome counters
    uint256 public jobsSubmitted;
    uint256 public spamRefusedLowFee;
    uint256 public assignments;
    uint256 public reseeds;
    uint256 public reassignments;
    uint256 public declines;
    uint256 public restarts;
    uint256 public poisonedHeartbeats;
    uint256 public honestResults;
    uint256 public liarResults;
    uint256 public jobsFinalized;
    uint256 public jobsFinalizedHonest; // paid to an honest operator: its (true) result stood
    uint256 public jobsFailedExpired;
    uint256 public jobsFailedNoOperator;
    uint256 public livenessSlashes;
    uint256 public livenessSlashesSkippedByCooldown;
    uint256 public falseReportsRefused;
    uint256 public watchtowerChallenges;
    uint256 public sybilChallenges;
    uint256 public challengesRefused;
    uint256 public challengerWins;
    uint256 public operatorWins;
    uint256 public bothWrong;
    uint256 public noQuorum;
    uint256 public noMajority;
    uint256 public absentDisputes; // disputes the honest bloc sat out while the rest could not reach the quorum
    uint256 public liesDroppedUndecided; // wrong results dropped without a slash (issue #19), never finalized
    uint256 public truthsDroppedUndecided; // right results dropped without a slash after a false challenge
    uint256 public mootDisputes;
    uint256 public honestVotes;
    uint256 public dishonestVotes;
    uint256 public jitVotesRefused;
    uint256 public partyVotesRefused;
    uint256 public resolvesRefusedEarly;
    uint256 public finalizesRefusedEarly;
    uint256 public finalizesRefusedDisputed;
    uint256 public expiresRefusedEarly;
    uint256 public votesSettledReward;
    uint256 public votesSettledPenalty;
    uint256 public votesSettledNeutral;
    uint256 public sybilRegistrations;
    uint256 public registrationsRefusedBelowMin;
    uint256 public deposits;
    uint256 public delegations;
    uint256 public capSkips; // stake additions skipped to keep the honest VERIFIER majority
    uint256 public withdrawalsQueued;
    uint256 public withdrawalsRefusedEarly;
    uint256 public withdrawalsRefusedForObligations;
    uint256 public deregistrations;
    uint256 public deregistersRefusedForObligations;
    uint256 public allocationsSet;

    constructor(
        StakeToken token_,
        StakeRegistry registry_,
        JobManager jobs_,
        IntersubjectiveCourt court_,
        address minter_,
        uint256 appId_,
        Actors memory a
    ) RegistryGhost(registry_) {
        token = token_;
        jobs = jobs_;
        court = court_;
        minter = minter_;
        appId = appId_;
        JobManager.Params memory p = jobs_.params();
        minFee = p.minFee;
        bond = p.challengeBond;
        deposit_ = p.submitterDeposit;
        jobDuration = p.maxJobDuration;
        withdrawalDelay = registry_.withdrawalDelay();
        ghostMinted = token_.totalSupply();
        _dishonestStart = a.dishonestVerifiers.length == 0 ? 0 : registry_.weightOf(a.dishonestVerifiers[0], VERIFIER);
        _liarStart = a.liars.length == 0 ? 0 : registry_.stakeOf(a.liars[0]);

        honestOps = a.honestOps;
        liars = a.liars;
        offline = a.offline;
        honestVerifiers = a.honestVerifiers;
        dishonestVerifiers = a.dishonestVerifiers;
        sybils = a.sybils;
        delegators = a.delegators;
        watchtower = a.watchtower;
        spammer = a.spammer;
        reporter = a.reporter;

        _addOperators(a.honestOps, true);
        _addOperators(a.liars, false);
        _addOperators(a.offline, false);
        _addOperators(a.honestVerifiers, true);
        _addOperators(a.dishonestVerifiers, false);
        for (uint256 i; i < a.offline.length; ++i) {
            isOffline[a.offline[i]] = true;
        }
        for (uint256 i; i < a.honestVerifiers.length; ++i) {
            honestVerifierOwn += registry_.delegatedStake(a.honestVerifiers[i], a.honestVerifiers[i]);
        }
        _addHolders(a.sybils);
        _addHolders(a.delegators);
        _addHolders(a.others);
        holders.push(a.watchtower);
        holders.push(a.spammer);
        holders.push(a.reporter);
        holders.push(address(this));
        holders.push(BURN);
        holders.push(address(registry_));
        holders.push(address(jobs_));
        holders.push(address(court_));
        for (uint256 i; i < holders.length; ++i) {
            address h = holders[i];
            if (h.code.length != 0 || h == BURN) continue;
            vm.startPrank(h);
            token_.approve(address(registry_), type(uint256).max);
            token_.approve(address(jobs_), type(uint256).max);
            vm.stopPrank();
        }
    }

    // ================================================================ actions: jobs

    /// @notice The spammer submits a burst of one or two jobs at the minimum fee (or more); `underpay`
    ///         tries below it.
    function submit(uint256 feeSeed, bool underpay) external {
        for (uint256 k; k <= feeSeed % 2 && !underpay; ++k) {
            _submit(uint256(keccak256(abi.encode(feeSeed, k))), false);
        }
        if (underpay) _submit(feeSeed, true);
    }

    function _submit(uint256 feeSeed, bool underpay) internal {
        if (jobs.jobCount() >= MAX_JOBS) return;
        uint256 fee = underpay ? feeSeed % minFee : (feeSeed % 3 == 0 ? bound(feeSeed, minFee, 20 * minFee) : minFee);
        _mint(spammer, fee + deposit_);
        bytes32 input = keccak256(abi.encode("input", jobs.jobCount()));
        (bool ok, bytes memory ret) = _call(
            spammer, address(jobs), abi.encodeCall(jobs.submitJob, (appId, input, keccak256("digest"), MAX_STEPS, fee))
        );
        if (ok) ++jobsSubmitted;
        else if (_expect(ret, JobManager.FeeTooLow.selector, 0, 0) == JobManager.FeeTooLow.selector) ++spamRefusedLowFee;
    }

    /// @notice Anyone assigns a queued job, mining past its seed block first.
    function assign(uint256 seed) external {
        uint256 id = _pickJob(seed, JobManager.JobStatus.Queued, JobManager.JobStatus.Queued);
        if (id == 0) return;
        uint64 seedBlock = jobs.getJob(id).seedBlock;
        if (block.number <= seedBlock) _mine(seedBlock + 1 - block.number);
        if (jobs.getJob(id).status != JobManager.JobStatus.Queued) return;
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.assign, (id)));
        if (!ok) _expect(ret, 0, 0, 0);
    }

    /// @notice An honest operator works on a job it holds: posts the truth (restarting from step 0 if a
    ///         predecessor's checkpoint is past the truth), heartbeats, or declines.
    function honestWork(uint256 seed, uint8 choice) external {
        uint256 id = _pickHeld(seed, true);
        if (id == 0) return;
        JobManager.Job memory j = jobs.getJob(id);
        choice %= 6;
        if (choice == 5) {
            (bool ok,) = _call(j.assignee, address(jobs), abi.encodeCall(jobs.declineJob, (id)));
            if (!ok) ++honestWorkFailures;
        } else if (choice == 4) {
            _keepAlive(id, j);
        } else {
            _honestResult(id, j);
        }
    }

    function _honestResult(uint256 id, JobManager.Job memory j) internal {
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(id);
        if (j.lastStep > steps) _restart(id, j.assignee, true);
        bytes memory data =
            abi.encodeCall(jobs.submitResult, (id, out, state, steps, root, keccak256(abi.encode("blob", id))));
        (bool ok,) = _call(j.assignee, address(jobs), data);
        if (ok) ++honestResults;
        else ++honestWorkFailures;
    }

    /// @notice A liar or sybil works on a job it holds: a wrong result (wrong output, or right output with
    ///         a wrong state), a poisoned heartbeat, a decline, a restart, or the truth. Offline operators
    ///         never act.
    function adversaryWork(uint256 seed, uint8 choice, uint64 step) external {
        uint256 id = _pickHeld(seed, false);
        if (id == 0) return;
        JobManager.Job memory j = jobs.getJob(id);
        if (isOffline[j.assignee]) return;
        choice %= 7;
        if (choice <= 2) _lie(id, j, seed, choice, step);
        else if (choice == 3) _poison(id, j, seed, step);
        else if (choice == 4) _adversaryDecline(id, j.assignee);
        else if (choice == 5) _restart(id, j.assignee, false);
        else _adversaryTruth(id, j);
    }

    function _lie(uint256 id, JobManager.Job memory j, uint256 seed, uint8 choice, uint64 step) internal {
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(id);
        if (choice == 0) out = keccak256(abi.encode("lie", id, seed));
        else state = keccak256(abi.encode("bad state", id, seed));
        if (choice == 2) steps = uint64(bound(step, j.lastStep, MAX_STEPS));
        (bool ok, bytes memory ret) = _call(
            j.assignee, address(jobs), abi.encodeCall(jobs.submitResult, (id, out, state, steps, root, bytes32(0)))
        );
        if (ok) ++liarResults;
        else _expect(ret, JobManager.StepNotMonotonic.selector, 0, 0);
    }

    function _poison(uint256 id, JobManager.Job memory j, uint256 seed, uint64 step) internal {
        step = uint64(bound(step, j.lastStep, MAX_STEPS));
        bytes memory data = abi.encodeCall(
            jobs.heartbeat, (id, step, keccak256(abi.encode(seed)), keccak256(abi.encode("poison", seed)))
        );
        (bool ok, bytes memory ret) = _call(j.assignee, address(jobs), data);
        if (ok) ++poisonedHeartbeats;
        else _expect(ret, 0, 0, 0);
    }

    function _adversaryDecline(uint256 id, address assignee) internal {
        (bool ok, bytes memory ret) = _call(assignee, address(jobs), abi.encodeCall(jobs.declineJob, (id)));
        if (!ok) _expect(ret, 0, 0, 0);
    }

    function _adversaryTruth(uint256 id, JobManager.Job memory j) internal {
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(id);
        if (j.lastStep > steps) _restart(id, j.assignee, false);
        (bool ok, bytes memory ret) = _call(
            j.assignee, address(jobs), abi.encodeCall(jobs.submitResult, (id, out, state, steps, root, bytes32(0)))
        );
        if (!ok) _expect(ret, 0, 0, 0);
    }

    /// @notice Anyone reports an assigned job's missed deadline; `wait` lets the deadline pass first (the
    ///         honest operators keep theirs alive), otherwise a premature report is refused.
    function reportMissed(uint256 seed, bool wait) external {
        uint256 id = wait
            ? _pickHeldBy(seed, false)
            : _pickJob(seed, JobManager.JobStatus.Assigned, JobManager.JobStatus.Assigned);
        if (id == 0) return;
        JobManager.Job memory j = jobs.getJob(id);
        if (wait && block.timestamp <= j.deadline && !isHonest[j.assignee]) {
            _advance(j.deadline + 1 - block.timestamp);
            j = jobs.getJob(id);
            if (j.status != JobManager.JobStatus.Assigned) return;
        }
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.reportMissed, (id)));
        if (ok) return;
        if (_expect(ret, JobManager.DeadlineNotPassed.selector, 0, 0) == JobManager.DeadlineNotPassed.selector) {
            ++falseReportsRefused;
        }
    }

    /// @notice Anyone expires a queued or assigned job; `wait` jumps past its expiry first.
    function expire(uint256 seed, bool wait) external {
        uint256 id = _pickJob(seed, JobManager.JobStatus.Queued, JobManager.JobStatus.Assigned);
        if (id == 0) return;
        uint64 expiresAt = jobs.getJob(id).expiresAt;
        if (wait && block.timestamp <= expiresAt) _advance(expiresAt + 1 - block.timestamp);
        JobManager.JobStatus s = jobs.getJob(id).status;
        if (s != JobManager.JobStatus.Queued && s != JobManager.JobStatus.Assigned) return;
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.expire, (id)));
        if (!ok && _expect(ret, JobManager.NotExpired.selector, 0, 0) == JobManager.NotExpired.selector) {
            ++expiresRefusedEarly;
        }
    }

    /// @notice Anyone finalizes a submitted job; `wait` lets its window pass first. Often it tries a
    ///         disputed job, inside or after the window (refused: a dispute is open).
    function finalize(uint256 seed, bool wait) external {
        uint256 id = wait
            ? _pickJob(
                seed,
                seed % 2 == 0 ? JobManager.JobStatus.Disputed : JobManager.JobStatus.Submitted,
                JobManager.JobStatus.None
            )
            : _pickInWindow(seed, seed % 4 == 0 ? JobManager.JobStatus.Disputed : JobManager.JobStatus.Submitted);
        if (id == 0) id = _pickJob(seed, JobManager.JobStatus.Submitted, JobManager.JobStatus.Disputed);
        if (id == 0) return;
        JobManager.Job memory j = jobs.getJob(id);
        if (wait && block.timestamp <= j.challengeDeadline) _advance(j.challengeDeadline + 1 - block.timestamp);
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.finalize, (id)));
        if (ok) return;
        bytes4 sel = _expect(ret, JobManager.ChallengeWindowOpen.selector, JobManager.WrongStatus.selector, 0);
        if (sel == JobManager.ChallengeWindowOpen.selector) ++finalizesRefusedEarly;
        else if (sel == JobManager.WrongStatus.selector) ++finalizesRefusedDisputed;
    }

    // ================================================================ actions: disputes

    /// @notice A sybil (or a liar, or a dishonest verifier) challenges a result inside its window, mostly
    ///         with a wrong commitment, sometimes with a copy of the truth.
    function challengeBySybil(uint256 seed, uint256 who, uint8 kind) external {
        uint256 id = _pickJob(seed, JobManager.JobStatus.Submitted, JobManager.JobStatus.Disputed);
        if (id == 0) return;
        JobManager.Job memory j = jobs.getJob(id);
        if (block.timestamp > j.challengeDeadline) return;
        _sybilChallenge(id, j, uint256(keccak256(abi.encode(seed, who, kind))));
    }

    /// @notice The honest watchtower and verifiers act now (they also act before every step of time).
    function sweep() external {
        _react();
    }

    /// @notice A dishonest verifier, a sybil or a liar votes in an open dispute: the operator's side, the
    ///         challenger's side, a third commitment, or the truth. Without snapshot stake it is refused.
    function vote(uint256 seed, uint256 who, uint8 kind) external {
        uint256 d = _pickOpenDispute(seed);
        if (d == 0) return;
        IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
        address v = who % 3 == 0 ? _adversary(who / 3) : dishonestVerifiers[who / 3 % dishonestVerifiers.length];
        if (who % 3 == 0 && registry.getOperator(v).status == StakeRegistry.Status.None) _jitRegister(v);
        kind %= 4;
        bytes32 c = kind == 0
            ? cd.operatorCommitment
            : kind == 1
                ? cd.challengerCommitment
                : kind == 2 ? keccak256(abi.encode("third", seed)) : truthCommitment(cd.jobId);
        (bool ok, bytes memory ret) = _call(v, address(court), abi.encodeCall(court.vote, (d, c)));
        if (ok) {
            ++dishonestVotes;
            return;
        }
        bytes4 sel = _expect(
            ret,
            IntersubjectiveCourt.AlreadyVoted.selector,
            IntersubjectiveCourt.NotVerifier.selector,
            IntersubjectiveCourt.PartyCannotVote.selector
        );
        if (sel == IntersubjectiveCourt.NotVerifier.selector) ++jitVotesRefused;
        else if (sel == IntersubjectiveCourt.PartyCannotVote.selector) ++partyVotesRefused;
    }

    /// @dev Attack 3 of issue #13: a fresh sybil stakes as a VERIFIER once the dispute is open and votes for
    ///      the challenger at once (refused: it has no weight in the dispute's snapshot).
    function _jitVote(uint256 d, IntersubjectiveCourt.Dispute memory cd) internal {
        for (uint256 i; i < sybils.length; ++i) {
            address s = sybils[(d + i) % sybils.length];
            if (registry.getOperator(s).status != StakeRegistry.Status.None || s == cd.challenger) continue;
            _jitRegister(s);
            (bool ok, bytes memory ret) =
                _call(s, address(court), abi.encodeCall(court.vote, (d, cd.challengerCommitment)));
            if (ok) {
                ++unexpectedReverts; // a vote without snapshot stake went through
            } else if (
                _expect(ret, IntersubjectiveCourt.NotVerifier.selector, 0, 0)
                    == IntersubjectiveCourt.NotVerifier.selector
            ) {
                ++jitVotesRefused;
            }
            return;
        }
    }

    /// @dev Just-in-time stake: a sybil registers as a VERIFIER right before voting (its vote is refused:
    ///      no snapshot weight).
    function _jitRegister(address s) internal {
        uint256 stake = registry.minSelfStake();
        if (!_underCap(stake)) return;
        _mint(s, stake);
        address signer = address(uint160(uint256(keccak256(abi.encode("sybil signer", s)))));
        (bool ok, bytes memory ret) =
            _call(s, address(registry), abi.encodeCall(registry.register, (VERIFIER, signer, "", stake)));
        if (!ok) {
            _expect(ret, 0, 0, 0);
            return;
        }
        ++sybilRegistrations;
        operators.push(s);
    }

    /// @dev Penalised dishonest verifiers top their stake back up to what they started with (within the cap),
    ///      so that they keep their voting power; slashed liars do the same, to keep being assigned jobs.
    function _restake() internal {
        for (uint256 i; i < liars.length; ++i) {
            address l = liars[i];
            uint256 have = registry.stakeOf(l);
            if (registry.getOperator(l).status != StakeRegistry.Status.Active || have >= _liarStart) continue;
            _mint(l, _liarStart - have);
            (bool ok, bytes memory ret) =
                _call(l, address(registry), abi.encodeCall(registry.deposit, (_liarStart - have)));
            if (ok) ++deposits;
            else _expect(ret, 0, 0, 0);
        }
        for (uint256 i; i < dishonestVerifiers.length; ++i) {
            address v = dishonestVerifiers[i];
            if (registry.getOperator(v).status != StakeRegistry.Status.Active) continue;
            uint256 w = registry.weightOf(v, VERIFIER);
            if (w == 0 || w >= _dishonestStart || !_underCap(_dishonestStart - w)) continue;
            uint256 amount = _dishonestStart - w;
            _mint(v, amount);
            (bool ok, bytes memory ret) = _call(v, address(registry), abi.encodeCall(registry.deposit, (amount)));
            if (ok) ++deposits;
            else _expect(ret, 0, 0, 0);
        }
    }

    /// @notice One honest verifier votes the truth in an open dispute (partial honest turnout).
    function honestVote(uint256 seed, uint256 who) external {
        uint256 d = _pickOpenDispute(seed);
        if (d == 0) return;
        _honestVote(d, honestVerifiers[who % honestVerifiers.length], court.getDispute(d).jobId);
    }

    /// @notice Anyone resolves a dispute; `wait` lets its voting period end first (honest verifiers vote
    ///         before), otherwise an early resolve is refused.
    function resolve(uint256 seed, bool wait) external {
        uint256 n = jobs.disputeCount();
        if (n == 0) return;
        uint256 d = wait ? 0 : _pickOpenDispute(seed);
        for (uint256 k; k < n && d == 0; ++k) {
            uint256 x = (seed % n + k) % n + 1;
            if (!_disputeDone[x]) d = x;
        }
        if (d == 0) return;
        uint64 deadline = court.getDispute(d).deadline;
        if (wait && block.timestamp <= deadline) _advance(deadline + 1 - block.timestamp);
        (bool ok, bytes memory ret) = _call(reporter, address(court), abi.encodeCall(court.resolve, (d)));
        if (
            !ok
                && _expect(ret, IntersubjectiveCourt.VotingOpen.selector, 0, 0)
                    == IntersubjectiveCourt.VotingOpen.selector
        ) {
            ++resolvesRefusedEarly;
        }
    }

    /// @notice Anyone settles a vote (before resolution: refused).
    function settleVote(uint256 seed) external {
        uint256 n = _votes.length;
        if (n == 0) return;
        for (uint256 k; k < n; ++k) {
            VoteRef memory r = _votes[(seed % n + k) % n];
            if (court.voteOf(r.disputeId, r.voter).settled) continue;
            (bool ok, bytes memory ret) =
                _call(reporter, address(court), abi.encodeCall(court.settleVote, (r.disputeId, r.voter)));
            if (!ok) _expect(ret, IntersubjectiveCourt.NotResolved.selector, 0, 0);
            return;
        }
    }

    // ================================================================ actions: stake

    /// @notice A sybil registers with COMPUTE and/or VERIFIER at the minimum stake, more, or less (refused).
    function registerSybil(uint256 who, uint256 stake, uint8 roleSeed) external {
        address s;
        for (uint256 k; k < sybils.length && s == address(0); ++k) {
            address c = sybils[(who % sybils.length + k) % sybils.length];
            if (registry.getOperator(c).status == StakeRegistry.Status.None) s = c;
        }
        uint256 min = registry.minSelfStake();
        if (stake % 3 == 0) {
            // below the minimum (refused before any token moves): a fresh account if no sybil is left
            if (s == address(0)) s = address(uint160(uint256(keccak256(abi.encode("nobody", who)))));
            (bool refusedOk, bytes memory why) =
                _call(s, address(registry), abi.encodeCall(registry.register, (COMPUTE, s, "", stake % min)));
            if (refusedOk) {
                ++unexpectedReverts; // a registration below the minimum went through
            } else if (
                _expect(why, StakeRegistry.BelowMinSelfStake.selector, 0, 0) == StakeRegistry.BelowMinSelfStake.selector
            ) {
                ++registrationsRefusedBelowMin;
            }
            return;
        }
        if (s == address(0)) return;
        stake = stake % 3 == 1 ? min : bound(stake, min, 4 * min);
        uint8 roles = roleSeed % 3 == 0 ? COMPUTE : (roleSeed % 3 == 1 ? COMPUTE | VERIFIER : VERIFIER);
        if (roles & VERIFIER != 0 && !_underCap(stake)) {
            ++capSkips;
            return;
        }
        _mint(s, stake);
        address signer = address(uint160(uint256(keccak256(abi.encode("sybil signer", s)))));
        (bool ok, bytes memory ret) =
            _call(s, address(registry), abi.encodeCall(registry.register, (roles, signer, "", stake)));
        if (ok) {
            ++sybilRegistrations;
            operators.push(s);
        } else {
            _expect(ret, 0, 0, 0);
        }
    }

    /// @notice An operator adds to its own pool.
    function deposit(uint256 who, uint256 amount) external {
        address op = operators[who % operators.length];
        amount = bound(amount, 1, 1_000e18);
        if (!_underCap(_verifierWeightAdded(op, amount))) {
            ++capSkips;
            return;
        }
        _mint(op, amount);
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.deposit, (amount)));
        if (ok) ++deposits;
        else _expect(ret, StakeRegistry.NotActive.selector, 0, 0);
    }

    /// @notice A delegator delegates to any operator (honest or not).
    function delegate(uint256 who, uint256 to, uint256 amount) external {
        address d = delegators[who % delegators.length];
        address op = operators[to % operators.length];
        amount = bound(amount, 1, 1_000e18);
        if (!_underCap(_verifierWeightAdded(op, amount))) {
            ++capSkips;
            return;
        }
        _mint(d, amount);
        (bool ok, bytes memory ret) = _call(d, address(registry), abi.encodeCall(registry.delegate, (op, amount)));
        if (ok) ++delegations;
        else _expect(ret, StakeRegistry.NotActive.selector, 0, 0);
    }

    /// @notice An operator (own pool; not a verifier of either bloc, which keep their stake) or a delegator
    ///         (any pool) queues some or all of its stake, assigned jobs and votes notwithstanding.
    function queueWithdrawal(uint256 who, uint256 from, uint256 amount, bool all) external {
        address staker;
        address op;
        if (who % 2 == 0) {
            op = operators[who / 2 % operators.length];
            staker = op;
        } else {
            staker = delegators[who / 2 % delegators.length];
            op = operators[from % operators.length];
        }
        // mostly stake behind an open obligation (an assigned job, a result in its window, a vote): attack 2
        if (from % 3 != 0) {
            address busy = _busyOperator(from);
            if (busy != address(0)) (op, staker) = (busy, who % 2 == 0 ? busy : staker);
        }
        uint256 have = registry.delegatedStake(op, staker);
        if (have == 0) (staker, have) = (op, registry.delegatedStake(op, op)); // nothing there: the operator's own
        if (have == 0 || (staker == op && _isVerifierBloc(op))) return;
        amount = all ? type(uint256).max : bound(amount, 1, have);
        (bool ok, bytes memory ret) =
            _call(staker, address(registry), abi.encodeCall(registry.queueWithdrawal, (op, amount)));
        if (ok) {
            ++withdrawalsQueued;
            if (!_isPending[op][staker]) {
                _isPending[op][staker] = true;
                _pending.push(Pair(op, staker));
            }
        } else {
            _expect(
                ret,
                StakeRegistry.BelowMinSelfStake.selector,
                StakeRegistry.InsufficientShares.selector,
                StakeRegistry.ZeroAmount.selector
            );
        }
    }

    /// @notice Completes a queued withdrawal: early (refused), with obligations open (refused), or after
    ///         waiting out the delay (`wait`, a long jump).
    function completeWithdrawal(uint256 which, bool wait) external {
        if (_pending.length == 0) return;
        uint256 i = _pickPending(which);
        Pair memory p = _pending[i];
        (StakeRegistry.Withdrawal memory w,) = registry.withdrawalOf(p.operator, p.staker);
        if (wait && block.timestamp < w.availableAt) _advance(w.availableAt - block.timestamp);
        bytes4 sel = _completePending(i);
        if (sel == StakeRegistry.WithdrawalNotReady.selector) ++withdrawalsRefusedEarly;
        else if (sel == StakeRegistry.ObligationsOpen.selector) ++withdrawalsRefusedForObligations;
    }

    /// @notice A sybil deregisters: one with obligations open (refused), or an idle one (it leaves). Liars and
    ///         the offline operator stay, so the campaign keeps meeting them.
    function deregister(uint256 who) external {
        address op;
        for (uint256 k; k < sybils.length && op == address(0); ++k) {
            address c = sybils[(who % sybils.length + k) % sybils.length];
            if (registry.getOperator(c).status != StakeRegistry.Status.Active) continue;
            if ((who % 2 == 0) == (ghostOpen[c] != 0)) op = c;
        }
        if (op == address(0)) return;
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.deregister, ()));
        if (ok) {
            ++deregistrations;
        } else if (_expect(ret, StakeRegistry.ObligationsOpen.selector, 0, 0) == StakeRegistry.ObligationsOpen.selector)
        {
            ++deregistersRefusedForObligations;
        }
    }

    /// @notice A liar, offline operator or sybil changes the allocation of a role it holds.
    function setAllocation(uint256 who, uint64 wad) external {
        address op = operators[who % operators.length];
        if (isHonest[op] || _isVerifierBloc(op)) return;
        StakeRegistry.Operator memory o = registry.getOperator(op);
        uint8 role = o.roles & VERIFIER != 0 && wad % 2 == 0 ? VERIFIER : COMPUTE;
        if (o.roles & role == 0) return;
        wad = uint64(bound(wad, 0, 1e18));
        uint64 old = registry.allocationOf(op, role);
        if (role == VERIFIER && wad > old && !_underCap(registry.stakeOf(op) * (wad - old) / 1e18)) {
            ++capSkips;
            return;
        }
        (bool ok, bytes memory ret) = _call(op, address(registry), abi.encodeCall(registry.setAllocation, (role, wad)));
        if (ok) ++allocationsSet;
        else _expect(ret, StakeRegistry.NotActive.selector, 0, 0);
    }

    // ================================================================ actions: time

    /// @notice Time passes: a short stretch (in steps) or a long jump past every live job's expiry.
    function warp(uint256 secondsAhead, bool long) external {
        _advance(long ? jobDuration + 1 + secondsAhead % 1 days : bound(secondsAhead, 1, STEP * STEPS_MAX / 2));
    }

    function roll(uint256 blocks) external {
        _mine(bound(blocks, 1, 5));
    }

    // ================================================================ end of a run

    /// @notice Settles everything: every dispute resolved, every job ended, every vote settled, every
    ///         withdrawal completed; then every operator exits and every staker withdraws everything.
    ///         Returns how many of those calls were refused (nothing may be stuck).
    function drain() external returns (uint256 refused) {
        for (uint256 round; round < 4; ++round) {
            _advance(jobDuration + withdrawalDelay + 1); // every window, vote and job expires
            for (uint256 d = 1; d <= jobs.disputeCount(); ++d) {
                if (!_disputeDone[d]) refused += _must(reporter, address(court), abi.encodeCall(court.resolve, (d)));
            }
            bool live;
            for (uint256 id = 1; id <= jobs.jobCount(); ++id) {
                if (_ended[id]) continue;
                JobManager.JobStatus s = jobs.getJob(id).status;
                if (s == JobManager.JobStatus.Queued || s == JobManager.JobStatus.Assigned) {
                    refused += _must(reporter, address(jobs), abi.encodeCall(jobs.expire, (id)));
                } else if (s == JobManager.JobStatus.Submitted) {
                    refused += _must(reporter, address(jobs), abi.encodeCall(jobs.finalize, (id)));
                } else {
                    live = true; // still disputed: another round
                }
            }
            if (!live) break;
        }
        for (uint256 i; i < _votes.length; ++i) {
            VoteRef memory r = _votes[i];
            if (court.voteOf(r.disputeId, r.voter).settled) continue;
            refused += _must(reporter, address(court), abi.encodeCall(court.settleVote, (r.disputeId, r.voter)));
        }
        for (uint256 i; i < _pending.length; ++i) {
            refused += _completeIfQueued(_pending[i].operator, _pending[i].staker);
        }
        // everybody leaves
        for (uint256 i; i < operators.length; ++i) {
            address op = operators[i];
            if (registry.getOperator(op).status == StakeRegistry.Status.Active) {
                refused += _must(op, address(registry), abi.encodeCall(registry.deregister, ()));
            }
            refused += _queueAll(op, op);
            for (uint256 k; k < delegators.length; ++k) {
                refused += _queueAll(op, delegators[k]);
            }
        }
        vm.warp(block.timestamp + withdrawalDelay);
        for (uint256 i; i < operators.length; ++i) {
            address op = operators[i];
            refused += _completeIfQueued(op, op);
            for (uint256 k; k < delegators.length; ++k) {
                refused += _completeIfQueued(op, delegators[k]);
            }
        }
    }

    /// @dev A call that must not be refused: 1 (and the revert data kept) if it was.
    function _must(address who, address target, bytes memory data) internal returns (uint256) {
        (bool ok, bytes memory ret) = _call(who, target, data);
        if (ok) return 0;
        lastUnexpected = ret;
        return 1;
    }

    // ================================================================ views

    /// @notice The one right commitment of job `jobId`.
    function truth(uint256 jobId) public pure returns (bytes32 out, bytes32 state, uint64 steps, bytes32 root) {
        out = keccak256(abi.encode("output", jobId));
        state = keccak256(abi.encode("state", jobId));
        steps = uint64(100 + jobId % 50);
        root = keccak256(abi.encode("checkpoints", jobId));
    }

    function truthCommitment(uint256 jobId) public pure returns (bytes32) {
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(jobId);
        return keccak256(abi.encode(out, state, steps, root));
    }

    /// @notice The commitment a job's current result stands for.
    function resultCommitment(JobManager.Job memory j) public pure returns (bytes32) {
        return keccak256(abi.encode(j.outputHash, j.finalStateHash, j.stepCount, j.checkpointRoot));
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function delegatorCount() external view returns (uint256) {
        return delegators.length;
    }

    function voteCount() external view returns (uint256) {
        return _votes.length;
    }

    function voteAt(uint256 i) external view returns (uint256 disputeId, address voter) {
        VoteRef memory r = _votes[i];
        return (r.disputeId, r.voter);
    }

    /// @notice What the (not offline) adversary holding attempt `attempt` of job `jobId` does, fixed per
    ///         attempt: 0 lets it lapse; 1 and 2 poison the checkpoint, then let it lapse; 3 to 7 make
    ///         progress, then post a wrong output or a wrong state; 8 makes progress, then posts the truth;
    ///         9 declines at once.
    function adversaryPlan(uint256 jobId, uint32 attempt) public pure returns (uint256) {
        return uint256(keccak256(abi.encode("plan", jobId, attempt))) % 10;
    }

    /// @notice Whether a sybil front-runs the watchtower on attempt `attempt`'s result (fixed per attempt).
    function sybilPounces(uint256 jobId, uint32 attempt) public pure returns (bool) {
        return uint256(keccak256(abi.encode("pounce", jobId, attempt))) % 2 == 0;
    }

    /// @notice Whether the honest bloc may sit out dispute `disputeId` of a right result (fixed per dispute).
    function lazy(uint256 disputeId) public pure returns (bool) {
        return uint256(keccak256(abi.encode("lazy", disputeId))) % 3 != 0;
    }

    /// @notice Whether the honest bloc is offline for dispute `disputeId` (fixed per dispute; issue #19): only where
    ///         the dishonest verifiers abstain or one votes alone, so the stake that does vote cannot reach the quorum
    ///         (the honest majority assumption still holds for every vote cast). The verdict is NoQuorum and the
    ///         result, right or wrong, must not finalize.
    function absent(uint256 disputeId) public pure returns (bool) {
        return uint256(keccak256(abi.encode("collude", disputeId))) % 6 <= 1
            && uint256(keccak256(abi.encode("absent", disputeId))) % 3 == 0;
    }

    /// @notice Cap on all VERIFIER weight, 1.7 times the honest bloc's own stake: everything else stays
    ///         below the honest bloc (which so wins every vote it casts and reaches a 30 % quorum alone),
    ///         while the three dishonest verifiers together still reach the quorum.
    function verifierCap() public view returns (uint256) {
        return honestVerifierOwn * 17 / 10;
    }

    // ================================================================ prompt actors

    /// @dev Before any time passes, the actors that watch the chain act, in this order: a keeper assigning
    ///      queued jobs, a reporter reporting missed deadlines, operators on the jobs they hold (honest ones heartbeat and post the truth; adversaries follow their plan), sybils
    ///      front-running the watchtower with wrong challenges, the watchtower challenging every wrong
    ///      result in its window, the dishonest verifiers voting, the honest verifiers voting where needed.
    function _react() internal {
        uint256 n = jobs.jobCount();
        for (uint256 id = 1; id <= n; ++id) {
            if (_ended[id]) continue;
            JobManager.Job memory j = jobs.getJob(id);
            if (j.status == JobManager.JobStatus.Queued) {
                if (block.number > j.seedBlock) _keeperAssign(id); // a keeper assigns once the seed is mined
            } else if (j.status == JobManager.JobStatus.Assigned) {
                if (block.timestamp > j.deadline) _reportMiss(id); // a prompt reporter, honest operators or not
                else if (isHonest[j.assignee]) _keepAlive(id, j);
                else if (!isOffline[j.assignee]) _adversaryPlan(id, j);
                j = jobs.getJob(id); // a result posted just now is watched in this same round
            }
            if (
                (j.status == JobManager.JobStatus.Submitted || j.status == JobManager.JobStatus.Disputed)
                    && block.timestamp <= j.challengeDeadline
            ) {
                if (!_sybilTried[id][j.attempt]) {
                    _sybilTried[id][j.attempt] = true;
                    if (sybilPounces(id, j.attempt)) {
                        _sybilChallenge(id, j, uint256(keccak256(abi.encode(id, j.attempt))));
                    }
                }
                if (!_watchtowerTried[id][j.attempt] && resultCommitment(j) != truthCommitment(id)) {
                    _watchtowerChallenge(id, j.attempt);
                }
            }
        }
        uint256 m = jobs.disputeCount();
        for (uint256 d = 1; d <= m; ++d) {
            if (_disputeDone[d]) continue;
            IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
            if (cd.verdict != 0 || block.timestamp > cd.deadline) continue;
            if (!_dishonestTried[d]) {
                _dishonestTried[d] = true;
                _dishonestVotes(d, cd);
            }
            _honestVotesIfNeeded(d, cd);
        }
    }

    function _keeperAssign(uint256 id) internal {
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.assign, (id)));
        if (!ok) _expect(ret, 0, 0, 0);
    }

    function _reportMiss(uint256 id) internal {
        (bool ok, bytes memory ret) = _call(reporter, address(jobs), abi.encodeCall(jobs.reportMissed, (id)));
        if (!ok) _expect(ret, 0, 0, 0);
    }

    function _adversaryPlan(uint256 id, JobManager.Job memory j) internal {
        uint256 plan = adversaryPlan(id, j.attempt);
        if (plan == 0) return;
        if (plan == 9) {
            _adversaryDecline(id, j.assignee);
            return;
        }
        (,, uint64 steps,) = truth(id);
        if (plan <= 2) {
            if (j.lastStep <= steps) _poison(id, j, id, MAX_STEPS);
            return;
        }
        if (j.lastStep > steps) {
            _restart(id, j.assignee, false); // a predecessor's poisoned checkpoint
            j.lastStep = 0;
        }
        if (j.lastStep >= steps * 3 / 4) {
            if (plan <= 7) _lie(id, j, uint256(keccak256(abi.encode("lie", id, j.attempt))), uint8(plan % 2), 0);
            else _adversaryTruth(id, j);
            return;
        }
        uint64 step = j.lastStep + (steps - j.lastStep + 1) / 2;
        bytes memory data = abi.encodeCall(jobs.heartbeat, (id, step, keccak256(abi.encode(step)), bytes32(0)));
        (bool ok, bytes memory ret) = _call(j.assignee, address(jobs), data);
        if (!ok) _expect(ret, 0, 0, 0);
    }

    /// @dev A sybil challenges with a wrong commitment (or, one time in five, a copy of the truth).
    function _sybilChallenge(uint256 id, JobManager.Job memory j, uint256 r) internal {
        address c = _adversary(r);
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(id);
        uint256 kind = r % 5;
        if (kind == 0) out = keccak256(abi.encode("sybil", r));
        else if (kind == 1) (out, state) = (j.outputHash, keccak256(abi.encode("sybil state", r)));
        else if (kind == 2) root = keccak256(abi.encode("sybil root", r));
        else if (kind == 3) steps = uint64(bound(r, 0, j.maxSteps));
        _mint(c, bond);
        (bool ok, bytes memory ret) =
            _call(c, address(jobs), abi.encodeCall(jobs.challenge, (id, out, state, steps, root)));
        if (ok) {
            ++sybilChallenges;
            return;
        }
        _expect(
            ret,
            JobManager.AlreadyChallenged.selector,
            JobManager.SameCommitment.selector,
            JobManager.SelfChallenge.selector
        );
        ++challengesRefused;
    }

    /// @dev The dishonest verifiers (and any sybil verifier) vote: not at all, one of them alone, split
    ///      between the two sides and a third commitment, all for the challenger, or all for a third one.
    function _dishonestVotes(uint256 d, IntersubjectiveCourt.Dispute memory cd) internal {
        _restake();
        if (d % 3 == 0) _jitVote(d, cd);
        uint256 plan = uint256(keccak256(abi.encode("collude", d))) % 6;
        if (plan == 0) return;
        if (plan == 1) {
            address one = dishonestVerifiers[d % dishonestVerifiers.length];
            if (one == cd.operator || one == cd.challenger) return;
            (bool ok1, bytes memory ret1) =
                _call(one, address(court), abi.encodeCall(court.vote, (d, cd.challengerCommitment)));
            if (ok1) {
                ++dishonestVotes;
            } else {
                _expect(ret1, IntersubjectiveCourt.AlreadyVoted.selector, IntersubjectiveCourt.NotVerifier.selector, 0);
            }
            return;
        }
        plan = plan <= 3 ? 1 : plan - 2; // 1: split three ways (twice as likely), 2: all for the challenger, 3: a third
        bytes32 third = keccak256(abi.encode("third", d));
        for (uint256 i; i < dishonestVerifiers.length + sybils.length; ++i) {
            address v = i < dishonestVerifiers.length ? dishonestVerifiers[i] : sybils[i - dishonestVerifiers.length];
            if (v == cd.operator || v == cd.challenger || registry.weightOf(v, VERIFIER) == 0) continue;
            bytes32 c = plan == 2
                ? cd.challengerCommitment
                : plan == 3 ? third : i % 3 == 0 ? cd.operatorCommitment : i % 3 == 1 ? cd.challengerCommitment : third;
            (bool ok, bytes memory ret) = _call(v, address(court), abi.encodeCall(court.vote, (d, c)));
            if (ok) {
                ++dishonestVotes;
            } else {
                _expect(ret, IntersubjectiveCourt.AlreadyVoted.selector, IntersubjectiveCourt.NotVerifier.selector, 0);
            }
        }
    }

    // ================================================================ honest actors

    /// @dev An honest operator heartbeats its job (restarting from step 0 over a checkpoint past the truth);
    ///      three quarters of the way it posts the truth.
    function _keepAlive(uint256 id, JobManager.Job memory j) internal {
        (,, uint64 steps,) = truth(id);
        if (j.lastStep >= steps * 3 / 4 && j.lastStep <= steps) {
            _honestResult(id, j);
            return;
        }
        uint64 last = j.lastStep;
        if (last > steps) {
            _restart(id, j.assignee, true);
            last = 0;
        }
        uint64 step = last + (steps - last + 1) / 2;
        (bool ok,) = _call(
            j.assignee,
            address(jobs),
            abi.encodeCall(
                jobs.heartbeat, (id, step, keccak256(abi.encode("s", id, step)), keccak256(abi.encode("c", id, step)))
            )
        );
        if (!ok) ++honestWorkFailures;
    }

    function _restart(uint256 id, address assignee, bool honest) internal {
        (bool ok, bytes memory ret) = _call(assignee, address(jobs), abi.encodeCall(jobs.restartJob, (id)));
        if (ok) ++restarts;
        else if (honest) ++honestWorkFailures;
        else _expect(ret, 0, 0, 0);
    }

    function _watchtowerChallenge(uint256 id, uint32 attempt) internal {
        _watchtowerTried[id][attempt] = true;
        (bytes32 out, bytes32 state, uint64 steps, bytes32 root) = truth(id);
        _mint(watchtower, bond);
        (bool ok, bytes memory ret) =
            _call(watchtower, address(jobs), abi.encodeCall(jobs.challenge, (id, out, state, steps, root)));
        if (ok) {
            ++watchtowerChallenges;
        } else {
            ++watchtowerFailures;
            lastUnexpected = ret;
        }
    }

    function _honestVotesIfNeeded(uint256 d, IntersubjectiveCourt.Dispute memory cd) internal {
        if (absent(d)) return;
        bool need = cd.operatorCommitment != truthCommitment(cd.jobId) || !lazy(d);
        if (!need) {
            IDisputeCourt.Verdict v = court.verdictOf(d);
            need = v == IDisputeCourt.Verdict.ChallengerWins || v == IDisputeCourt.Verdict.BothWrong;
        }
        if (!need) return;
        for (uint256 i; i < honestVerifiers.length; ++i) {
            _honestVote(d, honestVerifiers[i], cd.jobId);
        }
    }

    function _honestVote(uint256 d, address v, uint256 jobId) internal {
        if (court.voteOf(d, v).weight != 0) return;
        (bool ok, bytes memory ret) = _call(v, address(court), abi.encodeCall(court.vote, (d, truthCommitment(jobId))));
        if (ok) {
            ++honestVotes;
        } else if (_selector(ret) != IntersubjectiveCourt.VotingClosed.selector) {
            ++honestVoteFailures;
            lastUnexpected = ret;
        }
    }

    // ================================================================ events

    function _absorbOther(Vm.Log memory log) internal override {
        bytes32 sig = log.topics[0];
        if (log.emitter == address(jobs)) {
            if (sig == JobManager.JobQueued.selector) {
                uint256 id = uint256(log.topics[1]);
                (uint32 attempt,,) = abi.decode(log.data, (uint32, uint64, uint64));
                if (_queuedAttempt[id] == attempt + 1) ++reseeds;
                else if (attempt != 0) ++reassignments;
                if (attempt != 0) _countUndecidedDrop(id);
                _queuedAttempt[id] = attempt + 1;
            } else if (sig == JobManager.ResultSubmitted.selector) {
                uint256 id = uint256(log.topics[1]);
                (bytes32 out, bytes32 state, uint64 steps, bytes32 root,) =
                    abi.decode(log.data, (bytes32, bytes32, uint64, bytes32, bytes32));
                _resultOperator[id] = _topicAddress(log, 2);
                _resultCommitment[id] = jobs.commitmentOf(out, state, steps, root);
                _undecidedSeen[id] = false;
                _lastVerdict[id] = 0;
            } else if (sig == JobManager.JobAssigned.selector) {
                ++assignments;
            } else if (sig == JobManager.HeartbeatMissed.selector) {
                address op = _topicAddress(log, 2);
                uint256 slashed = abi.decode(log.data, (uint256));
                if (isHonest[op]) ++honestMisses;
                if (slashed != 0) ++livenessSlashes;
                else ++livenessSlashesSkippedByCooldown;
            } else if (sig == JobManager.JobFailed.selector) {
                _ended[uint256(log.topics[1])] = true;
                _countUndecidedDrop(uint256(log.topics[1]));
                if (abi.decode(log.data, (bytes32)) == bytes32("expired")) ++jobsFailedExpired;
                else ++jobsFailedNoOperator;
            } else if (sig == JobManager.JobFinalized.selector) {
                _ended[uint256(log.topics[1])] = true;
                ++jobsFinalized;
                uint256 fid = uint256(log.topics[1]);
                if (_undecidedSeen[fid] && _topicAddress(log, 2) == _resultOperator[fid]) ++undecidedFinalized;
                if (isHonest[_topicAddress(log, 2)]) ++jobsFinalizedHonest;
            } else if (sig == JobManager.JobDeclined.selector) {
                ++declines;
            } else if (sig == JobManager.DisputeResolved.selector) {
                _disputeDone[uint256(log.topics[1])] = true;
                (uint8 verdict, bool moot,) = abi.decode(log.data, (uint8, bool, uint256));
                uint256 jid = uint256(log.topics[2]);
                if (!moot) _lastVerdict[jid] = verdict;
                if (!moot && verdict >= uint8(IDisputeCourt.Verdict.NoQuorum) && verdict <= uint8(IDisputeCourt.Verdict.NoMajority)) {
                    _undecidedSeen[jid] = true;
                    if (absent(uint256(log.topics[1]))) ++absentDisputes;
                }
                if (moot) ++mootDisputes;
                else if (verdict == uint8(IDisputeCourt.Verdict.OperatorWins)) ++operatorWins;
                else if (verdict == uint8(IDisputeCourt.Verdict.ChallengerWins)) ++challengerWins;
                else if (verdict == uint8(IDisputeCourt.Verdict.BothWrong)) ++bothWrong;
                else if (verdict == uint8(IDisputeCourt.Verdict.NoQuorum)) ++noQuorum;
                else if (verdict == uint8(IDisputeCourt.Verdict.NoMajority)) ++noMajority;
            }
        } else if (log.emitter == address(court)) {
            if (sig == IntersubjectiveCourt.Voted.selector) {
                _votes.push(VoteRef(uint256(log.topics[1]), _topicAddress(log, 2)));
            } else if (sig == IntersubjectiveCourt.VoteSettled.selector) {
                (uint256 reward, uint256 penalty) = abi.decode(log.data, (uint256, uint256));
                if (reward != 0) ++votesSettledReward;
                else if (penalty != 0) ++votesSettledPenalty;
                else ++votesSettledNeutral;
                if (penalty != 0 && isHonest[_topicAddress(log, 2)]) ++honestPenalties;
            }
        }
    }

    /// @dev A job queued again (or failed) right after its result's last dispute closed undecided: the drop without a
    ///      slash (a BothWrong or refuted drop has its own verdict last).
    function _countUndecidedDrop(uint256 id) internal {
        if (!_undecidedSeen[id] || _resultOperator[id] == address(0)) return;
        uint8 last = _lastVerdict[id];
        if (last != uint8(IDisputeCourt.Verdict.NoQuorum) && last != uint8(IDisputeCourt.Verdict.NoMajority)
            && last != uint8(IDisputeCourt.Verdict.OperatorWins)) return;
        if (_resultCommitment[id] == truthCommitment(id)) ++truthsDroppedUndecided;
        else ++liesDroppedUndecided;
        _undecidedSeen[id] = false;
        _resultOperator[id] = address(0);
    }

    function _onSlashed(address operator, uint256 amount) internal override {
        if (isHonest[operator]) honestSlashed += amount;
    }

    // ================================================================ internal

    /// @dev Time passes. Up to STEPS_MAX steps of at most STEP seconds (and one block each), the honest
    ///      actors acting before each; anything longer is one jump past every live job's expiry.
    function _advance(uint256 secs) internal {
        if (secs > STEP * STEPS_MAX) {
            if (secs < jobDuration + 1) secs = jobDuration + 1;
            _react();
            vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
            vm.roll(block.number + 2 + secs % 299); // sometimes past the 256 readable block hashes
            vm.warp(block.timestamp + secs);
            return;
        }
        while (secs != 0) {
            _react();
            uint256 dt = secs < STEP ? secs : STEP;
            _nextBlock(dt);
            secs -= dt;
        }
    }

    function _mine(uint256 blocks) internal {
        for (uint256 i; i < blocks; ++i) {
            _react();
            _nextBlock(1);
        }
    }

    function _nextBlock(uint256 dt) internal {
        vm.setBlockhash(block.number, keccak256(abi.encode("block", block.number)));
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + dt);
    }

    /// @dev A job in status `a` or `b`, scanning from a random start (0 if none).
    function _pickJob(uint256 seed, JobManager.JobStatus a, JobManager.JobStatus b) internal view returns (uint256) {
        uint256 n = jobs.jobCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = (seed % n + k) % n + 1;
            if (_ended[id]) continue;
            JobManager.JobStatus s = jobs.getJob(id).status;
            if (s == a || s == b) return id;
        }
        return 0;
    }

    /// @dev An assigned job whose deadline has not passed, held by an honest (or a non-honest) operator.
    function _pickHeld(uint256 seed, bool honest) internal view returns (uint256) {
        uint256 n = jobs.jobCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = (seed % n + k) % n + 1;
            if (_ended[id]) continue;
            JobManager.Job memory j = jobs.getJob(id);
            if (
                j.status == JobManager.JobStatus.Assigned && isHonest[j.assignee] == honest
                    && block.timestamp <= j.deadline
            ) {
                return id;
            }
        }
        return 0;
    }

    /// @dev A job in status `want` (submitted or disputed) whose challenge window is open.
    function _pickInWindow(uint256 seed, JobManager.JobStatus want) internal view returns (uint256) {
        uint256 n = jobs.jobCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = (seed % n + k) % n + 1;
            if (_ended[id]) continue;
            JobManager.Job memory j = jobs.getJob(id);
            if (j.status == want && block.timestamp <= j.challengeDeadline) return id;
        }
        return 0;
    }

    /// @dev An assigned job held by a non-honest (or an honest) operator, deadline passed or not.
    function _pickHeldBy(uint256 seed, bool honest) internal view returns (uint256) {
        uint256 n = jobs.jobCount();
        for (uint256 k; k < n; ++k) {
            uint256 id = (seed % n + k) % n + 1;
            if (_ended[id]) continue;
            JobManager.Job memory j = jobs.getJob(id);
            if (j.status == JobManager.JobStatus.Assigned && isHonest[j.assignee] == honest) return id;
        }
        return 0;
    }

    function _pickOpenDispute(uint256 seed) internal view returns (uint256) {
        uint256 n = jobs.disputeCount();
        for (uint256 k; k < n; ++k) {
            uint256 d = (seed % n + k) % n + 1;
            if (_disputeDone[d]) continue;
            IntersubjectiveCourt.Dispute memory cd = court.getDispute(d);
            if (cd.verdict == 0 && block.timestamp <= cd.deadline) return d;
        }
        return 0;
    }

    /// @dev An operator with an open obligation, scanning from `seed` (0 if none).
    function _busyOperator(uint256 seed) internal view returns (address) {
        return _busyAmong(operators, seed);
    }

    /// @dev A sybil, a liar or a dishonest verifier.
    function _adversary(uint256 who) internal view returns (address) {
        uint256 n = sybils.length + liars.length + dishonestVerifiers.length;
        uint256 i = who % n;
        if (i < sybils.length) return sybils[i];
        i -= sybils.length;
        if (i < liars.length) return liars[i];
        return dishonestVerifiers[i - liars.length];
    }

    /// @dev An honest or a dishonest verifier: both blocs keep their own stake (the honest one is the
    ///      honest majority; the dishonest one keeps its voting power, restaking after penalties).
    function _isVerifierBloc(address a) internal view returns (bool) {
        for (uint256 i; i < honestVerifiers.length; ++i) {
            if (honestVerifiers[i] == a) return true;
        }
        for (uint256 i; i < dishonestVerifiers.length; ++i) {
            if (dishonestVerifiers[i] == a) return true;
        }
        return false;
    }

    /// @dev The VERIFIER weight `amount` more stake in `op`'s pool adds.
    function _verifierWeightAdded(address op, uint256 amount) internal view returns (uint256) {
        StakeRegistry.Operator memory o = registry.getOperator(op);
        if (o.roles & VERIFIER == 0) return 0;
        return amount * registry.allocationOf(op, VERIFIER) / 1e18;
    }

    function _underCap(uint256 added) internal view returns (bool) {
        return registry.totalWeightAt(VERIFIER, block.number) + added <= verifierCap();
    }

    function _queueAll(address op, address staker) internal returns (uint256 refused) {
        if (registry.sharesOf(op, staker) == 0) return 0;
        refused = _must(staker, address(registry), abi.encodeCall(registry.queueWithdrawal, (op, type(uint256).max)));
        if (refused == 0 && !_isPending[op][staker]) {
            _isPending[op][staker] = true;
            _pending.push(Pair(op, staker));
        }
    }

    function _completeIfQueued(address op, address staker) internal returns (uint256 refused) {
        (StakeRegistry.Withdrawal memory w,) = registry.withdrawalOf(op, staker);
        if (w.shares == 0) return 0;
        return _must(staker, address(registry), abi.encodeCall(registry.completeWithdrawal, (op)));
    }

    function _mint(address to, uint256 amount) internal {
        if (amount == 0) return;
        vm.prank(minter);
        token.mint(to, amount);
        ghostMinted += amount;
    }

    function _addOperators(address[] memory list, bool honest) internal {
        for (uint256 i; i < list.length; ++i) {
            operators.push(list[i]);
            holders.push(list[i]);
            if (honest) isHonest[list[i]] = true;
        }
    }

    function _addHolders(address[] memory list) internal {
        for (uint256 i; i < list.length; ++i) {
            holders.push(list[i]);
        }
    }
}
