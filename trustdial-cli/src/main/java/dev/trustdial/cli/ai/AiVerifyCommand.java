package dev.trustdial.cli.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.inference.Inference;
import dev.trustdial.ai.inference.ReceiptVerifier;
import dev.trustdial.ai.inference.RequestLimits;
import dev.trustdial.ai.inference.Verification;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trustdial ai verify}: re-executes a receipt locally. Exit 0 match, 1 mismatch, 2 bad
 * input.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a receipt's signature and re-execute its request with the model; report match or the",
      "first differing output token. The file may be a receipt or a response that carries one."
    })
public final class AiVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RECEIPT.json",
      description = "Receipt JSON (or a response with a 'receipt').")
  Path receiptFile;

  @Mixin ModelOptions model;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(receiptFile)) {
      throw new InvalidInputException("no such file: " + receiptFile);
    }
    if (Files.size(receiptFile) > ReceiptJson.MAX_RECEIPT_CHARS) {
      throw new InvalidInputException(
          receiptFile + " is larger than " + ReceiptJson.MAX_RECEIPT_CHARS + " bytes");
    }
    ObjectMapper mapper = Json.mapper();
    var tree = mapper.readTree(Files.readString(receiptFile, StandardCharsets.UTF_8));
    if (tree == null) {
      throw new InvalidInputException(receiptFile + " is empty");
    }
    ReceiptJson.Checked checked =
        ReceiptJson.parseChecked(tree.has("receipt") ? tree.get("receipt") : tree);
    Receipt receipt = checked.receipt();
    Verification v;
    try (EngineBackend backend = model.load()) {
      // A receipt's request carries its seed, so the seed source is never drawn from.
      v =
          new ReceiptVerifier(new Inference(backend, RequestLimits.defaults(), () -> 0))
              .verify(checked);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = v.toJson(receipt.id());
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    } else {
      out.println("receipt   " + receipt.id());
      out.println(
          "signer    "
              + (v.signer().isEmpty() ? "(none)" : v.signer())
              + (v.signatureValid() ? " (operator, valid)" : " (NOT the operator)"));
      out.println(
          "model     "
              + receipt.body().model().name()
              + " "
              + receipt.body().model().fileSha256()
              + (v.modelMatches() ? "" : " (NOT the model given here)"));
      out.println(
          "tokens    "
              + receipt.body().outputTokens().length
              + " in the receipt, "
              + v.expectedTokens().length
              + " re-executed");
      v.problems().forEach(p -> out.println("problem   " + p));
      out.println(
          v.match()
              ? "MATCH: re-execution reproduced the receipt bit for bit"
              : "MISMATCH" + v.firstMismatch().map(i -> " at output token " + i).orElse(""));
    }
    out.flush();
    return v.match() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
