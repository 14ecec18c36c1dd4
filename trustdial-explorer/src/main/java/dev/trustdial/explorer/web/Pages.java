package dev.trustdial.explorer.web;

import static dev.trustdial.explorer.web.Html.addr;
import static dev.trustdial.explorer.web.Html.blob;
import static dev.trustdial.explorer.web.Html.esc;
import static dev.trustdial.explorer.web.Html.job;
import static dev.trustdial.explorer.web.Html.page;
import static dev.trustdial.explorer.web.Html.status;
import static dev.trustdial.explorer.web.Html.time;
import static dev.trustdial.explorer.web.Html.tokens;

import dev.trustdial.da.inspect.BlobInspection;
import dev.trustdial.da.inspect.RetrievalTest;
import dev.trustdial.explorer.advisor.ModeFit;
import dev.trustdial.explorer.advisor.ModeMeasure;
import dev.trustdial.explorer.advisor.TrustAdvisor;
import dev.trustdial.explorer.advisor.Workload;
import dev.trustdial.explorer.store.AppRow;
import dev.trustdial.explorer.store.BlobRow;
import dev.trustdial.explorer.store.DisputeRow;
import dev.trustdial.explorer.store.EventRow;
import dev.trustdial.explorer.store.JobRow;
import dev.trustdial.explorer.store.MoveRow;
import dev.trustdial.explorer.store.OperatorRow;
import dev.trustdial.explorer.store.StakePoint;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Server-rendered HTML of each view; small progressive JS (explorer.js) adds live counts and the
 * verify buttons.
 */
final class Pages {
  /** Event fields that hold token amounts (wei): shown in tokens. */
  private static final Set<String> AMOUNTS =
      Set.of(
          "amount",
          "shares",
          "fee",
          "bond",
          "slashed",
          "fromActive",
          "fromPending",
          "reward",
          "penalty",
          "weight",
          "totalWeight",
          "castWeight",
          "leadingWeight");

  private Pages() {}

  static String overview(Views.Overview o) {
    StringBuilder b = new StringBuilder();
    b.append("<section class=\"cards\" id=\"live\" data-live=\"/api/overview\">");
    card(b, "indexed to block", "nextBlock", Long.toString(Math.max(0, o.nextBlock() - 1)));
    card(b, "events", "events", Long.toString(o.events()));
    card(b, "jobs", "jobs", Integer.toString(o.jobs()));
    for (Map.Entry<String, Integer> e : o.jobsByStatus().entrySet()) {
      card(
          b,
          e.getKey().toLowerCase(java.util.Locale.ROOT),
          "status-" + e.getKey(),
          e.getValue().toString());
    }
    b.append("</section>");
    b.append(
        "<h2>Operators</h2><table><thead><tr><th>operator</th><th>roles</th><th>own stake</th><th>delegated</th><th>active</th>"
            + "<th>jobs run</th><th>paid</th><th>slashes</th><th>heartbeats</th><th>missed</th><th>last heartbeat</th></tr></thead><tbody>");
    for (OperatorRow op : o.operators()) {
      b.append("<tr><td>")
          .append(addr(op.address()))
          .append(op.exited() ? " <em>(exited)</em>" : "")
          .append("</td><td>")
          .append(esc(op.roles()))
          .append("</td><td>")
          .append(tokens(op.ownStake()))
          .append("</td><td>")
          .append(tokens(op.delegatedStake()))
          .append("</td><td>")
          .append(tokens(op.activeStake()))
          .append("</td><td>")
          .append(op.assignments())
          .append("</td><td>")
          .append(op.paid())
          .append("</td><td>")
          .append(op.slashes() > 0 ? "<strong class=\"bad\">" + op.slashes() + "</strong>" : "0")
          .append("</td><td>")
          .append(op.heartbeats())
          .append("</td><td>")
          .append(op.missed())
          .append("</td><td>")
          .append(time(op.lastHeartbeat()))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    b.append("<h2>DA nodes</h2>");
    if (o.daNodes().isEmpty()) {
      b.append("<p>No operator registered the DA role.</p>");
    } else {
      BigInteger total =
          o.daNodes().stream()
              .map(OperatorRow::activeStake)
              .reduce(BigInteger.ZERO, BigInteger::add);
      b.append(
          "<table><thead><tr><th>DA node</th><th>endpoint</th><th>stake</th><th>share</th></tr></thead><tbody>");
      for (OperatorRow d : o.daNodes()) {
        b.append("<tr><td>")
            .append(addr(d.address()))
            .append("</td><td>")
            .append(esc(d.endpoint()))
            .append("</td><td>")
            .append(tokens(d.activeStake()))
            .append("</td><td>")
            .append(share(d.activeStake(), total))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("<h2>Apps</h2>").append(apps(o.apps()));
    b.append("<h2>Recent jobs</h2>")
        .append(jobsTable(o.recentJobs()))
        .append("<p><a href=\"/jobs\">all jobs</a></p>");
    b.append("<h2>Recent slashes</h2>").append(slashes(o.recentSlashes()));
    b.append("<h2>Recent disputes</h2>").append(disputes(o.recentDisputes()));
    return page("Overview", b.toString());
  }

  static String jobs(
      List<JobRow> jobs, Optional<String> status, Optional<Long> app, int limit, int offset) {
    StringBuilder b = new StringBuilder();
    b.append("<p>")
        .append(status.map(s -> "status " + esc(s) + " · ").orElse(""))
        .append(app.map(a -> "app " + a + " · ").orElse(""))
        .append("rows ")
        .append(offset + 1)
        .append("–")
        .append(offset + jobs.size())
        .append("</p>");
    b.append(jobsTable(jobs));
    if (jobs.size() == limit) {
      b.append("<p><a href=\"/jobs?offset=")
          .append(offset + limit)
          .append("&amp;limit=")
          .append(limit)
          .append(status.map(s -> "&amp;status=" + esc(s)).orElse(""))
          .append(app.map(a -> "&amp;app=" + a).orElse(""))
          .append("\">next</a></p>");
    }
    return page("Jobs", b.toString());
  }

  static String jobPage(
      Views.JobPage p, Optional<dev.trustdial.explorer.detail.Reexecution> reexecution) {
    JobRow j = p.job();
    StringBuilder b = new StringBuilder();
    b.append("<dl class=\"facts\">");
    fact(b, "status", status(j.status()) + j.failure().map(f -> " (" + esc(f) + ")").orElse(""));
    fact(b, "app", "app " + j.appId() + " · " + esc(j.mode()));
    fact(b, "submitter", addr(j.submitter()));
    fact(b, "operator", j.operator().map(Html::addr).orElse("&mdash;"));
    fact(b, "fee", tokens(j.fee()));
    fact(
        b,
        "gas (all its transactions)",
        j.gasTotal() + " in " + j.transactions() + " transactions");
    fact(b, "attempt", Long.toString(j.attempt()));
    fact(
        b,
        "takeovers",
        j.takeovers() > 0 ? "<strong class=\"bad\">" + j.takeovers() + "</strong>" : "0");
    fact(b, "challenges", Integer.toString(j.challenges()));
    fact(
        b,
        "steps",
        j.stepCount().map(String::valueOf).orElse("&mdash;") + " of at most " + j.maxSteps());
    fact(b, "submitted", time(j.submittedTime()));
    fact(b, "result", time(j.resultTime()));
    fact(
        b,
        "finalized",
        time(j.finalizedTime())
            + j.secondsToFinality().map(s -> " (" + s + " s after submission)").orElse(""));
    b.append("</dl>");
    b.append(DetailPages.section(j.jobId(), p.detail(), reexecution));

    b.append(
        "<h2>Timeline</h2><table class=\"timeline\"><thead><tr><th>time</th><th>+s</th><th>block</th><th>event</th><th>actor</th>"
            + "<th>details</th><th>gas (tx)</th><th>call</th></tr></thead><tbody>");
    Set<String> seenTx = new HashSet<>();
    for (EventRow e : p.timeline()) {
      boolean first = seenTx.add(e.txHash());
      b.append("<tr class=\"ev-")
          .append(esc(e.kind()))
          .append("\"><td>")
          .append(time(e.time()))
          .append("</td><td>+")
          .append(e.time() - j.submittedTime())
          .append("</td><td>")
          .append(e.block())
          .append("</td><td><strong>")
          .append(esc(e.kind()))
          .append("</strong></td><td>")
          .append(e.operator().map(Html::addr).orElse(addr(e.sender())))
          .append("</td><td>")
          .append(details(e))
          .append("</td><td>")
          .append(first ? Long.toString(e.gas()) : "<span class=\"muted\">same tx</span>")
          .append("</td><td>")
          .append(esc(e.function()))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");

    b.append("<h2>Blobs</h2>");
    if (p.blobs().isEmpty()) {
      b.append("<p>No DA blob referenced.</p>");
    } else {
      b.append(
          "<table><thead><tr><th>kind</th><th>blob key</th><th>step</th><th>time</th><th>availability</th></tr></thead><tbody>");
      for (BlobRow bl : p.blobs()) {
        b.append("<tr><td>")
            .append(esc(bl.kind()))
            .append("</td><td>")
            .append(blob(bl.blobKey()))
            .append("</td><td>")
            .append(bl.step().map(String::valueOf).orElse(""))
            .append("</td><td>")
            .append(time(bl.time()))
            .append("</td><td>")
            .append(verifyForm(bl.blobKey()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }

    b.append("<h2>Disputes</h2>").append(disputes(p.disputes()));
    if (!p.moves().isEmpty()) {
      b.append(
          "<h2>Bisection game</h2><p>The objective court's match, move by move; the drawing is the path down the trace tree"
              + " (stride level, then step level) to the one step checked onchain.</p>");
      b.append(bisectionSvg(p.moves()));
      b.append(
          "<table><thead><tr><th>dispute</th><th>block</th><th>move</th><th>details</th><th>gas</th></tr></thead><tbody>");
      for (MoveRow m : p.moves()) {
        b.append("<tr><td>")
            .append(m.disputeId())
            .append("</td><td>")
            .append(m.block())
            .append("</td><td>")
            .append(esc(m.kind()))
            .append("</td><td>")
            .append(fields(m.fields()))
            .append("</td><td>")
            .append(m.gas() == 0 ? "" : m.gas())
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return page("Job " + j.jobId(), b.toString());
  }

  static String operator(Views.OperatorPage p) {
    OperatorRow o = p.operator();
    StringBuilder b = new StringBuilder("<dl class=\"facts\">");
    fact(b, "address", "<code>" + esc(o.address()) + "</code>");
    fact(b, "roles", esc(o.roles()) + (o.exited() ? " (exited)" : ""));
    fact(b, "endpoint", esc(o.endpoint()));
    fact(b, "signer", "<code>" + esc(o.signer()) + "</code>");
    fact(b, "own stake", tokens(o.ownStake()));
    fact(b, "delegated stake", tokens(o.delegatedStake()));
    fact(b, "queued withdrawals", tokens(o.queuedOut()));
    fact(b, "active stake", tokens(p.activeStake()));
    fact(b, "slashed", tokens(o.slashed()) + " in " + o.slashes() + " slashes");
    fact(b, "jobs", o.assignments() + " assigned, " + o.paid() + " paid");
    fact(
        b,
        "liveness",
        o.heartbeats() + " heartbeats, " + o.missed() + " missed, last " + time(o.lastHeartbeat()));
    b.append("</dl><h2>Stake history</h2>").append(stakeSvg(p.stakeHistory()));
    b.append("<h2>Slashes</h2>").append(slashes(p.slashes()));
    b.append(
        "<h2>History</h2><table><thead><tr><th>time</th><th>block</th><th>event</th><th>job</th><th>details</th></tr></thead><tbody>");
    for (EventRow e : p.history()) {
      b.append("<tr><td>")
          .append(time(e.time()))
          .append("</td><td>")
          .append(e.block())
          .append("</td><td>")
          .append(esc(e.kind()))
          .append("</td><td>")
          .append(e.jobId().map(Html::job).orElse(""))
          .append("</td><td>")
          .append(details(e))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    return page("Operator " + Html.shortHex(o.address().toString()), b.toString());
  }

  static String blobPage(Views.BlobPage p, Optional<Views.Verification> v) {
    StringBuilder b = new StringBuilder("<dl class=\"facts\">");
    fact(b, "blob key", "<code>" + esc(p.blobKey()) + "</code>");
    fact(
        b,
        "referenced by",
        job(p.blob().jobId())
            + " as its "
            + esc(p.blob().kind())
            + p.blob().step().map(s -> " at step " + s).orElse("")
            + ", block "
            + p.blob().block()
            + ", "
            + time(p.blob().time()));
    fact(
        b,
        "certificate",
        p.certified()
            .map(c ->
                c
                    ? "<span class=\"good\">registered and unexpired</span>"
                    : "<span class=\"bad\">none registered or expired</span>")
            .orElse("no DA client configured"));
    p.inspection()
        .ifPresent(in -> {
          fact(b, "size", in.size() + " bytes in " + in.subBlobCount() + " sub-blob(s)");
          fact(
              b,
              "reference block",
              in.referenceBlock()
                  + " (the operator set and stake the certificate is checked against)");
          fact(b, "expires", time(in.expiry()));
        });
    b.append("</dl>");
    p.inspectionError()
        .ifPresent(
            e -> b.append("<p class=\"bad\">DA inspection failed: ").append(esc(e)).append("</p>"));
    p.inspection()
        .ifPresent(in ->
            b.append(certificate(in)).append(nodes(in, v.flatMap(Views.Verification::nodes))));
    b.append(
            "<h2>Retrieval test</h2><p>Fetches the chunks from the DA nodes, checks each against the blob's KZG commitments"
                + " (cell proofs) and rebuilds the bytes; each node is also asked for its own chunks (the table above then shows what it holds).</p>")
        .append(verifyForm(p.blobKey()));
    v.ifPresent(r -> b.append(verification(r)));
    return page("Blob " + Html.shortHex(p.blobKey()), b.toString());
  }

  static String certificate(BlobInspection in) {
    StringBuilder b = new StringBuilder("<h2>Certificate</h2>");
    if (in.certificate().isEmpty()) {
      return b.append(
              "<p class=\"bad\">no certificate is recorded for this blob (its header came from a DA node)</p>")
          .toString();
    }
    BlobInspection.CertificateReport c = in.certificate().get();
    b.append("<dl class=\"facts cert\">");
    fact(b, "recorded in", esc(c.source()));
    fact(
        b,
        "signed stake",
        tokens(c.signedStake())
            + " of "
            + tokens(c.totalWeight())
            + " ("
            + share(c.signedStake(), c.totalWeight())
            + "); threshold "
            + String.format(java.util.Locale.ROOT, "%.2f%%", c.thresholdBps() / 100.0)
            + ": "
            + (c.quorumMet()
                ? "<span class=\"good\">quorum met</span>"
                : "<span class=\"bad\">quorum NOT met</span>"));
    fact(b, "chunks the signers guarantee", c.guaranteedChunks() + " of 128 (64 rebuild the blob)");
    b.append(
        "</dl><table class=\"signers\"><thead><tr><th>signer</th><th>operator index</th><th>stake</th><th>share</th></tr></thead><tbody>");
    for (BlobInspection.Signer s : c.signers()) {
      b.append("<tr><td><code>")
          .append(esc(s.signer()))
          .append("</code></td><td>")
          .append(
              s.operatorIndex()
                  .map(String::valueOf)
                  .orElse("<span class=\"bad\">not in the set</span>"))
          .append("</td><td>")
          .append(tokens(s.stake()))
          .append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%.2f%%", s.shareBps() / 100.0))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  static String nodes(BlobInspection in, Optional<RetrievalTest> test) {
    StringBuilder b =
        new StringBuilder(
            "<h2>Chunks per DA node</h2><table class=\"da-nodes\"><thead><tr><th>node</th><th>endpoint</th>"
                + "<th>stake share</th><th>signed</th><th>chunks assigned</th><th>chunks held (KZG-checked)</th></tr></thead><tbody>");
    for (BlobInspection.NodeAssignment n : in.nodes()) {
      Optional<RetrievalTest.NodeRetrieval> r =
          test.flatMap(t ->
              t.nodes().stream().filter(x -> x.operatorIndex() == n.operatorIndex()).findFirst());
      String held =
          r.map(x ->
                  x.error()
                      .map(e -> "<span class=\"bad\">no answer: " + esc(e) + "</span>")
                      .orElseGet(() ->
                          "<span class=\""
                              + (x.verified().size() == x.assigned().size() ? "good" : "bad")
                              + "\">"
                              + x.verified().size()
                              + " of "
                              + x.assigned().size()
                              + "</span>"
                              + (x.rejected() > 0
                                  ? ", <span class=\"bad\">"
                                      + x.rejected()
                                      + " failed their proofs</span>"
                                  : "")
                              + " <small>"
                              + esc(ranges(x.verified()))
                              + "</small>"))
              .orElse("run the retrieval test");
      b.append("<tr><td>#")
          .append(n.operatorIndex())
          .append(" <code>")
          .append(esc(n.signer()))
          .append("</code></td><td>")
          .append(esc(n.endpoint()))
          .append("</td><td>")
          .append(String.format(java.util.Locale.ROOT, "%.2f%%", n.shareBps() / 100.0))
          .append("</td><td>")
          .append(n.signed() ? "yes" : "no")
          .append("</td><td>")
          .append(n.assignedChunks().size())
          .append(" <small>")
          .append(esc(ranges(n.assignedChunks())))
          .append("</small></td><td class=\"held\">")
          .append(held)
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    test.ifPresent(t ->
        b.append("<p class=\"")
            .append(t.rebuildable() ? "good" : "bad")
            .append("\">the nodes hold ")
            .append(t.verifiedChunks())
            .append(" verified chunks of 128: ")
            .append(t.rebuildable() ? "enough" : "NOT enough")
            .append(" to rebuild the blob (64 needed); asked in ")
            .append(t.millis())
            .append(" ms</p>"));
    return b.toString();
  }

  /** Chunk indices as ranges ("0-3, 7, 9-12"), sorted. */
  static String ranges(List<Integer> indices) {
    List<Integer> s = indices.stream().sorted().toList();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.size(); ) {
      int j = i;
      while (j + 1 < s.size() && s.get(j + 1) == s.get(j) + 1) {
        j++;
      }
      b.append(b.isEmpty() ? "" : ", ").append(s.get(i)).append(j > i ? "-" + s.get(j) : "");
      i = j + 1;
    }
    return b.toString();
  }

  static String verification(Views.Verification r) {
    return r.available()
        ? "<p class=\"verify-result good\" data-ok=\"true\">available: "
            + r.bytes()
            + " bytes rebuilt from KZG-checked chunks in "
            + r.millis()
            + " ms; sha256 "
            + esc(r.sha256().orElse(""))
            + "</p>"
        : "<p class=\"verify-result bad\" data-ok=\"false\">unavailable: "
            + esc(r.error().orElse(""))
            + "</p>";
  }

  static String advisor(Views.Advisor a, Optional<Views.Recommendation> rec, TrustAdvisor advisor) {
    StringBuilder b = new StringBuilder();
    b.append(
        "<p>Measured from the jobs indexed on this chain. Fee and gas are per job (gas sums every transaction that touched the job,"
            + " dispute moves included); latency is the median from submission to finality; re-execution cost is the mean steps a"
            + " re-executor runs.</p>");
    b.append(
        "<h2>Per app</h2><table class=\"advisor\"><thead><tr><th>app</th><th>mode</th><th>jobs</th><th>final</th><th>fee / job</th>"
            + "<th>gas / job</th><th>latency to finality</th><th>re-execution (steps)</th><th>disputes</th><th>takeovers</th>"
            + "<th>a wrong result needs corrupted</th><th>simulated here</th></tr></thead><tbody>");
    for (TrustAdvisor.AppReport r : a.apps()) {
      ModeMeasure m = r.measured();
      b.append("<tr><td><a href=\"/jobs?app=")
          .append(r.app().appId())
          .append("\">app ")
          .append(r.app().appId())
          .append("</a></td><td>")
          .append(esc(r.app().mode()))
          .append("</td>");
      measureCells(b, m);
      b.append("<td>")
          .append(esc(r.guarantee().mustCorrupt()))
          .append("</td><td>")
          .append(esc(r.guarantee().simulatedHere()))
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    b.append(
            "<h2>Describe a workload</h2><form class=\"workload\" method=\"get\" action=\"/advisor\">")
        .append(
            check(
                "deterministic",
                "deterministic program",
                rec.map(x -> x.workload().deterministic()).orElse(true)))
        .append(
            check(
                "timeVarying",
                "imports time-varying data (web prices, feeds)",
                rec.map(x -> x.workload().timeVaryingData()).orElse(false)))
        .append(
            check(
                "private",
                "private inputs",
                rec.map(x -> x.workload().privateInputs()).orElse(false)))
        .append(
            "<label>input size (bytes) <input type=\"number\" name=\"inputBytes\" min=\"0\" max=\"")
        .append(Workload.MAX_INPUT_BYTES)
        .append("\" value=\"")
        .append(rec.map(x -> x.workload().inputBytes()).orElse(1024L))
        .append("\"></label>")
        .append(
            "<label>run time (guest steps) <input type=\"number\" name=\"steps\" min=\"1\" max=\"")
        .append(Workload.MAX_STEPS)
        .append("\" value=\"")
        .append(rec.map(x -> x.workload().steps()).orElse(100_000L))
        .append("\"></label>")
        .append("<button type=\"submit\">Recommend modes</button></form>");
    rec.ifPresent(r -> {
      b.append(
          "<h2>Modes for this workload</h2><table class=\"recommend\"><thead><tr><th>mode</th><th>serves it?</th><th>why</th>"
              + "<th>jobs</th><th>final</th><th>fee / job</th><th>gas / job</th><th>latency</th><th>steps</th><th>disputes</th><th>takeovers</th>"
              + "<th>guarantee</th></tr></thead><tbody>");
      for (ModeFit f : r.modes()) {
        b.append("<tr class=\"")
            .append(f.fits() ? "fits" : "nofit")
            .append("\"><td>")
            .append(esc(f.mode()))
            .append("</td><td>")
            .append(f.fits() ? "<span class=\"good\">yes</span>" : "<span class=\"bad\">no</span>")
            .append("</td><td><ul>");
        f.reasons().forEach(x -> b.append("<li>").append(esc(x)).append("</li>"));
        b.append("</ul></td>");
        if (f.measured().isPresent()) {
          measureCells(b, f.measured().get());
        } else {
          b.append("<td colspan=\"8\" class=\"muted\">no job of this mode on this chain yet</td>");
        }
        b.append("<td>")
            .append(esc(advisor.guarantee(f.mode()).mustCorrupt()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    });
    return page("Trust advisor", b.toString());
  }

  static String error(int status, String message) {
    return page(
        "Error " + status,
        "<p class=\"bad error\">" + esc(message) + "</p><p><a href=\"/\">Overview</a></p>");
  }

  // ---------------------------------------------------------------- pieces

  private static void measureCells(StringBuilder b, ModeMeasure m) {
    b.append("<td>")
        .append(m.jobs())
        .append("</td><td>")
        .append(m.finalized())
        .append("</td><td>")
        .append(tokens(m.meanFee()))
        .append("</td><td>")
        .append(m.meanGas())
        .append("</td><td>")
        .append(Html.duration(m.medianSecondsToFinality()))
        .append("</td><td>")
        .append(m.meanSteps().map(String::valueOf).orElse("&mdash;"))
        .append("</td><td>")
        .append(m.disputes())
        .append("</td><td>")
        .append(m.takeovers())
        .append("</td>");
  }

  private static String check(String name, String label, boolean checked) {
    return "<label><input type=\"checkbox\" name=\""
        + name
        + "\" value=\"true\""
        + (checked ? " checked" : "")
        + "> "
        + esc(label)
        + "</label>";
  }

  private static void card(StringBuilder b, String label, String key, String value) {
    b.append("<div class=\"card\"><div class=\"value\" data-key=\"")
        .append(esc(key))
        .append("\">")
        .append(esc(value))
        .append("</div><div class=\"label\">")
        .append(esc(label))
        .append("</div></div>");
  }

  private static void fact(StringBuilder b, String k, String v) {
    b.append("<dt>").append(esc(k)).append("</dt><dd>").append(v).append("</dd>");
  }

  private static String share(BigInteger part, BigInteger total) {
    return total.signum() == 0
        ? "&mdash;"
        : String.format(
            java.util.Locale.ROOT, "%.1f%%", 100.0 * part.doubleValue() / total.doubleValue());
  }

  private static String apps(List<AppRow> apps) {
    StringBuilder b =
        new StringBuilder(
            "<table><thead><tr><th>app</th><th>mode</th><th>owner</th><th>program</th><th>jobs</th><th>created</th>"
                + "</tr></thead><tbody>");
    for (AppRow a : apps) {
      b.append("<tr><td><a href=\"/jobs?app=")
          .append(a.appId())
          .append("\">app ")
          .append(a.appId())
          .append("</a></td><td>")
          .append(esc(a.mode()))
          .append("</td><td>")
          .append(addr(a.owner()))
          .append("</td><td><code>")
          .append(esc(Html.shortHex(a.programDigest())))
          .append("</code></td><td>")
          .append(a.jobs())
          .append("</td><td>")
          .append(time(a.createdTime()))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String jobsTable(List<JobRow> jobs) {
    StringBuilder b =
        new StringBuilder(
            "<table><thead><tr><th>job</th><th>app</th><th>mode</th><th>status</th><th>operator</th><th>fee</th>"
                + "<th>gas</th><th>takeovers</th><th>challenges</th><th>submitted</th><th>to finality</th></tr></thead><tbody>");
    for (JobRow j : jobs) {
      b.append("<tr><td>")
          .append(job(j.jobId()))
          .append("</td><td>")
          .append(j.appId())
          .append("</td><td>")
          .append(esc(j.mode()))
          .append("</td><td>")
          .append(status(j.status()))
          .append("</td><td>")
          .append(j.operator().map(Html::addr).orElse("&mdash;"))
          .append("</td><td>")
          .append(tokens(j.fee()))
          .append("</td><td>")
          .append(j.gasTotal())
          .append("</td><td>")
          .append(j.takeovers())
          .append("</td><td>")
          .append(j.challenges())
          .append("</td><td>")
          .append(time(j.submittedTime()))
          .append("</td><td>")
          .append(Html.duration(j.secondsToFinality()))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String slashes(List<EventRow> slashes) {
    if (slashes.isEmpty()) {
      return "<p>No slashes.</p>";
    }
    StringBuilder b =
        new StringBuilder(
            "<table class=\"slashes\"><thead><tr><th>time</th><th>operator</th><th>role</th><th>amount</th>"
                + "<th>reason</th><th>evidence</th></tr></thead><tbody>");
    for (EventRow e : slashes) {
      b.append("<tr><td>")
          .append(time(e.time()))
          .append("</td><td>")
          .append(addr(e.fields().get("operator")))
          .append("</td><td>")
          .append(esc(e.fields().get("role")))
          .append("</td><td>")
          .append(tokens(new BigInteger(String.valueOf(e.fields().get("amount")))))
          .append("</td><td>")
          .append(esc(e.fields().get("reason")))
          .append("</td><td>")
          .append(e.jobId().map(Html::job).orElse(""))
          .append(" tx <code>")
          .append(esc(Html.shortHex(e.txHash())))
          .append("</code> (")
          .append(esc(e.function()))
          .append(")</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String disputes(List<DisputeRow> disputes) {
    if (disputes.isEmpty()) {
      return "<p>No disputes.</p>";
    }
    StringBuilder b =
        new StringBuilder(
            "<table class=\"disputes\"><thead><tr><th>job</th><th>dispute</th><th>court</th><th>challenger</th>"
                + "<th>opened (block)</th><th>verdict</th></tr></thead><tbody>");
    for (DisputeRow d : disputes) {
      b.append("<tr><td>")
          .append(job(d.jobId()))
          .append("</td><td>")
          .append(d.disputeId())
          .append("</td><td>")
          .append(d.objective() ? "objective (bisection)" : "intersubjective (votes)")
          .append("</td><td>")
          .append(
              d.challenger().equals("0x0000000000000000000000000000000000000000")
                  ? "&mdash;"
                  : addr(d.challenger()))
          .append("</td><td>")
          .append(d.openedBlock())
          .append("</td><td>")
          .append(d.verdict().map(Html::status).orElse(status("OPEN")))
          .append("</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  private static String details(EventRow e) {
    return fields(e.fields());
  }

  private static String fields(Map<String, Object> f) {
    StringBuilder b = new StringBuilder("<span class=\"fields\">");
    for (Map.Entry<String, Object> x : f.entrySet()) {
      if (x.getKey().equals("jobId")) {
        continue;
      }
      String v = String.valueOf(x.getValue());
      String shown;
      if (x.getValue() instanceof Map<?, ?> nested) {
        // A result commitment: the step count and the hashes, each shortened.
        StringBuilder n = new StringBuilder("{");
        nested.forEach((k, val) ->
            n.append(esc(k))
                .append(' ')
                .append(
                    val instanceof String str && str.length() > 20
                        ? "<code title=\"" + esc(str) + "\">" + esc(Html.shortHex(str)) + "</code>"
                        : esc(val))
                .append(", "));
        shown = n.substring(0, Math.max(1, n.length() - 2)) + "}";
      } else if (AMOUNTS.contains(x.getKey()) && v.matches("\\d{1,78}")) {
        shown = tokens(new BigInteger(v));
      } else if (x.getKey().toLowerCase(java.util.Locale.ROOT).contains("blobkey")
          && v.matches("0x[0-9a-f]{64}")
          && !v.equals("0x" + "0".repeat(64))) {
        shown = blob(v);
      } else if (v.matches("0x[0-9a-fA-F]{40}")) {
        shown = addr(v);
      } else if (v.length() > 20) {
        shown = "<code title=\"" + esc(v) + "\">" + esc(Html.shortHex(v)) + "</code>";
      } else {
        shown = esc(v);
      }
      b.append("<span class=\"f\"><span class=\"k\">")
          .append(esc(x.getKey()))
          .append("</span> ")
          .append(shown)
          .append("</span> ");
    }
    return b.append("</span>").toString();
  }

  private static String verifyForm(String key) {
    return "<form class=\"verify\" method=\"post\" action=\"/blobs/"
        + esc(key)
        + "/verify\" data-api=\"/api/blobs/"
        + esc(key)
        + "/verify\"><button type=\"submit\">verify availability</button><span class=\"verify-out\"></span></form>";
  }

  /** Active stake after each stake event, as an inline SVG step chart (no script needed). */
  static String stakeSvg(List<StakePoint> points) {
    if (points.isEmpty()) {
      return "<p>No stake events.</p>";
    }
    int w = 640;
    int h = 180;
    int pad = 30;
    BigInteger max =
        points.stream().map(StakePoint::active).reduce(BigInteger.ONE, BigInteger::max);
    long t0 = points.getFirst().time();
    long t1 = Math.max(points.getLast().time(), t0 + 1);
    StringBuilder path = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    double prevY = h - pad;
    for (int i = 0; i < points.size(); i++) {
      StakePoint p = points.get(i);
      double x = pad + (w - 2.0 * pad) * (p.time() - t0) / (t1 - t0);
      double y = (h - pad) - (h - 2.0 * pad) * p.active().doubleValue() / max.doubleValue();
      path.append(i == 0 ? "M" : " L")
          .append(fmt(x))
          .append(',')
          .append(fmt(i == 0 ? y : prevY))
          .append(" L")
          .append(fmt(x))
          .append(',')
          .append(fmt(y));
      dots.append("<circle cx=\"")
          .append(fmt(x))
          .append("\" cy=\"")
          .append(fmt(y))
          .append("\" r=\"3\" class=\"c-")
          .append(esc(p.cause()))
          .append("\"><title>")
          .append(esc(p.cause()))
          .append(" at block ")
          .append(p.block())
          .append(": ")
          .append(tokens(p.active()))
          .append("</title></circle>");
      prevY = y;
    }
    return "<svg class=\"chart\" viewBox=\"0 0 "
        + w
        + " "
        + h
        + "\" role=\"img\" aria-label=\"active stake over time\">"
        + "<line x1=\""
        + pad
        + "\" y1=\""
        + (h - pad)
        + "\" x2=\""
        + (w - pad)
        + "\" y2=\""
        + (h - pad)
        + "\" class=\"axis\"/>"
        + "<text x=\""
        + pad
        + "\" y=\""
        + (pad - 8)
        + "\">"
        + tokens(max)
        + "</text><path d=\""
        + path
        + "\" class=\"line\"/>"
        + dots
        + "</svg>";
  }

  /**
   * The match's descent: one point per move at (node index, height) of the stride or step tree,
   * joined into a path.
   */
  static String bisectionSvg(List<MoveRow> moves) {
    StringBuilder out = new StringBuilder();
    for (boolean stepLevel : List.of(false, true)) {
      List<MoveRow> ms =
          moves.stream()
              .filter(m -> m.kind().equals("Bisected"))
              .filter(m ->
                  Boolean.parseBoolean(String.valueOf(m.fields().get("stepLevel"))) == stepLevel)
              .toList();
      if (ms.isEmpty()) {
        continue;
      }
      int height =
          ms.stream()
                  .mapToInt(m -> Integer.parseInt(String.valueOf(m.fields().get("level"))))
                  .max()
                  .orElse(0)
              + 1;
      int w = 480;
      int rowH = 26;
      int h = rowH * (height + 1) + 20;
      StringBuilder pts = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (MoveRow m : ms) {
        int level = Integer.parseInt(String.valueOf(m.fields().get("level")));
        long index = Long.parseLong(String.valueOf(m.fields().get("index")));
        double span = Math.pow(2, level);
        double x = 20 + (w - 40) * ((index + 0.5) * span) / Math.pow(2, height);
        double y = 20 + rowH * (height - level);
        pts.append(fmt(x)).append(',').append(fmt(y)).append(' ');
        dots.append("<circle cx=\"")
            .append(fmt(x))
            .append("\" cy=\"")
            .append(fmt(y))
            .append("\" r=\"4\"><title>side ")
            .append(esc(m.fields().get("side")))
            .append(" at level ")
            .append(level)
            .append(", index ")
            .append(index)
            .append("</title></circle>");
      }
      out.append("<figure><figcaption>")
          .append(stepLevel ? "step level" : "stride level")
          .append("</figcaption><svg class=\"bisection\" viewBox=\"0 0 ")
          .append(w)
          .append(' ')
          .append(h)
          .append("\" role=\"img\" aria-label=\"bisection path\"><polyline points=\"")
          .append(pts)
          .append("\" class=\"line\"/>")
          .append(dots)
          .append("</svg></figure>");
    }
    return out.toString();
  }

  private static String fmt(double d) {
    return String.format(java.util.Locale.ROOT, "%.1f", d);
  }
}
