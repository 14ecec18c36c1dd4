package dev.trustdial.cli.tee;

import static dev.trustdial.cli.tee.TeeCommand.read;

import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.transcript.Transcript;
import dev.trustdial.tee.transcript.TranscriptEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "transcript",
    description = "Decode a fetch transcript (TDTRANS1) and print its entries and head hash.")
final class TeeTranscriptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--file", required = true, paramLabel = "FILE")
  Path file;

  @Override
  public Integer call() {
    List<TranscriptEntry> entries;
    try {
      entries = Transcript.decode(read(file, 4 * 1024 * 1024, "transcript"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("transcript " + file + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    for (TranscriptEntry e : entries) {
      out.println(
          e.index()
              + " "
              + e.time()
              + " "
              + e.status()
              + " "
              + e.url()
              + " len "
              + e.bodyLength()
              + " body "
              + Hex.encodeBare(e.bodySha256().bytes())
              + " tls "
              + Hex.encodeBare(e.certChainSha256().bytes()));
    }
    out.println("entries " + entries.size() + " head " + Hex.encode(Transcript.headOf(entries)));
    out.flush();
    return ExitCodes.OK;
  }
}
