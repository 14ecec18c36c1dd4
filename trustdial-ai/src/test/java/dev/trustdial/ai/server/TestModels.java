package dev.trustdial.ai.server;

import dev.trustdial.ai.chat.ChatTemplate;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.inference.CompletionBackend;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.tokenizer.Tokenizer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The bundled stories260K model for server tests, and wrappers that misbehave on purpose. */
final class TestModels {

  private TestModels() {}

  static Path stories260KGguf() {
    try {
      return Path.of(TestModels.class.getResource("/models/stories260K.gguf").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static EngineBackend stories() {
    return EngineBackend.load(
        stories260KGguf(), Optional.empty(), EngineOptions.defaults().withThreads(1));
  }

  /** Delegates everything; subclasses change generation. */
  static class Wrapped implements CompletionBackend {
    final CompletionBackend inner;

    Wrapped(CompletionBackend inner) {
      this.inner = inner;
    }

    @Override
    public String modelName() {
      return inner.modelName();
    }

    @Override
    public String fileSha256() {
      return inner.fileSha256();
    }

    @Override
    public String determinismProfile() {
      return inner.determinismProfile();
    }

    @Override
    public int contextLength() {
      return inner.contextLength();
    }

    @Override
    public Tokenizer tokenizer() {
      return inner.tokenizer();
    }

    @Override
    public ChatTemplate chatTemplate() {
      return inner.chatTemplate();
    }

    @Override
    public String chatTemplateSha256() {
      return inner.chatTemplateSha256();
    }

    @Override
    public GenerationResult generate(GenerationRequest r, TokenSink s) {
      return inner.generate(r, s);
    }

    @Override
    public void close() {}
  }

  /**
   * An operator that returns a wrong completion: its output tokens are rewritten after generation.
   */
  static CompletionBackend lying(CompletionBackend inner, UnaryOperator<int[]> rewrite) {
    return new Wrapped(inner) {
      @Override
      public GenerationResult generate(GenerationRequest r, TokenSink s) {
        GenerationResult g = inner.generate(r, s);
        return new GenerationResult(
            rewrite.apply(g.tokens()), g.finishReason(), g.logprobs(), g.promptTokens());
      }
    };
  }
}
