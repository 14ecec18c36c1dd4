package dev.trustdial.ai.inference;

import dev.trustdial.ai.chat.ChatTemplate;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.tokenizer.Tokenizer;

/** What the server needs from a loaded model: identity, tokenizer, template and generation. */
public interface CompletionBackend extends AutoCloseable {

  String modelName();

  /** sha256 of the model file, 64 lowercase hex chars. */
  String fileSha256();

  String determinismProfile();

  int contextLength();

  Tokenizer tokenizer();

  ChatTemplate chatTemplate();

  /** sha256 (hex) of the chat template source. */
  String chatTemplateSha256();

  /** Blocking and thread-safe; the sink may stop generation early by returning false. */
  GenerationResult generate(GenerationRequest request, TokenSink sink);

  @Override
  void close();
}
