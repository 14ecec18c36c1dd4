package dev.trustdial.tee.tdx;

import static dev.trustdial.tee.attest.Fixtures.failureOf;
import static dev.trustdial.tee.attest.Fixtures.verdictOf;
import static dev.trustdial.tee.tdx.SyntheticTdx.isvLevel;
import static dev.trustdial.tee.tdx.SyntheticTdx.level;
import static dev.trustdial.tee.tdx.SyntheticTdx.moduleIdentity;
import static dev.trustdial.tee.tdx.SyntheticTdx.svns;
import static dev.trustdial.tee.tdx.SyntheticTdx.teeTcbSvn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TestPki;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TCB level selection, status convergence, revocation and debug on quotes built under a test PKI.
 */
class TdxTcbEvaluationTest {
  static final SyntheticTdx PKI = new SyntheticTdx();
  static final TrustAnchors P = TrustAnchors.pinned();
  static final AttestationVerifier VERIFIER =
      new AttestationVerifier(
          new TrustAnchors(
              PKI.root.cert(), P.amdArkMilan(), P.amdAskMilan(), P.awsNitroRoot(), List.of()));
  static final String MODULES =
      moduleIdentity("TDX_01", isvLevel(4, "UpToDate") + "," + isvLevel(2, "OutOfDate"));
  static final String L1_UP_TO_DATE =
      level(svns(3, 4), 10, svns(0, 0, 3), "2025-06-01T00:00:00Z", "UpToDate");
  static final String L2_OUT_OF_DATE =
      level(svns(2, 2), 5, svns(0, 0, 2), "2024-01-01T00:00:00Z", "OutOfDate", "INTEL-SA-00001");
  static final TestPki.Issued PCK = PKI.pck(svns(3, 4), 10);

  static Verdict verdict(TestPki.Issued pck, byte[] teeTcbSvn, int qeSvn, String... levels)
      throws Exception {
    return verdictOf(
        VERIFIER.verify(
            PKI.quote(pck, teeTcbSvn, 0, qeSvn),
            PKI.collateral(SyntheticTdx.tcbInfo(List.of(levels), MODULES), List.of()),
            SyntheticTdx.T));
  }

  @Test
  void platformAtTheNewestLevelIsUpToDate() throws Exception {
    Verdict v = verdict(PCK, teeTcbSvn(5, 1, 3), 4, L1_UP_TO_DATE, L2_OUT_OF_DATE);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(v.advisoryIds()).isEmpty();
    assertThat(v.debug()).isFalse();
  }

  @Test
  void everyComponentMustReachTheLevelNotJustTheFirstDifferentOne() throws Exception {
    // [4, 3] is lexicographically above [3, 4], but component 2 is below: not the UpToDate level.
    Verdict v =
        verdict(PKI.pck(svns(4, 3), 10), teeTcbSvn(5, 1, 3), 4, L1_UP_TO_DATE, L2_OUT_OF_DATE);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(v.advisoryIds()).containsExactly("INTEL-SA-00001");
  }

  @Test
  void pceSvnAndTdxComponentsSelectTheLevelToo() throws Exception {
    assertThat(
            verdict(PKI.pck(svns(3, 4), 9), teeTcbSvn(5, 1, 3), 4, L1_UP_TO_DATE, L2_OUT_OF_DATE)
                .tcbStatus())
        .isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(verdict(PCK, teeTcbSvn(5, 1, 2), 4, L1_UP_TO_DATE, L2_OUT_OF_DATE).tcbStatus())
        .isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(
            verdict(PKI.pck(svns(1, 1), 10), teeTcbSvn(5, 1, 3), 4, L1_UP_TO_DATE, L2_OUT_OF_DATE)
                .tcbStatus())
        .isEqualTo(TcbStatus.TCB_LEVEL_NOT_FOUND);
  }

  @Test
  void qeAndModuleStatusesConvergeWithThePlatformStatus() throws Exception {
    assertThat(verdict(PCK, teeTcbSvn(5, 1, 3), 3, L1_UP_TO_DATE).tcbStatus())
        .isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(verdict(PCK, teeTcbSvn(3, 1, 3), 4, L1_UP_TO_DATE).tcbStatus())
        .isEqualTo(TcbStatus.OUT_OF_DATE);
    String configNeeded =
        level(svns(3, 4), 10, svns(0, 0, 3), "2025-06-01T00:00:00Z", "ConfigurationNeeded");
    assertThat(verdict(PCK, teeTcbSvn(5, 1, 3), 3, configNeeded).tcbStatus())
        .isEqualTo(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED);
    String hardening =
        level(
            svns(3, 4),
            10,
            svns(0, 0, 3),
            "2025-06-01T00:00:00Z",
            "SWHardeningNeeded",
            "INTEL-SA-00002");
    Verdict v = verdict(PCK, teeTcbSvn(5, 1, 3), 4, hardening);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.SW_HARDENING_NEEDED);
    assertThat(v.advisoryIds()).containsExactly("INTEL-SA-00002");
  }

  @Test
  void moduleIdentityMustExistForTheModuleVersion() throws Exception {
    Failure f =
        failureOf(
            VERIFIER.verify(
                PKI.quote(PCK, teeTcbSvn(5, 2, 3), 0, 4),
                PKI.collateral(SyntheticTdx.tcbInfo(List.of(L1_UP_TO_DATE), MODULES), List.of()),
                SyntheticTdx.T));
    assertThat(f).isInstanceOf(Failure.TcbMismatch.class);
    assertThat(f.message()).contains("TDX_02");
    // Major version 0: the tdxModule entry applies and all 16 TDX components are compared.
    assertThat(verdict(PCK, teeTcbSvn(0, 0, 3), 4, L1_UP_TO_DATE).tcbStatus())
        .isEqualTo(TcbStatus.UP_TO_DATE);
  }

  @Test
  void debugTdIsAValidVerdictThatThePolicyRefuses() throws Exception {
    Collateral c = PKI.collateral(SyntheticTdx.tcbInfo(List.of(L1_UP_TO_DATE), MODULES), List.of());
    byte[] quote = PKI.quote(PCK, teeTcbSvn(5, 1, 3), 0x01, 4);
    assertThat(verdictOf(VERIFIER.verify(quote, c, SyntheticTdx.T)).debug()).isTrue();
    assertThat(failureOf(VERIFIER.verify(quote, c, SyntheticTdx.T, AttestationPolicy.standard())))
        .isInstanceOf(Failure.DebugEnabled.class);
  }

  @Test
  void revokedPckIsRefused() throws Exception {
    Collateral c =
        PKI.collateral(SyntheticTdx.tcbInfo(List.of(L1_UP_TO_DATE), MODULES), List.of(PCK.cert()));
    Failure f =
        failureOf(VERIFIER.verify(PKI.quote(PCK, teeTcbSvn(5, 1, 3), 0, 4), c, SyntheticTdx.T));
    assertThat(f).isInstanceOf(Failure.Revoked.class);
    assertThat(((Failure.Revoked) f).crl()).isEqualTo("PCK CRL");
  }
}
