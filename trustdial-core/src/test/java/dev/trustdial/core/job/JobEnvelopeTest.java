package dev.trustdial.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class JobEnvelopeTest {
  private static final JobEnvelope VECTOR =
      new JobEnvelope(new Bytes32(filled(0x11)), 65536, new byte[] {1, 2, 3});

  @Test
  void encodesTheSpecVector() {
    assertThat(Hex.encode(VECTOR.encode()))
        .isEqualTo(
            "0x54444a4f42494e31" + "11".repeat(32) + "0000000000010000" + "00000003" + "010203");
    assertThat(VECTOR.digest().toHex())
        .isEqualTo("0x65154ea2571219108eadbaa50eaf61204007bc170f9d252341342467261db224");
  }

  @Property(tries = 200)
  void roundTrips(
      @ForAll @Size(max = 300) byte[] input,
      @ForAll @LongRange(min = 1, max = 1L << 32) long stride) {
    JobEnvelope e = new JobEnvelope(new Bytes32(filled(7)), stride, input);
    JobEnvelope back = JobEnvelope.decode(e.encode());
    assertThat(back.programBlobKey()).isEqualTo(e.programBlobKey());
    assertThat(back.checkpointStride()).isEqualTo(stride);
    assertThat(back.input()).isEqualTo(input);
  }

  @Property(tries = 100)
  void refusesEveryTruncationAndExtension(
      @ForAll @Size(max = 40) byte[] input, @ForAll byte extra) {
    byte[] enc = new JobEnvelope(new Bytes32(filled(7)), 4096, input).encode();
    for (int n = 0; n < enc.length; n++) {
      byte[] cut = Arrays.copyOf(enc, n);
      assertThatThrownBy(() -> JobEnvelope.decode(cut)).isInstanceOf(InvalidInputException.class);
    }
    byte[] longer = Arrays.copyOf(enc, enc.length + 1);
    longer[enc.length] = extra;
    assertThatThrownBy(() -> JobEnvelope.decode(longer))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("declares");
  }

  @Test
  void refusesBadMagicStrideAndOversizedInput() {
    byte[] enc = VECTOR.encode();
    enc[0] = 'X';
    assertThatThrownBy(() -> JobEnvelope.decode(enc)).hasMessageContaining("magic");
    assertThatThrownBy(() -> new JobEnvelope(Bytes32.ZERO, 0, new byte[0]))
        .hasMessageContaining("stride");
    assertThatThrownBy(() -> new JobEnvelope(Bytes32.ZERO, (1L << 32) + 1, new byte[0]))
        .hasMessageContaining("stride");
    byte[] huge = VECTOR.encode();
    huge[48] = 0x7f;
    assertThatThrownBy(() -> JobEnvelope.decode(huge)).hasMessageContaining("limit");
  }

  private static byte[] filled(int b) {
    byte[] x = new byte[32];
    Arrays.fill(x, (byte) b);
    return x;
  }
}
