// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {StakeRegistry} from "./StakeRegistry.sol";
import {JobManager} from "./JobManager.sol";
import {IDisputeCourt} from "./IDisputeCourt.sol";
import {Roles} from "./Roles.sol";

/// @title IntersubjectiveCourt
/// @notice Decides disputes of REEXEC_INTERSUBJECTIVE jobs by a stake-weighted vote of the staked
///         VERIFIER operators, who re-execute the job from DA and vote the commitment they computed.
///         The challenger must win strictly more stake than the operator; ties and silence keep the
///         operator's result. JobManager then pays and slashes.
/// @dev A verifier's weight is its active stake when it votes. Moving stake between accounts takes
///      the registry's withdrawal delay, so votingPeriod must be shorter than that delay (DEPLOY.md).
contract IntersubjectiveCourt is Ownable, IDisputeCourt {
    struct Dispute {
        bytes32 operatorCommitment;
        bytes32 challengerCommitment;
        uint64 deadline;
        uint256 operatorStake;
        uint256 challengerStake;
        bool resolved;
        bool operatorWins;
    }

    StakeRegistry public immutable registry;
    JobManager public immutable jobs;
    uint64 public immutable votingPeriod;

    mapping(uint256 jobId => Dispute) private _disputes;
    mapping(uint256 jobId => mapping(address voter => bool)) public hasVoted;

    error NotJobManager(address caller);
    error ZeroAddress();
    error InvalidVotingPeriod();
    error DisputeExists(uint256 jobId);
    error UnknownDispute(uint256 jobId);
    error NotVerifier(address voter);
    error PartyCannotVote(uint256 jobId, address voter);
    error AlreadyVoted(uint256 jobId, address voter);
    error VotingClosed(uint256 jobId, uint64 deadline);
    error VotingOpen(uint256 jobId, uint64 deadline);
    error AlreadyResolved(uint256 jobId);

    event DisputeOpened(uint256 indexed jobId, bytes32 operatorCommitment, bytes32 challengerCommitment, uint64 deadline);
    event Voted(uint256 indexed jobId, address indexed voter, bytes32 commitment, uint256 weight);
    event DisputeSettled(uint256 indexed jobId, bool operatorWins, uint256 operatorStake, uint256 challengerStake);

    constructor(address owner, StakeRegistry registry_, JobManager jobs_, uint64 votingPeriod_) Ownable(owner) {
        if (address(registry_) == address(0) || address(jobs_) == address(0)) revert ZeroAddress();
        if (votingPeriod_ == 0) revert InvalidVotingPeriod();
        registry = registry_;
        jobs = jobs_;
        votingPeriod = votingPeriod_;
    }

    /// @inheritdoc IDisputeCourt
    function openDispute(uint256 jobId, bytes32 operatorCommitment, bytes32 challengerCommitment) external {
        if (msg.sender != address(jobs)) revert NotJobManager(msg.sender);
        Dispute storage d = _disputes[jobId];
        if (d.deadline != 0) revert DisputeExists(jobId);
        assert(operatorCommitment != challengerCommitment);

        uint64 deadline = uint64(block.timestamp) + votingPeriod;
        d.operatorCommitment = operatorCommitment;
        d.challengerCommitment = challengerCommitment;
        d.deadline = deadline;
        emit DisputeOpened(jobId, operatorCommitment, challengerCommitment, deadline);
    }

    /// @notice A staked VERIFIER votes the commitment it re-computed, weighted by its active stake.
    ///         The two parties of the dispute may not vote. A commitment matching neither side is
    ///         recorded (event) but counts for neither.
    function vote(uint256 jobId, bytes32 commitment) external {
        Dispute storage d = _existing(jobId);
        if (block.timestamp > d.deadline) revert VotingClosed(jobId, d.deadline);
        if (hasVoted[jobId][msg.sender]) revert AlreadyVoted(jobId, msg.sender);
        if (!registry.isEligible(msg.sender, Roles.VERIFIER)) revert NotVerifier(msg.sender);
        (address operator, address challenger) = jobs.partiesOf(jobId);
        if (msg.sender == operator || msg.sender == challenger) revert PartyCannotVote(jobId, msg.sender);

        uint256 weight = registry.stakeOf(msg.sender);
        hasVoted[jobId][msg.sender] = true;
        if (commitment == d.operatorCommitment) d.operatorStake += weight;
        else if (commitment == d.challengerCommitment) d.challengerStake += weight;
        emit Voted(jobId, msg.sender, commitment, weight);
    }

    /// @notice After the voting period anyone settles the dispute; JobManager pays and slashes.
    function resolve(uint256 jobId) external {
        Dispute storage d = _existing(jobId);
        if (block.timestamp <= d.deadline) revert VotingOpen(jobId, d.deadline);
        if (d.resolved) revert AlreadyResolved(jobId);

        bool operatorWins = d.challengerStake <= d.operatorStake;
        d.resolved = true;
        d.operatorWins = operatorWins;
        emit DisputeSettled(jobId, operatorWins, d.operatorStake, d.challengerStake);
        jobs.resolveDispute(jobId, operatorWins);
    }

    function getDispute(uint256 jobId) external view returns (Dispute memory) {
        return _existing(jobId);
    }

    function _existing(uint256 jobId) internal view returns (Dispute storage d) {
        d = _disputes[jobId];
        if (d.deadline == 0) revert UnknownDispute(jobId);
    }
}
