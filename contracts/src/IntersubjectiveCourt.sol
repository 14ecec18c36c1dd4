// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StakeRegistry} from "./StakeRegistry.sol";
import {JobManager} from "./JobManager.sol";
import {IDisputeCourt} from "./IDisputeCourt.sol";
import {Roles} from "./Roles.sol";

/// @title IntersubjectiveCourt (settlement protocol v2)
/// @notice Decides each dispute of a REEXEC_INTERSUBJECTIVE job by a vote of the staked VERIFIER
///         operators, who re-execute the job from DA and vote the commitment they computed. Weights come
///         from a stake snapshot taken when the dispute opens (settlement.md §5): stake added later, or
///         within activationDelayBlocks before, does not count. A decision needs a quorum of snapshot
///         stake and a commitment with more than half of the votes cast; otherwise (NoQuorum, NoMajority) nobody
///         is slashed and JobManager drops the undecided result and queues the job again, so a challenged result
///         never finalizes without a decision.
///         Schelling incentives: after a decision, voters of the majority commitment share the voter pool
///         pro rata to weight, every other voter is slashed voterPenaltyWad of its VERIFIER stake.
/// @dev A vote is an obligation in the registry: the voter's stake cannot leave before settleVote.
contract IntersubjectiveCourt is IDisputeCourt, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    struct Dispute {
        uint256 jobId;
        address operator;
        address challenger;
        bytes32 operatorCommitment;
        bytes32 challengerCommitment;
        uint64 snapshotBlock;
        uint64 deadline;
        uint256 totalWeight; // snapshot VERIFIER weight: the quorum's denominator
        uint256 castWeight;
        uint256 operatorWeight;
        uint256 challengerWeight;
        bytes32 leading; // the commitment with the most weight so far (the first to reach it on a tie)
        uint256 leadingWeight;
        uint8 verdict; // IDisputeCourt.Verdict
        bool moot;
        uint256 voterPool;
    }

    struct Vote {
        bytes32 commitment;
        uint256 weight;
        uint64 obligationSeq;
        bool settled;
    }

    uint256 public constant WAD = 1e18;
    bytes32 public constant REASON_VOTE = "vote";
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    StakeRegistry public immutable registry;
    JobManager public immutable jobs;
    IERC20 public immutable token;
    uint64 public immutable votingPeriod;
    uint16 public immutable quorumBps;
    uint256 public immutable voterPenaltyWad;

    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(uint256 disputeId => mapping(bytes32 commitment => uint256 weight)) public tally;
    mapping(uint256 disputeId => mapping(address voter => Vote)) private _votes;

    error NotJobManager(address caller);
    error ZeroAddress();
    error InvalidConfig(string reason);
    error DisputeExists(uint256 disputeId);
    error UnknownDispute(uint256 disputeId);
    error NotVerifier(address voter, uint256 weight);
    error PartyCannotVote(uint256 disputeId, address voter);
    error AlreadyVoted(uint256 disputeId, address voter);
    error VotingClosed(uint256 disputeId, uint64 deadline);
    error VotingOpen(uint256 disputeId, uint64 deadline);
    error AlreadyResolved(uint256 disputeId);
    error NotResolved(uint256 disputeId);
    error NoVote(uint256 disputeId, address voter);
    error VoteSettledAlready(uint256 disputeId, address voter);

    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed jobId,
        bytes32 operatorCommitment,
        bytes32 challengerCommitment,
        uint64 snapshotBlock,
        uint64 deadline,
        uint256 totalWeight
    );
    event Voted(uint256 indexed disputeId, address indexed voter, bytes32 commitment, uint256 weight);
    event DisputeSettled(
        uint256 indexed disputeId, uint256 indexed jobId, uint8 verdict, uint256 castWeight, uint256 leadingWeight, bool moot
    );
    event VoteSettled(uint256 indexed disputeId, address indexed voter, uint256 reward, uint256 penalty);

    constructor(StakeRegistry registry_, JobManager jobs_, uint64 votingPeriod_, uint16 quorumBps_, uint256 voterPenaltyWad_) {
        if (address(registry_) == address(0) || address(jobs_) == address(0)) revert ZeroAddress();
        if (votingPeriod_ == 0) revert InvalidConfig("votingPeriod is 0");
        if (quorumBps_ == 0 || quorumBps_ > 10_000) revert InvalidConfig("quorumBps");
        if (voterPenaltyWad_ >= WAD) revert InvalidConfig("voterPenaltyWad >= 1e18");
        registry = registry_;
        jobs = jobs_;
        token = jobs_.token();
        votingPeriod = votingPeriod_;
        quorumBps = quorumBps_;
        voterPenaltyWad = voterPenaltyWad_;
    }

    /// @inheritdoc IDisputeCourt
    function openDispute(
        uint256 disputeId,
        uint256 jobId,
        bytes32 operatorCommitment,
        bytes32 challengerCommitment,
        address operator,
        address challenger
    ) external {
        if (msg.sender != address(jobs)) revert NotJobManager(msg.sender);
        Dispute storage d = _disputes[disputeId];
        if (d.deadline != 0) revert DisputeExists(disputeId);
        assert(operatorCommitment != challengerCommitment);

        // The block before: nothing in the opening block itself can move the snapshot.
        uint64 snapshot = uint64(block.number - 1);
        d.jobId = jobId;
        d.operator = operator;
        d.challenger = challenger;
        d.operatorCommitment = operatorCommitment;
        d.challengerCommitment = challengerCommitment;
        d.snapshotBlock = snapshot;
        d.deadline = uint64(block.timestamp) + votingPeriod;
        d.totalWeight = registry.snapshotTotalWeight(Roles.VERIFIER, snapshot);
        emit DisputeOpened(disputeId, jobId, operatorCommitment, challengerCommitment, snapshot, d.deadline, d.totalWeight);
    }

    /// @notice A VERIFIER votes the commitment it re-computed, weighted by the smaller of its snapshot
    ///         weight and its weight now (stake that left does not vote). The parties may not vote. Any
    ///         commitment may be voted; one with more than half the weight cast decides.
    function vote(uint256 disputeId, bytes32 commitment) external nonReentrant {
        Dispute storage d = _existing(disputeId);
        if (block.timestamp > d.deadline) revert VotingClosed(disputeId, d.deadline);
        if (msg.sender == d.operator || msg.sender == d.challenger) revert PartyCannotVote(disputeId, msg.sender);
        Vote storage v = _votes[disputeId][msg.sender];
        if (v.weight != 0) revert AlreadyVoted(disputeId, msg.sender);
        uint256 weight = voteWeight(disputeId, msg.sender);
        if (weight == 0 || weight < registry.minStake(Roles.VERIFIER)) revert NotVerifier(msg.sender, weight);

        v.commitment = commitment;
        v.weight = weight;
        v.obligationSeq = registry.openObligation(msg.sender);
        uint256 t = tally[disputeId][commitment] + weight;
        tally[disputeId][commitment] = t;
        d.castWeight += weight;
        if (commitment == d.operatorCommitment) d.operatorWeight += weight;
        else if (commitment == d.challengerCommitment) d.challengerWeight += weight;
        if (t > d.leadingWeight) {
            d.leading = commitment;
            d.leadingWeight = t;
        }
        emit Voted(disputeId, msg.sender, commitment, weight);
    }

    /// @notice After the voting period anyone settles the dispute; JobManager pays, slashes and sends the
    ///         voter pool here.
    function resolve(uint256 disputeId) external nonReentrant {
        Dispute storage d = _existing(disputeId);
        if (block.timestamp <= d.deadline) revert VotingOpen(disputeId, d.deadline);
        if (d.verdict != uint8(Verdict.None)) revert AlreadyResolved(disputeId);

        Verdict verdict = verdictOf(disputeId);
        d.verdict = uint8(verdict);
        (uint256 pool, bool moot) = jobs.resolveDispute(disputeId, uint8(verdict));
        d.voterPool = pool;
        d.moot = moot;
        emit DisputeSettled(disputeId, d.jobId, uint8(verdict), d.castWeight, d.leadingWeight, moot);
    }

    /// @notice After resolution anyone settles a vote: a majority voter gets its share of the voter pool,
    ///         any other voter is slashed voterPenaltyWad (burned); without a decision (no quorum, no
    ///         majority, a moot dispute) neither. Either way the voter's obligation ends.
    function settleVote(uint256 disputeId, address voter) external nonReentrant returns (uint256 reward, uint256 penalty) {
        Dispute storage d = _existing(disputeId);
        if (d.verdict == uint8(Verdict.None)) revert NotResolved(disputeId);
        Vote storage v = _votes[disputeId][voter];
        if (v.weight == 0) revert NoVote(disputeId, voter);
        if (v.settled) revert VoteSettledAlready(disputeId, voter);
        v.settled = true;

        bool decided = !d.moot && d.verdict >= uint8(Verdict.OperatorWins) && d.verdict <= uint8(Verdict.BothWrong);
        if (decided) {
            if (v.commitment == d.leading) {
                reward = Math.mulDiv(d.voterPool, v.weight, d.leadingWeight);
            } else {
                penalty = registry.slash(voter, Roles.VERIFIER, voterPenaltyWad, REASON_VOTE);
            }
        }
        registry.closeObligation(voter, v.obligationSeq);
        emit VoteSettled(disputeId, voter, reward, penalty);
        if (reward != 0) token.safeTransfer(voter, reward);
        if (penalty != 0) token.safeTransfer(BURN_ADDRESS, penalty);
    }

    // ---------------------------------------------------------------- views

    /// @notice The weight `voter` would vote with: min(snapshot weight, weight now) for VERIFIER.
    function voteWeight(uint256 disputeId, address voter) public view returns (uint256) {
        Dispute storage d = _existing(disputeId);
        return Math.min(
            registry.snapshotWeight(voter, Roles.VERIFIER, d.snapshotBlock), registry.weightOf(voter, Roles.VERIFIER)
        );
    }

    /// @notice The verdict the votes so far give (settlement.md §5).
    function verdictOf(uint256 disputeId) public view returns (Verdict) {
        Dispute storage d = _existing(disputeId);
        if (d.castWeight * 10_000 < d.totalWeight * quorumBps || d.castWeight == 0) return Verdict.NoQuorum;
        if (d.leadingWeight * 2 <= d.castWeight) return Verdict.NoMajority;
        if (d.leading == d.operatorCommitment) return Verdict.OperatorWins;
        if (d.leading == d.challengerCommitment) return Verdict.ChallengerWins;
        return Verdict.BothWrong;
    }

    function getDispute(uint256 disputeId) external view returns (Dispute memory) {
        return _existing(disputeId);
    }

    function voteOf(uint256 disputeId, address voter) external view returns (Vote memory) {
        return _votes[disputeId][voter];
    }

    function _existing(uint256 disputeId) internal view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.deadline == 0) revert UnknownDispute(disputeId);
    }
}
