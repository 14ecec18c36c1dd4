package dev.trustdial.ai.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.core.InvalidInputException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A chat template (Jinja, rendered with jinjava the way Hugging Face renders it: trim_blocks and
 * lstrip_blocks on). Templates come from GGUF {@code tokenizer.chat_template}; ChatML otherwise.
 */
public final class ChatTemplate {

  public static final String CHATML =
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
          + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  /** Bounds the rendered prompt, so a template loop cannot run away. */
  public static final long MAX_OUTPUT_CHARS = 4L << 20;

  private final String source;
  private final String renderSource;
  private final String bosToken;
  private final String eosToken;
  private final Jinjava jinjava;

  public ChatTemplate(String source, String bosToken, String eosToken) {
    this.source = Objects.requireNonNull(source);
    this.renderSource = pythonStringMethods(source);
    this.bosToken = Objects.requireNonNull(bosToken);
    this.eosToken = Objects.requireNonNull(eosToken);
    JinjavaConfig config =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(true)
            .withMaxOutputSize(MAX_OUTPUT_CHARS)
            .withMaxRenderDepth(16)
            .withLegacyOverrides(
                LegacyOverrides.newBuilder() // Jinja2 semantics where jinjava defaults differ
                    .withEvaluateMapKeys(true)
                    .withIterateOverMapKeys(true)
                    .withUsePyishObjectMapper(true)
                    .withUseNaturalOperatorPrecedence(true)
                    .withParseWhitespaceControlStrictly(true)
                    .withKeepNullableLoopValues(true)
                    .build())
            .build();
    this.jinjava = new Jinjava(config);
    try {
      jinjava
          .getGlobalContext()
          .registerFunction(
              new ELFunctionDefinition(
                  "",
                  "raise_exception",
                  ChatTemplate.class.getDeclaredMethod("raiseException", String.class)));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model's own template, or ChatML when the file has none. */
  public static ChatTemplate fromGguf(GgufFile gguf, String bosToken, String eosToken) {
    return new ChatTemplate(
        gguf.string("tokenizer.chat_template").orElse(CHATML), bosToken, eosToken);
  }

  public String source() {
    return source;
  }

  /**
   * Hugging Face templates call Python str methods; jinjava resolves methods on java.lang.String,
   * so the Python names are mapped to the Java methods with the same meaning.
   */
  static String pythonStringMethods(String template) {
    return template
        .replace(".startswith(", ".startsWith(")
        .replace(".endswith(", ".endsWith(")
        .replace(".upper()", ".toUpperCase()")
        .replace(".lower()", ".toLowerCase()")
        .replace(".lstrip()", ".stripLeading()")
        .replace(".rstrip()", ".stripTrailing()");
  }

  /** Called by templates to reject a conversation they cannot express. */
  public static String raiseException(String message) {
    throw new InvalidInputException("chat template: " + message);
  }

  /**
   * Renders the conversation. {@code tools} are the request's tool definitions as plain JSON values
   * (maps and lists); empty when the request has none.
   */
  public String render(
      List<ChatMessage> messages, boolean addGenerationPrompt, List<Object> tools) {
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("messages", messages.stream().map(ChatMessage::toTemplateValue).toList());
    ctx.put("add_generation_prompt", addGenerationPrompt);
    ctx.put("bos_token", bosToken);
    ctx.put("eos_token", eosToken);
    if (!tools.isEmpty()) {
      ctx.put("tools", tools);
    }
    RenderResult result;
    try {
      result = jinjava.renderForResult(renderSource, ctx);
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unwrap(e);
    }
    List<TemplateError> fatal =
        result.getErrors().stream()
            .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
            .toList();
    if (!fatal.isEmpty()) {
      for (TemplateError e : fatal) {
        if (e.getException() != null) {
          throw unwrap(e.getException());
        }
      }
      throw new InvalidInputException(
          "chat template failed: "
              + fatal.stream().map(TemplateError::getMessage).collect(Collectors.joining("; ")));
    }
    return result.getOutput();
  }

  private static InvalidInputException unwrap(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException iie) {
        return iie;
      }
    }
    return new InvalidInputException("chat template failed: " + e.getMessage(), e);
  }
}
