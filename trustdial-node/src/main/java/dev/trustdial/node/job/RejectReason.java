package dev.trustdial.node.job;

/**
 * Why a job cannot be run by anyone (docs/spec/job-input.md, "Outcomes of jobs that produce no
 * output"): its code is part of the rejected outcome's commitment, so every node must agree on it.
 */
public enum RejectReason {
  PROGRAM_DIGEST_MISMATCH(1, "program digest mismatch"),
  INPUT_DIGEST_MISMATCH(2, "input digest mismatch"),
  MALFORMED_ENVELOPE(3, "malformed job envelope"),
  PROGRAM_NOT_RUNNABLE(4, "program is neither a valid ELF nor a valid GGUF model"),
  MALFORMED_INFERENCE_REQUEST(5, "malformed inference request");

  private final int code;
  private final String text;

  RejectReason(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The uint8 reason code of the spec. */
  public int code() {
    return code;
  }

  public String text() {
    return text;
  }
}
