package dev.trustdial.node.objective;

import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobPin;
import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.chain.ObjectiveApps;
import dev.trustdial.chain.ObjectiveCourtClient;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.node.job.JobProgram;
import dev.trustdial.node.job.JobRejected;
import dev.trustdial.node.job.JobSource;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.state.VmState;
import dev.trustdial.vm.trace.StrideTrace;
import dev.trustdial.vm.trace.TraceLie;
import dev.trustdial.vm.trace.TraceRun;
import dev.trustdial.vm.trace.TraceShape;
import java.math.BigInteger;

/**
 * What a node needs to claim or check a REEXEC_OBJECTIVE job (docs/spec/objective.md §1–§3): the
 * app's ObjectiveConfig pinned for the job, the program from DA checked against its absolute
 * prestate, the input posted on the InputOracle (as calldata, or as EIP-4844 blobs for an app with
 * blob inputs: then the VM input is in vm.md §4.1.1's blob form, opened with the DA layer's KZG),
 * and the honest {@link TraceRun} under the config's stride and the job's maxSteps. A job that
 * cannot be claimed here (wrong prestate registered, input not onchain, a trace too large) is
 * {@link Unrunnable}: its operator declines it, nobody is slashed.
 */
public final class ObjectiveJob {
  /** Why a job has no objective claim this node can make; the message says what is wrong. */
  public static final class Unrunnable extends RuntimeException {
    public Unrunnable(String message) {
      super(message);
    }
  }

  private final SettlementPort chain;
  private final JobSource source;
  private final ObjectiveReads reads;

  /**
   * Over the deployed contracts: the objective apps' configs and the court read from {@code
   * chain}'s deployment.
   */
  public ObjectiveJob(Settlement chain, JobSource source) {
    this(
        chain,
        ObjectiveReads.onChain(ObjectiveApps.of(chain), ObjectiveCourtClient.of(chain)),
        source);
  }

  /**
   * @param reads the objective apps' configs, the input oracle and the court's prestate; null when
   *     this node has no court (CourtAccess.NONE): every objective job is then {@link Unrunnable}
   */
  public ObjectiveJob(SettlementPort chain, ObjectiveReads reads, JobSource source) {
    this.chain = chain;
    this.source = source;
    this.reads = reads;
  }

  /**
   * The honest trace run of the job: the program and input it runs, under its app's pinned config.
   */
  public TraceRun honestRun(JobInfo job, JobPin pin) {
    BigInteger jobId = job.jobId();
    if (pin.mode() != TrustMode.REEXEC_OBJECTIVE) {
      throw new IllegalArgumentException(
          "job " + jobId + " is a " + pin.mode() + " job, not REEXEC_OBJECTIVE");
    }
    if (reads == null) {
      throw new Unrunnable(
          "job "
              + jobId
              + ": this node has no access to an ObjectiveCourt (CourtAccess.NONE), so it makes no objective claim");
    }
    Address configAt =
        pin.appConfig()
            .orElseThrow(() ->
                new Unrunnable(
                    "job "
                        + jobId
                        + " pins no ObjectiveConfig (app "
                        + job.appId()
                        + " has no appConfig)"));
    ObjectiveAppConfig config;
    try {
      config = reads.config(configAt);
    } catch (InvalidInputException e) {
      throw new Unrunnable("job " + jobId + ": " + e.getMessage());
    }
    if (!config.programDigest().equals(pin.programDigest())) {
      throw new Unrunnable(
          "job "
              + jobId
              + ": the ObjectiveConfig at "
              + configAt
              + " names program "
              + config.programDigest()
              + ", the job pins "
              + pin.programDigest());
    }
    JobProgram program;
    try {
      program = source.fetch(job, pin);
    } catch (JobRejected e) {
      throw new Unrunnable(e.getMessage());
    }
    VmConfig vm =
        VmConfig.defaults()
            .withRamEnd(config.ramEnd())
            .withOutputLimit(config.outputLimit())
            .withHostMemoryBytes(Math.max(4096, VmConfig.windowBytes(config.ramEnd())));
    VmState image;
    try {
      image = Vm.load(program.elf(), new byte[0], vm).state();
    } catch (InvalidInputException e) {
      throw new Unrunnable(
          "job " + jobId + ": the program does not load under the app's ramEnd: " + e.getMessage());
    }
    if (Integer.toUnsignedLong(image.pc()) != config.entryPc()
        || !image.memRoot().equals(config.imageRoot())) {
      throw new Unrunnable(
          String.format(
              "job %s: the app registered the prestate (entry pc 0x%x, image root %s) but the program "
                  + "loads to (0x%x, %s)",
              jobId,
              config.entryPc(),
              config.imageRoot(),
              Integer.toUnsignedLong(image.pc()),
              image.memRoot()));
    }
    VmInput input;
    if (config.blobInputs()) {
      // vm.md §4.1.1: the envelope's DA sub-blobs are the blobs the oracle checked; their versioned
      // hashes give the root.
      if (reads.blobInputOf(job.inputBlobKey()).isEmpty()) {
        throw new Unrunnable(
            "job "
                + jobId
                + ": its input (DA blob "
                + job.inputBlobKey()
                + ") is not on the InputOracle as blobs, so no "
                + "step that reads it could be proven onchain");
      }
      try {
        input = BlobInputs.of(program.envelope().encode(), kzg()).vmInput();
      } catch (InvalidInputException e) {
        throw new Unrunnable("job " + jobId + ": " + e.getMessage());
      }
    } else {
      if (reads.inputOf(job.inputDigest()).isEmpty()) {
        throw new Unrunnable(
            "job "
                + jobId
                + ": its input "
                + job.inputDigest()
                + " is not on the InputOracle, so no step that reads it "
                + "could be proven onchain");
      }
      input = VmInput.of(program.envelope().input());
    }
    TraceShape shape;
    try {
      shape = new TraceShape(job.maxSteps(), config.strideLog2());
    } catch (InvalidInputException e) {
      throw new Unrunnable("job " + jobId + ": " + e.getMessage());
    }
    TraceRun run = TraceRun.honest(program.elf(), input, vm, shape);
    VmState prestate = Vm.load(program.elf(), input, run.config()).state();
    Bytes32 courtPrestate = reads.prestateHash(jobId);
    if (!prestate.hash().equals(courtPrestate)) {
      throw new Unrunnable(
          "job "
              + jobId
              + ": the court's prestate "
              + courtPrestate
              + " is not our T(0) "
              + prestate.hash());
    }
    return run;
  }

  /** The KZG library of blob-input apps (loaded once per process, on the first blob job). */
  private static Kzg kzg() {
    return JniKzg.load();
  }

  /**
   * The trace a match record committed to, rebuilt from the job as the chain and DA hold it now
   * (its program, input and pinned config; the record's devnet lie): what a restarted node plays on
   * with. The caller checks the root against the record's.
   */
  public StrideTrace rebuild(MatchRecord record) {
    JobInfo job = chain.job(record.jobId());
    TraceRun run = honestRun(job, chain.pin(record.jobId()));
    if (record.lieAtStep() > 0) {
      run = run.lying(new TraceLie(record.lieAtStep()));
    }
    return run.strideTrace();
  }
}
