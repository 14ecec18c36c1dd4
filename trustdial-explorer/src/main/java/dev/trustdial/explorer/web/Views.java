package dev.trustdial.explorer.web;

import dev.trustdial.chain.TrustMode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.da.BlobInspector;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.explorer.advisor.ModeFit;
import dev.trustdial.explorer.advisor.ModeMeasure;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.advisor.Workload;
import dev.trustdial.explorer.detail.AppChainView;
import dev.trustdial.explorer.detail.JobDetail;
import dev.trustdial.explorer.detail.JobDetails;
import dev.trustdial.explorer.detail.Reexecution;
import dev.trustdial.explorer.store.AppRow;
import dev.trustdial.explorer.store.BlobRow;
import dev.trustdial.explorer.store.DisputeRow;
import dev.trustdial.explorer.store.EventRow;
import dev.trustdial.explorer.store.ExplorerStore;
import dev.trustdial.explorer.store.JobRow;
import dev.trustdial.explorer.store.MoveRow;
import dev.trustdial.explorer.store.OperatorRow;
import dev.trustdial.explorer.store.StakePoint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of each page, read from the store: the HTML pages render these records and the JSON API
 * returns them as they are, so both always show the same thing.
 */
public final class Views {
  /** Rows any list shows at most. */
  public static final int MAX_ROWS = 200;

  /** Events a job's timeline or an operator's history shows at most. */
  public static final int MAX_TIMELINE = 2_000;

  private final ExplorerStore store;
  private final TrustAdvisor advisor;
  private final Optional<DataAvailability> da;
  private final JobDetails details;

  /**
   * Without app state from the chain: TEE job pages say that the policy and signer are not
   * available.
   */
  public Views(ExplorerStore store, TrustAdvisor advisor, Optional<DataAvailability> da) {
    this(store, advisor, da, new JobDetails(da, AppChainView.NONE, JobDetails.Limits.DEFAULT));
  }

  public Views(
      ExplorerStore store,
      TrustAdvisor advisor,
      Optional<DataAvailability> da,
      JobDetails details) {
    this.store = store;
    this.advisor = advisor;
    this.da = da;
    this.details = details;
  }

  public record Overview(
      long nextBlock,
      long events,
      int jobs,
      Map<String, Integer> jobsByStatus,
      List<OperatorRow> operators,
      List<OperatorRow> daNodes,
      List<AppRow> apps,
      List<JobRow> recentJobs,
      List<EventRow> recentSlashes,
      List<DisputeRow> recentDisputes) {}

  /**
   * {@code detail}: what DA and the chain hold beyond the events (an inference request and
   * completion, a TEE answer).
   */
  public record JobPage(
      JobRow job,
      List<EventRow> timeline,
      List<BlobRow> blobs,
      List<DisputeRow> disputes,
      List<MoveRow> moves,
      JobDetail detail) {}

  public record OperatorPage(
      OperatorRow operator,
      java.math.BigInteger activeStake,
      List<StakePoint> stakeHistory,
      List<EventRow> slashes,
      List<EventRow> history) {}

  /**
   * A blob as the index and DA see it: the job that references it; {@code certified}, whether a
   * valid certificate is registered (empty when no DA client is configured); and the DA layer's
   * inspection (signers and their stake shares, chunks per node), or why it could not be read.
   */
  public record BlobPage(
      String blobKey,
      BlobRow blob,
      Optional<Boolean> certified,
      Optional<BlobInspection> inspection,
      Optional<String> inspectionError) {}

  /**
   * The outcome of fetching a blob from DA and checking every chunk against its KZG commitment;
   * {@code nodes}: each node asked for its own chunks (empty when the DA client cannot inspect).
   */
  public record Verification(
      String blobKey,
      boolean available,
      int bytes,
      long millis,
      Optional<String> sha256,
      Optional<String> error,
      Optional<RetrievalTest> nodes) {}

  public record Advisor(List<TrustAdvisor.AppReport> apps, List<ModeMeasure> byMode) {}

  public record Recommendation(Workload workload, List<ModeFit> modes) {}

  public Overview overview() {
    List<OperatorRow> ops = store.operators(MAX_ROWS);
    return new Overview(
        store.nextBlock(),
        store.eventCount(),
        store.jobCount(),
        store.jobCountsByStatus(),
        ops,
        ops.stream().filter(o -> o.roles().contains("DA")).toList(),
        store.apps(MAX_ROWS),
        store.jobs(Optional.empty(), Optional.empty(), 20, 0),
        store.recentEvents(List.of("Slashed"), 20),
        store.disputes(Optional.empty(), 20));
  }

  public List<JobRow> jobs(Optional<String> status, Optional<Long> app, int limit, int offset) {
    return store.jobs(status, app, limit, offset);
  }

  public JobPage job(long id) {
    JobRow j =
        store
            .job(id)
            .orElseThrow(() -> new NotFoundException("no job " + id + " is indexed (yet)"));
    List<EventRow> timeline = store.jobEvents(id, MAX_TIMELINE);
    JobDetail detail =
        store
            .app(j.appId())
            .map(a -> details.detail(j, a, timeline))
            .orElseGet(() -> new JobDetail.Unavailable("app " + j.appId() + " is not indexed"));
    return new JobPage(
        j,
        timeline,
        store.jobBlobs(id),
        store.disputes(Optional.of(id), MAX_ROWS),
        store.jobMoves(id, MAX_TIMELINE),
        detail);
  }

  /**
   * Re-runs an inference job's request on its model (one at a time, bounded: see {@link
   * JobDetails.Limits}).
   */
  public Reexecution reexecute(long id) {
    JobRow j =
        store
            .job(id)
            .orElseThrow(() -> new NotFoundException("no job " + id + " is indexed (yet)"));
    AppRow a =
        store
            .app(j.appId())
            .orElseThrow(() ->
                new NotFoundException("app " + j.appId() + " of job " + id + " is not indexed"));
    return details.reexecute(j, a, store.jobEvents(id, MAX_TIMELINE));
  }

  public OperatorPage operator(Address a) {
    OperatorRow o =
        store
            .operator(a)
            .orElseThrow(() -> new NotFoundException("no operator " + a + " is indexed"));
    List<EventRow> history = store.operatorEvents(a, MAX_TIMELINE);
    List<EventRow> slashes =
        new ArrayList<>(history.stream().filter(e -> e.kind().equals("Slashed")).toList());
    return new OperatorPage(
        o,
        o.activeStake(),
        store.stakeHistory(a, MAX_TIMELINE),
        slashes,
        history.stream().limit(MAX_ROWS).toList());
  }

  public BlobPage blob(String key) {
    String k = blobKey(key);
    BlobRow b =
        store.blob(k).orElseThrow(() -> new NotFoundException("no job references blob " + k));
    Optional<BlobInspection> inspection = Optional.empty();
    Optional<String> error = Optional.empty();
    if (inspector().isPresent()) {
      try {
        inspection = Optional.of(inspector().get().inspect(Bytes32.fromHex(k)));
      } catch (RuntimeException e) {
        error = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    } else {
      error =
          Optional.of(
              "this explorer's DA client cannot inspect certificates (no DA client, or one without an operator set)");
    }
    return new BlobPage(k, b, da.map(d -> d.isAvailable(Bytes32.fromHex(k))), inspection, error);
  }

  /**
   * Fetches the blob from the DA nodes; the retriever rebuilds it only from chunks that pass their
   * KZG cell proofs.
   */
  public Verification verify(String key) {
    String k = blob(key).blobKey();
    DataAvailability d =
        da.orElseThrow(() ->
            new InvalidInputException(
                "this explorer has no DA client (start it with a devnet or a"
                    + " chain config that names a BlobRegistry)"));
    long t0 = System.nanoTime();
    // Each node asked for its own chunks as well: which node holds what is part of the answer.
    Optional<RetrievalTest> nodes =
        inspector()
            .flatMap(i -> {
              try {
                return Optional.of(i.testRetrieval(Bytes32.fromHex(k)));
              } catch (RuntimeException e) {
                return Optional.empty();
              }
            });
    try {
      byte[] data = d.get(Bytes32.fromHex(k));
      return new Verification(
          k,
          true,
          data.length,
          (System.nanoTime() - t0) / 1_000_000,
          Optional.of(sha256(data)),
          Optional.empty(),
          nodes);
    } catch (RuntimeException e) {
      return new Verification(
          k,
          false,
          0,
          (System.nanoTime() - t0) / 1_000_000,
          Optional.empty(),
          Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()),
          nodes);
    }
  }

  public Advisor advisor() {
    List<ModeMeasure> byMode = new ArrayList<>();
    for (TrustMode m :
        List.of(
            TrustMode.TEE,
            TrustMode.REEXEC_INTERSUBJECTIVE,
            TrustMode.REEXEC_OBJECTIVE,
            TrustMode.ZK)) {
      advisor.measure(m).ifPresent(byMode::add);
    }
    return new Advisor(advisor.apps(MAX_ROWS), byMode);
  }

  public Recommendation recommend(Workload w) {
    return new Recommendation(w, advisor.recommend(w));
  }

  public TrustAdvisor trustAdvisor() {
    return advisor;
  }

  private Optional<BlobInspector> inspector() {
    return da.flatMap(d -> d instanceof BlobInspector i ? Optional.of(i) : Optional.empty());
  }

  static String blobKey(String key) {
    if (key.length() != 66 && key.length() != 64) {
      throw new InvalidInputException(
          "a blob key is 32 bytes in hex (64 digits, 0x optional), got "
              + Math.min(key.length(), 100)
              + " characters");
    }
    return Bytes32.fromHex(key).toHex();
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A page for something the index does not hold: HTTP 404. */
  public static final class NotFoundException extends InvalidInputException {
    public NotFoundException(String message) {
      super(message);
    }
  }
}
