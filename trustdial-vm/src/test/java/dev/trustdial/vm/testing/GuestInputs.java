package dev.trustdial.vm.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds the little-endian input blobs the example guests read. */
public final class GuestInputs {
  private GuestInputs() {}

  public static byte[] u32s(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  public static byte[] sha256chain(int iterations, byte[] data) {
    return concat(u32s(iterations), data);
  }

  public static byte[] gameworld(int ticks, int entities, int seed) {
    return u32s(ticks, entities, seed);
  }

  public static byte[] recommend(int seed, int candidates, int dim, int k) {
    return u32s(seed, candidates, dim, k);
  }
}
