package dev.trustdial.explorer.web;

import static dev.trustdial.explorer.web.Html.addr;
import static dev.trustdial.explorer.web.Html.blob;
import static dev.trustdial.explorer.web.Html.esc;

import dev.trustdial.explorer.detail.JobDetail;
import dev.trustdial.explorer.detail.Reexecution;
import java.util.List;
import java.util.Optional;

/**
 * The job page's section for what DA and the chain hold beyond the events: inference and TEE jobs.
 */
final class DetailPages {
  /** Characters of a completion or request a page shows (the JSON API has all of it). */
  static final int MAX_SHOWN = 8_000;

  private DetailPages() {}

  static String section(long jobId, JobDetail detail, Optional<Reexecution> reexecution) {
    StringBuilder b = new StringBuilder();
    switch (detail) {
      case JobDetail.Plain p -> {
        return "";
      }
      case JobDetail.Unavailable u ->
          b.append("<h2>Job detail</h2><p class=\"muted\">Not available: ")
              .append(esc(u.reason()))
              .append("</p>");
      case JobDetail.Inference i -> inference(b, jobId, i, reexecution);
      case JobDetail.Tee t -> tee(b, t);
    }
    return b.toString();
  }

  private static void inference(
      StringBuilder b, long jobId, JobDetail.Inference i, Optional<Reexecution> r) {
    b.append("<h2>Inference</h2><dl class=\"facts\">");
    fact(b, "model blob", blob(i.programBlobKey()));
    fact(b, "endpoint", esc(i.endpoint()));
    i.sampling()
        .ifPresent(s ->
            fact(
                b,
                "sampling",
                "temperature "
                    + s.temperature().map(String::valueOf).orElse("default")
                    + " · top_p "
                    + s.topP().map(String::valueOf).orElse("default")
                    + " · seed "
                    + s.seed().map(String::valueOf).orElse("0")
                    + " · max_tokens "
                    + s.maxTokens().map(String::valueOf).orElse("default")));
    b.append("</dl><h3>Request</h3><pre class=\"request\">")
        .append(esc(clip(i.request().toPrettyString())))
        .append("</pre>");
    i.completion()
        .ifPresent(c -> {
          b.append("<h3>Completion</h3><pre class=\"completion\">")
              .append(esc(clip(c.text())))
              .append("</pre><dl class=\"facts\">");
          fact(b, "finish reason", esc(c.finishReason()));
          fact(
              b,
              "output tokens",
              c.outputTokens() + check(c.tokenCountMatches(), "= stepCount onchain"));
          fact(b, "model sha256", "<code>" + esc(c.modelSha256()) + "</code>");
          fact(b, "output bytes", check(c.outputHashMatches(), "keccak256 = outputHash onchain"));
          fact(
              b, "output token ids", check(c.tokensHashMatches(), "hash = finalStateHash onchain"));
          fact(
              b,
              "prompt tokens hash",
              "<code>"
                  + esc(c.promptTokensHash())
                  + "</code>"
                  + check(c.promptHashMatches(), "= checkpointRoot onchain"));
          b.append("</dl>");
        });
    i.onchain().ifPresent(c -> commitment(b, "Result commitment (onchain)", c));
    notes(b, i.notes());
    if (i.onchain().isPresent()) {
      b.append("<form class=\"reexecute\" method=\"post\" action=\"/jobs/")
          .append(jobId)
          .append(
              "/reexecute\"><button type=\"submit\">"
                  + "re-execute</button> <span class=\"muted\">runs the request on the app's model here (one at a time, models up to the explorer's"
                  + " limit, stopped after its time limit)</span></form>");
    }
    r.ifPresent(x -> {
      b.append("<h3>Re-execution</h3><p class=\"reexec ")
          .append(x.matches() ? "ok" : "bad")
          .append("\"><strong>")
          .append(esc(x.outcome()))
          .append("</strong> in ")
          .append(x.millis())
          .append(" ms (model ")
          .append(x.modelBytes())
          .append(" bytes)")
          .append(x.note().map(n -> ": " + esc(n)).orElse(""))
          .append("</p>");
      x.recomputed().ifPresent(c -> commitment(b, "Recomputed commitment", c));
      x.text()
          .ifPresent(
              t -> b.append("<pre class=\"completion\">").append(esc(clip(t))).append("</pre>"));
    });
  }

  private static void tee(StringBuilder b, JobDetail.Tee t) {
    b.append("<h2>TEE</h2><dl class=\"facts\">");
    fact(b, "artifact blob", blob(t.artifactBlobKey()));
    fact(b, "app signer (wallet)", t.signer().map(Html::addr).orElse("none set"));
    fact(
        b,
        "secrets (sealed to the KMS)",
        t.secrets().isEmpty()
            ? "none"
            : esc(
                String.join(
                    ", ",
                    t.secrets().stream()
                        .map(s -> s.name() + " (" + s.ciphertextBytes() + " bytes)")
                        .toList())));
    fact(
        b,
        "app input",
        t.appInputBytes()
            + " bytes"
            + t.appInputText().map(x -> ": <code>" + esc(clip(x)) + "</code>").orElse(""));
    t.policy()
        .ifPresent(p ->
            fact(
                b,
                "policy (AppRegistry)",
                p.bytes()
                    + " bytes · debug "
                    + (p.allowDebug() ? "allowed" : "refused")
                    + " · simulated "
                    + (p.allowSimulated() ? "<strong class=\"bad\">allowed</strong>" : "refused")
                    + " · worst TCB "
                    + esc(p.worstTcb())
                    + "<br>"
                    + esc(String.join("; ", p.allowed()))));
    b.append("</dl>");
    t.launchConfig()
        .ifPresent(c ->
            b.append("<h3>Launch configuration</h3><pre>")
                .append(esc(clip(c.toPrettyString())))
                .append("</pre>"));
    t.onchain()
        .ifPresent(c ->
            commitment(
                b, "Result commitment (onchain; checkpointRoot = the fetch transcript's head)", c));
    t.failureRecord()
        .ifPresent(f ->
            b.append("<h3>App failed</h3><pre>")
                .append(esc(clip(f.toPrettyString())))
                .append("</pre>"));
    t.answer()
        .ifPresent(a -> {
          b.append("<h3>Signed answer</h3><dl class=\"facts\">");
          fact(
              b,
              "verdict",
              (a.valid()
                      ? "<strong class=\"ok\">VALID</strong>"
                      : "<strong class=\"bad\">INVALID</strong>")
                  + a.failure().map(f -> ": " + esc(f)).orElse("")
                  + (a.simulated()
                      ? " <span class=\"bad\">(simulated evidence: no hardware protected"
                          + " this app)</span>"
                      : ""));
          fact(b, "answer", "<code>" + esc(clip(a.answer())) + "</code>");
          fact(
              b,
              "wallet",
              addr(a.wallet())
                  + (a.walletIsAppSigner()
                      ? " (the app's signer)"
                      : " (not the app's onchain signer)"));
          a.platform().ifPresent(p -> fact(b, "platform", esc(p)));
          fact(b, "checks", esc(String.join("; ", a.checks())));
          b.append("</dl>");
          if (!a.transcript().isEmpty()) {
            b.append(
                "<table><thead><tr><th>#</th><th>time</th><th>status</th><th>url</th><th>body sha256</th></tr></thead><tbody>");
            for (JobDetail.Fetch f : a.transcript()) {
              b.append("<tr><td>")
                  .append(f.index())
                  .append("</td><td>")
                  .append(esc(f.time()))
                  .append("</td><td>")
                  .append(f.status())
                  .append("</td><td>")
                  .append(esc(f.url()))
                  .append("</td><td><code>")
                  .append(esc(f.bodySha256()))
                  .append("</code></td></tr>");
            }
            b.append("</tbody></table>");
          }
        });
    notes(b, t.notes());
  }

  private static void commitment(StringBuilder b, String title, JobDetail.Commitment c) {
    b.append("<h3>").append(esc(title)).append("</h3><dl class=\"facts\">");
    fact(b, "outputHash", "<code>" + esc(c.outputHash()) + "</code>");
    fact(b, "finalStateHash", "<code>" + esc(c.finalStateHash()) + "</code>");
    fact(b, "stepCount", Long.toString(c.stepCount()));
    fact(b, "checkpointRoot", "<code>" + esc(c.checkpointRoot()) + "</code>");
    b.append("</dl>");
  }

  private static void notes(StringBuilder b, List<String> notes) {
    if (!notes.isEmpty()) {
      b.append("<ul class=\"notes\">");
      notes.forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
      b.append("</ul>");
    }
  }

  private static String check(boolean ok, String what) {
    return ok
        ? " <span class=\"ok\">✓ " + esc(what) + "</span>"
        : " <strong class=\"bad\">✗ not " + esc(what) + "</strong>";
  }

  private static void fact(StringBuilder b, String k, String v) {
    b.append("<dt>").append(esc(k)).append("</dt><dd>").append(v).append("</dd>");
  }

  private static String clip(String s) {
    return s.length() > MAX_SHOWN
        ? s.substring(0, MAX_SHOWN) + "… (" + s.length() + " characters; the JSON API has all)"
        : s;
  }
}
