package dev.trustdial.tee.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmsRootTest {
  static final KmsRoot ROOT = new KmsRoot(new SecureRandom().generateSeed(32));

  @Test
  void keysDependOnAppAndPurposeOnly() {
    BigInteger a = BigInteger.ONE;
    BigInteger b = BigInteger.TWO;
    assertThat(ROOT.wallet(a).address()).isEqualTo(ROOT.wallet(a).address());
    assertThat(ROOT.wallet(a).address()).isNotEqualTo(ROOT.wallet(b).address());
    assertThat(ROOT.sealKey(a))
        .isNotEqualTo(ROOT.sealKey(b))
        .isNotEqualTo(ROOT.appKey(a, KmsRoot.Purpose.WALLET, 0));
    assertThat(ROOT.keySet(a, 1, List.of()).wallet().address())
        .isEqualTo(ROOT.keySet(a, 9, List.of()).wallet().address());
    KmsRoot other = new KmsRoot(new SecureRandom().generateSeed(32));
    assertThat(other.wallet(a).address()).isNotEqualTo(ROOT.wallet(a).address());
    assertThatThrownBy(() -> new KmsRoot(new byte[32])).hasMessageContaining("all zeros");
    assertThatThrownBy(() -> ROOT.wallet(BigInteger.ZERO)).hasMessageContaining("positive");
  }

  @Test
  void keySetRoundTripsAndRefusesBadEncodings() {
    KeySet ks =
        ROOT.keySet(
            BigInteger.valueOf(5),
            3,
            List.of(new KeySet.Secret("API_KEY", "v".getBytes(StandardCharsets.US_ASCII))));
    KeySet back = KeySet.decode(ks.encode());
    assertThat(back.wallet().address()).isEqualTo(ks.wallet().address());
    assertThat(back.sealKey()).isEqualTo(ks.sealKey());
    assertThat(back.appVersion()).isEqualTo(3);
    assertThat(back.secrets().getFirst().value().toArray())
        .isEqualTo("v".getBytes(StandardCharsets.US_ASCII));
    byte[] e = ks.encode();
    assertThatThrownBy(() -> KeySet.decode(java.util.Arrays.copyOf(e, e.length - 1)))
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> new KeySet.Secret("bad name", new byte[1]))
        .hasMessageContaining("secret name");
    assertThatThrownBy(() -> new KeySet.Secret("BIG", new byte[4097])).hasMessageContaining("4096");
  }

  @Test
  void developerSecretsOpenOnlyForTheirAppAndName() throws Exception {
    SealedSecret s =
        SealedSecret.seal(
            ROOT.kmsKey().publicKey(),
            BigInteger.ONE,
            "API_KEY",
            "xyz".getBytes(StandardCharsets.US_ASCII),
            new SecureRandom());
    assertThat(s.open(ROOT.kmsKey(), BigInteger.ONE))
        .isEqualTo("xyz".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> s.open(ROOT.kmsKey(), BigInteger.TWO))
        .hasMessageContaining("does not open");
    SealedSecret renamed = new SealedSecret("OTHER", s.ciphertext());
    assertThatThrownBy(() -> renamed.open(ROOT.kmsKey(), BigInteger.ONE))
        .hasMessageContaining("does not open");
  }
}
