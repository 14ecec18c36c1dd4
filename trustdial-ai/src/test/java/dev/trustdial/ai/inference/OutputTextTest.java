package dev.trustdial.ai.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OutputTextTest {

  static final Tokenizer TOK;

  static {
    try {
      TOK =
          Tokenizers.fromLlama2c(
              Path.of(OutputTextTest.class.getResource("/models/tok512.bin").toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Feeds tokens, collecting streamed deltas; returns [streamed, final]. */
  static String[] run(int[] tokens, List<String> stops) {
    OutputText out = new OutputText(TOK, stops);
    StringBuilder streamed = new StringBuilder();
    for (int t : tokens) {
      boolean go = out.accept(t);
      streamed.append(out.releasable());
      if (!go) {
        break;
      }
    }
    streamed.append(out.finish());
    return new String[] {streamed.toString(), out.finalText()};
  }

  @Test
  void stopStringSpanningTokensCutsBeforeIt() {
    int[] ids = TOK.encode("Once upon a time, there was a girl", false, false);
    String[] r = run(ids, List.of("e, th"));
    assertThat(r[1]).isEqualTo(" Once upon a tim");
    assertThat(r[0]).isEqualTo(r[1]);
  }

  @Test
  void earliestOfSeveralStopsWins() {
    int[] ids = TOK.encode("abc def ghi", false, false);
    assertThat(run(ids, List.of("ghi", "def"))[1]).isEqualTo(" abc ");
  }

  @Test
  void multiByteCharactersAreNeverSplit() {
    int[] ids = TOK.encode("é😀 ok", false, false); // byte-fallback tokens, one byte each
    OutputText out = new OutputText(TOK, List.of());
    StringBuilder deltas = new StringBuilder();
    for (int t : ids) {
      out.accept(t);
      String d = out.releasable();
      assertThat(d.getBytes(StandardCharsets.UTF_8))
          .as("delta %s", d)
          .doesNotContain((byte) 0xEF, (byte) 0xBF);
      deltas.append(d);
    }
    deltas.append(out.finish());
    assertThat(deltas.toString()).isEqualTo(" é😀 ok");
  }

  /** Whatever the tokens and stops, the streamed deltas concatenate to the final text. */
  @Property(tries = 300)
  void streamedDeltasEqualTheFinalText(
      @ForAll @Size(max = 30) List<@IntRange(min = 3, max = 511) Integer> tokens,
      @ForAll @Size(max = 3)
          List<
                  @net.jqwik.api.constraints.StringLength(min = 1, max = 4)
                  @net.jqwik.api.constraints.CharRange(from = 'a', to = 'f') String>
              stops) {
    int[] ids = tokens.stream().mapToInt(Integer::intValue).toArray();
    String[] r = run(ids, stops);
    assertThat(r[0]).isEqualTo(r[1]);
    for (String s : stops) {
      assertThat(r[1]).doesNotContain(s);
    }
  }

  @Test
  void completePrefixStopsBeforeAnUnfinishedCharacter() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    assertThat(OutputText.completePrefix(new byte[] {'a', euro[0], euro[1]})).isEqualTo(1);
    assertThat(OutputText.completePrefix(new byte[] {'a', euro[0], euro[1], euro[2]})).isEqualTo(4);
    assertThat(OutputText.completePrefix(new byte[] {'a', (byte) 0x80}))
        .isEqualTo(2); // stray continuation: keep
  }
}
