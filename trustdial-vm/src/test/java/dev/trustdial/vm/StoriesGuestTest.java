package dev.trustdial.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import dev.trustdial.vm.testing.GuestInputs;
import dev.trustdial.vm.testing.Guests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stories260K forward pass in C on the VM reproduces llama2.c's greedy tokens. */
class StoriesGuestTest {
  static final int POSITIONS = 10; // 64 positions take minutes of soft-float; bench/vm runs more

  static int[] run(int[] prompt, int steps) {
    int[] hdr = new int[2 + prompt.length];
    hdr[0] = steps;
    hdr[1] = prompt.length;
    System.arraycopy(prompt, 0, hdr, 2, prompt.length);
    byte[] input = GuestInputs.concat(GuestInputs.u32s(hdr), Guests.resource("stories260K.bin"));
    RunResult r =
        Vm.load(Guests.elf("stories260k"), input, VmConfig.defaults())
            .run(20_000_000_000L, CheckpointSink.NONE);
    assertThat(r.exitCode()).isZero();
    ByteBuffer b = ByteBuffer.wrap(r.output().toArray()).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[r.output().length() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt();
    }
    return out;
  }

  @Test
  void greedyTokensMatchReferenceVectors() throws Exception {
    JsonNode vectors =
        new ObjectMapper()
            .readTree(Guests.resource("stories260K-greedy-vectors.json"))
            .get("vectors");
    for (JsonNode v : vectors) {
      if (!v.has("token_ids_after_each_step")
          || v.get("prompt").asText().equals("Once upon a time")) {
        continue;
      }
      List<Integer> prompt = new ArrayList<>();
      v.get("prompt_token_ids").forEach(n -> prompt.add(n.asInt()));
      int steps = Math.max(POSITIONS, prompt.size() + 3);
      int[] got = run(prompt.stream().mapToInt(Integer::intValue).toArray(), steps);
      int[] expected = new int[steps];
      for (int i = 0; i < steps; i++) {
        expected[i] = v.get("token_ids_after_each_step").get(i).asInt();
      }
      assertThat(got).as("prompt '%s'", v.get("prompt").asText()).containsExactly(expected);
      assertThat(v.get("stdout_text").asText()).startsWith(decode(got));
    }
  }

  /** run.c's decoder over tok512.bin: strip the space after BOS, map <0xHH> pieces to bytes. */
  static String decode(int[] tokens) {
    ByteBuffer b = ByteBuffer.wrap(Guests.resource("tok512.bin")).order(ByteOrder.LITTLE_ENDIAN);
    b.getInt(); // max token length
    byte[][] vocab = new byte[512][];
    for (int i = 0; i < vocab.length; i++) {
      b.getFloat();
      vocab[i] = new byte[b.getInt()];
      b.get(vocab[i]);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int prev = 1;
    for (int t : tokens) {
      String piece = new String(vocab[t], java.nio.charset.StandardCharsets.UTF_8);
      if (prev == 1 && piece.startsWith(" ")) {
        piece = piece.substring(1);
      }
      if (piece.matches("<0x[0-9A-F]{2}>")) {
        out.write(Integer.parseInt(piece.substring(3, 5), 16));
      } else {
        out.writeBytes(piece.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      prev = t;
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
