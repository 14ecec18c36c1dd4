package dev.trustdial.core.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void copiesInAndOut() {
    byte[] in = {1, 2, 3};
    Bytes b = Bytes.of(in);
    in[0] = 9;
    assertThat(b.get(0)).isEqualTo((byte) 1);
    byte[] out = b.toArray();
    out[1] = 9;
    assertThat(b.toArray()).containsExactly(1, 2, 3);
  }

  @Test
  void equalityIsByContentAndToStringIsHex() {
    assertThat(Bytes.of(new byte[] {(byte) 0xab, 0x01}))
        .isEqualTo(Bytes.fromHex("0xab01"))
        .hasToString("0xab01");
    assertThat(Bytes.of(new byte[] {(byte) 0xab, 0x01}).hashCode())
        .isEqualTo(Bytes.fromHex("ab01").hashCode());
    assertThat(Bytes.of(new byte[] {1})).isNotEqualTo(Bytes.of(new byte[] {1, 0}));
    assertThat(Bytes.fromHex("0xab01").toBareHex()).isEqualTo("ab01");
    assertThat(Bytes.of(new byte[0])).isSameAs(Bytes.EMPTY).hasToString("0x");
  }

  @Test
  void slicesAndBoundsAreChecked() {
    Bytes b = Bytes.fromHex("0x0102030405");
    assertThat(b.slice(1, 3)).isEqualTo(Bytes.fromHex("0x0203"));
    assertThat(b.slice(2, 2)).isEqualTo(Bytes.EMPTY);
    assertThatThrownBy(() -> b.slice(3, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.slice(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    byte[] dst = new byte[7];
    b.copyTo(dst, 2);
    assertThat(dst).containsExactly(0, 0, 1, 2, 3, 4, 5);
    b.copyTo(3, dst, 0, 2);
    assertThat(dst).containsExactly(4, 5, 1, 2, 3, 4, 5);
    assertThatThrownBy(() -> b.copyTo(4, dst, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    ByteBuffer buf = ByteBuffer.allocate(6).put((byte) 9);
    b.copyTo(buf);
    assertThat(buf.array()).containsExactly(9, 1, 2, 3, 4, 5);
    assertThat(b.startsWith(new byte[] {1, 2})).isTrue();
    assertThat(b.startsWith(new byte[] {2})).isFalse();
    assertThat(b.startsWith(new byte[6])).isFalse();
  }

  @Test
  void ordersUnsignedAndRefusesBadHex() {
    assertThat(Bytes.fromHex("0x7f")).isLessThan(Bytes.fromHex("0x80"));
    assertThat(Bytes.fromHex("0x01")).isLessThan(Bytes.fromHex("0x0100"));
    assertThat(Bytes.fromHex("0x0000").isAllZero()).isTrue();
    assertThat(Bytes.fromHex("0x0001").isAllZero()).isFalse();
    assertThatThrownBy(() -> Bytes.fromHex("0xabc")).isInstanceOf(InvalidInputException.class);
  }

  @Property(tries = 200)
  void agreesWithArrays(@ForAll @Size(max = 64) byte[] a, @ForAll @Size(max = 64) byte[] b) {
    assertThat(Bytes.of(a).equals(Bytes.of(b))).isEqualTo(Arrays.equals(a, b));
    assertThat(Integer.signum(Bytes.of(a).compareTo(Bytes.of(b))))
        .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
    assertThat(Bytes.of(a).length()).isEqualTo(a.length);
    assertThat(Bytes.of(a).toArray()).isEqualTo(a);
  }
}
