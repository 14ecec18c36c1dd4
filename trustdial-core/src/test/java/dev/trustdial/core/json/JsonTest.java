package dev.trustdial.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
  @TempDir Path dir;

  record Limits(Integer port, String host, Boolean enabled, List<String> names, Inner inner) {}

  record Inner(Long seconds) {}

  private static JsonNode read(String json) {
    return Json.readTree(json.getBytes(StandardCharsets.UTF_8), "the input");
  }

  @Test
  void aCallerReconfiguringItsMapperChangesNothingForOthers() throws Exception {
    // ai verify --json once enabled indented output on the shared mapper, and the KMS audit log,
    // one entry a line, broke in that JVM.
    Json.mapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    assertThat(Json.mapper().writeValueAsString(Map.of("a", 1))).isEqualTo("{\"a\":1}");
  }

  @Test
  void refusesADuplicateKeyAtAnyDepthNamingItAndWhere() {
    assertThatThrownBy(() -> read("{\"a\": 1, \"a\": 2}"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the input is not valid JSON: duplicate key 'a' (line 1, column 13)");
    assertThatThrownBy(() -> read("{\"x\": [{\"b\": 1,\n \"b\": 1}]}"))
        .hasMessageStartingWith("the input is not valid JSON: duplicate key 'b' (line 2");
  }

  @Test
  void capsNestingDepthAndAcceptsTheLimitItself() {
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(read(ok).isArray()).isTrue();
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> read(deep))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("the input is not valid JSON: nested deeper than 64 levels");
    String deepObject = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> read(deepObject)).hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void capsStringAndNumberLengths() {
    String longString = "\"" + "x".repeat(Json.MAX_STRING_CHARS + 1) + "\"";
    assertThatThrownBy(() -> read(longString))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a string is longer than " + Json.MAX_STRING_CHARS + " characters");
    assertThat(read("\"" + "x".repeat(1 << 20) + "\"").textValue()).hasSize(1 << 20);
    String longNumber = "1".repeat(Json.MAX_NUMBER_CHARS + 1);
    assertThatThrownBy(() -> read("[" + longNumber + "]"))
        .hasMessageContaining("a number is longer than 1000 characters");
  }

  @Test
  void capsTheDocumentSize() {
    // Many short strings: no single value is over a limit, the whole is.
    StringBuilder b = new StringBuilder("[");
    String item = "\"" + "y".repeat(1 << 20) + "\",";
    while (b.length() <= Json.MAX_DOCUMENT_BYTES) {
      b.append(item);
    }
    b.append("0]");
    byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Json.readTree(bytes, "the input"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "the input is "
                + bytes.length
                + " bytes, over the "
                + Json.MAX_DOCUMENT_BYTES
                + "-byte limit");
    // Read as a stream, the parser's own cap applies.
    assertThatThrownBy(() -> Json.mapper().readTree(new java.io.ByteArrayInputStream(bytes)))
        .isInstanceOf(com.fasterxml.jackson.core.exc.StreamConstraintsException.class);
  }

  @Test
  void refusesTrailingContentAndReportsSyntaxErrorsWithoutParserInternals() {
    assertThatThrownBy(() -> read("{} {}")).hasMessageStartingWith("the input is not valid JSON:");
    assertThatThrownBy(() -> read("{\"a\": tru}"))
        .hasMessageStartingWith("the input is not valid JSON: Unrecognized token 'tru'")
        .hasMessageContaining("(line 1, column")
        .hasMessageNotContaining("`");
    assertThat(read("{\"a\": 1}\n").get("a").asInt()).isEqualTo(1);
  }

  @Test
  void bindsARecordAndRefusesUnknownFieldsAndWrongTypesByName() throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(f, "{\"port\": 80, \"names\": [\"a\"], \"inner\": {\"seconds\": 5}}");
    Limits l = Json.readFile(f, 1024, "test config", Limits.class, Map.of());
    assertThat(l).isEqualTo(new Limits(80, null, null, List.of("a"), new Inner(5L)));

    Files.writeString(f, "{\"port\": 80, \"prot\": 81}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "test config "
                + f
                + ": unknown field 'prot' (known fields: enabled, host, inner, names, port)");
    Files.writeString(f, "{\"inner\": {\"second\": 5}}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage(
            "test config " + f + ": unknown field 'inner.second' (known fields there: seconds)");
    Files.writeString(f, "{\"port\": \"80\"}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + ": 'port' must be a whole number");
    Files.writeString(f, "{\"enabled\": \"yes\"}");
    assertThatThrownBy(() ->
            Json.readFile(
                f,
                1024,
                "test config",
                Limits.class,
                Map.of("enabled", "enabled must be true or false")))
        .hasMessage("test config " + f + ": enabled must be true or false");
    Files.writeString(f, "{\"names\": \"a\"}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + ": 'names' must be an array");
    Files.writeString(f, "{\"inner\": 3}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + ": 'inner' must be an object");
  }

  @Test
  void refusesAFileThatIsMissingTooLargeNotJsonOrNotAnObject() throws Exception {
    Path f = dir.resolve("c.json");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config not found: " + f);
    Files.writeString(f, " ".repeat(2000) + "{}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + " exceeds 1 KiB");
    Files.writeString(f, "{\"port\": 1, \"port\": 2}");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + " is not JSON: duplicate key 'port' (line 1, column 19)");
    Files.writeString(f, "[1]");
    assertThatThrownBy(() -> Json.readFile(f, 1024, "test config", Limits.class, Map.of()))
        .hasMessage("test config " + f + " must be a JSON object");
  }

  @Test
  void writesRecordsWithoutAbsentFieldsOnlyWhenAsked() {
    assertThat(new String(Json.write(new Limits(1, "h", null, null, null)), StandardCharsets.UTF_8))
        .isEqualTo("{\"port\":1,\"host\":\"h\",\"enabled\":null,\"names\":null,\"inner\":null}");
    assertThat(Json.writePretty(Map.of("a", 1))).isEqualTo("{\n  \"a\" : 1\n}\n");
  }
}
