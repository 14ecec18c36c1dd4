package dev.trustdial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The devnet worked by hand with {@code trustdial chain ...}, and every refusal exits 2 changing
 * nothing.
 */
class ChainCliIT {
  static Path dir;

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("chain-cli-it");
    CliRun up =
        CliRun.of(
            "devnet",
            "up",
            "--dir",
            dir.toString(),
            "--da-nodes",
            "0",
            "--operators",
            "0",
            "--watchtowers",
            "0");
    assertThat(up.exitCode()).as(up.err()).isZero();
  }

  @AfterAll
  static void down() {
    CliRun.of("devnet", "down", "--dir", dir.toString());
  }

  static CliRun chain(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "chain";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--dir";
    all[args.length + 2] = dir.toString();
    return CliRun.of(all);
  }

  static void refused(CliRun r, String message) {
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(message);
    assertThat(r.err()).doesNotContain("Exception");
  }

  static Path file(String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A one-segment RV32 ELF at 0x10000 holding one ecall. */
  static byte[] rv32Elf() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(0x1004).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 1, 1, 0});
    b.position(16);
    b.putShort((short) 2)
        .putShort((short) 243)
        .putInt(1)
        .putInt(0x10000)
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
        .putInt(0x10000)
        .putInt(0x10000)
        .putInt(4)
        .putInt(4)
        .putInt(7)
        .putInt(0x1000);
    b.position(0x1000);
    b.putInt(0x73);
    return b.array();
  }

  /** How many transactions a devnet account has sent. */
  static long nonce(String account) {
    var d = dev.trustdial.cli.devnet.DevnetDescriptor.read(dir);
    var web3 = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(d.rpcUrl()));
    try {
      return web3.ethGetTransactionCount(
              d.account(account).address(),
              org.web3j.protocol.core.DefaultBlockParameterName.PENDING)
          .send()
          .getTransactionCount()
          .longValueExact();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      web3.shutdown();
    }
  }

  @Test
  void operatorsDelegationAppsAndJobsByHand() {
    for (String op : new String[] {"operator-1", "operator-2"}) {
      CliRun reg = chain("register", "--as", op, "--roles", "COMPUTE,VERIFIER", "--stake", "1000");
      assertThat(reg.exitCode()).as(reg.err()).isZero();
    }
    assertThat(chain("stake", "--as", "operator-2", "50").exitCode()).isZero();
    CliRun show = chain("operator", "operator-1");
    assertThat(show.out()).contains("1000 TDS its own", "COMPUTE", "0 TDS delegated");

    refused(
        chain("register", "--as", "operator-1", "--roles", "COMPUTE", "--stake", "500"),
        "AlreadyRegistered");
    refused(
        chain("register", "--as", "operator-3", "--roles", "COMPUTE", "--stake", "99"),
        "BelowMinSelfStake");
    refused(chain("register", "--as", "operator-3", "--roles", "COMPUTE"), "--stake");
    refused(chain("stake", "--as", "operator-1", "0"), "stake must be within");
    refused(chain("stake", "--as", "operator-1", "lots"), "not a number");
    refused(chain("stake", "--as", "operator-1", "1".repeat(100)), "at most 80");
    refused(chain("operator", "0x12345"), "not an address");
    refused(chain("operator", "0x" + "ab".repeat(20)), "not a registered operator");
    refused(
        chain("register", "--as", "nobody", "--roles", "COMPUTE", "--stake", "100"),
        "no account named 'nobody'");
    refused(chain("register", "--as", "operator-3", "--roles", "ROOT", "--stake", "100"), "ROOT");
    assertThat(chain("operator", "operator-1").out()).isEqualTo(show.out());

    // Delegation: a staker's tokens join an operator's pool, leave through a queued withdrawal.
    CliRun delegated = chain("delegate", "--as", "delegator-1", "operator-1", "250");
    assertThat(delegated.exitCode()).as(delegated.err()).isZero();
    assertThat(chain("operator", "operator-1").out())
        .contains("1250 TDS active", "250 TDS delegated");
    CliRun stakes = chain("stakes", "--as", "delegator-1");
    assertThat(stakes.exitCode()).as(stakes.err()).isZero();
    assertThat(stakes.out()).contains("operator-1", "250 TDS active", "delegator-1");
    CliRun undelegated = chain("undelegate", "--as", "delegator-1", "operator-1", "100");
    assertThat(undelegated.exitCode()).as(undelegated.err()).isZero();
    assertThat(undelegated.out()).contains("queued: 100 TDS");
    assertThat(chain("operator", "operator-1").out())
        .contains("150 TDS delegated", "100 TDS queued for withdrawal");
    refused(chain("withdraw", "--as", "delegator-1", "operator-1"), "WithdrawalNotReady");
    refused(chain("withdraw", "--as", "delegator-2", "operator-1"), "NoPendingWithdrawal");
    refused(chain("undelegate", "--as", "delegator-2", "operator-1", "all"), "InsufficientShares");
    refused(chain("undelegate", "--as", "operator-1", "operator-1", "901"), "BelowMinSelfStake");
    refused(chain("delegate", "--as", "delegator-2", "developer", "10"), "NotRegistered");
    refused(chain("delegate", "--as", "delegator-2", "operator-1", "0"), "must be within");
    CliRun allocated = chain("allocate", "--as", "operator-1", "VERIFIER", "50%");
    assertThat(allocated.exitCode()).as(allocated.err()).isZero();
    assertThat(allocated.out()).contains("VERIFIER allocation 50%", "weight 575 TDS");
    refused(chain("allocate", "--as", "operator-1", "VERIFIER", "150%"), "must be within 0..1");
    refused(chain("allocate", "--as", "operator-1", "VERIFIER", "half"), "not a fraction");
    refused(chain("allocate", "--as", "operator-1", "ROOT", "0.5"), "unknown role");
    refused(chain("allocate", "--as", "operator-1", "DA", "0.5"), "RoleNotHeld");
    assertThat(chain("operator", "operator-1").out()).contains("VERIFIER", "50%");

    CliRun app =
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--digest",
            "0x" + "11".repeat(32));
    assertThat(app.exitCode()).as(app.err()).isZero();
    assertThat(app.out()).contains("app 1");
    refused(
        chain(
            "create-app",
            "--as",
            "operator-2",
            "--mode",
            "TEE",
            "--digest",
            "0x" + "11".repeat(32)),
        "NotAllowlisted");
    // REEXEC_OBJECTIVE: an app is made from its ELF (ObjectiveCliIT, enabled on the devnet; refused
    // where governance disables it).
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_OBJECTIVE",
            "--digest",
            "0x" + "11".repeat(32)),
        "give --program ELF (not --digest)");
    refused(
        chain(
            "create-app", "--as", "developer", "--mode", "ZK", "--digest", "0x" + "11".repeat(32)),
        "trustdial zk create-app");
    refused(
        chain("create-app", "--as", "developer", "--mode", "TEE", "--digest", "0x11"),
        "--digest must be 32 bytes");
    refused(
        chain("create-app", "--as", "developer", "--mode", "TEE"),
        "exactly one of --digest and --program");
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "TEE",
            "--program",
            "/nonexistent.elf",
            "--digest",
            "0x" + "11".repeat(32)),
        "exactly one of --digest and --program");
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            "/nonexistent.elf"),
        "not a readable file");
    refused(chain("app", "42"), "UnknownApp");
    // Issue #14 (7): create-app --program refuses what no node can run, before anything is sent.
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("text.bin", "just some text, not a program".getBytes()).toString()),
        "neither an RV32IM ELF nor a GGUF model");
    byte[] random = new byte[4096];
    new java.util.Random(7).nextBytes(random);
    random[0] = 1;
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("random.bin", random).toString()),
        "neither an RV32IM ELF nor a GGUF model");
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("truncated.elf", java.util.Arrays.copyOf(rv32Elf(), 80)).toString()),
        "program headers run past the end");
    byte[] x86 = java.util.Arrays.copyOf(rv32Elf(), rv32Elf().length);
    x86[4] = 2; // ELFCLASS64, as an x86-64 executable
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("x86.elf", x86).toString()),
        "is not 32-bit");
    byte[] riscv = rv32Elf();
    riscv[18] = 62; // EM_X86_64
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("amd64.elf", riscv).toString()),
        "not RISC-V");
    byte[] gguf = "GGUF\3\0\0\0 but nothing more".getBytes();
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "REEXEC_INTERSUBJECTIVE",
            "--program",
            file("bad.gguf", gguf).toString()),
        "is not a GGUF model the engine loads");
    refused(
        chain(
            "create-app",
            "--as",
            "developer",
            "--mode",
            "TEE",
            "--program",
            file("ok.elf", rv32Elf()).toString()),
        "trustdial tee create-app");
    refused(chain("app", "2"), "UnknownApp");

    // No node runs here: submit-job waits for the seed block and assigns the job itself.
    CliRun job =
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "1000000",
            "--fee",
            "5");
    assertThat(job.exitCode()).as(job.err()).isZero();
    assertThat(job.out()).contains("job 1 queued", "job 1 assigned to");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "7",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "10"),
        "UnknownApp");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "10",
            "--fee",
            "0.5"),
        "below the minimum fee");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "0"),
        "--max-steps");
    refused(
        chain("submit-job", "--as", "developer", "--app", "1", "--max-steps", "10"),
        "exactly one of --input-digest");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--max-steps",
            "10",
            "--program-blob",
            "0x" + "33".repeat(32),
            "--input",
            "/nonexistent.bin"),
        "not a readable file");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--max-steps",
            "10",
            "--program-blob",
            "0x" + "33".repeat(32),
            "--stride",
            "0"),
        "checkpoint stride");
    // Issue #14 (6): submit-job checks the app, the fee, the funds and the program before any DA
    // write or transaction.
    long nonce = nonce("developer");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--max-steps",
            "10",
            "--fee",
            "50000"),
        "holds");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--max-steps",
            "10",
            "--program-blob",
            "0x" + "33".repeat(32)),
        "--program-blob 0x" + "33".repeat(32) + " is not on DA");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "9",
            "--max-steps",
            "10",
            "--program-blob",
            "0x" + "33".repeat(32)),
        "no such app");
    refused(
        chain(
            "submit-job",
            "--as",
            "developer",
            "--app",
            "1",
            "--max-steps",
            "10",
            "--input-digest",
            "0x" + "22".repeat(32),
            "--input",
            "/nonexistent.bin"),
        "--input goes with --program-blob");
    assertThat(nonce("developer")).as("no transaction was sent").isEqualTo(nonce);
    // Issue #14 (13): da put on a devnet without --key pays with the developer account (this devnet
    // has no DA nodes, so it stops there).
    CliRun put =
        CliRun.of(
            "da",
            "put",
            file("blob.txt", "hello".getBytes()).toString(),
            "--chain",
            dir.resolve("devnet.json").toString(),
            "--key",
            "");
    assertThat(put.exitCode()).as(put.out() + put.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(put.err())
        .contains("devnet's developer account")
        .doesNotContain("insufficient funds");
    refused(chain("job", "99"), "UnknownJob");
    refused(chain("job", "-3"), "positive integer");
    refused(chain("assign", "1"), "not queued");
    refused(chain("expire", "1"), "NotExpired");

    String assignee =
        job.out()
            .substring(job.out().indexOf("assigned to ") + 12)
            .lines()
            .findFirst()
            .orElseThrow()
            .trim()
            .split(" ")[0];
    String other =
        chain("operator", "operator-1").out().contains(assignee) ? "operator-2" : "operator-1";
    String before = chain("job", "1").out();
    refused(
        chain(
            "heartbeat",
            "1",
            "--as",
            other,
            "--step",
            "10",
            "--state",
            "0x" + "33".repeat(32),
            "--checkpoint",
            "0x" + "44".repeat(32)),
        "NotAssignee");
    refused(chain("report-missed", "1", "--as", "watchtower-1"), "DeadlineNotPassed");
    assertThat(chain("job", "1").out()).isEqualTo(before);
    // The assignee's stake backs an open job: it cannot leave the operator set now.
    refused(
        chain("deregister", "--as", other.equals("operator-1") ? "operator-2" : "operator-1"),
        "ObligationsOpen");
    assertThat(
            chain("register", "--as", "operator-3", "--roles", "VERIFIER", "--stake", "100")
                .exitCode())
        .isZero();
    assertThat(chain("deregister", "--as", "operator-3").exitCode()).isZero();
    assertThat(chain("operator", "operator-3").out()).contains("EXITED");

    CliRun events = chain("events", "--json");
    assertThat(events.exitCode()).isZero();
    assertThat(events.out())
        .contains(
            "JobQueued",
            "JobAssigned",
            "OperatorRegistered",
            "Delegated",
            "WithdrawalQueued",
            "AllocationSet",
            "OperatorExited",
            "AppCreated");
  }
}
