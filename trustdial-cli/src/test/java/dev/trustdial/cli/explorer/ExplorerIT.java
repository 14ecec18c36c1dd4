package dev.trustdial.cli.explorer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.JobInfo;
import dev.trustdial.chain.JobStatus;
import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.devnet.Devnet;
import dev.trustdial.cli.devnet.Roster;
import dev.trustdial.core.crypto.Address;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer as a person uses it, in Debian's headless chromium (chromium-driver), over a devnet
 * that ran a REEXEC_OBJECTIVE job whose first operator lied: the watchtower refuted it in the
 * bisection game and the liar was slashed; the job then went to operator-2 and was finalized or,
 * when operator-2 was not yet active (a loaded machine), failed with no operator. Every page loads
 * without console errors; the lie's page shows the dispute, its verdict, the slash and the
 * reassignment or the failure; a second job's operator is SIGKILLed and its page shows the missed
 * heartbeat, the liveness slash and the reassignment; the blob page shows the certificate, its
 * signer's stake share and the chunks each DA node holds; "verify availability" succeeds, then
 * fails visibly once the DA node is stopped. Screenshots of every page go to
 * target/explorer-screenshots on every run.
 */
class ExplorerIT {
  static final long MAX_STEPS = 8192;
  static final long LIE_AT = 3001;
  static final Path SHA256CHAIN =
      Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");
  static final Path SHOTS = Path.of("target", "explorer-screenshots");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  static Path dir;
  static Path devnetDir;
  static Devnet devnet;
  static WebDriver browser;

  /**
   * Whether operator-2 was active in time to take the refuted job over (else the job failed with no
   * operator).
   */
  static boolean reassigned;

  @BeforeAll
  static void up() throws Exception {
    assertThat(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM))
        .as(
            "Debian's chromium and chromium-driver are installed (trustdial-explorer/setup.sh, run by ./trustdial test)")
        .isTrue();
    dir = Files.createTempDirectory("explorer-it");
    devnetDir = dir.resolve("devnet");
    devnet = Devnet.start(devnetDir, 1, new Devnet.Size(1, 0, 1), s -> {});
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void down() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (devnet != null) {
      devnet.close();
    }
    if (System.getenv("TRUSTDIAL_KEEP_IT") == null && dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void everyPageOfADevnetThatRanALieLoadsCleanlyAndShowsTheDisputeAndTheVerdict() throws Exception {
    URI explorer = devnet.explorerUrl();
    BigInteger jobId = runObjectiveLie();
    Address liar = devnet.key(Roster.OPERATORS.get(0)).address();

    long t0 = System.nanoTime();
    String finalStatus = reassigned ? "FINALIZED" : "FAILED";
    JsonNode job =
        awaitJson(
            explorer.resolve("/api/jobs/" + jobId),
            j -> j.path("job").path("status").asText().equals(finalStatus),
            "the explorer indexed job " + jobId + " as " + finalStatus);
    System.out.printf(
        "%n== ExplorerIT ==%nexplorer caught up with the %s job %.1f s after the chain%n",
        finalStatus, (System.nanoTime() - t0) / 1e9);
    assertThat(job.path("disputes").get(0).path("verdict").asText()).isEqualTo("OPERATOR_REFUTED");
    assertThat(job.path("moves").size()).isGreaterThanOrEqualTo(5);
    String inputBlob = job.path("job").path("inputBlob").asText();

    browser = chromium();
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("overview", "/");
    pages.put("jobs", "/jobs");
    pages.put("job", "/jobs/" + jobId);
    pages.put("operator", "/operators/" + liar);
    pages.put("blob", "/blobs/" + inputBlob);
    pages.put("advisor", "/advisor");
    pages.put(
        "advisor-recommend",
        "/advisor?deterministic=true&timeVarying=true&steps=100000&inputBytes=1024");
    for (Map.Entry<String, String> p : pages.entrySet()) {
      long start = System.nanoTime();
      browser.get(explorer.resolve(p.getValue()).toString());
      assertThat(browser.findElement(By.tagName("h1")).getText()).as(p.getKey()).isNotBlank();
      System.out.printf(
          "page %-18s %s loaded in %d ms%n",
          p.getKey(), p.getValue(), (System.nanoTime() - start) / 1_000_000);
      screenshot(p.getKey());
      assertNoConsoleErrors(p.getKey());
    }

    // The lie's page: the challenge, the bisection, the verdict, the liar's slash and the
    // reassignment.
    browser.get(explorer.resolve("/jobs/" + jobId).toString());
    String text = browser.findElement(By.tagName("main")).getText();
    assertThat(text)
        .contains(
            "JobChallenged",
            "DisputeResolved",
            "OPERATOR_REFUTED",
            "Slashed",
            "Bisection game",
            "StepProven",
            finalStatus);
    if (reassigned) {
      assertThat(text).contains("JobFinalized");
      assertThat(Pattern.compile("JobAssigned").matcher(text).results().count())
          .as("assigned to the liar, then reassigned")
          .isEqualTo(2);
    } else {
      assertThat(text).contains("JobFailed", "no-operator");
    }
    assertThat(browser.findElements(By.cssSelector("svg.bisection"))).isNotEmpty();

    // The liveness takeover as a person sees it: a job whose operator is SIGKILLed right after
    // taking it; the watchtower reports
    // the missed heartbeat, the operator is slashed and the job goes to another operator.
    BigInteger takenOver = runTakeover();
    awaitJson(
        explorer.resolve("/api/jobs/" + takenOver),
        j -> j.path("job").path("takeovers").asInt() >= 1,
        "the explorer indexed job " + takenOver + "'s takeover");
    // The reassignment follows the missed heartbeat once the new seed block is mined: reload the
    // page, as a person would, until it shows the second assignment (or a minute has passed).
    String takeover = "";
    long until = System.nanoTime() + 60_000_000_000L;
    while (true) {
      browser.get(explorer.resolve("/jobs/" + takenOver).toString());
      takeover = browser.findElement(By.tagName("main")).getText();
      if (Pattern.compile("JobAssigned").matcher(takeover).results().count() >= 2
          || System.nanoTime() > until) {
        break;
      }
      Thread.sleep(1_000);
    }
    assertThat(takeover).contains("HeartbeatMissed", "Slashed", "liveness", "JobQueued");
    assertThat(Pattern.compile("JobAssigned").matcher(takeover).results().count())
        .as("assigned, then reassigned")
        .isGreaterThanOrEqualTo(2);
    screenshot("job-takeover");
    assertNoConsoleErrors("job-takeover");

    // The blob page: the certificate, its signer and stake share, the chunks each DA node holds
    // (the devnet has one node: all 128).
    browser.get(explorer.resolve("/blobs/" + inputBlob).toString());
    String blobPage = browser.findElement(By.tagName("main")).getText();
    assertThat(blobPage)
        .contains("Certificate", "quorum met", "100.00%", "Chunks per DA node", "0-127");
    String retrieval = post(explorer.resolve("/blobs/" + inputBlob + "/verify"));
    assertThat(retrieval).contains("128 of 128", "128 verified chunks of 128", "available:");
    browser.get(explorer.resolve("/jobs/" + jobId).toString());

    // "verify availability" on the input blob, in page (JavaScript) and then without JavaScript
    // (the form's POST).
    WebElement verify =
        browser.findElement(
            By.cssSelector("form.verify[action='/blobs/" + inputBlob + "/verify'] button"));
    verify.click();
    WebElement out =
        new WebDriverWait(browser, Duration.ofSeconds(60))
            .until(d ->
                d
                    .findElements(
                        By.cssSelector(
                            "form.verify[action='/blobs/"
                                + inputBlob
                                + "/verify'] .verify-out[data-ok]"))
                    .stream()
                    .findFirst()
                    .orElse(null));
    assertThat(out.getDomAttribute("data-ok")).as(out.getText()).isEqualTo("true");
    assertThat(out.getText()).contains("available", "KZG-checked");
    screenshot("job-verified");
    assertNoConsoleErrors("job-verified");

    devnet.stop("da-node-1");
    browser.get(explorer.resolve("/blobs/" + inputBlob).toString());
    browser.findElement(By.cssSelector("form.verify button")).click();
    WebElement failed =
        new WebDriverWait(browser, Duration.ofSeconds(120))
            .until(d ->
                d.findElements(By.cssSelector(".verify-out[data-ok]")).stream()
                    .findFirst()
                    .orElse(null));
    assertThat(failed.getDomAttribute("data-ok")).isEqualTo("false");
    assertThat(failed.getText()).contains("unavailable");
    screenshot("blob-unavailable");
    assertNoConsoleErrors("blob-unavailable");
    // The retrieval test without JavaScript names the node that did not answer.
    assertThat(post(explorer.resolve("/blobs/" + inputBlob + "/verify")))
        .contains("no answer", "unavailable:", "NOT enough");

    // A page for something not indexed is a 404 page, not a stack trace.
    HttpResponse<String> missing =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(explorer.resolve("/jobs/999999")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no job 999999");
  }

  static WebDriver chromium() {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1100");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, o);
  }

  static void assertNoConsoleErrors(String page) {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).as("console errors on the " + page + " page").isEmpty();
  }

  static void screenshot(String name) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The objective lie of ObjectiveDevnetIT, the short way: operator-1 lies from step {@value
   * #LIE_AT}, the watchtower (held until operator-2 is active) refutes it alone, and operator-2
   * completes the job.
   */
  static BigInteger runObjectiveLie() throws Exception {
    byte[] input = sha256chainInput(1, 40);
    Path inputFile = Files.write(dir.resolve("input.bin"), input);
    CliRun created =
        CliRun.ok(
            chain(
                "create-app",
                "--mode",
                "REEXEC_OBJECTIVE",
                "--program",
                SHA256CHAIN.toString(),
                "--stride-log2",
                "8"));
    BigInteger appId = new BigInteger(group(created.out(), "app (\\d+) \\(REEXEC_OBJECTIVE\\)"));
    String programKey = group(created.out(), "on DA as blob (0x[0-9a-f]{64})");
    try (Settlement s = devnet.connect(Roster.DEVELOPER)) {
      Address liar = devnet.key(Roster.OPERATORS.get(0)).address();
      Address honest = devnet.key(Roster.OPERATORS.get(1)).address();
      devnet.startNode("operator-1", "--lie-at-step", Long.toString(LIE_AT));
      CliRun submitted =
          CliRun.ok(
              chain(
                  "submit-job",
                  "--app",
                  appId.toString(),
                  "--program-blob",
                  programKey,
                  "--input",
                  inputFile.toString(),
                  "--max-steps",
                  Long.toString(MAX_STEPS),
                  "--no-assign"));
      BigInteger jobId = new BigInteger(group(submitted.out(), "job (\\d+) queued"));
      await(
          s,
          jobId,
          j -> j.status() == JobStatus.ASSIGNED && j.assignee().equals(liar),
          "assigned to the liar");
      devnet.startNode("operator-2");
      // The watchtower runs all along: it challenges at once. Whether operator-2 is active by the
      // time the refuted job is
      // queued again depends on the machine's load: the job then goes to operator-2, or fails with
      // no operator.
      JobInfo done =
          await(
              s,
              jobId,
              j -> j.status() == JobStatus.FINALIZED || j.status() == JobStatus.FAILED,
              "refuted, then completed or failed");
      reassigned = done.status() == JobStatus.FINALIZED;
      if (reassigned) {
        assertThat(done.resultOperator()).isEqualTo(honest);
      }
      return jobId;
    }
  }

  /**
   * A long job on a REEXEC_INTERSUBJECTIVE app of the same program; its operator is SIGKILLed as
   * soon as it holds the job, and the job must go to another operator after the watchtower's report
   * (the devnet's heartbeat window is 20 s).
   */
  static BigInteger runTakeover() throws Exception {
    // About 10^9 steps: the first operator is still at it when it is killed; checkpoints every 2^28
    // steps keep DA traffic small.
    Path inputFile = Files.write(dir.resolve("long-input.bin"), sha256chainInput(200_000, 40));
    CliRun created =
        CliRun.ok(
            chain(
                "create-app",
                "--mode",
                "REEXEC_INTERSUBJECTIVE",
                "--program",
                SHA256CHAIN.toString()));
    BigInteger appId = new BigInteger(group(created.out(), "(?m)^app (\\d+)$"));
    String programKey = group(created.out(), "on DA as blob (0x[0-9a-f]{64})");
    try (Settlement s = devnet.connect(Roster.DEVELOPER)) {
      CliRun submitted =
          CliRun.ok(
              chain(
                  "submit-job",
                  "--app",
                  appId.toString(),
                  "--program-blob",
                  programKey,
                  "--input",
                  inputFile.toString(),
                  "--max-steps",
                  Long.toString(1L << 36),
                  "--stride",
                  Long.toString(1L << 28),
                  "--no-assign"));
      BigInteger jobId = new BigInteger(group(submitted.out(), "job (\\d+) queued"));
      JobInfo held = await(s, jobId, j -> j.status() == JobStatus.ASSIGNED, "assigned");
      Roster.Member first =
          Roster.OPERATORS.stream()
              .filter(m -> devnet.key(m).address().equals(held.assignee()))
              .findFirst()
              .orElseThrow();
      devnet.kill(first.name());
      JobInfo again =
          await(
              s,
              jobId,
              j ->
                  j.status() == JobStatus.FAILED
                      || (j.attempt() > held.attempt() && j.status() != JobStatus.QUEUED),
              "reported missed and assigned again");
      assertThat(again.status())
          .as("job " + jobId + " after the takeover: " + again)
          .isNotEqualTo(JobStatus.FAILED);
      assertThat(again.assignee()).isNotEqualTo(held.assignee());
      return jobId;
    }
  }

  static String post(URI uri) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(uri + " answered " + r.body()).isEqualTo(200);
    return r.body();
  }

  static JsonNode awaitJson(URI uri, Predicate<JsonNode> done, String what) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode n = new ObjectMapper().readTree(r.body());
        if (done.test(n)) {
          return n;
        }
      }
      assertThat(System.nanoTime())
          .as(what + " within 60 s; last answer " + r.statusCode() + " " + r.body())
          .isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  static JobInfo await(Settlement s, BigInteger jobId, Predicate<JobInfo> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    JobInfo job = s.job(jobId);
    while (!done.test(job)) {
      assertThat(System.nanoTime())
          .as("job " + jobId + " " + what + " within 180 s; it is " + job)
          .isLessThan(deadline);
      Thread.sleep(250);
      job = s.job(jobId);
    }
    return job;
  }

  static String[] chain(String... args) {
    List<String> a = new ArrayList<>(List.of("chain"));
    a.addAll(List.of(args));
    a.addAll(List.of("--dir", devnetDir.toString(), "--as", "developer"));
    return a.toArray(String[]::new);
  }

  static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex + " in\n" + text).isTrue();
    return m.group(1);
  }

  /** sha256chain's input: u32 LE iteration count, then {@code bytes} bytes of data. */
  static byte[] sha256chainInput(int iterations, int bytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(iterations);
    for (int i = 0; i < bytes; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.array();
  }
}
