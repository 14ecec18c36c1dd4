package dev.trustdial.cli.da;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DaClient;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.OperatorSignature;
import dev.trustdial.da.codec.BlobCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial da put FILE}: disperse a file, print its blob key and certificate. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Disperse FILE (at most 16 MiB) to the DA nodes and register its certificate.")
public final class DaPutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaNetworkOptions network;

  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("no such file: " + file);
    }
    long size = Files.size(file);
    if (size > BlobCodec.MAX_BLOB_BYTES) {
      throw new InvalidInputException(
          file
              + " has "
              + size
              + " bytes; a blob holds at most 16 MiB ("
              + BlobCodec.MAX_BLOB_BYTES
              + " bytes)");
    }
    byte[] data = Files.readAllBytes(file);
    long t0 = System.nanoTime();
    DaCertificate cert;
    try (DaClient da = network.client(spec.commandLine().getErr())) {
      cert = da.put(data);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper m = Json.mapper();
      ObjectNode o = m.createObjectNode();
      o.put("blobKey", cert.blobKey().toHex());
      o.put("size", data.length);
      o.put("referenceBlock", cert.header().referenceBlock());
      o.put("expiry", cert.header().expiry());
      ArrayNode signers = o.putArray("signerIndices");
      cert.signatures().stream().map(OperatorSignature::operatorIndex).forEach(signers::add);
      o.put("certificate", Hex.encode(cert.encode()));
      out.println(m.writeValueAsString(o));
    } else {
      out.printf("blob key   %s%n", cert.blobKey());
      out.printf(
          "size       %d bytes in %d sub-blobs%n", data.length, cert.header().subBlobCount());
      out.printf("signed by  %d operators%n", cert.signatures().size());
      out.printf("expires    %s%n", Instant.ofEpochSecond(cert.header().expiry()));
      out.printf("took       %.2f s (%.2f MB/s)%n", seconds, data.length / 1e6 / seconds);
    }
    return 0;
  }
}
