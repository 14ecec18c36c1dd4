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
    RunResult r = Vm.load(Guests.elf("stories260k"), input, VmConfig.defaults()).run(20_000_000_000L, CheckpointSink.NONE);
    assertThat(r.exitCode()).isZero();
    ByteBuffer b = ByteBuffer.wrap(r.output()).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = new int[r.output().length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt();
    }
    return out;
  }

  @Test
  void greedyTokensMatchReferenceVectors() throws Exception {
    JsonNode vectors = new ObjectMapper().readTree(Guests.resource("stories260K-greedy-vectors.json")).get("vectors");
    for (JsonNode v : vectors) {
      if (!v.has("token_ids_after_each_step") || v.get("prompt").asText().equals("Once upon a time")) {
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
    }
  }
}
