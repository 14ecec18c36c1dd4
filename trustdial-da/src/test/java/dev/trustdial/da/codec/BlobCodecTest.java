package dev.trustdial.da.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.da.kzg.SubBlob;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BlobCodecTest {
  @Property(tries = 200)
  void roundTrips(@ForAll @Size(max = 3000) byte[] data) {
    assertThat(BlobCodec.decode(BlobCodec.encode(data))).isEqualTo(data);
  }

  @Test
  void roundTripsAtSubBlobBoundaries() {
    for (int size : new int[] {0, 1, 126971, 126972, 126973, 2 * 126976 - 4, 2 * 126976 - 3}) {
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) (i ^ (i >>> 8));
      }
      List<SubBlob> enc = BlobCodec.encode(data);
      assertThat(enc).hasSize(BlobCodec.subBlobCount(size));
      assertThat(BlobCodec.decode(enc)).isEqualTo(data);
    }
    assertThat(BlobCodec.subBlobCount(126972)).isEqualTo(1);
    assertThat(BlobCodec.subBlobCount(126973)).isEqualTo(2);
    assertThat(BlobCodec.MAX_SUB_BLOBS).isEqualTo(133);
  }

  @Test
  void everyElementStartsWithAZeroByteSoItIsAFieldElement() {
    byte[] data = new byte[5000];
    java.util.Arrays.fill(data, (byte) 0xff);
    byte[] sub = BlobCodec.encode(data).getFirst().bytes();
    for (int e = 0; e < SubBlob.ELEMENTS; e++) {
      assertThat(sub[e * 32]).isZero();
    }
    assertThat(sub[1]).isZero();
    assertThat(sub[4]).isEqualTo((byte) 0x88); // 5000 = 0x1388, length prefix in bytes 1..4
    assertThat(sub[5]).isEqualTo((byte) 0xff);
  }

  @Test
  void refusesBlobsOverSixteenMiB() {
    assertThatThrownBy(() -> BlobCodec.encode(new byte[BlobCodec.MAX_BLOB_BYTES + 1]))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("16 MiB");
  }

  @Test
  void decodingIsStrict() {
    byte[] sub = BlobCodec.encode(new byte[] {1, 2, 3}).getFirst().bytes();

    byte[] highByte = sub.clone();
    highByte[32 * 7] = 1;
    assertThatThrownBy(() -> BlobCodec.decode(List.of(new SubBlob(highByte))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("non-zero first byte");

    byte[] padding = sub.clone();
    padding[32 * 100 + 5] = 9;
    assertThatThrownBy(() -> BlobCodec.decode(List.of(new SubBlob(padding))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("padding");

    List<SubBlob> tooMany = new ArrayList<>(BlobCodec.encode(new byte[] {1, 2, 3}));
    tooMany.add(new SubBlob(new byte[SubBlob.BYTES]));
    assertThatThrownBy(() -> BlobCodec.decode(tooMany))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("sub-blobs");

    byte[] hugeLength = sub.clone();
    hugeLength[1] = 0x7f;
    assertThatThrownBy(() -> BlobCodec.decode(List.of(new SubBlob(hugeLength))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("exceeds 16 MiB");
  }
}
