package dev.trustdial.tee.attest;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The roots evidence must chain to. {@link #pinned()} loads the vendors' public roots shipped with
 * TrustDial and refuses to start if a file's SHA-256 is not the published one.
 *
 * @param simulationRoots roots of simulated evidence; empty unless a caller opts in to the insecure
 *     dev backend
 */
public record TrustAnchors(
    X509Certificate intelSgxRoot,
    X509Certificate amdArkMilan,
    X509Certificate amdAskMilan,
    X509Certificate awsNitroRoot,
    List<X509Certificate> simulationRoots) {

  /** Intel SGX Root CA, as published by Intel (the PCK, TCB signing and CRL chains end here). */
  public static final String INTEL_SGX_ROOT_SHA256 =
      "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

  /**
   * AMD Root Key for Milan, from AMD's KDS cert_chain for Milan (copied via google/go-sev-guest).
   */
  public static final String AMD_ARK_MILAN_SHA256 =
      "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd";

  /** AMD SEV Key (intermediate) for Milan; not an anchor: it must itself chain to the ARK. */
  public static final String AMD_ASK_MILAN_SHA256 =
      "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b";

  /** AWS Nitro Enclaves root G1, as published by AWS. */
  public static final String AWS_NITRO_ROOT_SHA256 =
      "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

  public TrustAnchors {
    simulationRoots = List.copyOf(simulationRoots);
  }

  public static TrustAnchors pinned() {
    return new TrustAnchors(
        load("intel-sgx-root-ca.der", INTEL_SGX_ROOT_SHA256),
        load("amd-ark-milan.der", AMD_ARK_MILAN_SHA256),
        load("amd-ask-milan.der", AMD_ASK_MILAN_SHA256),
        load("aws-nitro-root-g1.der", AWS_NITRO_ROOT_SHA256),
        List.of());
  }

  /** The same anchors, also accepting simulated evidence under these roots (dev only). */
  public TrustAnchors withSimulationRoots(List<X509Certificate> roots) {
    return new TrustAnchors(intelSgxRoot, amdArkMilan, amdAskMilan, awsNitroRoot, roots);
  }

  static X509Certificate load(String name, String sha256) {
    try (InputStream in =
        TrustAnchors.class.getResourceAsStream("/dev/trustdial/tee/anchors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("trust anchor resource missing: " + name);
      }
      byte[] der = in.readAllBytes();
      X509Certificate cert = Certificates.fromDer(der, name);
      byte[] fp = Certificates.sha256Fingerprint(cert);
      if (!Arrays.equals(fp, Hex.decode(sha256))) {
        throw new IllegalStateException(
            "trust anchor " + name + " has SHA-256 " + Hex.encodeBare(fp) + ", pinned " + sha256);
      }
      return cert;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read trust anchor " + name, e);
    } catch (VerificationFailedException e) {
      throw new IllegalStateException(
          "trust anchor " + name + " does not parse: " + e.getMessage());
    }
  }
}
