package dev.trustdial.cli.kms;

import dev.trustdial.chain.Settlement;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.cli.devnet.DevnetDescriptor;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.kms.AuditLog;
import dev.trustdial.tee.kms.KeyReleaseService;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.kms.KmsServer;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustdial kms}: the key management service for TEE apps (docs/spec/tee-runtime.md). */
@Command(
    name = "kms",
    mixinStandardHelpOptions = true,
    description =
        "Release TEE apps' keys and secrets to evidence that passes the app's onchain policy.",
    subcommands = {
      KmsCommand.Init.class,
      KmsCommand.Serve.class,
      KmsCommand.PublicKey.class,
      KmsCommand.SealSecret.class,
      KmsCommand.Audit.class
    })
public final class KmsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static BigInteger appId(String text) {
    try {
      BigInteger id = new BigInteger(text);
      KmsRoot.appIdBytes(id);
      return id;
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("app id '" + text + "' is not a positive integer");
    }
  }

  static KmsRoot load(Path dir) {
    try {
      return KmsRoot.load(dir);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read the KMS root in " + dir + ": " + e.getMessage());
    }
  }

  @Command(
      name = "init",
      description = "Create a KMS root secret in DIR (owner-only); refuses to replace one.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
      KmsRoot root;
      try {
        root = KmsRoot.create(dir, new SecureRandom());
      } catch (IOException e) {
        throw new InvalidInputException(
            "cannot create the KMS root in " + dir + ": " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("created a KMS root in " + dir.resolve(KmsRoot.FILE));
      out.println(
          "public key "
              + Hex.encode(root.kmsKey().publicKey())
              + " (developers encrypt secrets to it)");
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "public-key", description = "Print the KMS's X25519 public key.")
  static final class PublicKey implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(Hex.encode(load(dir).kmsKey().publicKey()));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "serve",
      description = {
        "Serve POST /v1/keys, GET /v1/kms, GET /v1/apps/{id}/wallet.",
        "Policies are read from the devnet's AppRegistry; every answer goes to DIR/audit.jsonl.",
        "Prints 'listening PORT public-key HEX' when ready."
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "The KMS directory (root secret, audit log).")
    Path dir;

    @Option(
        names = "--devnet",
        required = true,
        paramLabel = "DIR",
        description = "Devnet directory holding devnet.json (the chain to read policies from).")
    Path devnet;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Port (0: any free port).")
    int port;

    @Option(
        names = "--simulation-root",
        paramLabel = "FILE",
        description =
            "Accept INSECURE simulated evidence under this root (repeatable; dev only). Apps' policies must allow simulation too.")
    List<Path> simulationRoots = new ArrayList<>();

    @Option(
        names = "--max-evidence-age",
        defaultValue = "300",
        paramLabel = "SECONDS",
        description =
            "How old timestamped evidence (simulated, Nitro) may be (default: ${DEFAULT-VALUE}).")
    long maxAge;

    @Override
    public Integer call() throws InterruptedException {
      if (port < 0 || port > 65535 || maxAge < 1 || maxAge > 86400) {
        throw new InvalidInputException("--port must be 0..65535 and --max-evidence-age 1..86400");
      }
      KmsRoot root = load(dir);
      List<X509Certificate> roots = new ArrayList<>();
      for (Path p : simulationRoots) {
        roots.add(readRoot(p));
      }
      DevnetDescriptor d = DevnetDescriptor.read(devnet);
      Settlement chain = Settlement.connect(d.rpcUrl(), d.deployment(), Secp256k1Key.generate());
      AuditLog audit;
      try {
        audit = AuditLog.open(dir.resolve("audit.jsonl"));
      } catch (IllegalStateException e) {
        throw new InvalidInputException(
            "refusing to append to a damaged audit log: " + e.getMessage());
      }
      KeyReleaseService kms =
          new KeyReleaseService(
              root,
              new ChainAppRecords(chain),
              new KeyReleaseService.Config(
                  TrustAnchors.pinned().withSimulationRoots(roots),
                  !roots.isEmpty(),
                  Duration.ofSeconds(maxAge)),
              audit,
              Clock.systemUTC(),
              new SecureRandom());
      KmsServer server = KmsServer.start(kms, host, port);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> {
                server.close();
                chain.close();
              }));
      PrintWriter out = spec.commandLine().getOut();
      if (!roots.isEmpty()) {
        out.println(
            "WARNING: accepting INSECURE simulated evidence from "
                + roots.size()
                + " simulation root(s)");
      }
      out.println("listening " + server.port() + " public-key " + Hex.encode(kms.kmsPublicKey()));
      out.flush();
      Thread.currentThread().join();
      return ExitCodes.OK;
    }

    static X509Certificate readRoot(Path p) {
      try {
        if (!Files.isRegularFile(p) || Files.size(p) > 64 * 1024) {
          throw new InvalidInputException(
              "--simulation-root " + p + " is not a file of at most 64 KiB");
        }
        List<X509Certificate> c =
            Certificates.fromDerOrPem(Files.readAllBytes(p), "simulation root");
        if (c.size() != 1) {
          throw new InvalidInputException("--simulation-root must hold one certificate");
        }
        return c.getFirst();
      } catch (IOException e) {
        throw new InvalidInputException("cannot read " + p + ": " + e.getMessage());
      } catch (VerificationFailedException e) {
        throw new InvalidInputException(e.failure().message());
      }
    }
  }

  @Command(
      name = "seal-secret",
      description = {
        "Encrypt a developer secret to the KMS for one app and add it to a secrets file.",
        "The runtime passes the file to the KMS, which releases the secret only with that app's keys."
      })
  static final class SealSecret implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--kms-public-key", required = true, paramLabel = "HEX")
    String publicKey;

    @Option(names = "--app-id", required = true)
    String appId;

    @Option(
        names = "--name",
        required = true,
        description = "1..64 characters of A-Z a-z 0-9 _ - .")
    String name;

    @Option(
        names = "--value-file",
        required = true,
        paramLabel = "FILE",
        description = "The secret (at most 4096 bytes).")
    Path valueFile;

    @Option(
        names = "--secrets",
        required = true,
        paramLabel = "FILE",
        description = "The secrets file to create or add to.")
    Path secrets;

    @Override
    public Integer call() throws IOException {
      BigInteger id = appId(appId);
      byte[] pub = Hex.decode(publicKey);
      if (pub.length != 32) {
        throw new InvalidInputException("--kms-public-key is 32 bytes (X25519), got " + pub.length);
      }
      if (!Files.isRegularFile(valueFile) || Files.size(valueFile) > KeySet.MAX_SECRET_VALUE) {
        throw new InvalidInputException(
            "--value-file "
                + valueFile
                + " is not a file of at most "
                + KeySet.MAX_SECRET_VALUE
                + " bytes");
      }
      List<SealedSecret> all =
          new ArrayList<>(Files.exists(secrets) ? SecretsFile.read(secrets, id) : List.of());
      if (all.stream().anyMatch(s -> s.name().equals(name))) {
        throw new InvalidInputException(secrets + " already holds a secret named " + name);
      }
      try {
        all.add(
            SealedSecret.seal(pub, id, name, Files.readAllBytes(valueFile), new SecureRandom()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
      SecretsFile.write(secrets, id, all);
      spec.commandLine()
          .getOut()
          .println(
              "sealed "
                  + name
                  + " for app "
                  + id
                  + " into "
                  + secrets
                  + " ("
                  + all.size()
                  + " secrets)");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "audit",
      description =
          "Check the audit log's hash chain and print its entry count (exit 1 if broken).")
  static final class Audit implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
      Path log = dir.resolve("audit.jsonl");
      if (!Files.isRegularFile(log)) {
        throw new InvalidInputException("no audit log in " + dir);
      }
      try {
        AuditLog.Verified v = AuditLog.verify(log);
        spec.commandLine()
            .getOut()
            .println("audit log intact: " + v.entries() + " entries, head " + v.head());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      } catch (IllegalStateException e) {
        spec.commandLine().getOut().println("audit log BROKEN: " + e.getMessage());
        spec.commandLine().getOut().flush();
        return ExitCodes.FAILURE;
      }
    }
  }

  /** The secrets file: {"appId": "N", "secrets": [{"name", "ciphertext"}]}. */
  public static final class SecretsFile {
    private SecretsFile() {}

    public static List<SealedSecret> read(Path file, BigInteger appId) {
      try {
        if (!Files.isRegularFile(file) || Files.size(file) > 256 * 1024) {
          throw new InvalidInputException(
              "secrets file " + file + " is not a file of at most 256 KiB");
        }
        var n = JsonExchange.JSON.readTree(Files.readAllBytes(file));
        if (!appId.toString().equals(n.path("appId").asText())) {
          throw new InvalidInputException(
              "secrets file "
                  + file
                  + " is for app "
                  + n.path("appId").asText()
                  + ", not "
                  + appId);
        }
        if (n.path("secrets").size() > KeySet.MAX_SECRETS) {
          throw new InvalidInputException(
              "secrets file " + file + " holds over " + KeySet.MAX_SECRETS + " secrets");
        }
        List<SealedSecret> out = new ArrayList<>();
        for (var s : n.path("secrets")) {
          out.add(
              new SealedSecret(s.path("name").asText(), Hex.decode(s.path("ciphertext").asText())));
        }
        return out;
      } catch (IOException e) {
        throw new InvalidInputException("cannot read secrets file " + file + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("secrets file " + file + ": " + e.getMessage());
      }
    }

    static void write(Path file, BigInteger appId, List<SealedSecret> secrets) throws IOException {
      var n = JsonExchange.JSON.createObjectNode();
      n.put("appId", appId.toString());
      var a = n.putArray("secrets");
      secrets.forEach(
          s -> a.addObject().put("name", s.name()).put("ciphertext", s.ciphertext().toHex()));
      Files.write(file, JsonExchange.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }
  }
}
