package dev.trustdial.tee.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SealedStateTest {
  static final SecureRandom R = new SecureRandom();
  static final byte[] KEY = R.generateSeed(32);
  static final byte[] STATE = "counter=3".getBytes(StandardCharsets.US_ASCII);

  @Test
  void opensForTheSameAppAtTheSameOrALaterVersion() {
    byte[] blob = SealedState.seal(KEY, BigInteger.ONE, 2, STATE, R);
    assertThat(SealedState.header(blob)).isEqualTo(new SealedState.Header(BigInteger.ONE, 2));
    assertThat(SealedState.open(KEY, BigInteger.ONE, 2, blob)).isEqualTo(STATE);
    assertThat(SealedState.open(KEY, BigInteger.ONE, 3, blob)).isEqualTo(STATE);
  }

  @Test
  void refusesAnotherAppANewerVersionAnotherKeyAndTampering() {
    byte[] blob = SealedState.seal(KEY, BigInteger.ONE, 2, STATE, R);
    assertThatThrownBy(() -> SealedState.open(KEY, BigInteger.TWO, 2, blob))
        .hasMessageContaining("belongs to app 1");
    assertThatThrownBy(() -> SealedState.open(KEY, BigInteger.ONE, 1, blob))
        .hasMessageContaining("newer");
    assertThatThrownBy(() -> SealedState.open(R.generateSeed(32), BigInteger.ONE, 2, blob))
        .hasMessageContaining("does not open");
    byte[] version = blob.clone();
    version[43] = 1; // claims version 1: the header is the AAD, so it no longer opens
    assertThatThrownBy(() -> SealedState.open(KEY, BigInteger.ONE, 2, version))
        .hasMessageContaining("does not open");
    byte[] body = blob.clone();
    body[body.length - 1] ^= 1;
    assertThatThrownBy(() -> SealedState.open(KEY, BigInteger.ONE, 2, body))
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> SealedState.header(new byte[5])).hasMessageContaining("bytes");
  }
}
