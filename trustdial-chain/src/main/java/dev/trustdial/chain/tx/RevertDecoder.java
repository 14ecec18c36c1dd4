package dev.trustdial.chain.tx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.bytes.Hex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;

/**
 * Turns revert data into the custom error's name and arguments, using the ABIs of our contracts.
 */
public final class RevertDecoder {
  private record ErrorDef(String name, List<String> argNames, List<String> argTypes) {}

  private static final String ABI_DIR = "/dev/trustdial/chain/abi/";
  private final Map<String, ErrorDef> bySelector = new HashMap<>();

  public RevertDecoder() {
    bySelector.put("08c379a0", new ErrorDef("Error", List.of("message"), List.of("string")));
    bySelector.put("4e487b71", new ErrorDef("Panic", List.of("code"), List.of("uint256")));
    Map<String, JsonNode> abis = Abis.all();
    if (abis.isEmpty()) {
      throw new IllegalStateException(
          "contract ABIs missing from the classpath (build trustdial-chain with Maven)");
    }
    for (JsonNode abi : abis.values()) {
      for (JsonNode item : abi) {
        if (!"error".equals(item.path("type").asText())) {
          continue;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode input : item.path("inputs")) {
          names.add(input.path("name").asText());
        }
        bySelector.putIfAbsent(
            Abis.selector(item),
            new ErrorDef(item.path("name").asText(), names, Abis.inputTypes(item)));
      }
    }
  }

  /** Decodes {@code data} (0x-hex revert data); unknown selectors are reported raw. */
  public ContractRevertException decode(String action, String data) {
    if (data == null || data.length() < 10) {
      return new ContractRevertException(
          action, "Revert", List.of(data == null || data.equals("0x") ? "no data" : data));
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
