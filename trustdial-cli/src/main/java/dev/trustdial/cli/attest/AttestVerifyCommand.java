package dev.trustdial.cli.attest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.json.Json;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.CollateralFiles;
import dev.trustdial.tee.attest.DecodedEvidence;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.EvidenceFormats;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.attest.VerificationResult;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial attest verify}: verifies evidence offline against the pinned vendor roots at the
 * given time. Exit 0 valid, 1 invalid (with the reason), 2 bad input (also as JSON with {@code
 * --json}).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify attestation evidence offline at a given time and print the verdict.",
      "Evidence: a TDX quote (v4/v5), a 1184-byte SEV-SNP report, a Nitro COSE_Sign1 document,",
      "TrustDial simulated evidence, or an evidence envelope (which carries its collateral);",
      "as raw bytes, hex (0x optional), base64 (standard or URL-safe), a JSON object holding it as",
      "hex/base64 under quote, report, attestation_document, document or evidence (dstack's",
      "getquote answer), or dstack's SCALE-length-prefixed quote file. Bytes after a TDX quote",
      "are ignored (and reported). Every conversion is listed in the checks.",
      "Collateral (repeat --collateral, or name a directory):",
      "  TDX: TrustDial's collateral JSON, or Intel PCS's raw responses: the TCB info and QE",
      "  identity JSON, the PCK CRL and root CA CRL (DER, PEM or hex), the TCB-Info-Issuer-Chain",
      "  header saved as a file (PEM or URL-encoded); the SGX-PCK-CRL-Issuer-Chain header is",
      "  optional (taken from the quote otherwise).",
      "  SEV-SNP: the VCEK, optionally with the ASK (and ARK), as DER, concatenated DER or PEM.",
      "  Nitro and simulated evidence: none.",
      "Exit codes: 0 valid, 1 invalid (signature, chain, TCB, policy), 2 bad input (unreadable or",
      "malformed evidence or collateral, bad options); with --json exit 2 prints",
      "{\"valid\": false, \"error\": {\"kind\": \"bad-input\", \"message\": ...}} too."
    })
public final class AttestVerifyCommand implements Callable<Integer> {
  static final long MAX_COLLATERAL_BYTES = EvidenceEnvelope.MAX_COLLATERAL;

  @Spec CommandSpec spec;

  @Option(
      names = "--evidence",
      required = true,
      paramLabel = "FILE",
      description = "The evidence file.")
  Path evidence;

  @Option(
      names = "--collateral",
      paramLabel = "FILE|DIR",
      description =
          "Collateral for TDX and SEV-SNP: a file, repeated for several, or a directory of them.")
  List<Path> collateral = new ArrayList<>();

  @Option(
      names = "--at",
      required = true,
      paramLabel = "ISO-TIME",
      description =
          "Verification time, e.g. 2025-07-01T00:00:00Z (or 'now'). Certificates and collateral must be valid then.")
  String at;

  @Option(names = "--json", description = "Print the verdict (or the bad-input error) as JSON.")
  boolean json;

  @Option(names = "--allow-debug", description = "Accept evidence from a TEE in debug mode.")
  boolean allowDebug;

  @Option(names = "--require-up-to-date", description = "Refuse any TCB status but UpToDate.")
  boolean requireUpToDate;

  @Option(
      names = "--simulation-root",
      paramLabel = "FILE",
      description = "Accept INSECURE simulated evidence under this root certificate (dev only).")
  Optional<Path> simulationRoot;

  @Override
  public Integer call() {
    try {
      return verify();
    } catch (InvalidInputException e) {
      if (json) {
        // Machines get an answer on stdout too; Main prints the one-line error and exits 2.
        PrintWriter out = spec.commandLine().getOut();
        out.println(badInputJson(e.getMessage()));
        out.flush();
      }
      throw e;
    }
  }

  private int verify() {
    Instant time = parseTime(at);
    DecodedEvidence decoded = decode(read(evidence, EvidenceFormats.MAX_INPUT_BYTES, "evidence"));
    byte[] evidenceBytes = decoded.bytes().toArray();
    List<String> notes = new ArrayList<>(decoded.conversions());
    List<CollateralFiles.Input> files = readCollateral(collateral);
    CollateralFiles.Read col;
    try {
      if (decoded.isEnvelope()) {
        if (!files.isEmpty()) {
          throw new InvalidInputException(
              "the evidence file is an envelope that carries its collateral; drop --collateral");
        }
        EvidenceEnvelope env = EvidenceEnvelope.decode(evidenceBytes);
        evidenceBytes = env.evidence().bytes().toArray();
        files =
            env.collateral()
                .map(b -> List.of(new CollateralFiles.Input("the envelope's collateral", b)))
                .orElse(List.of());
        notes.add("read an evidence envelope (" + env.evidence().platform() + ")");
      }
      col = CollateralFiles.read(evidenceBytes, files);
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    }
    notes.addAll(col.notes());
    TrustAnchors anchors = TrustAnchors.pinned();
    AttestationPolicy policy = AttestationPolicy.standard();
    if (simulationRoot.isPresent()) {
      anchors = anchors.withSimulationRoots(List.of(readRoot(simulationRoot.get())));
      policy = policy.allowingSimulated();
    }
    if (allowDebug) {
      policy = policy.allowingDebug();
    }
    if (requireUpToDate) {
      policy = policy.requireUpToDate();
    }
    VerificationResult raw =
        new AttestationVerifier(anchors).verify(evidenceBytes, col.collateral(), time);
    if (raw instanceof VerificationResult.Invalid(Failure.Malformed m)) {
      // Evidence (or collateral) that does not parse is bad input, not a negative verdict.
      throw new InvalidInputException(
          m.message() + (notes.isEmpty() ? "" : " (input: " + String.join("; ", notes) + ")"));
    }
    Optional<Verdict> verdict =
        raw instanceof VerificationResult.Valid(Verdict v)
            ? Optional.of(v.withChecksBefore(notes))
            : Optional.empty();
    Optional<Failure> failure =
        switch (raw) {
          case VerificationResult.Invalid(Failure f) -> Optional.of(f);
          case VerificationResult.Valid(Verdict v) -> policy.check(v);
        };
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(verdict, failure, time, notes));
    } else {
      printHuman(out, verdict, failure, time, notes);
    }
    out.flush();
    return failure.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  static DecodedEvidence decode(byte[] input) {
    try {
      return EvidenceFormats.decode(input);
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    }
  }

  /**
   * Each path a file, or a directory whose regular files (by name, hidden ones skipped) are read.
   */
  static List<CollateralFiles.Input> readCollateral(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          List<Path> inDir =
              s.filter(Files::isRegularFile)
                  .filter(f -> !f.getFileName().toString().startsWith("."))
                  .sorted()
                  .toList();
          if (inDir.isEmpty()) {
            throw new InvalidInputException("collateral directory " + p + " has no files");
          }
          files.addAll(inDir);
        } catch (IOException e) {
          throw new InvalidInputException(
              "cannot list collateral directory " + p + ": " + e.getMessage());
        }
      } else {
        files.add(p);
      }
      if (files.size() > CollateralFiles.MAX_FILES) {
        throw new InvalidInputException(
            "more than " + CollateralFiles.MAX_FILES + " collateral files");
      }
    }
    List<CollateralFiles.Input> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new CollateralFiles.Input(f.toString(), read(f, MAX_COLLATERAL_BYTES, "collateral")));
    }
    return out;
  }

  static String badInputJson(String message) {
    ObjectMapper m = Json.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    ObjectNode root = m.createObjectNode();
    root.put("valid", false);
    root.putObject("error").put("kind", "bad-input").put("message", message);
    return root.toPrettyString();
  }

  static String toJson(
      Optional<Verdict> verdict, Optional<Failure> failure, Instant at, List<String> input) {
    ObjectMapper m = Json.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    ObjectNode root = m.createObjectNode();
    root.put("valid", failure.isEmpty());
    root.put("verifiedAt", at.toString());
    input.forEach(root.putArray("input")::add);
    failure.ifPresent(
        f -> root.putObject("failure").put("kind", f.kind()).put("message", f.message()));
    verdict.ifPresent(v -> {
      ObjectNode n = root.putObject("verdict");
      n.put("platform", v.platform().name());
      n.put("simulated", v.simulated());
      n.put("debug", v.debug());
      n.put("tcbStatus", v.tcbStatus().wireName());
      v.advisoryIds().forEach(n.putArray("advisoryIds")::add);
      n.put("reportData", v.reportData().toHex());
      v.issuedAt().ifPresent(t -> n.put("issuedAt", t.toString()));
      ObjectNode ms = n.putObject("measurements");
      v.measurements().forEach(x -> ms.put(x.name(), x.value().toHex()));
      ObjectNode fs = n.putObject("fields");
      v.fields().forEach(x -> fs.put(x.name(), x.value().toHex()));
      v.checks().forEach(n.putArray("checks")::add);
    });
    try {
      return m.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings serializes", e);
    }
  }

  static void printHuman(
      PrintWriter out,
      Optional<Verdict> verdict,
      Optional<Failure> failure,
      Instant at,
      List<String> input) {
    out.println(failure.map(f -> "INVALID: " + f.message()).orElse("VALID"));
    if (verdict.isEmpty()) {
      input.forEach(c -> out.println("input: " + c)); // with a verdict, they lead its checks
    }
    verdict.ifPresent(v -> {
      if (v.simulated()) {
        out.println("WARNING: simulated evidence (simulated: true): no hardware protects this app");
      }
      row(out, "platform", v.platform().name());
      row(out, "simulated", Boolean.toString(v.simulated()));
      row(out, "debug", Boolean.toString(v.debug()));
      row(out, "tcb status", v.tcbStatus().wireName());
      if (!v.advisoryIds().isEmpty()) {
        row(out, "advisories", String.join(", ", v.advisoryIds()));
      }
      v.issuedAt().ifPresent(t -> row(out, "issued at", t.toString()));
      row(out, "verified at", at.toString());
      row(out, "report data", v.reportData().toBareHex());
      for (NamedBytes mb : v.measurements()) {
        row(out, mb.name(), mb.hex());
      }
      for (NamedBytes f : v.fields()) {
        row(out, f.name(), f.hex());
      }
      out.println("checks:");
      v.checks().forEach(c -> out.println("  - " + c));
    });
  }

  private static void row(PrintWriter out, String k, String v) {
    out.printf("%-14s %s%n", k, v);
  }

  static Instant parseTime(String s) {
    if (s.equals("now")) {
      return Instant.now();
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "--at '" + s + "' is not an ISO-8601 UTC time like 2025-07-01T00:00:00Z (or 'now')");
    }
  }

  static byte[] read(Path p, long max, String what) {
    try {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(what + " file " + p + " does not exist or is not a file");
      }
      long size = Files.size(p);
      if (size > max) {
        throw new InvalidInputException(
            what + " file " + p + " is " + size + " bytes (max " + max + ")");
      }
      try (InputStream in = Files.newInputStream(p)) {
        return in.readNBytes((int) max);
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " file " + p + ": " + e.getMessage());
    }
  }

  private static X509Certificate readRoot(Path p) {
    try {
      List<X509Certificate> certs =
          Certificates.fromDerOrPem(read(p, 64 * 1024, "simulation root"), "simulation root");
      if (certs.size() != 1) {
        throw new InvalidInputException("--simulation-root must hold exactly one certificate");
      }
      return certs.getFirst();
    } catch (VerificationFailedException e) {
      throw new InvalidInputException(e.failure().message());
    }
  }
}
