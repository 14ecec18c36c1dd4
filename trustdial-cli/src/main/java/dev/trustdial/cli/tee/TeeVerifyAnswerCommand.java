package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.read;
import static dev.trustdial.cli.tee.TeeCommand.readRoot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.transcript.TranscriptEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify-answer",
    description = {
      "Check a signed answer bundle: evidence, transcript chain, report data binding, wallet signature, bodies.",
      "Exit 0 valid, 1 invalid (the reason is printed), 2 bad input."
    })
final class TeeVerifyAnswerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--bundle", required = true, paramLabel = "FILE")
  Path bundle;

  @Option(
      names = "--at",
      defaultValue = "now",
      paramLabel = "ISO-TIME",
      description = "Verification time (default: now).")
  String at;

  @Option(
      names = "--simulation-root",
      paramLabel = "FILE",
      description = "Accept INSECURE simulated evidence under this root (dev only).")
  Optional<Path> simulationRoot;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Also require a measurement this app policy allows.")
  Optional<Path> policy;

  @Option(
      names = "--wallet",
      paramLabel = "ADDRESS",
      description = "Also require this app wallet (e.g. from GET /v1/apps/{id}/wallet).")
  Optional<String> wallet;

  @Option(names = "--json")
  boolean json;

  @Override
  public Integer call() {
    Instant time;
    try {
      time = at.equals("now") ? Instant.now() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "--at '" + at + "' is not an ISO-8601 time like 2026-01-01T00:00:00Z (or 'now')");
    }
    SignedAnswer a = SignedAnswer.fromJson(read(bundle, SignedAnswer.MAX_BUNDLE, "answer bundle"));
    TrustAnchors anchors = TrustAnchors.pinned();
    AttestationPolicy p = AttestationPolicy.standard();
    if (simulationRoot.isPresent()) {
      anchors = anchors.withSimulationRoots(List.of(readRoot(simulationRoot.get())));
      p = p.allowingSimulated();
    }
    Optional<Address> w = wallet.map(Address::parse);
    SignedAnswer.Check c = a.verify(anchors, p, time, policy.map(TeeCommand::readPolicy), w);
    PrintWriter out = spec.commandLine().getOut();
    boolean simulated = c.verdict().map(v -> v.simulated()).orElse(false);
    if (json) {
      ObjectNode n = JsonExchange.JSON.createObjectNode();
      n.put("valid", c.valid());
      c.failure().ifPresent(f -> n.put("failure", f));
      n.put("simulated", simulated);
      n.put("appId", a.appId().toString());
      n.put("answer", a.answer());
      n.put("wallet", a.wallet().toString());
      c.checks().forEach(n.putArray("checks")::add);
      var es = n.putArray("transcript");
      c.entries()
          .forEach(e ->
              es.addObject()
                  .put("url", e.url())
                  .put("time", e.time().toString())
                  .put("status", e.status())
                  .put("bodySha256", e.bodySha256().toHex())
                  .put("certChainSha256", e.certChainSha256().toHex()));
      out.println(n.toPrettyString());
    } else {
      out.println(c.failure().map(f -> "INVALID: " + f).orElse("VALID"));
      if (simulated) {
        out.println(
            "WARNING: simulated evidence (simulated: true): no hardware protected this app");
      }
      out.println("app     " + a.appId());
      out.println("answer  " + a.answer());
      out.println("wallet  " + a.wallet());
      for (TranscriptEntry e : c.entries()) {
        out.println(
            "fetch   "
                + e.index()
                + " "
                + e.time()
                + " "
                + e.status()
                + " "
                + e.url()
                + " body "
                + Hex.encodeBare(e.bodySha256().bytes()).substring(0, 16)
                + "..");
      }
      out.println("checks:");
      c.checks().forEach(x -> out.println("  - " + x));
    }
    out.flush();
    return c.valid() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
