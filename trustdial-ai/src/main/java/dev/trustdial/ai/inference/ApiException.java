package dev.trustdial.ai.inference;

import dev.trustdial.ai.Invariant;
import dev.trustdial.core.InvalidInputException;

/** A request the API refuses, with the HTTP status and OpenAI error fields to answer it with. */
public final class ApiException extends InvalidInputException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public ApiException(int status, String type, String param, String code, String message) {
    super(message);
    Invariant.check(status >= 400 && status < 600, "an API error has a 4xx or 5xx status");
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  public static ApiException badRequest(String param, String message) {
    return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The offending request field, or "" when none. */
  public String param() {
    return param;
  }

  public String code() {
    return code;
  }
}
