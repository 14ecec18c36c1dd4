package dev.trustdial.chain.anvil;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.MnemonicUtils;

/**
 * The devnet's funded accounts: anvil derives them from a BIP-39 mnemonic on the path
 * m/44'/60'/0'/0/i. We derive the same keys so the devnet needs no key files of its own.
 */
public final class DevAccounts {
  /** Foundry's public test mnemonic: these keys are known to everyone and must never hold value. */
  public static final String TEST_MNEMONIC =
      "test test test test test test test test test test test junk";

  private DevAccounts() {}

  public static List<Secp256k1Key> derive(String mnemonic, int count) {
    byte[] seed = MnemonicUtils.generateSeed(mnemonic, "");
    Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(seed);
    List<Secp256k1Key> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] path = {
        44 | Bip32ECKeyPair.HARDENED_BIT,
        60 | Bip32ECKeyPair.HARDENED_BIT,
        Bip32ECKeyPair.HARDENED_BIT,
        0,
        i
      };
      Bip32ECKeyPair child = Bip32ECKeyPair.deriveKeyPair(master, path);
      byte[] raw = child.getPrivateKey().toByteArray();
      byte[] k = new byte[32];
      int n = Math.min(32, raw.length);
      System.arraycopy(raw, raw.length - n, k, 32 - n, n);
      keys.add(Secp256k1Key.fromPrivateKeyHex(Hex.encode(k)));
    }
    return keys;
  }
}
