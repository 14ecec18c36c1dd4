package dev.trustdial.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.chain.Role;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.job.ProgramPartList;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Outcomes of docs/spec/job-input.md, "Outcomes of jobs that produce no output": vectors and which
 * job gets which.
 */
class JobOutcomeTest {
  @Test
  void rejectedOutcomesMatchTheSpecVectors() {
    List<String> vectors =
        List.of(
            "0xe13c51e106e0ed2b5f6e5a83884a52d8959b244c47c3393f4eed2976a12789f7",
            "0xec2e6aeccce1fdbbc8f1c7537fa7cc573110995d7b38581142c6372fe1a5d0cd",
            "0x4e4dd29cd6233c5339782730fdec130889cc1e6f8969689d79e8058c090cc866",
            "0xcb4123658e0e817606a5dc3d8e7619da1b831ee3c9030b1afe98e6ebe6140775",
            "0xcabb1db451e96bcb75f354fb0fc27113a688fee5453fd9c059532dc7ed6fd533");
    for (RejectReason r : RejectReason.values()) {
      ResultCommitment c = new JobOutcome.Rejected(r).commitment();
      assertThat(c.outputHash().toHex()).as(r.name()).isEqualTo(vectors.get(r.code() - 1));
      assertThat(c).isEqualTo(new ResultCommitment(c.outputHash(), Bytes32.ZERO, 0, Bytes32.ZERO));
    }
    assertThat(Arrays.stream(RejectReason.values()).map(RejectReason::code))
        .containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void faultAndStepLimitOutcomesMatchTheSpecVectors() {
    Bytes32 state = Hashes.keccak256(new byte[] {1});
    ResultCommitment fault = new JobOutcome.Faulted(2, 0x00010008, state).commitment();
    assertThat(fault.outputHash().toHex())
        .isEqualTo("0xb14d20fed65e6b6636c2bacc76f19a62b0bca9560c2fda9e745410c9620e0a09");
    assertThat(fault).isEqualTo(new ResultCommitment(fault.outputHash(), state, 3, Bytes32.ZERO));
    ResultCommitment limit = new JobOutcome.StepLimit(1000, state).commitment();
    assertThat(limit.outputHash().toHex())
        .isEqualTo("0xea6ad314d05dfac33d9ec4124e46d6ed0e8474532df34c9b4cc05f8f9521a94a");
    assertThat(limit)
        .isEqualTo(new ResultCommitment(limit.outputHash(), state, 1000, Bytes32.ZERO));
  }

  @Test
  void aFaultingGuestFaultsWhereTheVmStops() {
    JobProgram program = program(TinyElf.faulting(), new byte[0]);
    var m = Execution.start(program, Optional.empty());
    JobOutcome outcome = Execution.outcome(m, 1000, CheckpointSink.NONE);
    assertThat(outcome).isInstanceOf(JobOutcome.Faulted.class);
    JobOutcome.Faulted f = (JobOutcome.Faulted) outcome;
    assertThat(f.step()).isEqualTo(2);
    assertThat(f.pc()).isEqualTo(TinyElf.BASE + 8);
    assertThat(f.stateHash()).isEqualTo(m.stateHash());
    assertThat(m.state().pc()).isEqualTo(TinyElf.BASE + 8);
    assertThat(m.state().faulted()).isTrue();
    assertThat(m.step()).isEqualTo(3);
    assertThat(outcome.commitment().stepCount()).isEqualTo(3);
    assertThat(f.summary()).isEqualTo("faulted at step 2 (pc 0x00010008)");
    // Deterministic: a second run gives the same commitment.
    assertThat(
            Execution.outcome(Execution.start(program, Optional.empty()), 1000, CheckpointSink.NONE)
                .commitment())
        .isEqualTo(outcome.commitment());
  }

  @Test
  void aGuestThatDoesNotExitStopsAtTheStepLimit() {
    JobProgram program = program(TinyElf.build(TinyElf.LOOP), new byte[0]);
    var m = Execution.start(program, Optional.empty());
    JobOutcome outcome = Execution.outcome(m, 500, CheckpointSink.NONE);
    assertThat(outcome).isEqualTo(new JobOutcome.StepLimit(500, m.stateHash()));
    assertThat(m.step()).isEqualTo(500);
  }

  @Test
  void anExitingGuestCompletes() {
    JobOutcome outcome =
        Execution.outcome(
            Execution.start(program(TinyElf.exiting(), new byte[0]), Optional.empty()),
            1000,
            CheckpointSink.NONE);
    assertThat(outcome).isInstanceOf(JobOutcome.Completed.class);
    assertThat(outcome.commitment().stepCount()).isEqualTo(3);
  }

  @Test
  void jobSourceClassifiesBadJobs() {
    MemoryDa da = new MemoryDa();
    byte[] elf = TinyElf.exiting();
    Bytes32 programKey = da.putKey(elf);
    JobEnvelope envelope = new JobEnvelope(programKey, 16, new byte[] {1, 2, 3});
    Bytes32 envelopeKey = da.putKey(envelope.encode());
    JobSource source = new JobSource(da);

    assertThat(source.fetch(job(envelopeKey, envelope.digest()), pin(Hashes.keccak256(elf))).elf())
        .isEqualTo(elf);
    assertRejected(
        () -> source.fetch(job(envelopeKey, Bytes32.ZERO), pin(Hashes.keccak256(elf))),
        RejectReason.INPUT_DIGEST_MISMATCH);
    assertRejected(
        () -> source.fetch(job(envelopeKey, envelope.digest()), pin(Bytes32.ZERO)),
        RejectReason.PROGRAM_DIGEST_MISMATCH);

    byte[] garbage = "not an envelope".getBytes(StandardCharsets.US_ASCII);
    Bytes32 garbageKey = da.putKey(garbage);
    assertRejected(
        () -> source.fetch(job(garbageKey, Hashes.keccak256(garbage)), pin(Hashes.keccak256(elf))),
        RejectReason.MALFORMED_ENVELOPE);
    byte[] trailing = Arrays.copyOf(envelope.encode(), envelope.encode().length + 1);
    Bytes32 trailingKey = da.putKey(trailing);
    assertRejected(
        () ->
            source.fetch(job(trailingKey, Hashes.keccak256(trailing)), pin(Hashes.keccak256(elf))),
        RejectReason.MALFORMED_ENVELOPE);
    byte[] zeroStride = envelope.encode();
    Arrays.fill(zeroStride, 40, 48, (byte) 0);
    Bytes32 zeroStrideKey = da.putKey(zeroStride);
    assertRejected(
        () ->
            source.fetch(
                job(zeroStrideKey, Hashes.keccak256(zeroStride)), pin(Hashes.keccak256(elf))),
        RejectReason.MALFORMED_ENVELOPE);

    byte[] part = new byte[] {1, 2, 3};
    Bytes32 partKey = da.putKey(part);
    Bytes32 badList =
        da.putKey(new ProgramPartList(6, Bytes32.ZERO, List.of(partKey, partKey)).encode());
    assertRejected(() -> ProgramBlobs.get(da, badList), RejectReason.PROGRAM_DIGEST_MISMATCH);

    // DA trouble is not a rejection: the blob may come back.
    assertThatThrownBy(
            () -> source.fetch(job(Bytes32.ZERO, envelope.digest()), pin(Hashes.keccak256(elf))))
        .isNotInstanceOf(JobRejected.class);
  }

  @Test
  void programsThatAreNeitherElfNorGgufAreRejected() {
    assertRejected(
        () -> InferenceJob.isModel("#!/bin/sh".getBytes(StandardCharsets.US_ASCII)),
        RejectReason.PROGRAM_NOT_RUNNABLE);
    byte[] brokenElf = Arrays.copyOf(TinyElf.exiting(), 40);
    assertThat(InferenceJob.isModel(brokenElf)).isFalse();
    assertRejected(
        () -> Execution.start(program(brokenElf, new byte[0]), Optional.empty()),
        RejectReason.PROGRAM_NOT_RUNNABLE);
  }

  private static void assertRejected(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, RejectReason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(JobRejected.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static JobProgram program(byte[] elf, byte[] input) {
    JobEnvelope envelope = new JobEnvelope(Bytes32.ZERO, 1 << 16, input);
    return new JobProgram(elf, envelope, Hashes.keccak256(elf), envelope.digest());
  }

  private static JobInfo job(Bytes32 inputKey, Bytes32 inputDigest) {
    return new JobInfo(
        BigInteger.ONE,
        BigInteger.ONE,
        Address.ZERO,
        inputKey,
        inputDigest,
        1000,
        BigInteger.ONE,
        BigInteger.ZERO,
        JobStatus.ASSIGNED,
        Address.ZERO,
        0,
        0,
        0,
        0,
        0,
        0,
        Bytes32.ZERO,
        Bytes32.ZERO,
        Optional.empty(),
        Bytes32.ZERO,
        Address.ZERO,
        0,
        0,
        0);
  }

  private static JobPin pin(Bytes32 programDigest) {
    return new JobPin(
        programDigest,
        Optional.empty(),
        1,
        TrustMode.REEXEC_INTERSUBJECTIVE,
        Role.COMPUTE,
        0,
        Optional.empty(),
        Optional.empty());
  }
}
