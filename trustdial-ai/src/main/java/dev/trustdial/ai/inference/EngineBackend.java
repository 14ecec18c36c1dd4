package dev.trustdial.ai.inference;

import dev.trustdial.ai.chat.ChatTemplate;
import dev.trustdial.ai.engine.Engine;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The deterministic engine with the tokenizer and chat template of the same model file. */
public final class EngineBackend implements CompletionBackend {

  private final Engine engine;
  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final String templateSha256;

  private EngineBackend(Engine engine, Tokenizer tokenizer, ChatTemplate template) {
    this.engine = engine;
    this.tokenizer = tokenizer;
    this.template = template;
    this.templateSha256 =
        Hashes.sha256(template.source().getBytes(StandardCharsets.UTF_8)).toHex().substring(2);
    if (tokenizer.vocabulary().size() != engine.info().vocabSize()) {
      engine.close();
      throw new InvalidInputException(
          "the tokenizer has "
              + tokenizer.vocabulary().size()
              + " tokens but the model has a vocabulary of "
              + engine.info().vocabSize());
    }
  }

  /**
   * Loads a GGUF model (tokenizer and template from its metadata) or a llama2.c checkpoint with its
   * tokenizer file (given, or tok512.bin / tokenizer.bin next to the model).
   */
  public static EngineBackend load(
      Path model, Optional<Path> tokenizerFile, EngineOptions options) {
    if (!Files.isRegularFile(model)) {
      throw new InvalidInputException("model file not found: " + model);
    }
    Tokenizer tokenizer;
    ChatTemplate template;
    if (model.getFileName().toString().endsWith(".gguf")) {
      try (GgufFile gguf = GgufFile.open(model)) {
        tokenizer =
            tokenizerFile.map(Tokenizers::fromLlama2c).orElseGet(() -> Tokenizers.fromGguf(gguf));
        template =
            ChatTemplate.fromGguf(
                gguf,
                specialText(tokenizer, tokenizer.vocabulary().special().bos()),
                specialText(tokenizer, tokenizer.vocabulary().special().eos()));
      }
    } else {
      Path tok = tokenizerFile.orElseGet(() -> sibling(model));
      tokenizer = Tokenizers.fromLlama2c(tok);
      template =
          new ChatTemplate(
              ChatTemplate.CHATML,
              specialText(tokenizer, tokenizer.vocabulary().special().bos()),
              specialText(tokenizer, tokenizer.vocabulary().special().eos()));
    }
    return new EngineBackend(Engine.load(model, options), tokenizer, template);
  }

  private static Path sibling(Path model) {
    for (String name : new String[] {"tok512.bin", "tokenizer.bin"}) {
      Path p = model.resolveSibling(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new InvalidInputException(
        "no tokenizer for " + model + ": give --tokenizer or put tokenizer.bin next to it");
  }

  private static String specialText(Tokenizer t, int id) {
    return id >= 0 ? t.vocabulary().text(id) : "";
  }

  public Engine engine() {
    return engine;
  }

  @Override
  public String modelName() {
    return engine.info().name();
  }

  @Override
  public String fileSha256() {
    return engine.info().fileSha256();
  }

  @Override
  public String determinismProfile() {
    return engine.info().determinismProfile();
  }

  @Override
  public int contextLength() {
    return engine.info().contextLength();
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public ChatTemplate chatTemplate() {
    return template;
  }

  @Override
  public String chatTemplateSha256() {
    return templateSha256;
  }

  @Override
  public GenerationResult generate(GenerationRequest request, TokenSink sink) {
    return engine.generate(request, sink);
  }

  @Override
  public void close() {
    engine.close();
  }
}
