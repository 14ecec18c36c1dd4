package dev.trustdial.tee.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.TcbStatus;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppPolicyTest {
  static AppPolicy.AllowedMeasurement sim(int b) {
    byte[] v = new byte[48];
    Arrays.fill(v, (byte) b);
    return new AppPolicy.AllowedMeasurement(
        Platform.SIMULATED, List.of(new NamedBytes("RTMR3", v)));
  }

  @Test
  void roundTripsAndMatchesTheVector() {
    AppPolicy p = new AppPolicy(true, true, false, TcbStatus.OUT_OF_DATE, List.of(sim(1), sim(2)));
    AppPolicy back = AppPolicy.decode(p.encode());
    assertThat(back.allowDebug()).isTrue();
    assertThat(back.allowSimulated()).isTrue();
    assertThat(back.acceptNotEvaluated()).isFalse();
    assertThat(back.worstTcb()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(back.allowed()).hasSize(2);
    assertThat(back.encode()).isEqualTo(p.encode());
    assertThat(Hex.encodeBare(p.encode()))
        .startsWith(
            "5444415050504f4c"
                + "01"
                + "03"
                + "04"
                + "02"
                + "04"
                + "01"
                + "05"
                + "52544d5233"
                + "30");
  }

  @Test
  void tcbAcceptanceFollowsSeverityAndTheNotEvaluatedFlag() {
    AppPolicy p = new AppPolicy(false, true, false, TcbStatus.SW_HARDENING_NEEDED, List.of(sim(1)));
    assertThat(p.acceptsTcb(TcbStatus.UP_TO_DATE)).isTrue();
    assertThat(p.acceptsTcb(TcbStatus.SW_HARDENING_NEEDED)).isTrue();
    assertThat(p.acceptsTcb(TcbStatus.OUT_OF_DATE)).isFalse();
    assertThat(p.acceptsTcb(TcbStatus.REVOKED)).isFalse();
    assertThat(p.acceptsTcb(TcbStatus.NOT_EVALUATED)).isFalse();
  }

  @Test
  void malformedPoliciesAreRefusedWithAReason() {
    byte[] good = new AppPolicy(false, true, true, TcbStatus.UP_TO_DATE, List.of(sim(1))).encode();
    assertThatThrownBy(() -> AppPolicy.decode(new byte[0])).hasMessageContaining("no policy");
    assertThatThrownBy(() -> AppPolicy.decode(Arrays.copyOf(good, good.length + 1)))
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> AppPolicy.decode(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("ends early");
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> AppPolicy.decode(magic)).hasMessageContaining("TDAPPPOL");
    byte[] flags = good.clone();
    flags[9] = (byte) 0x80;
    assertThatThrownBy(() -> AppPolicy.decode(flags)).hasMessageContaining("flag");
    byte[] simFlagOff = good.clone();
    simFlagOff[9] = 4;
    assertThatThrownBy(() -> AppPolicy.decode(simFlagOff)).hasMessageContaining("simulated");
    byte[] tcb = good.clone();
    tcb[10] = 6;
    assertThatThrownBy(() -> AppPolicy.decode(tcb)).hasMessageContaining("TCB");
    byte[] none = good.clone();
    none[11] = 0;
    assertThatThrownBy(() -> AppPolicy.decode(none)).hasMessageContaining("0 measurements");
    byte[] platform = good.clone();
    platform[12] = 9;
    assertThatThrownBy(() -> AppPolicy.decode(platform)).hasMessageContaining("platform code 9");
    byte[] name = good.clone();
    name[15] = 'x';
    assertThatThrownBy(() -> AppPolicy.decode(name)).hasMessageContaining("register name");
    assertThatThrownBy(
            () -> new AppPolicy(false, false, true, TcbStatus.UP_TO_DATE, List.of(sim(1))))
        .hasMessageContaining("simulated");
    assertThatThrownBy(() -> AppPolicy.decode(new byte[4097])).hasMessageContaining("4096");
  }
}
