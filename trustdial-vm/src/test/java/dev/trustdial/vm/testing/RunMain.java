package dev.trustdial.vm.testing;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.vm.RunResult;
import dev.trustdial.vm.Vm;
import dev.trustdial.vm.VmConfig;
import dev.trustdial.vm.checkpoint.CheckpointSink;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs one guest and prints "finalStateHash checkpointRoot outputHash" (for forked-JVM checks). */
public final class RunMain {
  private RunMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println(
        line(Files.readAllBytes(Path.of(args[0])), Hex.decode(args[1]), Long.parseLong(args[2])));
  }

  public static String line(byte[] elf, byte[] input, long stride) {
    RunResult r =
        Vm.load(elf, input, VmConfig.defaults().withCheckpointEvery(stride))
            .run(1L << 40, CheckpointSink.NONE);
    return r.finalStateHash() + " " + r.checkpointRoot() + " " + r.outputHash();
  }
}
