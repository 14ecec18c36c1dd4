package dev.trustdial.tee.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptTest {
  static Transcript three() {
    Transcript t = new Transcript();
    for (int i = 0; i < 3; i++) {
      t.append(
          Instant.ofEpochMilli(1_000L * (i + 1)),
          "https://example.com/" + i,
          200,
          new byte[32],
          Transcript.sha256(new byte[] {(byte) i}),
          1);
    }
    return t;
  }

  @Test
  void encodingRoundTripsAndTheHeadCommitsToEveryEntryInOrder() {
    Transcript t = three();
    List<TranscriptEntry> back = Transcript.decode(t.encode());
    assertThat(back).hasSize(3);
    assertThat(Transcript.headOf(back)).isEqualTo(t.head());
    assertThat(Transcript.headOf(back.subList(0, 2))).isNotEqualTo(t.head());
    assertThat(Transcript.headOf(List.of())).isEqualTo(Transcript.EMPTY_HEAD);
    byte[] enc = t.encode();
    // Flipping a body-hash byte of entry 1 changes the head.
    byte[] flipped = enc.clone();
    int entry0 = t.entries().getFirst().encode().length;
    flipped[12 + entry0 + 4 + 8 + 2 + "https://example.com/1".length() + 2 + 32] ^= 1;
    assertThat(Transcript.headOf(Transcript.decode(flipped))).isNotEqualTo(t.head());
  }

  @Test
  void decodingRefusesReorderedTruncatedOrOversizedTranscripts() {
    byte[] enc = three().encode();
    assertThatThrownBy(() -> Transcript.decode(Arrays.copyOf(enc, enc.length - 1)))
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> Transcript.decode(Arrays.copyOf(enc, enc.length + 1)))
        .hasMessageContaining("trailing");
    byte[] index = enc.clone();
    index[15] = 5; // entry 0 claims index 5
    assertThatThrownBy(() -> Transcript.decode(index)).hasMessageContaining("index");
    byte[] count = enc.clone();
    count[8] = 0x7f;
    assertThatThrownBy(() -> Transcript.decode(count)).hasMessageContaining("entries");
    Transcript full = new Transcript();
    for (int i = 0; i < Transcript.MAX_ENTRIES; i++) {
      full.append(Instant.EPOCH, "https://a/", 200, new byte[32], new byte[32], 0);
    }
    assertThatThrownBy(
            () -> full.append(Instant.EPOCH, "https://a/", 200, new byte[32], new byte[32], 0))
        .hasMessageContaining("full");
    assertThatThrownBy(() ->
            new Transcript()
                .append(Instant.EPOCH, "h".repeat(2049), 200, new byte[32], new byte[32], 0))
        .hasMessageContaining("URL");
  }
}
