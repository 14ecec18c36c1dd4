package dev.trustdial.explorer.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.ObjectiveMatchEvent;
import dev.trustdial.chain.SettlementEvent;
import dev.trustdial.chain.SettlementEvent.*;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.Verdict;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import dev.trustdial.explorer.index.Batch;
import dev.trustdial.explorer.index.EventFields;
import dev.trustdial.explorer.index.IndexedEvent;
import dev.trustdial.explorer.index.IndexedMove;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The explorer's index: an H2 file database holding every settlement event (with its block time,
 * sender and gas), the objective match moves, and projections (apps, jobs, operators, stake
 * history, blobs, disputes) kept up to date event by event. A batch and the cursor that follows it
 * commit in one transaction, so a restart resumes at the first block not fully stored.
 */
public final class ExplorerStore implements AutoCloseable {
  /**
   * Fields of one event as stored, at most this many characters (events carry a few hashes and
   * amounts).
   */
  static final int MAX_FIELDS_CHARS = 8192;

  private static final ObjectMapper JSON = Json.mapper();
  private static final int SCHEMA_VERSION = 1;

  private final Connection db;

  /**
   * Statements by SQL text: parsing dominates H2's cost per row, and every access holds the store's
   * lock.
   */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private ExplorerStore(Connection db) {
    this.db = db;
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement p = statements.get(sql);
    if (p == null) {
      p = db.prepareStatement(sql);
      statements.put(sql, p);
    }
    return p;
  }

  /**
   * Opens (or creates) the index in {@code dir} for the deployment named {@code deploymentId}
   * (chain id and JobManager address). An index of another deployment is refused: re-index it.
   */
  public static ExplorerStore open(Path dir, String deploymentId) {
    try {
      Files.createDirectories(dir);
      Connection c =
          DriverManager.getConnection(
              "jdbc:h2:file:"
                  + dir.toAbsolutePath().resolve("explorer")
                  + ";DB_CLOSE_ON_EXIT=FALSE",
              "sa",
              "");
      ExplorerStore s = new ExplorerStore(c);
      s.createSchema();
      Optional<String> stored = s.meta("deployment");
      if (stored.isEmpty()) {
        s.setMeta("deployment", deploymentId);
        s.setMeta("schema", Integer.toString(SCHEMA_VERSION));
      } else if (!stored.get().equals(deploymentId)) {
        c.close();
        throw new InvalidInputException(
            "the index in "
                + dir
                + " is of deployment "
                + stored.get()
                + ", not "
                + deploymentId
                + "; use another --data directory (or delete this one)");
      }
      return s;
    } catch (SQLException e) {
      if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
        throw new InvalidInputException(
            "the index in "
                + dir
                + " is open in another explorer (a devnet starts its own);"
                + " stop it or pass another --data directory",
            e);
      }
      throw new IllegalStateException(
          "cannot open the explorer database in " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the explorer database in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Re-indexes from {@code block}: the events and moves stored at or after it are deleted, the
   * projections (apps, jobs, operators, stake history, blobs, disputes) are rebuilt from the events
   * kept before it, and the cursor moves back to it, so the indexer reads the chain again from that
   * block only. An index that has not reached {@code block} yet is left as it is (the cursor never
   * skips blocks). All in one transaction: a failure leaves the index as it was.
   */
  public synchronized void reindexFrom(long block) {
    if (block < 0) {
      throw new InvalidInputException("the block to re-index from must be >= 0, got " + block);
    }
    if (block >= nextBlock()) {
      return;
    }
    inTransaction(() -> {
      try (Statement st = db.createStatement()) {
        for (String t :
            List.of("job_txs", "apps", "jobs", "operators", "stake_points", "blobs", "disputes")) {
          st.executeUpdate("DELETE FROM " + t);
        }
      }
      update("DELETE FROM events WHERE block>=?", block);
      update("DELETE FROM moves WHERE block>=?", block);
      replayEvents();
      // The one projection of a move: an objective match's verdict.
      for (String[] r :
          query(
              "SELECT dispute_id, fields FROM moves WHERE kind='Resolved' ORDER BY block, seq",
              List.of(),
              rs -> new String[] {Long.toString(rs.getLong(1)), rs.getString(2)})) {
        Map<String, Object> f = storedFields(r[1]);
        update(
            "UPDATE disputes SET verdict=? WHERE objective=TRUE AND dispute_id=?",
            Verdict.valueOf((String) f.get("verdict")).name(),
            Long.parseLong(r[0]));
      }
      setMeta("next_block", Long.toString(block));
    });
  }

  private static Map<String, Object> storedFields(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException(
          "the index holds unreadable event fields: " + e.getMessage(), e);
    }
  }

  /**
   * Rows of events re-projected per query while replaying (keyset pages, so the heap holds one
   * page).
   */
  private static final int REPLAY_PAGE = 5_000;

  /**
   * Runs every stored event, in chain order, through the projections again (with its stored job,
   * time, sender and gas).
   */
  private void replayEvents() throws SQLException {
    long afterBlock = -1;
    long afterLog = -1;
    while (true) {
      List<Object[]> page =
          query(
              "SELECT block, log_index, tx_hash, kind, time, job_id, sender, gas, function, fields FROM events"
                  + " WHERE block>? OR (block=? AND log_index>?) ORDER BY block, log_index LIMIT ?",
              List.of(afterBlock, afterBlock, afterLog, REPLAY_PAGE),
              rs ->
                  new Object[] {
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getObject(6),
                    rs.getString(7),
                    rs.getLong(8),
                    rs.getString(9),
                    rs.getString(10)
                  });
      for (Object[] r : page) {
        long b = (Long) r[0];
        long log = (Long) r[1];
        String tx = (String) r[2];
        SettlementEvent.Where where = new SettlementEvent.Where(b, tx, log);
        Map<String, Object> fields = storedFields((String) r[9]);
        SettlementEvent e = EventFields.decode((String) r[3], where, fields);
        IndexedEvent ie =
            new IndexedEvent(
                e,
                (Long) r[4],
                new dev.trustdial.chain.TxFacts(
                    tx, Address.parse((String) r[6]), b, (Long) r[7], (String) r[8]));
        Optional<Long> job = Optional.ofNullable((Number) r[5]).map(Number::longValue);
        if (job.isPresent()) {
          update("MERGE INTO job_txs VALUES(?,?,?)", job.get(), tx, ie.tx().gasUsed());
        }
        project(ie, job);
        afterBlock = b;
        afterLog = log;
      }
      if (page.size() < REPLAY_PAGE) {
        return;
      }
    }
  }

  /** The first block not yet indexed. */
  public synchronized long nextBlock() {
    return meta("next_block").map(Long::parseLong).orElse(0L);
  }

  private void createSchema() throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS meta(k VARCHAR(64) PRIMARY KEY, v VARCHAR(1024) NOT NULL)");
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS events(block BIGINT NOT NULL, log_index BIGINT NOT NULL, tx_hash VARCHAR(66) NOT NULL,
            kind VARCHAR(40) NOT NULL, time BIGINT NOT NULL, job_id BIGINT, dispute_id BIGINT, operator VARCHAR(42),
            sender VARCHAR(42) NOT NULL, gas BIGINT NOT NULL, function VARCHAR(96) NOT NULL, fields VARCHAR(8192) NOT NULL,
            PRIMARY KEY(block, log_index))\
          """);
      st.execute("CREATE INDEX IF NOT EXISTS events_job ON events(job_id)");
      st.execute("CREATE INDEX IF NOT EXISTS events_operator ON events(operator)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS job_txs(job_id BIGINT NOT NULL, tx_hash VARCHAR(66) NOT NULL, gas BIGINT NOT NULL,"
              + " PRIMARY KEY(job_id, tx_hash))");
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS moves(dispute_id BIGINT NOT NULL, job_id BIGINT NOT NULL, block BIGINT NOT NULL, seq INT NOT NULL,
            kind VARCHAR(40) NOT NULL, time BIGINT NOT NULL, gas BIGINT NOT NULL, fields VARCHAR(2048) NOT NULL,
            PRIMARY KEY(dispute_id, block, seq))\
          """);
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS apps(app_id BIGINT PRIMARY KEY, owner VARCHAR(42) NOT NULL, mode VARCHAR(32) NOT NULL,
            program_digest VARCHAR(66) NOT NULL, block BIGINT NOT NULL, time BIGINT NOT NULL)\
          """);
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS jobs(job_id BIGINT PRIMARY KEY, app_id BIGINT NOT NULL, submitter VARCHAR(42) NOT NULL,
            input_blob VARCHAR(66) NOT NULL, max_steps BIGINT NOT NULL, fee NUMERIC(78,0) NOT NULL, status VARCHAR(16) NOT NULL,
            operator VARCHAR(42), attempt BIGINT NOT NULL, submitted_time BIGINT NOT NULL, result_time BIGINT,
            finalized_time BIGINT, output_blob VARCHAR(66), step_count BIGINT, challenges INT NOT NULL, takeovers INT NOT NULL,
            failure VARCHAR(64))\
          """);
      st.execute("CREATE INDEX IF NOT EXISTS jobs_app ON jobs(app_id)");
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS operators(address VARCHAR(42) PRIMARY KEY, roles VARCHAR(64) NOT NULL, signer VARCHAR(42) NOT NULL,
            endpoint VARCHAR(256) NOT NULL, registered_time BIGINT NOT NULL, exited BOOLEAN NOT NULL,
            own_stake NUMERIC(78,0) NOT NULL, delegated_stake NUMERIC(78,0) NOT NULL, queued_out NUMERIC(78,0) NOT NULL,
            slashed NUMERIC(78,0) NOT NULL, slashed_active NUMERIC(78,0) NOT NULL, slashes INT NOT NULL, assignments INT NOT NULL,
            paid INT NOT NULL, heartbeats INT NOT NULL, missed INT NOT NULL, last_heartbeat BIGINT)\
          """);
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS stake_points(operator VARCHAR(42) NOT NULL, block BIGINT NOT NULL, log_index BIGINT NOT NULL,
            time BIGINT NOT NULL, active NUMERIC(78,0) NOT NULL, cause VARCHAR(40) NOT NULL, PRIMARY KEY(operator, block, log_index))\
          """);
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS blobs(blob_key VARCHAR(66) PRIMARY KEY, kind VARCHAR(16) NOT NULL, job_id BIGINT NOT NULL,
            block BIGINT NOT NULL, time BIGINT NOT NULL, step BIGINT)\
          """);
      st.execute(
          """
          CREATE TABLE IF NOT EXISTS disputes(job_id BIGINT NOT NULL, dispute_id BIGINT NOT NULL, objective BOOLEAN NOT NULL,
            challenger VARCHAR(42) NOT NULL, opened_block BIGINT NOT NULL, verdict VARCHAR(24), PRIMARY KEY(objective, dispute_id))\
          """);
    }
  }

  // ---------------------------------------------------------------- writing

  /** Stores a batch and moves the cursor past it, atomically. */
  public synchronized void apply(Batch batch) {
    long next = nextBlock();
    if (batch.fromBlock() != next) {
      throw new IllegalStateException(
          "batch starts at block " + batch.fromBlock() + " but the index continues at " + next);
    }
    inTransaction(() -> {
      Map<String, Long> jobOfTx = new HashMap<>();
      for (IndexedEvent e : batch.events()) {
        jobIdOf(e.event()).ifPresent(j -> jobOfTx.putIfAbsent(e.event().where().txHash(), j));
      }
      for (IndexedEvent e : batch.events()) {
        Optional<Long> job =
            jobIdOf(e.event())
                .or(() -> Optional.ofNullable(jobOfTx.get(e.event().where().txHash())))
                .or(() ->
                    intersubjectiveDisputeId(e.event()).flatMap(this::jobOfIntersubjectiveDispute));
        insertEvent(e, job);
        project(e, job);
      }
      for (IndexedMove m : batch.moves()) {
        insertMove(m);
      }
      setMeta("next_block", Long.toString(batch.toBlock() + 1));
    });
  }

  private void insertEvent(IndexedEvent ie, Optional<Long> job) throws SQLException {
    SettlementEvent e = ie.event();
    String fields = json(EventFields.of((Record) e));
    if (fields.length() > MAX_FIELDS_CHARS) {
      throw new IllegalStateException(
          "event "
              + EventFields.kind(e)
              + " at "
              + e.where()
              + " has "
              + fields.length()
              + " characters of fields, over the "
              + MAX_FIELDS_CHARS
              + " this index keeps");
    }
    {
      PreparedStatement p = prepare("INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
      p.setLong(1, e.where().block());
      p.setLong(2, e.where().logIndex());
      p.setString(3, e.where().txHash());
      p.setString(4, EventFields.kind(e));
      p.setLong(5, ie.time());
      setLong(p, 6, job);
      setLong(p, 7, disputeIdOf(e));
      p.setString(8, operatorOf(e).map(Address::toString).orElse(null));
      p.setString(9, ie.tx().from().toString());
      p.setLong(10, ie.tx().gasUsed());
      p.setString(
          11,
          ie.tx().function().length() > 96
              ? ie.tx().function().substring(0, 96)
              : ie.tx().function());
      p.setString(12, fields);
      p.executeUpdate();
    }
    if (job.isPresent()) {
      update("MERGE INTO job_txs VALUES(?,?,?)", job.get(), e.where().txHash(), ie.tx().gasUsed());
    }
  }

  private void insertMove(IndexedMove m) throws SQLException {
    ObjectiveMatchEvent e = m.event();
    Map<String, Object> f = new LinkedHashMap<>(EventFields.of((Record) e));
    f.remove("disputeId");
    f.remove("block");
    long gas = f.get("gasUsed") instanceof Long g ? g : 0L;
    f.remove("gasUsed");
    {
      PreparedStatement p = prepare("INSERT INTO moves VALUES(?,?,?,?,?,?,?,?)");
      p.setLong(1, id(e.disputeId(), "dispute id"));
      p.setLong(2, m.jobId());
      p.setLong(3, e.block());
      p.setInt(4, m.seq());
      p.setString(5, e.getClass().getSimpleName());
      p.setLong(6, m.time());
      p.setLong(7, gas);
      p.setString(8, json(f));
      p.executeUpdate();
    }
    if (e instanceof ObjectiveMatchEvent.Resolved r) {
      update(
          "UPDATE disputes SET verdict=? WHERE objective=TRUE AND dispute_id=?",
          r.verdict().name(),
          id(r.disputeId(), "dispute id"));
    }
  }

  /** Keeps the projections in step with one event. */
  private void project(IndexedEvent ie, Optional<Long> job) throws SQLException {
    long t = ie.time();
    switch (ie.event()) {
      case OperatorRegistered e -> {
        if (operatorRow(e.operator()).isEmpty()) {
          update(
              "INSERT INTO operators VALUES(?,?,?,?,?,FALSE,0,0,0,0,0,0,0,0,0,0,NULL)",
              e.operator().toString(),
              roles(e.roles()),
              e.signer().toString(),
              clip(e.endpoint(), 256),
              t);
        } else {
          update(
              "UPDATE operators SET roles=?, signer=?, endpoint=?, exited=FALSE WHERE address=?",
              roles(e.roles()),
              e.signer().toString(),
              clip(e.endpoint(), 256),
              e.operator().toString());
        }
      }
      case OperatorUpdated e ->
          update(
              "UPDATE operators SET roles=?, signer=?, endpoint=? WHERE address=?",
              roles(e.roles()),
              e.signer().toString(),
              clip(e.endpoint(), 256),
              e.operator().toString());
      case OperatorExited e ->
          update("UPDATE operators SET exited=TRUE WHERE address=?", e.operator().toString());
      case Delegated e -> {
        ensureOperator(e.operator(), t);
        String column = e.staker().equals(e.operator()) ? "own_stake" : "delegated_stake";
        update(
            "UPDATE operators SET " + column + "=" + column + "+? WHERE address=?",
            dec(e.amount()),
            e.operator().toString());
        stakePoint(e.operator(), ie, "Delegated");
      }
      case WithdrawalQueued e -> {
        ensureOperator(e.operator(), t);
        update(
            "UPDATE operators SET queued_out=queued_out+? WHERE address=?",
            dec(e.amount()),
            e.operator().toString());
        stakePoint(e.operator(), ie, "WithdrawalQueued");
      }
      case Slashed e -> {
        ensureOperator(e.operator(), t);
        update(
            "UPDATE operators SET slashed=slashed+?, slashed_active=slashed_active+?, slashes=slashes+1 WHERE address=?",
            dec(e.amount()),
            dec(e.fromActive()),
            e.operator().toString());
        stakePoint(e.operator(), ie, "Slashed");
      }
      case AppCreated e ->
          update(
              "MERGE INTO apps VALUES(?,?,?,?,?,?)",
              id(e.appId(), "app id"),
              e.owner().toString(),
              e.mode().name(),
              e.programDigest().toHex(),
              e.where().block(),
              t);
      case JobSubmitted e -> {
        update(
            "MERGE INTO jobs(job_id, app_id, submitter, input_blob, max_steps, fee, status, attempt, submitted_time, challenges, takeovers)"
                + " VALUES(?,?,?,?,?,?,'SUBMITTED',0,?,0,0)",
            id(e.jobId(), "job id"),
            id(e.appId(), "app id"),
            e.submitter().toString(),
            e.inputBlobKey().toHex(),
            e.maxSteps(),
            dec(e.fee()),
            t);
        blob(e.inputBlobKey().toHex(), "input", id(e.jobId(), "job id"), ie, null);
      }
      case JobQueued e ->
          update(
              "UPDATE jobs SET status='QUEUED', attempt=? WHERE job_id=?",
              e.attempt(),
              id(e.jobId(), "job id"));
      case JobAssigned e -> {
        update(
            "UPDATE jobs SET status='ASSIGNED', operator=?, attempt=? WHERE job_id=?",
            e.operator().toString(),
            e.attempt(),
            id(e.jobId(), "job id"));
        ensureOperator(e.operator(), t);
        update(
            "UPDATE operators SET assignments=assignments+1 WHERE address=?",
            e.operator().toString());
      }
      case HeartbeatPosted e -> {
        update(
            "UPDATE jobs SET status='RUNNING' WHERE job_id=? AND status IN ('ASSIGNED','RUNNING')",
            id(e.jobId(), "job id"));
        ensureOperator(e.operator(), t);
        update(
            "UPDATE operators SET heartbeats=heartbeats+1, last_heartbeat=? WHERE address=?",
            t,
            e.operator().toString());
        if (!e.checkpointBlobKey().isZero()) {
          blob(e.checkpointBlobKey().toHex(), "checkpoint", id(e.jobId(), "job id"), ie, e.step());
        }
      }
      case HeartbeatMissed e -> {
        update(
            "UPDATE jobs SET status='MISSED', takeovers=takeovers+1 WHERE job_id=?",
            id(e.jobId(), "job id"));
        ensureOperator(e.operator(), t);
        update("UPDATE operators SET missed=missed+1 WHERE address=?", e.operator().toString());
      }
      case JobDeclined e ->
          update("UPDATE jobs SET status='DECLINED' WHERE job_id=?", id(e.jobId(), "job id"));
      case ResultSubmitted e -> {
        update(
            "UPDATE jobs SET status='RESULT', result_time=?, output_blob=?, step_count=?, operator=? WHERE job_id=?",
            t,
            e.outputBlobKey().toHex(),
            e.result().stepCount(),
            e.operator().toString(),
            id(e.jobId(), "job id"));
        if (!e.outputBlobKey().isZero()) {
          blob(
              e.outputBlobKey().toHex(),
              "output",
              id(e.jobId(), "job id"),
              ie,
              e.result().stepCount());
        }
      }
      case JobChallenged e -> {
        long jobId = id(e.jobId(), "job id");
        update(
            "UPDATE jobs SET status='CHALLENGED', challenges=challenges+1 WHERE job_id=?", jobId);
        update(
            "MERGE INTO disputes(job_id, dispute_id, objective, challenger, opened_block) VALUES(?,?,?,?,?)",
            jobId,
            id(e.disputeId(), "dispute id"),
            isObjective(jobId),
            e.challenger().toString(),
            e.where().block());
      }
      case DisputeResolved e -> {
        update(
            "UPDATE jobs SET status='RESOLVED' WHERE job_id=? AND status='CHALLENGED'",
            id(e.jobId(), "job id"));
        update(
            "UPDATE disputes SET verdict=? WHERE job_id=? AND dispute_id=?",
            e.verdict().name(),
            id(e.jobId(), "job id"),
            id(e.disputeId(), "dispute id"));
      }
      case JobFinalized e -> {
        update(
            "UPDATE jobs SET status='FINALIZED', finalized_time=? WHERE job_id=?",
            t,
            id(e.jobId(), "job id"));
        ensureOperator(e.paidTo(), t);
        update("UPDATE operators SET paid=paid+1 WHERE address=?", e.paidTo().toString());
      }
      case JobFailed e ->
          update(
              "UPDATE jobs SET status='FAILED', failure=? WHERE job_id=?",
              clip(e.reason(), 64),
              id(e.jobId(), "job id"));
      case DisputeOpened e -> {
        // The intersubjective court's own record of a challenge; JobChallenged carries the same id.
        if (jobOfIntersubjectiveDispute(id(e.disputeId(), "dispute id")).isEmpty()) {
          update(
              "MERGE INTO disputes(job_id, dispute_id, objective, challenger, opened_block) VALUES(?,?,FALSE,?,?)",
              id(e.jobId(), "job id"),
              id(e.disputeId(), "dispute id"),
              Address.ZERO.toString(),
              e.where().block());
        }
      }
      case DisputeSettled e ->
          update(
              "UPDATE disputes SET verdict=? WHERE objective=FALSE AND dispute_id=?",
              e.verdict().name(),
              id(e.disputeId(), "dispute id"));
      case WithdrawalCompleted e -> stakePoint(e.operator(), ie, "WithdrawalCompleted");
      case AllocationSet e -> {}
      case CheckpointDiscarded e -> {}
      case Voted e -> {}
      case VoteSettled e -> {}
    }
  }

  private void ensureOperator(Address op, long time) throws SQLException {
    if (operatorRow(op).isEmpty()) {
      update(
          "INSERT INTO operators VALUES(?,'','0x0000000000000000000000000000000000000000','',?,FALSE,0,0,0,0,0,0,0,0,0,0,NULL)",
          op.toString(),
          time);
    }
  }

  private void stakePoint(Address op, IndexedEvent ie, String cause) throws SQLException {
    OperatorRow o = operatorRow(op).orElseThrow();
    update(
        "MERGE INTO stake_points VALUES(?,?,?,?,?,?)",
        op.toString(),
        ie.event().where().block(),
        ie.event().where().logIndex(),
        ie.time(),
        dec(o.activeStake()),
        cause);
  }

  private void blob(String key, String kind, long jobId, IndexedEvent ie, Long step)
      throws SQLException {
    update(
        "MERGE INTO blobs VALUES(?,?,?,?,?,?)",
        key,
        kind,
        jobId,
        ie.event().where().block(),
        ie.time(),
        step);
  }

  private boolean isObjective(long jobId) throws SQLException {
    {
      PreparedStatement p =
          prepare("SELECT a.mode FROM jobs j JOIN apps a ON a.app_id=j.app_id WHERE j.job_id=?");
      p.setLong(1, jobId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && r.getString(1).equals(TrustMode.REEXEC_OBJECTIVE.name());
      }
    }
  }

  private Optional<Long> jobOfIntersubjectiveDispute(long disputeId) {
    try {
      PreparedStatement p =
          prepare("SELECT job_id FROM disputes WHERE objective=FALSE AND dispute_id=?");
      p.setLong(1, disputeId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Long> jobIdOf(SettlementEvent e) {
    BigInteger id =
        switch (e) {
          case JobSubmitted x -> x.jobId();
          case JobQueued x -> x.jobId();
          case JobAssigned x -> x.jobId();
          case HeartbeatPosted x -> x.jobId();
          case HeartbeatMissed x -> x.jobId();
          case CheckpointDiscarded x -> x.jobId();
          case JobDeclined x -> x.jobId();
          case ResultSubmitted x -> x.jobId();
          case JobChallenged x -> x.jobId();
          case DisputeResolved x -> x.jobId();
          case JobFinalized x -> x.jobId();
          case JobFailed x -> x.jobId();
          case DisputeOpened x -> x.jobId();
          case DisputeSettled x -> x.jobId();
          default -> null;
        };
    return Optional.ofNullable(id).map(i -> id(i, "job id"));
  }

  private static Optional<Long> intersubjectiveDisputeId(SettlementEvent e) {
    return switch (e) {
      case Voted x -> Optional.of(id(x.disputeId(), "dispute id"));
      case VoteSettled x -> Optional.of(id(x.disputeId(), "dispute id"));
      default -> Optional.empty();
    };
  }

  private static Optional<Long> disputeIdOf(SettlementEvent e) {
    return switch (e) {
      case JobChallenged x -> Optional.of(id(x.disputeId(), "dispute id"));
      case DisputeResolved x -> Optional.of(id(x.disputeId(), "dispute id"));
      case DisputeOpened x -> Optional.of(id(x.disputeId(), "dispute id"));
      case DisputeSettled x -> Optional.of(id(x.disputeId(), "dispute id"));
      default -> intersubjectiveDisputeId(e);
    };
  }

  /** The operator an event is about (for the operator page's history). */
  private static Optional<Address> operatorOf(SettlementEvent e) {
    return Optional.ofNullable(
        switch (e) {
          case OperatorRegistered x -> x.operator();
          case OperatorUpdated x -> x.operator();
          case OperatorExited x -> x.operator();
          case Delegated x -> x.operator();
          case WithdrawalQueued x -> x.operator();
          case WithdrawalCompleted x -> x.operator();
          case AllocationSet x -> x.operator();
          case Slashed x -> x.operator();
          case JobAssigned x -> x.operator();
          case HeartbeatPosted x -> x.operator();
          case HeartbeatMissed x -> x.operator();
          case CheckpointDiscarded x -> x.operator();
          case JobDeclined x -> x.operator();
          case ResultSubmitted x -> x.operator();
          case JobChallenged x -> x.challenger();
          case JobFinalized x -> x.paidTo();
          case Voted x -> x.voter();
          case VoteSettled x -> x.voter();
          default -> null;
        });
  }

  /**
   * Ids are uint256 onchain; this index keeps them as 63-bit numbers and refuses larger ones
   * loudly.
   */
  static long id(BigInteger v, String what) {
    if (v.signum() < 0 || v.bitLength() > 63) {
      throw new IllegalStateException(what + " " + v + " exceeds the 63-bit ids this index keeps");
    }
    return v.longValueExact();
  }

  // ---------------------------------------------------------------- reading

  public synchronized Optional<JobRow> job(long jobId) {
    List<JobRow> l = jobs("WHERE j.job_id=?", List.of(jobId), 1, 0);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  /** Jobs, newest first, optionally of one status or app. */
  public synchronized List<JobRow> jobs(
      Optional<String> status, Optional<Long> appId, int limit, int offset) {
    StringBuilder where = new StringBuilder("WHERE 1=1");
    List<Object> args = new ArrayList<>();
    status.ifPresent(s -> {
      where.append(" AND j.status=?");
      args.add(s);
    });
    appId.ifPresent(a -> {
      where.append(" AND j.app_id=?");
      args.add(a);
    });
    return jobs(where.toString(), args, limit, offset);
  }

  private List<JobRow> jobs(String where, List<Object> args, int limit, int offset) {
    String sql =
        "SELECT j.*, COALESCE(a.mode,'OTHER') AS mode, (SELECT COALESCE(SUM(t.gas),0) FROM job_txs t WHERE t.job_id=j.job_id) + (SELECT COALESCE(SUM(m.gas),0) FROM moves m WHERE m.job_id=j.job_id) AS gas_total,"
            + " (SELECT COUNT(*) FROM job_txs t WHERE t.job_id=j.job_id) AS txs"
            + " FROM jobs j LEFT JOIN apps a ON a.app_id=j.app_id "
            + where
            + " ORDER BY j.job_id DESC LIMIT ? OFFSET ?";
    return query(
        sql,
        withPage(args, limit, offset),
        r ->
            new JobRow(
                r.getLong("job_id"),
                r.getLong("app_id"),
                r.getString("mode"),
                Address.parse(r.getString("submitter")),
                r.getString("input_blob"),
                r.getLong("max_steps"),
                big(r, "fee"),
                r.getString("status"),
                Optional.ofNullable(r.getString("operator")).map(Address::parse),
                r.getLong("attempt"),
                r.getLong("submitted_time"),
                optLong(r, "result_time"),
                optLong(r, "finalized_time"),
                Optional.ofNullable(r.getString("output_blob")),
                optLong(r, "step_count"),
                r.getInt("challenges"),
                r.getInt("takeovers"),
                Optional.ofNullable(r.getString("failure")),
                r.getLong("gas_total"),
                r.getInt("txs")));
  }

  public synchronized Map<String, Integer> jobCountsByStatus() {
    Map<String, Integer> m = new LinkedHashMap<>();
    query(
        "SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status",
        List.of(),
        r -> m.put(r.getString(1), r.getInt(2)));
    return m;
  }

  public synchronized int jobCount() {
    return query("SELECT COUNT(*) FROM jobs", List.of(), r -> r.getInt(1)).getFirst();
  }

  /** Every event of a job (its timeline), in chain order. */
  public synchronized List<EventRow> jobEvents(long jobId, int limit) {
    return events("WHERE job_id=?", List.of(jobId), limit, false);
  }

  /** An operator's events, newest first. */
  public synchronized List<EventRow> operatorEvents(Address op, int limit) {
    return events("WHERE operator=?", List.of(op.toString()), limit, true);
  }

  /** Events of one kind ("Slashed"), newest first. */
  public synchronized List<EventRow> recentEvents(List<String> kinds, int limit) {
    String in = String.join(",", kinds.stream().map(k -> "?").toList());
    return events("WHERE kind IN (" + in + ")", new ArrayList<>(kinds), limit, true);
  }

  private List<EventRow> events(String where, List<Object> args, int limit, boolean newestFirst) {
    String order =
        newestFirst ? "ORDER BY block DESC, log_index DESC" : "ORDER BY block, log_index";
    return query(
        "SELECT * FROM events " + where + " " + order + " LIMIT ?",
        withPage(args, limit, -1),
        r ->
            new EventRow(
                r.getLong("block"),
                r.getLong("log_index"),
                r.getString("tx_hash"),
                r.getString("kind"),
                r.getLong("time"),
                optLong(r, "job_id"),
                optLong(r, "dispute_id"),
                Optional.ofNullable(r.getString("operator")),
                r.getString("sender"),
                r.getLong("gas"),
                r.getString("function"),
                fields(r.getString("fields"))));
  }

  public synchronized List<MoveRow> jobMoves(long jobId, int limit) {
    return query(
        "SELECT * FROM moves WHERE job_id=? ORDER BY dispute_id, block, seq LIMIT ?",
        List.of(jobId, limit),
        r ->
            new MoveRow(
                r.getLong("dispute_id"),
                r.getLong("block"),
                r.getInt("seq"),
                r.getString("kind"),
                r.getLong("time"),
                r.getLong("gas"),
                fields(r.getString("fields"))));
  }

  public synchronized List<DisputeRow> disputes(Optional<Long> jobId, int limit) {
    String where = jobId.isPresent() ? "WHERE job_id=?" : "";
    List<Object> args = jobId.<List<Object>>map(List::of).orElse(List.of());
    return query(
        "SELECT * FROM disputes " + where + " ORDER BY opened_block DESC LIMIT ?",
        withPage(args, limit, -1),
        r ->
            new DisputeRow(
                r.getLong("job_id"),
                r.getLong("dispute_id"),
                r.getBoolean("objective"),
                r.getString("challenger"),
                r.getLong("opened_block"),
                Optional.ofNullable(r.getString("verdict"))));
  }

  /** Objective disputes without a Resolved move yet: the indexer follows their matches. */
  public synchronized List<DisputeRow> openObjectiveDisputes() {
    return query(
        "SELECT * FROM disputes WHERE objective=TRUE AND verdict IS NULL",
        List.of(),
        r ->
            new DisputeRow(
                r.getLong("job_id"),
                r.getLong("dispute_id"),
                true,
                r.getString("challenger"),
                r.getLong("opened_block"),
                Optional.empty()));
  }

  public synchronized List<OperatorRow> operators(int limit) {
    return query(
        "SELECT * FROM operators ORDER BY registered_time, address LIMIT ?",
        List.of(limit),
        ExplorerStore::operator);
  }

  public synchronized Optional<OperatorRow> operator(Address op) {
    return operatorRow(op);
  }

  private Optional<OperatorRow> operatorRow(Address op) {
    List<OperatorRow> l =
        query(
            "SELECT * FROM operators WHERE address=?",
            List.of(op.toString()),
            ExplorerStore::operator);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  private static OperatorRow operator(ResultSet r) throws SQLException {
    return new OperatorRow(
        Address.parse(r.getString("address")),
        r.getString("roles"),
        r.getString("signer"),
        r.getString("endpoint"),
        r.getLong("registered_time"),
        r.getBoolean("exited"),
        big(r, "own_stake"),
        big(r, "delegated_stake"),
        big(r, "queued_out"),
        big(r, "slashed"),
        big(r, "slashed_active"),
        r.getInt("slashes"),
        r.getInt("assignments"),
        r.getInt("paid"),
        r.getInt("heartbeats"),
        r.getInt("missed"),
        optLong(r, "last_heartbeat"));
  }

  public synchronized List<StakePoint> stakeHistory(Address op, int limit) {
    return query(
        "SELECT * FROM stake_points WHERE operator=? ORDER BY block, log_index LIMIT ?",
        List.of(op.toString(), limit),
        r ->
            new StakePoint(
                r.getLong("block"), r.getLong("time"), big(r, "active"), r.getString("cause")));
  }

  public synchronized List<AppRow> apps(int limit) {
    return query(
        "SELECT a.*, (SELECT COUNT(*) FROM jobs j WHERE j.app_id=a.app_id) AS jobs FROM apps a ORDER BY app_id LIMIT ?",
        List.of(limit),
        r ->
            new AppRow(
                r.getLong("app_id"),
                Address.parse(r.getString("owner")),
                r.getString("mode"),
                r.getString("program_digest"),
                r.getLong("time"),
                r.getInt("jobs")));
  }

  public synchronized Optional<AppRow> app(long appId) {
    return apps(Integer.MAX_VALUE).stream().filter(a -> a.appId() == appId).findFirst();
  }

  public synchronized Optional<BlobRow> blob(String key) {
    List<BlobRow> l =
        query(
            "SELECT * FROM blobs WHERE blob_key=?",
            List.of(key),
            r ->
                new BlobRow(
                    r.getString("blob_key"),
                    r.getString("kind"),
                    r.getLong("job_id"),
                    r.getLong("block"),
                    r.getLong("time"),
                    optLong(r, "step")));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  public synchronized List<BlobRow> jobBlobs(long jobId) {
    return query(
        "SELECT * FROM blobs WHERE job_id=? ORDER BY block",
        List.of(jobId),
        r ->
            new BlobRow(
                r.getString("blob_key"),
                r.getString("kind"),
                r.getLong("job_id"),
                r.getLong("block"),
                r.getLong("time"),
                optLong(r, "step")));
  }

  public synchronized Optional<TrustMode> appMode(long appId) {
    List<TrustMode> l =
        query(
            "SELECT mode FROM apps WHERE app_id=?",
            List.of(appId),
            r -> TrustMode.valueOf(r.getString(1)));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  public synchronized Optional<TrustMode> jobMode(long jobId) {
    List<TrustMode> l =
        query(
            "SELECT a.mode FROM jobs j JOIN apps a ON a.app_id=j.app_id WHERE j.job_id=?",
            List.of(jobId),
            r -> TrustMode.valueOf(r.getString(1)));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  public synchronized long eventCount() {
    return query("SELECT COUNT(*) FROM events", List.of(), r -> r.getLong(1)).getFirst();
  }

  // ---------------------------------------------------------------- plumbing

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  @FunctionalInterface
  private interface Work {
    void run() throws SQLException;
  }

  private <T> List<T> query(String sql, List<?> args, Row<T> row) {
    try {
      PreparedStatement p = prepare(sql);
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(row.read(r));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("explorer database query failed: " + e.getMessage(), e);
    }
  }

  private void update(String sql, Object... args) throws SQLException {
    {
      PreparedStatement p = prepare(sql);
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          p.setNull(i + 1, Types.NULL);
        } else {
          p.setObject(i + 1, args[i]);
        }
      }
      p.executeUpdate();
    }
  }

  private void inTransaction(Work w) {
    try {
      db.setAutoCommit(false);
      try {
        w.run();
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("explorer database write failed: " + e.getMessage(), e);
    }
  }

  private Optional<String> meta(String k) {
    List<String> l = query("SELECT v FROM meta WHERE k=?", List.of(k), r -> r.getString(1));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  private void setMeta(String k, String v) throws SQLException {
    update("MERGE INTO meta VALUES(?,?)", k, v);
  }

  private static List<Object> withPage(List<Object> args, int limit, int offset) {
    List<Object> out = new ArrayList<>(args);
    out.add(limit);
    if (offset >= 0) {
      out.add(offset);
    }
    return out;
  }

  private static void setLong(PreparedStatement p, int i, Optional<Long> v) throws SQLException {
    if (v.isPresent()) {
      p.setLong(i, v.get());
    } else {
      p.setNull(i, Types.BIGINT);
    }
  }

  private static Optional<Long> optLong(ResultSet r, String col) throws SQLException {
    long v = r.getLong(col);
    return r.wasNull() ? Optional.empty() : Optional.of(v);
  }

  private static BigInteger big(ResultSet r, String col) throws SQLException {
    return r.getBigDecimal(col).toBigIntegerExact();
  }

  private static BigDecimal dec(BigInteger v) {
    return new BigDecimal(v);
  }

  private static String roles(java.util.Set<dev.trustdial.chain.Role> roles) {
    return String.join(",", roles.stream().map(Enum::name).sorted().toList());
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> fields(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("stored event fields are not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      for (PreparedStatement p : statements.values()) {
        p.close();
      }
      db.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
