package dev.trustdial.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one JSON mapper for everything TrustDial reads from outside (config files, HTTP bodies, DA
 * blobs, CLI input) and for the canonical JSON it hashes. Reading is strict: a duplicate key, a
 * document nested deeper than {@link #MAX_DEPTH}, a string longer than {@link #MAX_STRING_CHARS}, a
 * document longer than {@link #MAX_DOCUMENT_BYTES}, trailing content after the value, an unknown
 * field of a typed record and a scalar of the wrong type (the string "80" for a number) are
 * refused. Writing is Jackson's default, byte for byte (receipt and output-document hashes depend
 * on it). A site that needs another feature derives its mapper from {@link #builder()}.
 */
public final class Json {
  /** Deepest nesting of arrays and objects a document may have. */
  public static final int MAX_DEPTH = 64;

  /** Longest string value or key, in chars. */
  public static final int MAX_STRING_CHARS = 16 << 20;

  /** Longest document, in bytes (or chars for text input). */
  public static final long MAX_DOCUMENT_BYTES = 64L << 20;

  /** Longest number literal, in chars. */
  public static final int MAX_NUMBER_CHARS = 1000;

  private static final JsonMapper MAPPER = builder().build();

  private Json() {}

  /**
   * A strict mapper of the caller's own (a copy of the shared one): a caller that reconfigures it
   * (say, indented output) changes nothing for anyone else in the JVM. Take it once, e.g. in a
   * static field; for one more feature from the start, use {@link #builder()}.
   */
  public static JsonMapper mapper() {
    return MAPPER.copy();
  }

  /**
   * A builder with the strict settings, for a site that needs one more feature (say, indented
   * output).
   */
  public static JsonMapper.Builder builder() {
    return builder(MAX_DEPTH);
  }

  /** {@link #builder()} with a tighter nesting cap, for an API whose bodies are flat. */
  public static JsonMapper.Builder builder(int maxDepth) {
    if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("maxDepth must be 1.." + MAX_DEPTH + ", got " + maxDepth);
    }
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxDepth)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxDocumentLength(MAX_DOCUMENT_BYTES)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // Unknown fields of a typed record are refused: a misspelt config key must not be silently
        // ignored.
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
  }

  /**
   * Parses {@code bytes} as one JSON document; a syntax error, a duplicate key or a limit is an
   * {@link InvalidInputException} "{@code what} is not valid JSON: {@link #describe detail}". An
   * empty document is {@code MissingNode}.
   */
  public static JsonNode readTree(byte[] bytes, String what) {
    // The parser counts document length only as it refills its buffer, never for an array in
    // memory.
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new InvalidInputException(
          what + " is " + bytes.length + " bytes, over the " + MAX_DOCUMENT_BYTES + "-byte limit");
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(what + " is not valid JSON: " + describe(e), e);
    } catch (IOException e) {
      throw new InvalidInputException(what + " could not be read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a JSON config file of at most {@code maxBytes} into the record {@code type}. Errors name
   * the file and the field: "{@code what} FILE is not JSON: ...", "{@code what} FILE: 'port' must
   * be a whole number"; {@code shapes} replaces the message for a field path (such as {@code "tee"}
   * or {@code "da"}) whose value has the wrong shape.
   */
  public static <T> T readFile(
      Path file, long maxBytes, String what, Class<T> type, Map<String, String> shapes) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " not found: " + file);
    }
    byte[] bytes;
    try {
      if (Files.size(file) > maxBytes) {
        throw new InvalidInputException(what + " " + file + " exceeds " + size(maxBytes));
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException(
          what + " " + file + " could not be read: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidInputException(
          what
              + " "
              + file
              + " is not JSON: "
              + (e instanceof JsonProcessingException j ? describe(j) : e.getMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(what + " " + file + " must be a JSON object");
    }
    return bind(root, type, what + " " + file, shapes);
  }

  /** Binds a parsed object to the record {@code type}, with the messages of {@link #readFile}. */
  public static <T> T bind(JsonNode tree, Class<T> type, String what, Map<String, String> shapes) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String at = path(e);
      Collection<Object> known =
          e.getKnownPropertyIds() == null ? List.of() : e.getKnownPropertyIds();
      throw new InvalidInputException(
          what
              + ": unknown field '"
              + at
              + "' (known fields"
              + (at.contains(".") ? " there" : "")
              + ": "
              + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
              + ")",
          e);
    } catch (MismatchedInputException e) {
      String at = path(e);
      String custom = shapes.get(at.replaceAll("\\[\\d+]", "[]"));
      throw new InvalidInputException(
          what
              + ": "
              + (custom != null ? custom : "'" + at + "' must be " + expected(e.getTargetType())),
          e);
    } catch (JsonProcessingException e) {
      String at = e instanceof JsonMappingException m ? path(m) : "";
      throw new InvalidInputException(
          what + ": " + (at.isEmpty() ? "" : "'" + at + "': ") + describe(e), e);
    }
  }

  /** Writes {@code value} as compact JSON bytes (Jackson's default output). */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Writes {@code value} as indented JSON text with a final newline (config files, reports). */
  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /**
   * A JSON syntax or limit error in the user's terms: what is wrong and where, without the parser's
   * internals ("duplicate key 'model' (line 1, column 30)").
   */
  public static String describe(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
    Matcher dup = Pattern.compile("Duplicate (?:field|Object property) '([^']*)'").matcher(m);
    if (dup.find()) {
      m = "duplicate key '" + dup.group(1) + "'";
    } else if (e instanceof StreamConstraintsException) {
      m = limit(m);
    } else {
      int cut = m.indexOf('`');
      m = (cut > 0 ? m.substring(0, cut) : m).strip();
      if (m.endsWith(" for") || m.endsWith(":")) {
        m = m.substring(0, m.lastIndexOf(m.endsWith(":") ? ':' : ' ')).strip();
      }
    }
    var at = e.getLocation();
    return at == null || at.getLineNr() < 1
        ? m
        : m + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static String limit(String m) {
    Matcher depth =
        Pattern.compile("nesting depth \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)")
            .matcher(m);
    if (depth.find()) {
      return "nested deeper than " + depth.group(2) + " levels";
    }
    if (m.contains("nesting depth")) {
      return "nested deeper than " + MAX_DEPTH + " levels";
    }
    if (m.contains("String value length")) {
      return "a string is longer than " + MAX_STRING_CHARS + " characters";
    }
    if (m.contains("Document length")) {
      return "the document is longer than " + MAX_DOCUMENT_BYTES + " bytes";
    }
    if (m.contains("Number value length")) {
      return "a number is longer than " + MAX_NUMBER_CHARS + " characters";
    }
    int cut = m.indexOf(" (");
    return cut > 0 ? m.substring(0, cut) : m;
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  private static String size(long bytes) {
    return bytes % (1 << 20) == 0
        ? (bytes >> 20) + " MiB"
        : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
  }
}
