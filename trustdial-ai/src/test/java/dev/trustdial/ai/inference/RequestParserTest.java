package dev.trustdial.ai.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.receipt.CanonicalJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParserTest {

  static final ObjectMapper M = new ObjectMapper();
  static final RequestParser P = new RequestParser("m", RequestLimits.defaults());

  static ApiRequest parse(String endpoint, String json) throws Exception {
    return P.parse(endpoint, M.readTree(json));
  }

  @Test
  void canonicalFormReadsBackToTheSameBytes() throws Exception {
    for (String[] c :
        List.of(
            new String[] {
              ApiRequest.CHAT_ENDPOINT,
              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                  + "[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}],\"stop\":\"x\",\"top_logprobs\":3,"
                  + "\"logprobs\":true,\"user\":\"u1\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}"
            },
            new String[] {
              ApiRequest.TEXT_ENDPOINT,
              "{\"model\":\"m\",\"prompt\":[\"hi\"],\"logprobs\":2,\"temperature\":0.3}"
            },
            new String[] {ApiRequest.TEXT_ENDPOINT, "{\"model\":\"m\",\"prompt\":\"hi\"}"})) {
      ApiRequest r = parse(c[0], c[1]);
      ApiRequest resolved = r.withSettings(r.settings().resolved(10, 77));
      byte[] canonical = CanonicalJson.encode(resolved.canonical());
      ApiRequest again = P.parse(c[0], M.readTree(canonical));
      assertThat(CanonicalJson.encode(again.canonical())).isEqualTo(canonical);
      assertThat(again.settings()).isEqualTo(resolved.settings());
    }
  }

  @Test
  void defaultsAreResolvedAndVisible() throws Exception {
    ApiRequest r =
        parse(
            ApiRequest.CHAT_ENDPOINT,
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
    var c = r.withSettings(r.settings().resolved(5, 9)).canonical();
    assertThat(c.get("temperature").asDouble()).isEqualTo(1.0);
    assertThat(c.get("top_p").asDouble()).isEqualTo(1.0);
    assertThat(c.get("tool_choice").asText()).isEqualTo("none");
    assertThat(c.get("seed").asLong()).isEqualTo(9);
    assertThat(c.get("max_tokens").asInt()).isEqualTo(5);
    assertThat(c.has("stream")).isFalse();
  }

  @Test
  void unsupportedThingsAreRefusedNotIgnored() {
    assertThatThrownBy(() ->
            parse(
                ApiRequest.CHAT_ENDPOINT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"a\"}],\"response_format\":{\"type\":\"json_object\"}}"))
        .hasMessageContaining("response_format");
    assertThatThrownBy(() ->
            parse(
                ApiRequest.CHAT_ENDPOINT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"image_url\"}]}]}"))
        .hasMessageContaining("text content");
    assertThatThrownBy(() ->
            parse(ApiRequest.TEXT_ENDPOINT, "{\"model\":\"m\",\"prompt\":\"a\",\"echo\":true}"))
        .hasMessageContaining("echo");
    assertThatThrownBy(
            () -> parse(ApiRequest.TEXT_ENDPOINT, "{\"model\":\"m\",\"prompt\":\"a\",\"n\":2}"))
        .hasMessageContaining("n=1");
    assertThatThrownBy(() ->
            parse(
                ApiRequest.CHAT_ENDPOINT,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\"," + "\"content\":\"a\"}]}"))
        .hasMessageContaining("tool_call_id");
    assertThatThrownBy(() ->
            parse(
                ApiRequest.TEXT_ENDPOINT,
                "{\"model\":\"m\",\"prompt\":\"a\",\"seed\":9007199254740992}"))
        .hasMessageContaining("2^53");
    assertThatThrownBy(() ->
            parse(
                ApiRequest.TEXT_ENDPOINT,
                "{\"endpoint\":\"/v1/chat/completions\",\"model\":\"m\",\"prompt\":\"a\"}"))
        .hasMessageContaining("made for");
  }
}
