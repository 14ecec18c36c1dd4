package dev.trustdial.ai.engine;

import java.util.List;

/**
 * Natural-log probability of a token under the model (raw logits, before penalties and
 * temperature).
 */
public record TokenLogprob(int token, double logprob, List<TokenLogprob> top) {
  public TokenLogprob {
    top = List.copyOf(top);
  }
}
