package dev.trustdial.cli.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.json.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trustdial chain ...}: act on the settlement contracts of a devnet by hand. */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description =
        "Act on the settlement contracts of a running devnet: operators, stake and delegation, apps, jobs, events.",
    subcommands = {
      ChainRegisterCommand.class,
      ChainStakeCommand.class,
      ChainOperatorCommand.class,
      ChainStakesCommand.class,
      ChainDelegateCommand.class,
      ChainUndelegateCommand.class,
      ChainWithdrawCommand.class,
      ChainAllocateCommand.class,
      ChainDeregisterCommand.class,
      ChainCreateAppCommand.class,
      ChainAppCommand.class,
      ChainSubmitJobCommand.class,
      ChainAssignCommand.class,
      ChainJobCommand.class,
      ChainHeartbeatCommand.class,
      ChainReportMissedCommand.class,
      ChainExpireCommand.class,
      ChainEventsCommand.class
    })
public final class ChainCommand implements Runnable {
  @Spec CommandSpec spec;

  static final long MAX_TOKENS = 1_000_000_000L;
  static final ObjectMapper JSON =
      Json.builder()
          .addModule(
              new SimpleModule()
                  .addSerializer(Bytes32.class, ToStringSerializer.instance)
                  .addSerializer(
                      dev.trustdial.core.crypto.Address.class, ToStringSerializer.instance)
                  .addSerializer(
                      java.util.Optional.class,
                      new com.fasterxml.jackson.databind.JsonSerializer<java.util.Optional>() {
                        @Override
                        public void serialize(
                            java.util.Optional v,
                            com.fasterxml.jackson.core.JsonGenerator g,
                            com.fasterxml.jackson.databind.SerializerProvider p)
                            throws java.io.IOException {
                          if (v.isPresent()) {
                            p.defaultSerializeValue(v.get(), g);
                          } else {
                            g.writeNull();
                          }
                        }
                      }))
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Longest text accepted for an amount, a fraction or an id: anything longer is not one. */
  static final int MAX_ARG_CHARS = 80;

  static String bounded(String text, String what) {
    if (text.length() > MAX_ARG_CHARS) {
      throw new InvalidInputException(
          what
              + " is "
              + text.length()
              + " characters long; at most "
              + MAX_ARG_CHARS
              + " are accepted");
    }
    return text;
  }

  /**
   * A positive TDS amount with at most 18 decimals (a fee, a stake), in wei; bad text is a clear
   * error.
   */
  public static BigInteger tokens(String text, String what) {
    bounded(text, what);
    try {
      BigDecimal v = new BigDecimal(text.trim());
      if (v.signum() <= 0 || v.compareTo(BigDecimal.valueOf(MAX_TOKENS)) > 0 || v.scale() > 18) {
        throw new InvalidInputException(
            what
                + " must be within (0, "
                + MAX_TOKENS
                + "] TDS with at most 18 decimals, got "
                + text);
      }
      return v.movePointRight(18).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(what + " is not a number: '" + text + "'");
    }
  }

  static Bytes32 bytes32(String text, String what) {
    bounded(text, what);
    try {
      return Bytes32.fromHex(text);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          what + " must be 32 bytes as 0x + 64 hex digits: " + e.getMessage());
    }
  }

  public static BigInteger id(String text, String what) {
    bounded(text, what);
    try {
      BigInteger v = new BigInteger(text.trim());
      if (v.signum() <= 0 || v.bitLength() > 255) {
        throw new InvalidInputException(what + " must be a positive integer, got " + text);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " must be a positive integer, got '" + text + "'");
    }
  }

  /** A fraction given as a percentage ("50%") or a decimal within [0, 1] ("0.5"), as WAD. */
  static BigInteger fraction(String text, String what) {
    bounded(text, what);
    String t = text.trim();
    boolean pct = t.endsWith("%");
    try {
      BigDecimal v = new BigDecimal(pct ? t.substring(0, t.length() - 1).trim() : t);
      if (pct) {
        v = v.movePointLeft(2);
      }
      if (v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0 || v.scale() > 18) {
        throw new InvalidInputException(
            what + " must be within 0..1 (or 0%..100%) with at most 18 decimals, got " + text);
      }
      return v.movePointRight(18).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(what + " is not a fraction like 0.5 or 50%: '" + text + "'");
    }
  }

  /** A WAD fraction as a percentage for people. */
  static String percent(BigInteger wad) {
    return new BigDecimal(wad).movePointLeft(16).stripTrailingZeros().toPlainString() + "%";
  }

  public static void printTx(PrintWriter out, TxOutcome t) {
    out.printf("%s: tx %s in block %d, gas %,d%n", t.action(), t.txHash(), t.block(), t.gasUsed());
    out.flush();
  }

  static void printJson(PrintWriter out, Object o) {
    try {
      out.println(JSON.writeValueAsString(o));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
