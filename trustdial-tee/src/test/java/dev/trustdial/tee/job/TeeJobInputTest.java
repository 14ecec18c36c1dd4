package dev.trustdial.tee.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.tee.kms.SealedSecret;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TEE job input of docs/spec/job-input.md ("TEE jobs"): vector T1 and its envelope digest,
 * refusals.
 */
class TeeJobInputTest {
  static final String T1 =
      "54445445454a4231"
          + "00000015"
          + "7b2274696d656f75745365636f6e6473223a36307d"
          + "0001"
          + "07"
          + "4150495f4b4559"
          + "0003"
          + "aabbcc"
          + "0000000d"
          + "7b2266657463686573223a367d";

  static TeeJobInput t1() {
    return new TeeJobInput(
        "{\"timeoutSeconds\":60}".getBytes(StandardCharsets.UTF_8),
        List.of(new SealedSecret("API_KEY", new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc})),
        "{\"fetches\":6}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodesVectorT1AndItsEnvelopeDigest() {
    byte[] encoded = t1().encode();
    assertThat(Hex.encode(encoded)).isEqualTo("0x" + T1);
    JobEnvelope envelope = new JobEnvelope(new Bytes32(filled(0x22)), 1, encoded);
    assertThat(envelope.digest().toString())
        .isEqualTo("0x7ad0c1ab6fce998f3c18d3f0fa614b6e21b8c1369512f0af411127a23755648b");
    TeeJobInput back = TeeJobInput.decode(encoded);
    assertThat(back.config()).isEqualTo(t1().config());
    assertThat(back.appInput()).isEqualTo(t1().appInput());
    assertThat(back.secrets())
        .singleElement()
        .satisfies(s -> {
          assertThat(s.name()).isEqualTo("API_KEY");
          assertThat(s.ciphertext().toArray()).containsExactly(0xaa, 0xbb, 0xcc);
        });
  }

  @Test
  void refusesMalformedInput() {
    byte[] t1 = Hex.decode("0x" + T1);
    refused(Arrays.copyOf(t1, 7), "magic TDTEEJB1");
    refused(Arrays.copyOf(t1, t1.length - 1), "app input");
    refused(Arrays.copyOf(t1, t1.length + 1), "after the app input");
    refused(Arrays.copyOf(t1, 10), "ends before configLength");
    byte[] zeroConfig = Hex.decode("0x54445445454a4231" + "00000000" + "0000" + "00000000");
    refused(zeroConfig, "launch configuration is 0 bytes");
    byte[] twice =
        Hex.decode(
            "0x54445445454a4231"
                + "00000002"
                + "7b7d"
                + "0002"
                + "0141"
                + "000101"
                + "0141"
                + "000102"
                + "00000000");
    refused(twice, "secret A twice");
    byte[] badName =
        Hex.decode(
            "0x54445445454a4231" + "00000002" + "7b7d" + "0001" + "0120" + "000101" + "00000000");
    refused(badName, "secret 0");
    byte[] tooMany = Hex.decode("0x54445445454a4231" + "00000002" + "7b7d" + "0011" + "00000000");
    refused(tooMany, "17 secrets");
    assertThat(TeeJobInput.looksLikeTeeJob(t1)).isTrue();
    assertThat(TeeJobInput.looksLikeTeeJob("{\"messages\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
  }

  private static void refused(byte[] bytes, String message) {
    assertThatThrownBy(() -> TeeJobInput.decode(bytes))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  private static byte[] filled(int b) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) b);
    return out;
  }
}
