package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.IntersubjectiveCourt;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.StakeRegistry;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Reads and decodes the settlement contracts' events over a block range, in chain order. Callers
 * follow the chain by remembering the last block they read ({@link #poll}).
 */
public final class EventReader {
  private final Web3j web3j;
  private final Deployment deployment;
  private final Map<String, Function<Log, SettlementEvent>> decoders = new HashMap<>();
  private long nextBlock;

  EventReader(Web3j web3j, Deployment deployment) {
    this.web3j = web3j;
    this.deployment = deployment;
    on(
        StakeRegistry.OPERATORREGISTERED_EVENT,
        l -> {
          var e = StakeRegistry.getOperatorRegisteredEventFromLog(l);
          return new SettlementEvent.OperatorRegistered(
              where(l),
              addr(e.operator),
              Role.fromMask(e.roles.intValueExact()),
              addr(e.signer),
              e.endpoint);
        });
    on(
        StakeRegistry.OPERATORUPDATED_EVENT,
        l -> {
          var e = StakeRegistry.getOperatorUpdatedEventFromLog(l);
          return new SettlementEvent.OperatorUpdated(
              where(l),
              addr(e.operator),
              Role.fromMask(e.roles.intValueExact()),
              addr(e.signer),
              e.endpoint);
        });
    on(
        StakeRegistry.OPERATOREXITED_EVENT,
        l -> {
          var e = StakeRegistry.getOperatorExitedEventFromLog(l);
          return new SettlementEvent.OperatorExited(where(l), addr(e.operator), e.ejected);
        });
    on(
        StakeRegistry.DELEGATED_EVENT,
        l -> {
          var e = StakeRegistry.getDelegatedEventFromLog(l);
          return new SettlementEvent.Delegated(
              where(l), addr(e.operator), addr(e.staker), e.amount, e.shares);
        });
    on(
        StakeRegistry.WITHDRAWALQUEUED_EVENT,
        l -> {
          var e = StakeRegistry.getWithdrawalQueuedEventFromLog(l);
          return new SettlementEvent.WithdrawalQueued(
              where(l),
              addr(e.operator),
              addr(e.staker),
              e.amount,
              e.shares,
              e.availableAt.longValueExact(),
              e.obligationSeq.longValueExact());
        });
    on(
        StakeRegistry.WITHDRAWALCOMPLETED_EVENT,
        l -> {
          var e = StakeRegistry.getWithdrawalCompletedEventFromLog(l);
          return new SettlementEvent.WithdrawalCompleted(
              where(l), addr(e.operator), addr(e.staker), e.amount);
        });
    on(
        StakeRegistry.ALLOCATIONSET_EVENT,
        l -> {
          var e = StakeRegistry.getAllocationSetEventFromLog(l);
          return new SettlementEvent.AllocationSet(
              where(l), addr(e.operator), Role.fromBit(e.role.intValueExact()), e.wad);
        });
    on(
        StakeRegistry.SLASHED_EVENT,
        l -> {
          var e = StakeRegistry.getSlashedEventFromLog(l);
          return new SettlementEvent.Slashed(
              where(l),
              addr(e.operator),
              Role.fromBit(e.role.intValueExact()),
              e.amount,
              e.fromActive,
              e.fromPending,
              bytes32Text(e.reason),
              addr(e.by));
        });
    on(
        AppRegistry.APPCREATED_EVENT,
        l -> {
          var e = AppRegistry.getAppCreatedEventFromLog(l);
          return new SettlementEvent.AppCreated(
              where(l),
              e.appId,
              addr(e.owner),
              TrustMode.fromCode(e.mode.intValueExact()),
              new Bytes32(e.programDigest));
        });
    on(
        JobManager.JOBSUBMITTED_EVENT,
        l -> {
          var e = JobManager.getJobSubmittedEventFromLog(l);
          return new SettlementEvent.JobSubmitted(
              where(l),
              e.jobId,
              e.appId,
              addr(e.submitter),
              new Bytes32(e.inputBlobKey),
              e.maxSteps.longValueExact(),
              e.fee);
        });
    on(
        JobManager.JOBQUEUED_EVENT,
        l -> {
          var e = JobManager.getJobQueuedEventFromLog(l);
          return new SettlementEvent.JobQueued(
              where(l),
              e.jobId,
              e.attempt.longValueExact(),
              e.seedBlock.longValueExact(),
              e.snapshotBlock.longValueExact());
        });
    on(
        JobManager.JOBASSIGNED_EVENT,
        l -> {
          var e = JobManager.getJobAssignedEventFromLog(l);
          return new SettlementEvent.JobAssigned(
              where(l),
              e.jobId,
              addr(e.operator),
              e.attempt.longValueExact(),
              e.deadline.longValueExact(),
              new Bytes32(e.resumeFromCheckpoint));
        });
    on(
        JobManager.HEARTBEATPOSTED_EVENT,
        l -> {
          var e = JobManager.getHeartbeatPostedEventFromLog(l);
          return new SettlementEvent.HeartbeatPosted(
              where(l),
              e.jobId,
              addr(e.operator),
              e.step.longValueExact(),
              new Bytes32(e.stateHash),
              new Bytes32(e.checkpointBlobKey));
        });
    on(
        JobManager.HEARTBEATMISSED_EVENT,
        l -> {
          var e = JobManager.getHeartbeatMissedEventFromLog(l);
          return new SettlementEvent.HeartbeatMissed(
              where(l), e.jobId, addr(e.operator), addr(e.reporter), e.slashed);
        });
    on(
        JobManager.CHECKPOINTDISCARDED_EVENT,
        l -> {
          var e = JobManager.getCheckpointDiscardedEventFromLog(l);
          return new SettlementEvent.CheckpointDiscarded(
              where(l),
              e.jobId,
              addr(e.operator),
              e.step.longValueExact(),
              new Bytes32(e.checkpointBlobKey));
        });
    on(
        JobManager.JOBDECLINED_EVENT,
        l -> {
          var e = JobManager.getJobDeclinedEventFromLog(l);
          return new SettlementEvent.JobDeclined(where(l), e.jobId, addr(e.operator));
        });
    on(
        JobManager.RESULTSUBMITTED_EVENT,
        l -> {
          var e = JobManager.getResultSubmittedEventFromLog(l);
          return new SettlementEvent.ResultSubmitted(
              where(l),
              e.jobId,
              addr(e.operator),
              new ResultCommitment(
                  new Bytes32(e.outputHash),
                  new Bytes32(e.finalStateHash),
                  e.stepCount.longValueExact(),
                  new Bytes32(e.checkpointRoot)),
              new Bytes32(e.outputBlobKey));
        });
    on(
        JobManager.JOBCHALLENGED_EVENT,
        l -> {
          var e = JobManager.getJobChallengedEventFromLog(l);
          return new SettlementEvent.JobChallenged(
              where(l),
              e.jobId,
              e.disputeId,
              addr(e.challenger),
              new Bytes32(e.challengerCommitment),
              e.bond);
        });
    on(
        JobManager.DISPUTERESOLVED_EVENT,
        l -> {
          var e = JobManager.getDisputeResolvedEventFromLog(l);
          return new SettlementEvent.DisputeResolved(
              where(l),
              e.disputeId,
              e.jobId,
              Verdict.fromCode(e.verdict.intValueExact()),
              e.moot,
              e.slashed);
        });
    on(
        JobManager.JOBFINALIZED_EVENT,
        l -> {
          var e = JobManager.getJobFinalizedEventFromLog(l);
          return new SettlementEvent.JobFinalized(
              where(l), e.jobId, addr(e.paidTo), new Bytes32(e.outputHash), e.fee);
        });
    on(
        JobManager.JOBFAILED_EVENT,
        l -> {
          var e = JobManager.getJobFailedEventFromLog(l);
          return new SettlementEvent.JobFailed(where(l), e.jobId, bytes32Text(e.reason));
        });
    on(
        IntersubjectiveCourt.DISPUTEOPENED_EVENT,
        l -> {
          var e = IntersubjectiveCourt.getDisputeOpenedEventFromLog(l);
          return new SettlementEvent.DisputeOpened(
              where(l),
              e.disputeId,
              e.jobId,
              new Bytes32(e.operatorCommitment),
              new Bytes32(e.challengerCommitment),
              e.snapshotBlock.longValueExact(),
              e.deadline.longValueExact(),
              e.totalWeight);
        });
    on(
        IntersubjectiveCourt.VOTED_EVENT,
        l -> {
          var e = IntersubjectiveCourt.getVotedEventFromLog(l);
          return new SettlementEvent.Voted(
              where(l), e.disputeId, addr(e.voter), new Bytes32(e.commitment), e.weight);
        });
    on(
        IntersubjectiveCourt.DISPUTESETTLED_EVENT,
        l -> {
          var e = IntersubjectiveCourt.getDisputeSettledEventFromLog(l);
          return new SettlementEvent.DisputeSettled(
              where(l),
              e.disputeId,
              e.jobId,
              Verdict.fromCode(e.verdict.intValueExact()),
              e.castWeight,
              e.leadingWeight,
              e.moot);
        });
    on(
        IntersubjectiveCourt.VOTESETTLED_EVENT,
        l -> {
          var e = IntersubjectiveCourt.getVoteSettledEventFromLog(l);
          return new SettlementEvent.VoteSettled(
              where(l), e.disputeId, addr(e.voter), e.reward, e.penalty);
        });
  }

  private void on(Event event, Function<Log, SettlementEvent> decoder) {
    decoders.put(EventEncoder.encode(event), decoder);
  }

  /** Decoded events in blocks [from, to], in chain order. Events we do not model are skipped. */
  public List<SettlementEvent> read(long fromBlock, long toBlock) {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
            deployment.byName().values().stream().map(Address::toString).toList());
    try {
      EthLog logs = web3j.ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new ChainUnavailableException("eth_getLogs: " + logs.getError().getMessage(), null);
      }
      List<SettlementEvent> out = new ArrayList<>();
      for (EthLog.LogResult<?> r : logs.getLogs()) {
        Log l = (Log) r.get();
        if (l.getTopics().isEmpty()) {
          continue;
        }
        Function<Log, SettlementEvent> d = decoders.get(l.getTopics().getFirst());
        if (d != null) {
          out.add(d.apply(l));
        }
      }
      out.sort(
          Comparator.comparingLong((SettlementEvent e) -> e.where().block())
              .thenComparingLong(e -> e.where().logIndex()));
      return out;
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read events: " + e.getMessage(), e);
    }
  }

  /** Events since the last poll (the first poll starts at {@code fromBlock}). */
  public List<SettlementEvent> poll(long fromBlock) {
    long start = Math.max(nextBlock, fromBlock);
    long head;
    try {
      head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new ChainUnavailableException("cannot read the block number", e);
    }
    if (head < start) {
      return List.of();
    }
    List<SettlementEvent> out = read(start, head);
    nextBlock = head + 1;
    return out;
  }

  private static SettlementEvent.Where where(Log l) {
    return new SettlementEvent.Where(
        l.getBlockNumber().longValueExact(),
        l.getTransactionHash(),
        l.getLogIndex().longValueExact());
  }

  private static Address addr(String s) {
    return Address.parse(s);
  }

  private static String bytes32Text(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
