package dev.trustdial.chain.tx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;

/**
 * Turns revert data into the custom error's name and arguments, using the ABIs of our contracts
 * (copied into this module's resources at build time by generate-wrappers.sh).
 */
public final class RevertDecoder {
  private record ErrorDef(String name, List<String> argNames, List<String> argTypes) {}

  private static final String ABI_DIR = "/dev/trustdial/chain/abi/";
  private final Map<String, ErrorDef> bySelector = new HashMap<>();

  public RevertDecoder() {
    ObjectMapper json = new ObjectMapper();
    bySelector.put("08c379a0", new ErrorDef("Error", List.of("message"), List.of("string")));
    bySelector.put("4e487b71", new ErrorDef("Panic", List.of("code"), List.of("uint256")));
    for (String contract : contractNames()) {
      try (InputStream in = RevertDecoder.class.getResourceAsStream(ABI_DIR + contract + ".json")) {
        if (in == null) {
          continue;
        }
        for (JsonNode item : json.readTree(in)) {
          if (!"error".equals(item.path("type").asText())) {
            continue;
          }
          List<String> names = new ArrayList<>();
          List<String> types = new ArrayList<>();
          for (JsonNode input : item.path("inputs")) {
            names.add(input.path("name").asText());
            types.add(input.path("type").asText());
          }
          String sig = item.path("name").asText() + "(" + String.join(",", types) + ")";
          String selector = Hex.encodeBare(Hashes.keccak256(sig.getBytes(StandardCharsets.US_ASCII)).bytes()).substring(0, 8);
          bySelector.putIfAbsent(selector, new ErrorDef(item.path("name").asText(), names, types));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the ABI of " + contract, e);
      }
    }
  }

  private static List<String> contractNames() {
    try (InputStream in = RevertDecoder.class.getResourceAsStream(ABI_DIR + "index.txt")) {
      if (in == null) {
        throw new IllegalStateException("contract ABIs missing from the classpath (build trustdial-chain with Maven)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(s -> !s.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes {@code data} (0x-hex revert data); unknown selectors are reported raw. */
  public ContractRevertException decode(String action, String data) {
    if (data == null || data.length() < 10) {
      return new ContractRevertException(action, "Revert", List.of(data == null || data.equals("0x") ? "no data" : data));
    }
    String hex = data.startsWith("0x") ? data.substring(2) : data;
    ErrorDef def = bySelector.get(hex.substring(0, 8));
    if (def == null) {
      return new ContractRevertException(action, "UnknownError", List.of("0x" + hex));
    }
    List<TypeReference<Type>> refs = new ArrayList<>();
    for (String t : def.argTypes()) {
      try {
        refs.add(TypeReference.makeTypeReference(t));
      } catch (ClassNotFoundException e) {
        return new ContractRevertException(action, def.name(), List.of("0x" + hex.substring(8)));
      }
    }
    List<Type> values = FunctionReturnDecoder.decode("0x" + hex.substring(8), refs);
    List<String> args = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i).getValue();
      String s = v instanceof byte[] b ? Hex.encode(b) : String.valueOf(v);
      String n = def.argNames().get(i);
      args.add(n.isEmpty() ? s : n + "=" + s);
    }
    return new ContractRevertException(action, def.name(), args);
  }
}
