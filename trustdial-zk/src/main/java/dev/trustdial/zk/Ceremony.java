package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase-1 powers-of-tau files (docs/spec/zk.md §6): a pinned public ceremony file, or the dev
 * ceremony generated once on this machine and cached (one contributor whose toxic waste lived here:
 * whoever ran it can forge proofs; development only).
 */
public final class Ceremony {
  private static final Logger LOG = LoggerFactory.getLogger(Ceremony.class);

  /** The dev ceremony's power: circuits of up to 2^12 - public signals - 1 constraints. */
  public static final int DEV_POWER = 12;

  static final String DEV_FILE = "dev-bn128-" + DEV_POWER + ".ptau";
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(20);

  /**
   * Two threads of one JVM cannot both hold the file lock (it is per process); they queue here
   * first.
   */
  private static final Object DEV_LOCK = new Object();

  /** Section 12 holds the Lagrange-basis points that {@code powersoftau prepare phase2} adds. */
  private static final int PREPARED_SECTION = 12;

  /**
   * The public ceremony files accepted without {@code --dev-ptau}: Hermez's prepared files from the
   * Perpetual Powers of Tau (54 contributions and a beacon), by power. Keys are the files'
   * BLAKE2b-512 digests as published in the snarkjs 0.7.6 README (node_modules/snarkjs/README.md,
   * "Prepared (phase2) Ptau files for bn128"); their SHA-256 digests are not published there, so
   * the pin is on BLAKE2b and the manifest records the SHA-256 we compute.
   */
  static final Map<String, Integer> PINNED_BLAKE2B =
      Map.ofEntries(
          Map.entry(
              "d6a8fb3a04feb600096c3b791f936a578c4e664d262e4aa24beed1b7a9a96aa5eb72864d628db247e9293384b74b36ffb52ca8d148d6e1b8b51e279fdf57b583",
              8),
          Map.entry(
              "94f108a80e81b5d932d8e8c9e8fd7f46cf32457e31462deeeef37af1b71c2c1b3c71fb0d9b59c654ec266b042735f50311f9fd1d4cadce47ab234ad163157cb5",
              9),
          Map.entry(
              "6cfeb8cda92453099d20120bdd0e8a5c4e7706c2da9a8f09ccc157ed2464d921fd0437fb70db42104769efd7d6f3c1f964bcf448c455eab6f6c7d863e88a5849",
              10),
          Map.entry(
              "47c282116b892e5ac92ca238578006e31a47e7c7e70f0baa8b687f0a5203e28ea07bbbec765a98dcd654bad618475d4661bfaec3bd9ad2ed12e7abc251d94d33",
              11),
          Map.entry(
              "ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a",
              12),
          Map.entry(
              "58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9",
              13),
          Map.entry(
              "eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1",
              14),
          Map.entry(
              "982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e",
              15),
          Map.entry(
              "6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125",
              16),
          Map.entry(
              "6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345",
              17),
          Map.entry(
              "7e6a9c2e5f05179ddfc923f38f917c9e6831d16922a902b0b4758b8e79c2ab8a81bb5f29952e16ee6c5067ed044d7857b5de120a90704c1d3b637fd94b95b13e",
              18),
          Map.entry(
              "bca9d8b04242f175189872c42ceaa21e2951e0f0f272a0cc54fc37193ff6648600eaf1c555c70cdedfaf9fb74927de7aa1d33dc1e2a7f1a50619484989da0887",
              19),
          Map.entry(
              "89a66eb5590a1c94e3f1ee0e72acf49b1669e050bb5f93c73b066b564dca4e0c7556a52b323178269d64af325d8fdddb33da3a27c34409b821de82aa2bf1a27b",
              20),
          Map.entry(
              "9aef0573cef4ded9c4a75f148709056bf989f80dad96876aadeb6f1c6d062391f07a394a9e756d16f7eb233198d5b69407cca44594c763ab4a5b67ae73254678",
              21),
          Map.entry(
              "0d64f63dba1a6f11139df765cb690da69d9b2f469a1ddd0de5e4aa628abb28f787f04c6a5fb84a235ec5ea7f41d0548746653ecab0559add658a83502d1cb21b",
              22),
          Map.entry(
              "3063a0bd81d68711197c8820a92466d51aeac93e915f5136d74f63c394ee6d88c5e8016231ea6580bec02e25d491f319d92e77f5c7f46a9caa8f3b53c0ea544f",
              23),
          Map.entry(
              "fa404d140d5819d39984833ca5ec3632cd4995f81e82db402371a4de7c2eae8687c62bc632a95b0c6aadba3fb02680a94e09174b7233ccd26d78baca2647c733",
              24),
          Map.entry(
              "0377d860cdb09a8a31ea1b0b8c04335614c8206357181573bf294c25d5ca7dff72387224fbd868897e6769f7805b3dab02854aec6d69d7492883b5e4e5f35eeb",
              25),
          Map.entry(
              "418dee4a74b9592198bd8fd02ad1aea76f9cf3085f206dfd7d594c9e264ae919611b1459a1cc920c2f143417744ba9edd7b8d51e44be9452344a225ff7eead19",
              26),
          Map.entry(
              "10ffd99837c512ef99752436a54b9810d1ac8878d368fb4b806267bdd664b4abf276c9cd3c4b9039a1fa4315a0c326c0e8e9e8fe0eb588ffd4f9021bf7eae1a1",
              27),
          Map.entry(
              "55c77ce8562366c91e7cda394cf7b7c15a06c12d8c905e8b36ba9cf5e13eb37d1a429c589e8eaba4c591bc4b88a0e2828745a53e170eac300236f5c1a326f41a",
              28));

  /**
   * A phase-1 file ready for {@code groth16 setup}.
   *
   * @param power the file holds 2^power powers of tau
   * @param sha256 the file's SHA-256, bare lower-case hex (the manifest's ceremony.sha256)
   * @param dev true for the dev ceremony generated on this machine
   */
  public record PhaseOne(Path file, int power, String sha256, boolean dev) {
    public PhaseOne {
      if (power < 1 || power > ZkManifest.MAX_POWER) {
        throw new IllegalArgumentException(
            "power " + power + " outside 1.." + ZkManifest.MAX_POWER);
      }
    }

    /** As the manifest records it. */
    public ZkManifest.Ceremony toManifest() {
      return new ZkManifest.Ceremony(power, sha256, dev);
    }
  }

  private Ceremony() {}

  /** {@code ${TRUSTDIAL_CACHE:-$HOME/.cache/trustdial}/zk}. */
  public static Path cacheDir() {
    String env = System.getenv("TRUSTDIAL_CACHE");
    Path base =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "trustdial");
    return base.resolve("zk").toAbsolutePath();
  }

  /**
   * The dev ceremony ({@value #DEV_FILE} in {@link #cacheDir()}), generated on first use (about a
   * minute): {@code powersoftau new}, one contribution with fresh entropy, {@code prepare phase2}.
   * Generation holds an exclusive lock on a lock file and publishes the file by an atomic rename,
   * so concurrent builds (threads or JVMs) generate it once and never read a partial file.
   */
  public static PhaseOne dev(Snarkjs tool) {
    return dev(tool, cacheDir());
  }

  @SuppressWarnings("try") // the lock is held for the block, never referenced
  static PhaseOne dev(Snarkjs tool, Path dir) {
    Path file = dir.resolve(DEV_FILE);
    synchronized (DEV_LOCK) {
      try {
        Files.createDirectories(dir);
        try (FileChannel ch =
                FileChannel.open(
                    dir.resolve(DEV_FILE + ".lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          if (!Files.exists(file)) {
            generate(tool, dir, file);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the dev ceremony in " + dir, e);
      }
    }
    int power = power(file);
    if (power != DEV_POWER) {
      throw new IllegalStateException(
          file
              + " has power "
              + power
              + ", not "
              + DEV_POWER
              + "; delete it to regenerate the dev ceremony");
    }
    return new PhaseOne(file, power, digests(file)[0], true);
  }

  /**
   * A public phase-1 file, accepted only if it is one of the pinned Hermez files (by digest); its
   * power is read from its header and must match the pin.
   */
  public static PhaseOne publicFile(Path ptau) {
    if (!Files.isRegularFile(ptau)) {
      throw new InvalidInputException("powers-of-tau file " + ptau + " does not exist");
    }
    String[] d = digests(ptau);
    Integer pinned = PINNED_BLAKE2B.get(d[1]);
    if (pinned == null) {
      throw new InvalidInputException(
          "powers-of-tau file "
              + ptau
              + " (BLAKE2b-512 "
              + d[1].substring(0, 16)
              + "...) is not one of the"
              + " pinned public ceremony files (powersOfTau28_hez_final_08..28.ptau, listed in the snarkjs README); for development,"
              + " pass --dev-ptau to use a ceremony generated on this machine");
    }
    int power = power(ptau);
    if (power != pinned) {
      throw new InvalidInputException(
          "powers-of-tau file "
              + ptau
              + " says power "
              + power
              + " but the pinned file is power "
              + pinned);
    }
    return new PhaseOne(ptau.toAbsolutePath(), power, d[0], false);
  }

  /** The power in a .ptau file's header; the file must be prepared for phase 2. */
  static int power(Path ptau) {
    BinFile f = BinFile.open(ptau, "ptau", "powers-of-tau file");
    ByteBuffer h = f.section(1, "ptau header");
    int n8 = h.getInt();
    if (n8 != 32 || h.remaining() != n8 + 8) {
      throw new InvalidInputException(
          ptau + " is not a bn128 powers-of-tau file (" + n8 + "-byte field)");
    }
    h.position(h.position() + n8);
    int power = h.getInt();
    if (!f.has(PREPARED_SECTION)) {
      throw new InvalidInputException(
          ptau + " is not prepared for phase 2 (run snarkjs powersoftau prepare phase2 on it)");
    }
    if (power < 1 || power > ZkManifest.MAX_POWER) {
      throw new InvalidInputException(
          ptau + " declares power " + power + ", outside 1.." + ZkManifest.MAX_POWER);
    }
    return power;
  }

  /** {SHA-256, BLAKE2b-512} of a file, bare lower-case hex, in one pass. */
  static String[] digests(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      Blake2bDigest blake = new Blake2bDigest(512);
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        sha.update(buf, 0, n);
        blake.update(buf, 0, n);
      }
      byte[] b = new byte[64];
      blake.doFinal(b, 0);
      return new String[] {Hex.encodeBare(sha.digest()), Hex.encodeBare(b)};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void generate(Snarkjs tool, Path dir, Path file) throws IOException {
    LOG.info(
        "generating the dev powers-of-tau ceremony (power {}) once into {}; this takes about a minute",
        DEV_POWER,
        file);
    Path work = Files.createTempDirectory(dir, "dev-ptau-");
    try {
      byte[] entropy = new byte[32];
      new SecureRandom().nextBytes(entropy);
      tool.snarkjs(
          work,
          STEP_TIMEOUT,
          "powersoftau",
          "new",
          "bn128",
          Integer.toString(DEV_POWER),
          "pot_0.ptau");
      tool.snarkjs(
          work,
          STEP_TIMEOUT,
          "powersoftau",
          "contribute",
          "pot_0.ptau",
          "pot_1.ptau",
          "--name=trustdial dev ceremony",
          "-e=" + HexFormat.of().formatHex(entropy));
      tool.snarkjs(
          work, STEP_TIMEOUT, "powersoftau", "prepare", "phase2", "pot_1.ptau", "pot_final.ptau");
      power(work.resolve("pot_final.ptau"));
      Files.move(work.resolve("pot_final.ptau"), file, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("dev powers-of-tau ceremony ready: {}", file);
    } finally {
      deleteTree(work);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              LOG.warn("cannot delete {}: {}", p, e.getMessage());
            }
          });
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
