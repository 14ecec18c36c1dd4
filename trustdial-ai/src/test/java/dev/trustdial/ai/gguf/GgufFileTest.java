package dev.trustdial.ai.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

  static Path resource(String name) {
    try {
      return Path.of(GgufFileTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsStories260KHeaderAndTokenizer() {
    try (GgufFile f = GgufFile.open(resource("/models/stories260K.gguf"))) {
      assertThat(f.version()).isEqualTo(3);
      assertThat(f.metadata()).hasSize(19);
      assertThat(f.tensors()).hasSize(48);
      assertThat(f.requireString("general.architecture")).isEqualTo("llama");
      assertThat(f.requireString("tokenizer.ggml.model")).isEqualTo("llama");
      assertThat(f.requireInteger("tokenizer.ggml.bos_token_id")).isEqualTo(1);
      assertThat(f.requireInteger("tokenizer.ggml.eos_token_id")).isEqualTo(2);
      assertThat(f.integer("llama.context_length")).contains(2048L);
      List<String> tokens = f.stringArray("tokenizer.ggml.tokens").orElseThrow();
      assertThat(tokens).hasSize(512);
      assertThat(tokens.get(0)).isEqualTo("<unk>");
      assertThat(tokens.get(3)).isEqualTo("<0x00>");
      float[] scores = f.floatArray("tokenizer.ggml.scores").orElseThrow();
      assertThat(scores[259]).isEqualTo(0f);
      assertThat(scores[511]).isEqualTo(-252f);
      assertThat(f.alignment()).isEqualTo(32);
      assertThat(f.dataOffset() % 32).isZero();
      GgufTensorInfo emb = f.requireTensor("token_embd.weight");
      assertThat(emb.dims()).containsExactly(64, 512);
      assertThat(emb.type()).isEqualTo(GgmlType.F32);
      assertThat(emb.byteSize()).isEqualTo(64L * 512 * 4);
      long total = f.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
      assertThat(total)
          .isEqualTo(
              4L
                  * (264_128
                      - 512 * 8 / 2 * 2
                      + 64 * 512)); // minus RoPE tables, plus explicit output
    }
  }

  @Test
  void tensorBytesEqualTheLlama2cCheckpoint() throws Exception {
    byte[] bin = Files.readAllBytes(resource("/models/stories260K.bin"));
    try (GgufFile f = GgufFile.open(resource("/models/stories260K.gguf"))) {
      // token embedding comes right after the 7-int header; rms_att of all 5 layers follows it.
      byte[] emb =
          f.tensorData(f.requireTensor("token_embd.weight")).toArray(ValueLayout.JAVA_BYTE);
      assertThat(emb).isEqualTo(Arrays.copyOfRange(bin, 28, 28 + 64 * 512 * 4));
      int rmsAtt = 28 + 64 * 512 * 4;
      for (int layer = 0; layer < 5; layer++) {
        byte[] norm =
            f.tensorData(f.requireTensor("blk." + layer + ".attn_norm.weight"))
                .toArray(ValueLayout.JAVA_BYTE);
        assertThat(norm)
            .isEqualTo(Arrays.copyOfRange(bin, rmsAtt + layer * 256, rmsAtt + (layer + 1) * 256));
      }
    }
  }

  @Test
  void readsVocabOnlyFiles() {
    try (GgufFile gpt2 = GgufFile.open(resource("/tokenizers/ggml-vocab-gpt-2.gguf"));
        GgufFile spm = GgufFile.open(resource("/tokenizers/ggml-vocab-llama-spm.gguf"))) {
      assertThat(gpt2.requireString("tokenizer.ggml.model")).isEqualTo("gpt2");
      assertThat(gpt2.stringArray("tokenizer.ggml.tokens").orElseThrow()).hasSize(50257);
      assertThat(gpt2.stringArray("tokenizer.ggml.merges").orElseThrow()).hasSize(50000);
      assertThat(gpt2.tensors()).isEmpty();
      assertThat(spm.requireString("tokenizer.ggml.model")).isEqualTo("llama");
      assertThat(spm.stringArray("tokenizer.ggml.tokens").orElseThrow()).hasSize(32000);
      assertThat(spm.intArray("tokenizer.ggml.token_type").orElseThrow()).hasSize(32000);
    }
  }

  static GgufWriter everyType() {
    GgufWriter w = new GgufWriter();
    w.put("u8", new GgufValue.Int(GgufValueType.UINT8, 255));
    w.put("i8", new GgufValue.Int(GgufValueType.INT8, -128));
    w.put("u16", new GgufValue.Int(GgufValueType.UINT16, 65535));
    w.put("i16", new GgufValue.Int(GgufValueType.INT16, -32768));
    w.put("u32", new GgufValue.Int(GgufValueType.UINT32, 4_294_967_295L));
    w.put("i32", new GgufValue.Int(GgufValueType.INT32, Integer.MIN_VALUE));
    w.put("u64", new GgufValue.Int(GgufValueType.UINT64, -1L));
    w.put("i64", new GgufValue.Int(GgufValueType.INT64, Long.MIN_VALUE));
    w.put("f32", new GgufValue.Real(GgufValueType.FLOAT32, 0.1f));
    w.put("f64", new GgufValue.Real(GgufValueType.FLOAT64, 0.1));
    w.put("bool", new GgufValue.Bool(true));
    w.putString("str", "héllo ▁ 😀");
    w.putStrings("strs", List.of("a", "", "ß"));
    w.put(
        "nested",
        new GgufValue.Arr(
            GgufValueType.ARRAY,
            List.of(
                new GgufValue.Arr(
                    GgufValueType.INT16, List.of(new GgufValue.Int(GgufValueType.INT16, -1))),
                new GgufValue.Arr(
                    GgufValueType.BOOL,
                    List.of(new GgufValue.Bool(false), new GgufValue.Bool(true))))));
    w.putUint32(GgufFile.ALIGNMENT_KEY, 64);
    w.addTensor(new GgufWriter.Tensor("a", new long[] {3}, GgmlType.F32, new byte[12]));
    byte[] q8 = new byte[34 * 2];
    q8[0] = 7;
    q8[67] = 9;
    w.addTensor(new GgufWriter.Tensor("b", new long[] {32, 2}, GgmlType.Q8_0, q8));
    return w;
  }

  @Test
  void roundTripsEveryValueTypeAndAlignment() {
    GgufWriter w = everyType();
    byte[] bytes = w.toBytes();
    GgufFile f = GgufFile.parse(bytes);
    assertThat(f.integer("u8")).contains(255L);
    assertThat(f.integer("i8")).contains(-128L);
    assertThat(f.integer("u16")).contains(65535L);
    assertThat(f.integer("i16")).contains(-32768L);
    assertThat(f.integer("u32")).contains(4_294_967_295L);
    assertThat(f.integer("i32")).contains((long) Integer.MIN_VALUE);
    assertThat(f.integer("u64")).contains(-1L);
    assertThat(f.integer("i64")).contains(Long.MIN_VALUE);
    assertThat(f.real("f32")).contains((double) 0.1f);
    assertThat(f.real("f64")).contains(0.1);
    assertThat(f.bool("bool")).contains(true);
    assertThat(f.string("str")).contains("héllo ▁ 😀");
    assertThat(f.stringArray("strs")).contains(List.of("a", "", "ß"));
    assertThat(f.metadataAsJava().get("nested"))
        .isEqualTo(List.of(List.of(-1L), List.of(false, true)));
    assertThat(List.copyOf(f.metadata().keySet())).startsWith("u8", "i8", "u16");
    assertThat(f.alignment()).isEqualTo(64);
    assertThat(f.dataOffset() % 64).isZero();
    GgufTensorInfo b = f.requireTensor("b");
    assertThat(b.offset()).isEqualTo(64);
    assertThat(b.byteSize()).isEqualTo(68);
    MemorySegment data = f.tensorData(b);
    assertThat(data.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
    assertThat(data.get(ValueLayout.JAVA_BYTE, 67)).isEqualTo((byte) 9);
    assertThat(bytes.length).isEqualTo(f.dataOffset() + 192); // the writer pads the last tensor too
  }

  @Test
  void everyTruncationIsAClearError() {
    byte[] bytes = everyType().toBytes();
    GgufFile whole = GgufFile.parse(bytes);
    long headerEnd = whole.dataOffset() + 64 + 68;
    for (int n = 0; n < headerEnd; n++) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> GgufFile.parse(cut))
          .as("prefix %d", n)
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void rejectsBadHeaders() {
    byte[] ok = everyType().toBytes();
    byte[] magic = ok.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> GgufFile.parse(magic)).hasMessageContaining("not a GGUF file");
    byte[] v1 = ok.clone();
    v1[4] = 1;
    assertThatThrownBy(() -> GgufFile.parse(v1)).hasMessageContaining("version 1");
    byte[] hugeKv = ok.clone();
    ByteBuffer.wrap(hugeKv).order(ByteOrder.LITTLE_ENDIAN).putLong(16, 1L << 40);
    assertThatThrownBy(() -> GgufFile.parse(hugeKv)).hasMessageContaining("exceeds the limit");

    GgufWriter unknownType = new GgufWriter();
    unknownType.addTensor(new GgufWriter.Tensor("t", new long[] {1}, GgmlType.F32, new byte[4]));
    byte[] t = unknownType.toBytes();
    int typeAt = indexOf(t, "t".getBytes()) + 1 + 4 + 8; // name, rank, one dim
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 16);
    assertThatThrownBy(() -> GgufFile.parse(t))
        .hasMessageContaining("'t'")
        .hasMessageContaining("IQ2_XXS");
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 0).putLong(typeAt + 4, 4);
    assertThatThrownBy(() -> GgufFile.parse(t)).hasMessageContaining("not aligned");
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putLong(typeAt + 4, 32);
    assertThatThrownBy(() -> GgufFile.parse(t)).hasMessageContaining("past the end");
  }

  @Test
  void openReportsMissingFileAndWrongTypes(@TempDir Path dir) {
    assertThatThrownBy(() -> GgufFile.open(dir.resolve("nope.gguf")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no such file");
    Path p = dir.resolve("x.gguf");
    everyType().write(p);
    try (GgufFile f = GgufFile.open(p)) {
      assertThat(f.tensors()).hasSize(2);
      assertThatThrownBy(() -> f.string("u8")).hasMessageContaining("should be a string");
      assertThatThrownBy(() -> f.requireString("missing"))
          .hasMessageContaining("missing metadata 'missing'");
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    // the tensor name is written after the metadata; search from the end of the fixed header
    outer:
    for (int i = 24 + 8; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
