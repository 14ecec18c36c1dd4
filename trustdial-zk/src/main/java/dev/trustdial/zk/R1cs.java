package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The header of a circom .r1cs file: the prime, and how many outputs, public and private inputs and
 * constraints the circuit has. Wire 0 is the constant 1; wires 1..outputs are the outputs, then the
 * public inputs (docs/spec/zk.md §2).
 */
record R1cs(
    BigInteger prime,
    long wires,
    long outputs,
    long publicInputs,
    long privateInputs,
    long constraints) {
  private static final int HEADER = 1;

  static R1cs read(Path file) {
    ByteBuffer h = BinFile.open(file, "r1cs", "circom R1CS file").section(HEADER, "R1CS header");
    int n8 = h.getInt();
    if (n8 != 32 || h.remaining() != n8 + 28) {
      throw new InvalidInputException(
          file + " has a " + n8 + "-byte field; ZK mode uses BN254 (32 bytes)");
    }
    byte[] le = new byte[n8];
    h.get(le);
    byte[] be = new byte[n8];
    for (int i = 0; i < n8; i++) {
      be[i] = le[n8 - 1 - i];
    }
    BigInteger prime = new BigInteger(1, be);
    long wires = Integer.toUnsignedLong(h.getInt());
    long outputs = Integer.toUnsignedLong(h.getInt());
    long publicInputs = Integer.toUnsignedLong(h.getInt());
    long privateInputs = Integer.toUnsignedLong(h.getInt());
    h.getLong(); // labels
    long constraints = Integer.toUnsignedLong(h.getInt());
    return new R1cs(prime, wires, outputs, publicInputs, privateInputs, constraints);
  }

  /**
   * The smallest power p with 2^p >= constraints + public inputs + outputs + 1 (snarkjs groth16
   * setup's rule).
   */
  int neededPower() {
    long domain = constraints + publicInputs + outputs + 1;
    int p = 1;
    while ((1L << p) < domain) {
      p++;
    }
    return p;
  }
}
