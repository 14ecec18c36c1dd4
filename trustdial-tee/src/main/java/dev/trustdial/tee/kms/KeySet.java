package dev.trustdial.tee.kms;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.crypto.BigEndianWriter;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * What the KMS releases to an attested app, in the "TDKEYS01" encoding (docs/spec/tee-runtime.md,
 * "Key set"); it only ever travels encrypted to the app's ephemeral key.
 */
public record KeySet(
    BigInteger appId, long appVersion, Bytes walletKey, Bytes sealKey, List<Secret> secrets) {
  public static final byte[] MAGIC = "TDKEYS01".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_SECRETS = 16;
  public static final int MAX_SECRET_NAME = 64;
  public static final int MAX_SECRET_VALUE = 4096;

  /** A developer secret, decrypted by the KMS and released with the keys. */
  public record Secret(String name, Bytes value) {
    public Secret {
      checkName(name);
      if (value.length() > MAX_SECRET_VALUE) {
        throw new IllegalArgumentException(
            "secret " + name + " is " + value.length() + " bytes (max " + MAX_SECRET_VALUE + ")");
      }
    }

    /** A copy of {@code value}. */
    public Secret(String name, byte[] value) {
      this(name, Bytes.of(value));
    }

    /** Never the value: a secret must not reach a log line. */
    @Override
    public String toString() {
      return "Secret[" + name + ", " + value.length() + " bytes]";
    }
  }

  /** Secret names: 1..64 characters of A-Z, a-z, 0-9, '_', '-', '.'. */
  public static void checkName(String name) {
    if (name.isEmpty()
        || name.length() > MAX_SECRET_NAME
        || !name.chars()
            .allMatch(c ->
                (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-'
                    || c == '.')) {
      throw new IllegalArgumentException(
          "secret name '"
              + name
              + "' must be 1.."
              + MAX_SECRET_NAME
              + " characters of A-Z a-z 0-9 _ - .");
    }
  }

  public KeySet {
    KmsRoot.appIdBytes(appId);
    if (appVersion < 1 || appVersion > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("app version is a u32 >= 1, got " + appVersion);
    }
    if (walletKey.length() != 32 || sealKey.length() != 32) {
      throw new IllegalArgumentException("wallet and seal keys are 32 bytes");
    }
    secrets = List.copyOf(secrets);
    if (secrets.size() > MAX_SECRETS) {
      throw new IllegalArgumentException(secrets.size() + " secrets (max " + MAX_SECRETS + ")");
    }
    if (new HashSet<>(secrets.stream().map(Secret::name).toList()).size() != secrets.size()) {
      throw new IllegalArgumentException("secret names must be distinct");
    }
  }

  /** Copies of {@code walletKey} and {@code sealKey}. */
  public KeySet(
      BigInteger appId, long appVersion, byte[] walletKey, byte[] sealKey, List<Secret> secrets) {
    this(appId, appVersion, Bytes.of(walletKey), Bytes.of(sealKey), secrets);
  }

  public Secp256k1Key wallet() {
    return Secp256k1Key.fromPrivateKeyHex(walletKey.toHex());
  }

  public byte[] encode() {
    BigEndianWriter w =
        new BigEndianWriter()
            .bytes(MAGIC)
            .bytes(KmsRoot.appIdBytes(appId))
            .u32(appVersion)
            .bytes(walletKey.toArray())
            .bytes(sealKey.toArray())
            .u8(secrets.size());
    for (Secret s : secrets) {
      byte[] n = s.name().getBytes(StandardCharsets.US_ASCII);
      w.u8(n.length).bytes(n).u32(s.value.length()).bytes(s.value.toArray());
    }
    return w.toByteArray();
  }

  public static KeySet decode(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IllegalArgumentException("key set does not start with TDKEYS01");
      }
      byte[] id = new byte[32];
      in.get(id);
      long version = in.getInt() & 0xFFFF_FFFFL;
      byte[] wallet = new byte[32];
      in.get(wallet);
      byte[] seal = new byte[32];
      in.get(seal);
      int count = in.get() & 0xFF;
      if (count > MAX_SECRETS) {
        throw new IllegalArgumentException(
            "key set has " + count + " secrets (max " + MAX_SECRETS + ")");
      }
      List<Secret> secrets = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[in.get() & 0xFF];
        in.get(name);
        long len = in.getInt() & 0xFFFF_FFFFL;
        if (len > MAX_SECRET_VALUE) {
          throw new IllegalArgumentException(
              "secret " + i + " is " + len + " bytes (max " + MAX_SECRET_VALUE + ")");
        }
        byte[] value = new byte[(int) len];
        in.get(value);
        secrets.add(new Secret(new String(name, StandardCharsets.US_ASCII), value));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("key set has " + in.remaining() + " trailing bytes");
      }
      return new KeySet(new BigInteger(1, id), version, wallet, seal, secrets);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("key set ends early");
    }
  }

  @Override
  public String toString() {
    return "KeySet[app "
        + appId
        + " v"
        + appVersion
        + ", wallet "
        + wallet().address()
        + ", "
        + secrets.size()
        + " secrets]";
  }
}
