package dev.trustdial.vm.checkpoint;

import static dev.trustdial.vm.testing.Asm.ECALL;
import static dev.trustdial.vm.testing.Asm.addi;
import static dev.trustdial.vm.testing.Asm.b;
import static dev.trustdial.vm.testing.Asm.li;
import static dev.trustdial.vm.testing.Asm.r;
import static dev.trustdial.vm.testing.Asm.sw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.Machine;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.input.VmInput;
import dev.trustdial.vm.testing.TestElf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * docs/spec/vm.md §8.1 on a small program ("pages"), and its vectors file
 * docs/spec/vm-snapshot-chain-vectors.json: regenerated and compared on every run (the zstd bytes
 * are checked by decompressing them, so a new zstd build does not fail it); rewrite with
 * -Dtrustdial.vm.writeVectors=true after a deliberate spec change. Then every way a chain is
 * refused.
 */
class SnapshotChainTest {
  static final Path FILE = Path.of("..", "docs", "spec", "vm-snapshot-chain-vectors.json");
  static final int DATA = TestElf.BASE + 0x1000;
  static final long STRIDE = 16;
  static final int FULL_EVERY = 3;
  static final int ITERATIONS = 6;
  static final VmConfig CFG = VmConfig.defaults().withCheckpointEvery(STRIDE).withJit(false);

  /**
   * Six iterations; iteration k (1-based, steps 7+11(k-1) ..) zeroes the word it stored in the
   * previous iteration (at its first step + 1), stores k at the start of page DATA/4096 + k - 1 (+
   * 2) and writes those 4 bytes to the output; then exit 0. 76 steps.
   */
  static byte[] pagesProgram() {
    int[] code =
        concat(
            li(5, DATA),
            li(6, 0x1000),
            new int[] {
              addi(28, 0, 0),
              addi(29, 0, ITERATIONS),
              addi(30, 5, 0),
              addi(28, 28, 1),
              sw(0, 30, 0),
              sw(28, 5, 0),
              addi(30, 5, 0),
              addi(17, 0, 64),
              addi(10, 0, 1),
              addi(11, 5, 0),
              addi(12, 0, 4),
              ECALL,
              r(0, 6, 5, 0, 5, 0x33),
              b(-40, 29, 28, 1),
              addi(10, 0, 0),
              addi(17, 0, 93),
              ECALL
            });
    return TestElf.build(code, 0);
  }

  /**
   * The page indexes the program writes at steps [from, to) (0-based step numbers of the stores).
   */
  static TreeSet<Integer> pagesWritten(long from, long to) {
    TreeSet<Integer> pages = new TreeSet<>();
    for (int k = 1; k <= ITERATIONS; k++) {
      long first = 7 + 11L * (k - 1);
      int page = (DATA >>> 12) + k - 1;
      if (first + 1 >= from && first + 1 < to) {
        pages.add(k == 1 ? page : page - 1); // the zeroing store
      }
      if (first + 2 >= from && first + 2 < to) {
        pages.add(page);
      }
    }
    return pages;
  }

  static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
  }

  static ChainWriter writeChain() {
    ChainWriter chain = new ChainWriter(FULL_EVERY);
    Machine m = Vm.load(pagesProgram(), new byte[0], CFG);
    m.run(1000, (cp, mm) -> chain.capture(mm));
    return chain;
  }

  static String render(ChainWriter chain) {
    StringBuilder s = new StringBuilder("{\n\"spec\": \"docs/spec/vm.md v2, section 8.1\",\n");
    s.append(
            "\"program\": {\"name\": \"pages\", \"description\": \"SnapshotChainTest.pagesProgram: six iterations, each zeroes the word it"
                + " stored before, stores its counter on the next page and writes it to the output; 76 steps\",\n \"elf\": \"")
        .append(Hex.encode(pagesProgram()))
        .append("\", \"input\": \"0x\", \"stride\": ")
        .append(STRIDE)
        .append(", \"fullEvery\": ")
        .append(FULL_EVERY)
        .append(
            ",\n \"locator\": \"keccak256(\\\"loc\\\" || parent hash), a stand-in for a DA blob key\"},\n");
    s.append("\"links\": [\n");
    for (int i = 0; i < chain.links.size(); i++) {
      ChainWriter.Written w = chain.links.get(i);
      s.append("{\"step\": ")
          .append(w.step())
          .append(", \"depth\": ")
          .append(w.depth())
          .append(", \"stateHash\": \"")
          .append(w.stateHash())
          .append("\", \"hash\": \"")
          .append(w.hash())
          .append("\",\n \"raw\": \"")
          .append(Hex.encode(w.raw()))
          .append("\",\n \"stored\": \"")
          .append(Hex.encode(w.stored()))
          .append("\"}")
          .append(i + 1 < chain.links.size() ? ",\n" : "\n");
    }
    return s.append("]\n}\n").toString();
  }

  private static String withoutStored(String json) {
    return json.replaceAll("\n \"stored\": \"0x[0-9a-f]*\"", "");
  }

  @Test
  void vectorsFileMatchesTheVm() throws Exception {
    String fresh = render(writeChain());
    if (Boolean.getBoolean("trustdial.vm.writeVectors")) {
      Files.writeString(FILE, fresh, StandardCharsets.UTF_8);
    }
    String file = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    assertThat(withoutStored(file))
        .as("regenerate with -Dtrustdial.vm.writeVectors=true")
        .isEqualTo(withoutStored(fresh));
    var stored =
        java.util.regex.Pattern.compile(
                "\"raw\": \"(0x[0-9a-f]*)\",\n \"stored\": \"(0x[0-9a-f]*)\"")
            .matcher(file);
    int n = 0;
    while (stored.find()) {
      assertThat(Hex.encode(LinkCompression.decompress(Hex.decode(stored.group(2)), 1 << 20)))
          .isEqualTo(stored.group(1));
      n++;
    }
    assertThat(n).isEqualTo(5);
  }

  @Test
  void theChainHasTheShapeOfTheSpec() {
    ChainWriter chain = writeChain();
    assertThat(chain.links)
        .extracting(ChainWriter.Written::step)
        .containsExactly(16L, 32L, 48L, 64L, 76L);
    assertThat(chain.links).extracting(ChainWriter.Written::depth).containsExactly(0, 1, 2, 0, 1);
    long prev = 0;
    for (ChainWriter.Written w : chain.links) {
      SnapshotLink link = SnapshotChain.read(w.stored(), SnapshotChain.Limits.DEFAULT).body();
      List<Integer> pages =
          (link instanceof SnapshotDelta d ? d.pages() : ((Snapshot) link).pages())
              .stream().map(Snapshot.Page::index).toList();
      if (link instanceof SnapshotDelta d) {
        // exactly the pages the program stored to since the parent: zeroed ones included
        assertThat(pages)
            .as("delta at %d", w.step())
            .containsExactlyElementsOf(pagesWritten(prev, w.step()));
        assertThat(d.checkpoints()).extracting(Checkpoint::step).containsExactly(w.step());
        assertThat(d.outputFrom() + d.output().length()).isEqualTo(d.state().outputLength());
        assertThat(d.parent()).isEqualTo(chain.links.get(chain.links.indexOf(w) - 1).hash());
      } else {
        // the code page, and the data page holding the last counter unless the next iteration has
        // zeroed it already
        assertThat(pages)
            .as("full at %d: its non-zero pages", w.step())
            .containsExactlyElementsOf(w.step() == 16 ? List.of(16, 17) : List.of(16));
      }
      assertThat(
              Vm.restore(
                      w.stored(),
                      chain,
                      SnapshotChain.Limits.DEFAULT,
                      VmInput.of(new byte[0]),
                      CFG,
                      w.stateHash())
                  .step())
          .isEqualTo(w.step());
      prev = w.step();
    }
  }

  @Test
  void aBrokenLinkIsRefused() {
    ChainWriter chain = writeChain();
    ChainWriter.Written head = chain.links.get(2);
    chain.replace(
        chain.links.get(1).hash(),
        chain.links.get(0).stored()); // the source answers with the wrong link
    assertThatThrownBy(
            () -> SnapshotChain.resolve(head.stored(), chain, SnapshotChain.Limits.DEFAULT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is broken")
        .hasMessageContaining(chain.links.get(1).hash().toString());
  }

  @Test
  void aMissingLinkIsRefused() {
    ChainWriter chain = writeChain();
    chain.remove(chain.links.get(0).hash());
    assertThatThrownBy(() ->
            SnapshotChain.resolve(chain.links.get(2).stored(), chain, SnapshotChain.Limits.DEFAULT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is missing the link " + chain.links.get(0).hash());
    assertThatThrownBy(() ->
            SnapshotChain.resolve(
                chain.links.get(1).stored(),
                SnapshotChain.LinkSource.NONE,
                SnapshotChain.Limits.DEFAULT))
        .hasMessageContaining("is missing the link");
  }

  @Test
  void aChainDeeperThanTheLimitIsRefusedBeforeAnyFetch() {
    ChainWriter chain = writeChain();
    int[] fetches = {0};
    SnapshotChain.LinkSource counting =
        (h, l) -> {
          fetches[0]++;
          return chain.fetch(h, l);
        };
    assertThatThrownBy(() ->
            SnapshotChain.resolve(
                chain.links.get(2).stored(), counting, new SnapshotChain.Limits(1 << 20, 1)))
        .hasMessageContaining("has 2 deltas above its full snapshot, more than the limit of 1");
    assertThat(fetches[0]).isZero();
    assertThat(
            SnapshotChain.resolve(
                    chain.links.get(2).stored(), counting, new SnapshotChain.Limits(1 << 20, 2))
                .state()
                .step())
        .isEqualTo(48);
  }

  @Test
  void aLinkOfTheWrongDepthIsRefused() {
    ChainWriter chain = writeChain();
    // a delta that claims depth 3 on top of the depth-1 link
    SnapshotDelta real =
        (SnapshotDelta)
            SnapshotChain.read(chain.links.get(2).raw(), SnapshotChain.Limits.DEFAULT).body();
    SnapshotDelta lying =
        new SnapshotDelta(
            real.parent(),
            real.locator(),
            3,
            real.state(),
            real.stride(),
            real.checkpoints(),
            real.outputFrom(),
            real.output(),
            real.pages());
    assertThatThrownBy(
            () -> SnapshotChain.resolve(lying.encode(), chain, SnapshotChain.Limits.DEFAULT))
        .hasMessageContaining("has a delta of depth 3 on a link of depth 1");
  }

  @Test
  void aDeltaThatDoesNotContinueItsParentIsRefused() {
    ChainWriter chain = writeChain();
    SnapshotDelta real =
        (SnapshotDelta)
            SnapshotChain.read(chain.links.get(1).raw(), SnapshotChain.Limits.DEFAULT).body();
    byte[] out = real.output().toArray();
    SnapshotDelta shifted =
        new SnapshotDelta(
            real.parent(),
            real.locator(),
            1,
            real.state(),
            real.stride(),
            real.checkpoints(),
            real.outputFrom() + 1,
            Bytes.of(out, 1, out.length),
            real.pages());
    assertThatThrownBy(
            () -> SnapshotChain.resolve(shifted.encode(), chain, SnapshotChain.Limits.DEFAULT))
        .hasMessageContaining("appends output at offset " + (real.outputFrom() + 1));
    SnapshotDelta restride =
        new SnapshotDelta(
            real.parent(),
            real.locator(),
            1,
            real.state(),
            32,
            real.checkpoints(),
            real.outputFrom(),
            real.output(),
            real.pages());
    assertThatThrownBy(
            () -> SnapshotChain.resolve(restride.encode(), chain, SnapshotChain.Limits.DEFAULT))
        .hasMessageContaining("changes the checkpoint stride");
    // a delta without the page it wrote: the chain folds, the machine's memory root check refuses
    // it
    SnapshotDelta lost =
        new SnapshotDelta(
            real.parent(),
            real.locator(),
            1,
            real.state(),
            real.stride(),
            real.checkpoints(),
            real.outputFrom(),
            real.output(),
            real.pages().subList(1, real.pages().size()));
    assertThatThrownBy(() ->
            Vm.restore(
                lost.encode(),
                chain,
                SnapshotChain.Limits.DEFAULT,
                VmInput.of(new byte[0]),
                CFG,
                real.state().hash()))
        .hasMessageContaining("do not hash to its state's memory root");
  }

  @Test
  void malformedLinksAreRefused() {
    ChainWriter chain = writeChain();
    SnapshotDelta real =
        (SnapshotDelta)
            SnapshotChain.read(chain.links.get(1).raw(), SnapshotChain.Limits.DEFAULT).body();
    List<Snapshot.Page> outside = new ArrayList<>(real.pages());
    outside.add(new Snapshot.Page((int) (VmConfig.DEFAULT_RAM_END >>> 12), new byte[4096]));
    SnapshotDelta far =
        new SnapshotDelta(
            real.parent(),
            real.locator(),
            1,
            real.state(),
            real.stride(),
            real.checkpoints(),
            real.outputFrom(),
            real.output(),
            outside);
    assertThatThrownBy(() -> SnapshotDelta.decode(far.encode()))
        .hasMessageContaining("outside its state's RAM window");
    byte[] raw = chain.links.get(1).raw().clone();
    raw[100] ^= 1;
    assertThatThrownBy(() -> SnapshotChain.read(raw, SnapshotChain.Limits.DEFAULT))
        .hasMessageContaining("trailer does not match");
    assertThatThrownBy(() -> SnapshotDelta.decode(Arrays.copyOf(raw, 300)))
        .hasMessageContaining("too short");
    // a full snapshot reader refuses a delta with its own message
    assertThatThrownBy(() -> Vm.restore(chain.links.get(1).raw(), new byte[0], CFG))
        .hasMessageContaining("TDVMSNP2");
  }

  @Test
  void compressedLinksAreCheckedAgainstTheSizeCap() {
    ChainWriter chain = writeChain();
    ChainWriter.Written w = chain.links.get(0);
    assertThatThrownBy(() -> LinkCompression.decompress(w.stored(), w.raw().length - 1))
        .hasMessageContaining(
            "declares "
                + w.raw().length
                + " bytes, above the "
                + (w.raw().length - 1)
                + "-byte limit");
    assertThatThrownBy(() -> LinkCompression.decompress(w.raw(), w.raw().length - 1))
        .hasMessageContaining("above the");
    byte[] lies = w.stored().clone();
    ByteBuffer.wrap(lies, 8, 4).putInt(w.raw().length + 1);
    assertThatThrownBy(() -> LinkCompression.decompress(lies, 1 << 20))
        .hasMessageContaining("not its declared");
    byte[] small = w.stored().clone();
    ByteBuffer.wrap(small, 8, 4).putInt(w.raw().length - 1);
    assertThatThrownBy(() -> LinkCompression.decompress(small, 1 << 20))
        .hasMessageContaining("does not decompress");
    assertThatThrownBy(() -> LinkCompression.decompress(Arrays.copyOf(w.stored(), 10), 1 << 20))
        .hasMessageContaining("truncated");
    assertThat(LinkCompression.decompress(w.stored(), w.raw().length)).isEqualTo(w.raw());
  }

  @Test
  void aFullLinkRestoresThroughTheChainPathAndTheOldPath() {
    ChainWriter chain = writeChain();
    ChainWriter.Written full = chain.links.get(3);
    Machine a =
        Vm.restore(
            full.stored(),
            SnapshotChain.LinkSource.NONE,
            SnapshotChain.Limits.DEFAULT,
            VmInput.of(new byte[0]),
            CFG,
            full.stateHash());
    Machine b = Vm.restore(full.raw(), new byte[0], CFG, full.stateHash());
    assertThat(a.state()).isEqualTo(b.state());
    assertThat(Bytes32.fromHex(full.stateHash().toHex())).isEqualTo(a.stateHash());
  }
}
