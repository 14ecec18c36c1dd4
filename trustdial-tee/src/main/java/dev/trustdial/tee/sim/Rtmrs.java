package dev.trustdial.tee.sim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Four SHA-384 extend-only registers, as TDX RTMRs: {@code R := SHA-384(R || SHA-384(event))},
 * starting from 48 zero bytes. The runtime and the verifier share this code.
 */
public final class Rtmrs {
  public static final int SIZE = 48;

  private final byte[][] registers = new byte[MeasurementEvent.REGISTERS][SIZE];

  public void extend(MeasurementEvent e) {
    byte[] digest = sha384(e.encoding());
    registers[e.register()] = sha384(registers[e.register()], digest);
  }

  public byte[] get(int i) {
    return registers[i].clone();
  }

  public static Rtmrs replay(List<MeasurementEvent> log) {
    Rtmrs r = new Rtmrs();
    log.forEach(r::extend);
    return r;
  }

  static byte[] sha384(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-384");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-384", e);
    }
  }
}
