package dev.trustdial.cli.da;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.DaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trustdial da get BLOBKEY -o FILE}: retrieve, verify and rebuild a blob. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description =
        "Fetch a blob's chunks, verify every cell proof, rebuild it and write it to FILE.")
public final class DaGetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DaNetworkOptions network;

  @Parameters(index = "0", paramLabel = "BLOBKEY")
  String blobKey;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "Where to write the blob.")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (!blobKey.matches("0x[0-9a-fA-F]{64}")) {
      throw new InvalidInputException(
          "BLOBKEY must be 0x followed by 64 hex digits, got '" + blobKey + "'");
    }
    Bytes32 key = Bytes32.fromHex(blobKey);
    if (Files.isDirectory(output)) {
      throw new InvalidInputException(
          "-o "
              + output
              + " is a directory; give the file to write, e.g. -o "
              + output.resolve(blobKey.substring(2, 18) + ".bin"));
    }
    byte[] data;
    try (DaClient da = network.client(false, spec.commandLine().getErr())) {
      data = da.get(key);
    }
    Path parent = output.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".da-get", ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    spec.commandLine()
        .getErr()
        .printf("wrote %d bytes of blob %s to %s%n", data.length, key, output);
    return 0;
  }
}
