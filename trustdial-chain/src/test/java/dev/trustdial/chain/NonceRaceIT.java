package dev.trustdial.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.chain.contracts.StakeToken;
import dev.trustdial.chain.tx.RevertDecoder;
import dev.trustdial.chain.tx.SimulatingTransactionManager;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.RawTransactionManager;

/**
 * One key, many senders (issue #14 item 4): 50 threads, each with its own RPC client and
 * transaction manager as concurrent requests of a DA proxy or CLI runs would have, all send at once
 * and every transaction lands; and a nonce used behind the process's back (another process with the
 * same key) is recovered from instead of failing with "nonce too low".
 */
class NonceRaceIT {
  static Anvil anvil;
  static Secp256k1Key key;
  static String token;
  static long chainId;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("nonce-race-it");
    anvil = Anvil.start(Anvil.Options.defaults(dir.resolve("anvil.log")));
    key = anvil.devKeys().get(0);
    chainId = anvil.chainId();
    Web3j w = Settlement.openRpc(Settlement.httpService(anvil.rpcUrl()));
    try {
      token =
          StakeToken.deploy(w, manager(w), Settlement.GAS, key.address().toString())
              .send()
              .getContractAddress();
    } finally {
      w.shutdown();
    }
  }

  @AfterAll
  static void stop() {
    if (anvil != null) {
      anvil.close();
    }
  }

  static SimulatingTransactionManager manager(Web3j w) {
    return new SimulatingTransactionManager(w, key.credentials(), chainId, new RevertDecoder());
  }

  @Test
  void fiftyConcurrentSendersWithOneKeyAllLand() throws Exception {
    int n = 50;
    List<Secp256k1Key> receivers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      receivers.add(Secp256k1Key.generate());
    }
    BigInteger before = count();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<String>> sent = new ArrayList<>();
      for (Secp256k1Key r : receivers) {
        sent.add(
            pool.submit(() -> {
              Web3j w = Settlement.openRpc(Settlement.httpService(anvil.rpcUrl()));
              try {
                return StakeToken.load(token, w, manager(w), Settlement.GAS)
                    .mint(r.address().toString(), BigInteger.ONE)
                    .send()
                    .getStatus();
              } finally {
                w.shutdown();
              }
            }));
      }
      for (Future<String> f : sent) {
        assertThat(f.get()).isEqualTo("0x1");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(count()).isEqualTo(before.add(BigInteger.valueOf(n)));
    Web3j w = Settlement.openRpc(Settlement.httpService(anvil.rpcUrl()));
    try {
      StakeToken t = StakeToken.load(token, w, manager(w), Settlement.GAS);
      for (Secp256k1Key r : receivers) {
        assertThat(t.balanceOf(r.address().toString()).send()).isEqualTo(BigInteger.ONE);
      }
    } finally {
      w.shutdown();
    }
  }

  @Test
  void aKeyAlsoUsedByAnotherClientKeepsWorking() throws Exception {
    Web3j w = Settlement.openRpc(Settlement.httpService(anvil.rpcUrl()));
    try {
      StakeToken ours = StakeToken.load(token, w, manager(w), Settlement.GAS);
      ours.mint(key.address().toString(), BigInteger.ONE).send();
      // "Another process": a plain manager that reads the nonce from the chain and uses it first.
      StakeToken theirs =
          StakeToken.load(
              token, w, new RawTransactionManager(w, key.credentials(), chainId), Settlement.GAS);
      assertThat(theirs.mint(key.address().toString(), BigInteger.ONE).send().getStatus())
          .isEqualTo("0x1");
      BigInteger beforeOurs = count();
      assertThat(ours.mint(key.address().toString(), BigInteger.TWO).send().getStatus())
          .isEqualTo("0x1");
      assertThat(count()).isEqualTo(beforeOurs.add(BigInteger.ONE));
    } finally {
      w.shutdown();
    }
  }

  static BigInteger count() throws Exception {
    Web3j w = Settlement.openRpc(Settlement.httpService(anvil.rpcUrl()));
    try {
      return w.ethGetTransactionCount(key.address().toString(), DefaultBlockParameterName.LATEST)
          .send()
          .getTransactionCount();
    } finally {
      w.shutdown();
    }
  }
}
