package dev.trustdial.tee.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EciesTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final X25519 RECIPIENT = X25519.generate(RANDOM);
  static final byte[] CTX = "app 1".getBytes(StandardCharsets.US_ASCII);

  @Property(tries = 50)
  void roundTrips(@ForAll @Size(max = 2000) byte[] plaintext) throws Exception {
    byte[] ct = Ecies.encrypt(RECIPIENT.publicKey(), CTX, plaintext, RANDOM);
    assertThat(ct).hasSize(plaintext.length + Ecies.OVERHEAD);
    assertThat(Ecies.decrypt(RECIPIENT, CTX, ct)).isEqualTo(plaintext);
  }

  @Test
  void anotherContextOrKeyOrAnyFlippedByteDoesNotOpen() {
    byte[] ct =
        Ecies.encrypt(
            RECIPIENT.publicKey(), CTX, "secret".getBytes(StandardCharsets.US_ASCII), RANDOM);
    assertThatThrownBy(
            () -> Ecies.decrypt(RECIPIENT, "app 2".getBytes(StandardCharsets.US_ASCII), ct))
        .isInstanceOf(Ecies.DecryptionFailedException.class)
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> Ecies.decrypt(X25519.generate(RANDOM), CTX, ct))
        .isInstanceOf(Ecies.DecryptionFailedException.class);
    for (int i = 0; i < ct.length; i++) {
      byte[] bad = ct.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> Ecies.decrypt(RECIPIENT, CTX, bad))
          .as("byte " + i)
          .isInstanceOf(Ecies.DecryptionFailedException.class);
    }
    assertThatThrownBy(() -> Ecies.decrypt(RECIPIENT, CTX, new byte[10]))
        .hasMessageContaining("bytes");
  }

  @Test
  void lowOrderEphemeralKeyIsRefused() {
    byte[] ct = Ecies.encrypt(RECIPIENT.publicKey(), CTX, new byte[1], RANDOM);
    java.util.Arrays.fill(ct, 8, 40, (byte) 0); // the all-zero point has order 1
    assertThatThrownBy(() -> Ecies.decrypt(RECIPIENT, CTX, ct))
        .isInstanceOf(Ecies.DecryptionFailedException.class)
        .hasMessageContaining("low-order");
  }
}
