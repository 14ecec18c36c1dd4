package dev.trustdial.cli.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.ObjectiveAppConfig;
import dev.trustdial.cli.CliRun;
import dev.trustdial.cli.ExitCodes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.state.VmState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chain create-app --mode REEXEC_OBJECTIVE}'s argument checks: every bad value exits 2 with
 * a message naming it, before the devnet is even read (the --dir here holds none, so a command that
 * got as far as connecting would fail on that instead), and the prestate is the VM's.
 */
class ObjectiveAppTest {
  @TempDir Path dir;

  static final Path SHA256CHAIN =
      Path.of("..", "trustdial-vm", "target", "guest", "sha256chain.elf");

  /** A one-segment RV32 ELF holding one ecall at {@code vaddr} (its entry). */
  static byte[] rv32Elf(int vaddr) {
    ByteBuffer b = ByteBuffer.allocate(0x1004).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2)
        .putShort((short) 243)
        .putInt(1)
        .putInt(vaddr)
        .putInt(52)
        .putInt(0)
        .putInt(0)
        .putShort((short) 52)
        .putShort((short) 32)
        .putShort((short) 1)
        .putShort((short) 40)
        .putShort((short) 0)
        .putShort((short) 0);
    b.putInt(1)
        .putInt(0x1000)
        .putInt(vaddr)
        .putInt(vaddr)
        .putInt(4)
        .putInt(4)
        .putInt(5)
        .putInt(0x1000);
    b.position(0x1000);
    b.putInt(0x73);
    return b.array();
  }

  Path file(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  CliRun createApp(String... args) {
    String[] all = new String[args.length + 8];
    String[] head = {
      "chain",
      "create-app",
      "--dir",
      dir.resolve("no-devnet").toString(),
      "--as",
      "developer",
      "--mode",
      "REEXEC_OBJECTIVE"
    };
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(args, 0, all, head.length, args.length);
    return CliRun.of(all);
  }

  static void refused(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("devnet.json");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badArgumentsExitTwoBeforeTheChainIsRead() throws Exception {
    String elf = file("ok.elf", rv32Elf(0x10000)).toString();
    refused(createApp("--digest", "0x" + "11".repeat(32)), "give --program ELF (not --digest)");
    refused(
        createApp("--digest", "0x" + "11".repeat(32), "--program", elf),
        "give --program ELF (not --digest)");
    refused(createApp(), "give --program ELF");
    refused(
        createApp("--program", elf, "--ram-end", "0x10000"),
        "--ram-end: ramEnd must be a multiple of 4096 in (0x10000, 0x80000000]");
    refused(
        createApp("--program", elf, "--ram-end", "0x80001000"),
        "--ram-end: ramEnd must be a multiple of 4096");
    refused(
        createApp("--program", elf, "--ram-end", "0x20010001"),
        "--ram-end: ramEnd must be a multiple of 4096");
    refused(
        createApp("--program", elf, "--ram-end", "0x100000000"),
        "--ram-end must be a hex address of at most 8 digits");
    refused(createApp("--program", elf, "--ram-end", "lots"), "--ram-end must be a hex address");
    refused(createApp("--program", elf, "--ram-end", "0x"), "--ram-end must be a hex address");
    refused(createApp("--program", elf, "--ram-end", "f".repeat(100)), "at most 80");
    refused(
        createApp("--program", elf, "--stride-log2", "41"),
        "--stride-log2: strideLog2 must be 0..40, got 41");
    refused(
        createApp("--program", elf, "--stride-log2", "-1"),
        "--stride-log2: strideLog2 must be 0..40");
    refused(
        createApp("--program", elf, "--output-limit", "4294967296"),
        "--output-limit must be 0..4294967295");
    refused(
        createApp("--program", elf, "--output-limit", "-1"),
        "--output-limit must be 0..4294967295");
    refused(
        createApp("--program", elf, "--output-limit", "3000000000"), "a node's VM holds as output");
    refused(createApp("--program", elf, "--part-bytes", "0"), "--part-bytes must be 1..");
    refused(createApp("--program", "/nonexistent.elf"), "not a readable file");
    refused(
        createApp("--program", file("text.bin", "not a program".getBytes()).toString()),
        "is not an RV32IM ELF");
    // The ELF's segment lies above the window the app asks for.
    refused(
        createApp(
            "--program", file("high.elf", rv32Elf(0x20000)).toString(), "--ram-end", "0x11000"),
        "does not load under ramEnd 0x11000");
    refused(
        createApp(
            "--program",
            file("zero-entry.elf", java.util.Arrays.copyOf(rv32Elf(0x10000), 60)).toString()),
        "does not load");
    // The objective options belong to that mode only.
    CliRun other =
        CliRun.of(
            "chain",
            "create-app",
            "--dir",
            dir.toString(),
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--digest",
            "0x" + "11".repeat(32),
            "--stride-log2",
            "4");
    refused(
        other,
        "--ram-end, --output-limit, --stride-log2 and --input-blobs go with --mode REEXEC_OBJECTIVE");
  }

  @Test
  void validArgumentsGetAsFarAsTheDevnet() throws Exception {
    CliRun r =
        createApp(
            "--program",
            file("ok.elf", rv32Elf(0x10000)).toString(),
            "--ram-end",
            "11000",
            "--stride-log2",
            "0",
            "--output-limit",
            "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("devnet.json");
  }

  @Test
  void parametersDefaultToTheVmsAndTheCheckpointStride() {
    ObjectiveApp.Params p = ObjectiveApp.Params.parse(null, null, null);
    assertThat(p.ramEnd()).isEqualTo(VmConfig.DEFAULT_RAM_END);
    assertThat(p.outputLimit()).isEqualTo(VmConfig.DEFAULT_OUTPUT_LIMIT);
    assertThat(p.strideLog2()).isEqualTo(20);
    assertThat(ObjectiveApp.Params.parse("0X80000000", 7L, 40))
        .isEqualTo(new ObjectiveApp.Params(0x8000_0000L, 7, 40));
  }

  @Test
  void thePrestateIsTheVmsAndDoesNotDependOnTheInput() throws Exception {
    assertThat(SHA256CHAIN).as("guest built by trustdial-vm/setup.sh").isRegularFile();
    byte[] elf = Files.readAllBytes(SHA256CHAIN);
    ObjectiveAppConfig c =
        ObjectiveApp.prestate(SHA256CHAIN, elf, ObjectiveApp.Params.parse("0x600000", 4096L, 4));
    VmState withInput = Vm.load(elf, "some input".getBytes(), VmConfig.defaults()).state();
    assertThat(c.entryPc()).isEqualTo(Integer.toUnsignedLong(withInput.pc())).isEqualTo(0x10000);
    assertThat(c.imageRoot()).isEqualTo(withInput.memRoot());
    assertThat(c.programDigest()).isEqualTo(Hashes.keccak256(elf));
    assertThat(c)
        .extracting(
            ObjectiveAppConfig::ramEnd,
            ObjectiveAppConfig::outputLimit,
            ObjectiveAppConfig::strideLog2)
        .containsExactly(0x600000L, 4096L, 4);
    assertThat(c.stride()).isEqualTo(16);
    // Its second segment ends at 0x551010: a smaller window does not hold it.
    assertThatThrownBy(() ->
            ObjectiveApp.prestate(
                SHA256CHAIN, elf, ObjectiveApp.Params.parse("0x551000", null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not load under ramEnd 0x551000");
  }

  @Test
  void theConfigRecordRefusesWhatTheContractWouldRevertOn() {
    var d = Hashes.keccak256(new byte[] {1});
    assertThatThrownBy(() ->
            new ObjectiveAppConfig(dev.trustdial.core.bytes.Bytes32.ZERO, 0, d, 0x20010000L, 0, 0))
        .hasMessageContaining("must not be zero");
    assertThatThrownBy(() -> new ObjectiveAppConfig(d, 0, d, 0x20010800L, 0, 0))
        .hasMessageContaining("multiple of 4096");
    assertThatThrownBy(() -> new ObjectiveAppConfig(d, 0, d, 0x20010000L, 1L << 32, 0))
        .hasMessageContaining("output limit");
    assertThatThrownBy(() -> new ObjectiveAppConfig(d, 1L << 32, d, 0x20010000L, 0, 0))
        .hasMessageContaining("entry pc");
    assertThatThrownBy(() -> new ObjectiveAppConfig(d, 0, d, 0x20010000L, 0, 41))
        .hasMessageContaining("strideLog2");
    assertThat(new ObjectiveAppConfig(d, 0xffff_fffcL, d, 0x8000_0000L, 0xffff_ffffL, 40).stride())
        .isEqualTo(1L << 40);
  }
}
