package dev.trustdial.tee.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.crypto.X25519;
import dev.trustdial.tee.kms.KmsRoot;
import dev.trustdial.tee.kms.ReleaseAuth;
import io.javalin.Javalin;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal's reason counts only when the pinned KMS authenticated it (tee-runtime.md §5.6): anyone
 * on the path can answer 403 MeasurementNotAllowed, and an operator must not end a job on that.
 */
class KmsClientRefusalTest {
  @TempDir Path dir;

  @Test
  void onlyARefusalTaggedByThePinnedKmsIsAuthenticated() throws Exception {
    KmsRoot root = KmsRoot.create(dir.resolve("kms"), new SecureRandom());
    X25519 kms = root.kmsKey();
    X25519 ephemeral = X25519.generate(new SecureRandom());
    BigInteger app = BigInteger.ONE;
    AtomicReference<String> answer = new AtomicReference<>();
    Javalin server =
        Javalin.create(
                config -> {
                  config.startup.showJavalinBanner = false;
                  config.routes.post(
                      "/v1/keys",
                      ctx -> ctx.status(403).contentType("application/json").result(answer.get()));
                })
            .start("127.0.0.1", 0);
    try {
      KmsClient client = new KmsClient(URI.create("http://127.0.0.1:" + server.port()));
      String tag =
          Hex.encode(
              ReleaseAuth.refusalTag(kms, ephemeral.publicKey(), app, "MeasurementNotAllowed"));

      answer.set(
          "{\"status\":403,\"error\":\"MeasurementNotAllowed\",\"detail\":\"no\",\"kmsAuth\":\""
              + tag
              + "\"}");
      KmsClient.KeysRefusedException real = refusal(client, app, ephemeral, kms.publicKey());
      assertThat(real.reason()).isEqualTo("MeasurementNotAllowed");
      assertThat(real.authenticated()).isTrue();

      // No tag, a tag for another reason, a tag checked against another pinned key: not
      // authenticated.
      answer.set("{\"status\":403,\"error\":\"MeasurementNotAllowed\",\"detail\":\"no\"}");
      assertThat(refusal(client, app, ephemeral, kms.publicKey()).authenticated()).isFalse();
      answer.set(
          "{\"status\":403,\"error\":\"DigestMismatch\",\"detail\":\"no\",\"kmsAuth\":\""
              + tag
              + "\"}");
      assertThat(refusal(client, app, ephemeral, kms.publicKey()).authenticated()).isFalse();
      answer.set(
          "{\"status\":403,\"error\":\"MeasurementNotAllowed\",\"detail\":\"no\",\"kmsAuth\":\""
              + tag
              + "\"}");
      KmsClient.KeysRefusedException otherPin =
          refusal(client, app, ephemeral, X25519.generate(new SecureRandom()).publicKey());
      assertThat(otherPin.authenticated()).isFalse();
      assertThat(otherPin.getMessage()).contains("not authenticated by the pinned KMS");
      answer.set(
          "{\"status\":403,\"error\":\"MeasurementNotAllowed\",\"detail\":\"no\",\"kmsAuth\":\"zz\"}");
      assertThat(refusal(client, app, ephemeral, kms.publicKey()).authenticated()).isFalse();
    } finally {
      server.stop();
    }
  }

  private static KmsClient.KeysRefusedException refusal(
      KmsClient client, BigInteger app, X25519 ephemeral, byte[] pinned) {
    return catchThrowableOfType(
        KmsClient.KeysRefusedException.class,
        () -> client.requestKeys(app, new byte[] {1}, ephemeral, List.of(), pinned));
  }
}
