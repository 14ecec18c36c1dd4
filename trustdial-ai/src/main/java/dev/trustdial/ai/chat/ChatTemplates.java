package dev.trustdial.ai.chat;

/**
 * Chat templates of the model families, written here in Jinja from each family's documented turn
 * format (the tokens and the layout of a turn), for the generated models and the tests. Real GGUF
 * files carry their own template in {@code tokenizer.chat_template}, which {@link ChatTemplate}
 * renders as it is.
 */
public final class ChatTemplates {
  private ChatTemplates() {}

  /** ChatML as the generated Qwen models carry it. */
  public static final String QWEN =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
          + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  /** Llama 3: a header per turn, content trimmed, each turn ended by {@code <|eot_id|>}. */
  public static final String LLAMA3 =
      "{{ bos_token }}{% for message in messages %}"
          + "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
          + "{{ message['content'] | trim }}{{ '<|eot_id|>' }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

  /**
   * Mistral: {@code [INST] user [/INST]answer</s>}; an optional first system message goes in front
   * of the first user message; other roles are refused.
   */
  public static final String MISTRAL =
      "{{ bos_token }}{% for message in messages %}"
          + "{% if message['role'] == 'user' %}{{ '[INST] ' }}"
          + "{% if loop.index0 == 1 and messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n\\n' }}{% endif %}"
          + "{{ message['content'] + ' [/INST]' }}"
          + "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}"
          + "{% elif message['role'] == 'system' and loop.first %}"
          + "{% else %}{{ raise_exception('Mistral chats have user and assistant turns after an optional first system message') }}"
          + "{% endif %}{% endfor %}";

  /**
   * Phi-3: {@code <|role|>} newline, content, {@code <|end|>} newline; the answer opens with {@code
   * <|assistant|>}.
   */
  public static final String PHI3 =
      "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

  /**
   * Gemma 2/3: {@code <start_of_turn>user|model}, trimmed content, {@code <end_of_turn>}; a first
   * system message is put in front of the first user turn (Gemma has no system role).
   */
  public static final String GEMMA =
      "{{ bos_token }}{% for message in messages %}"
          + "{% if message['role'] == 'system' %}"
          + "{% if not loop.first %}{{ raise_exception('Gemma chats take a system message only first') }}{% endif %}"
          + "{% else %}"
          + "{% if message['role'] == 'assistant' %}{{ '<start_of_turn>model\\n' }}"
          + "{% else %}{{ '<start_of_turn>' + message['role'] + '\\n' }}{% endif %}"
          + "{% if loop.index0 == 1 and messages[0]['role'] == 'system' %}{{ messages[0]['content'] | trim }}{{ '\\n\\n' }}{% endif %}"
          + "{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}"
          + "{% endif %}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";
}
