package dev.trustdial.chain.objective;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.witness.Witness;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.http.HttpService;

/**
 * Java ≡ Solidity on real guests (issue #15): the first 10,000 steps of each example guest, stepped
 * by the interpreter with witnesses, are replayed against RiscvStep deployed on anvil; each onchain
 * post-state must be byte-identical to the interpreter's next pre-state (post chains to pre). Calls
 * go in JSON-RPC batches of 250 to keep the replay to seconds.
 */
class RiscvStepReplayIT {
  static final int STEPS = 10_000;
  static final int BATCH = 250;
  static Anvil anvil;
  static Web3j web3;
  static String step;

  @BeforeAll
  static void deploy() throws Exception {
    anvil =
        Anvil.start(
            Anvil.Options.defaults(
                Files.createTempDirectory("riscv-step-replay").resolve("anvil.log")));
    web3 = Web3j.build(new HttpService(anvil.rpcUrl()));
    Secp256k1Key key = anvil.devKeys().get(0);
    String bin = bytecode("RiscvStep");
    BigInteger nonce =
        web3.ethGetTransactionCount(key.address().toString(), DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    RawTransaction tx =
        RawTransaction.createContractTransaction(
            nonce,
            BigInteger.valueOf(20_000_000_000L),
            BigInteger.valueOf(8_000_000),
            BigInteger.ZERO,
            bin);
    String hash =
        web3.ethSendRawTransaction(
                Hex.encode(TransactionEncoder.signMessage(tx, anvil.chainId(), key.credentials())))
            .send()
            .getTransactionHash();
    for (int i = 0; i < 600 && step == null; i++) {
      var r = web3.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
      if (r.isPresent()) {
        assertThat(r.get().isStatusOK()).isTrue();
        step = r.get().getContractAddress();
      } else {
        Thread.sleep(50);
      }
    }
    assertThat(step).as("RiscvStep deployed").isNotNull();
  }

  @AfterAll
  static void stop() {
    if (web3 != null) {
      web3.shutdown();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  /** The creation bytecode forge compiled (trustdial-chain's build compiles contracts/src). */
  static String bytecode(String name) throws Exception {
    Path artifact = Path.of("..", "contracts", "out", name + ".sol", name + ".json");
    String json = Files.readString(artifact);
    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    return node.at("/bytecode/object").asText();
  }

  static byte[] u32s(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  static byte[] input(String guest) {
    return switch (guest) {
      case "sha256chain" ->
          concat(
              u32s(1000),
              "the replayed chain".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      case "gameworld" -> u32s(50, 64, 7);
      case "recommend" -> u32s(11, 64, 16, 5);
      default -> throw new IllegalArgumentException(guest);
    };
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256chain", "gameworld", "recommend"})
  void theFirstTenThousandStepsAgreeByteForByte(String guest) throws Exception {
    Path elf = Path.of("..", "trustdial-vm", "target", "guest", guest + ".elf");
    assertThat(elf).as("guest built by trustdial-vm/setup.sh").isRegularFile();
    Machine m = Vm.load(Files.readAllBytes(elf), input(guest), VmConfig.defaults());
    List<Witness> pending = new ArrayList<>();
    int replayed = 0;
    int reads = 0;
    int writes = 0;
    while (replayed + pending.size() < STEPS && !m.terminal()) {
      Witness w = m.witnessNextStep();
      pending.add(w);
      if (w.inputChunk().isPresent()) {
        reads++;
      }
      if (pending.size() == BATCH) {
        replayed += replay(guest, pending);
        pending.clear();
      }
    }
    replayed += replay(guest, pending);
    assertThat(replayed).isEqualTo(m.terminal() ? replayed : STEPS);
    assertThat(replayed).isGreaterThan(1000);
    if (guest.equals("sha256chain")) {
      assertThat(reads).as("read_input steps proven onchain").isPositive();
    }
  }

  /**
   * Sends one batch of stepState calls; each answer must be the interpreter's post-state exactly.
   */
  private int replay(String guest, List<Witness> ws) throws Exception {
    if (ws.isEmpty()) {
      return 0;
    }
    var batch = web3.newBatch();
    for (Witness w : ws) {
      String data =
          FunctionEncoder.encode(
              new Function(
                  "stepState",
                  List.of(
                      new DynamicBytes(w.preState().toArray()),
                      new DynamicBytes(w.proof().toArray())),
                  List.of()));
      batch.add(
          web3.ethCall(
              Transaction.createEthCallTransaction(null, step, data),
              DefaultBlockParameterName.LATEST));
    }
    BatchResponse r = batch.send();
    assertThat(r.getResponses()).hasSize(ws.size());
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<TypeReference<Type>> out = (List) List.of(new TypeReference<DynamicBytes>() {});
    for (int i = 0; i < ws.size(); i++) {
      Witness w = ws.get(i);
      EthCall call = (EthCall) r.getResponses().get(i);
      assertThat(call.hasError())
          .as(
              "%s step %d reverted: %s",
              guest, w.step(), call.hasError() ? call.getError().getMessage() : "")
          .isFalse();
      @SuppressWarnings("rawtypes")
      List<Type> decoded = FunctionReturnDecoder.decode(call.getValue(), out);
      byte[] post = ((DynamicBytes) decoded.getFirst()).getValue();
      assertThat(Hex.encode(post))
          .as("%s step %d: Solidity's post-state vs the interpreter's", guest, w.step())
          .isEqualTo(w.postState().toHex());
    }
    return ws.size();
  }
}
