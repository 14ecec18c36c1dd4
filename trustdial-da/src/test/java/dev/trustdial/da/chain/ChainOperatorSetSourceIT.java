package dev.trustdial.da.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.chain.Role;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.SettlementDeployer;
import dev.trustdial.chain.Tokens;
import dev.trustdial.chain.anvil.Anvil;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.assignment.OperatorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DA operator set as StakeRegistry on a real anvil reports it. */
class ChainOperatorSetSourceIT {
  static Anvil anvil;
  static Settlement owner;
  static List<Secp256k1Key> keys;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("da-chain-it");
    anvil = Anvil.start(Anvil.Options.defaults(dir.resolve("anvil.log")));
    keys = anvil.devKeys();
    SettlementDeployer.Result r = SettlementDeployer.deploy(anvil.rpcUrl(), keys.get(0),
        SettlementDeployer.Config.devnet(), s -> {});
    owner = Settlement.connect(anvil.rpcUrl(), r.deployment(), keys.get(0));
    for (int i = 1; i <= 4; i++) {
      owner.mint(keys.get(i).address(), Tokens.of(10_000));
    }
  }

  @AfterAll
  static void stop() {
    if (owner != null) {
      owner.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  @Test
  void readsRegisteredDaOperatorsWithStake() {
    ChainOperatorSetSource source = new ChainOperatorSetSource(owner, 100);
    assertThatThrownBy(source::current).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no DA operators");
    // two DA operators (one also COMPUTE), one compute-only, one DA without stake
    Secp256k1Key daSigner1 = Secp256k1Key.generate();
    Secp256k1Key daSigner2 = Secp256k1Key.generate();
    Settlement op1 = owner.as(keys.get(1));
    op1.register(EnumSet.of(Role.DA), daSigner1.address(), "http://127.0.0.1:7101");
    op1.deposit(Tokens.of(1000));
    Settlement op2 = owner.as(keys.get(2));
    op2.register(EnumSet.of(Role.DA, Role.COMPUTE), daSigner2.address(), "http://127.0.0.1:7102");
    op2.deposit(Tokens.of(3000));
    Settlement op3 = owner.as(keys.get(3));
    op3.register(EnumSet.of(Role.COMPUTE), keys.get(3).address(), "http://127.0.0.1:7103");
    op3.deposit(Tokens.of(1000));
    owner.as(keys.get(4)).register(EnumSet.of(Role.DA), keys.get(4).address(), "http://127.0.0.1:7104");

    OperatorSet set = source.current();
    assertThat(set.operators()).extracting(o -> o.signer())
        .containsExactlyInAnyOrder(daSigner1.address(), daSigner2.address());
    assertThat(set.totalStake()).isEqualTo(Tokens.of(4000));
    assertThat(source.at(set.referenceBlock())).isEqualTo(set);
    assertThatThrownBy(() -> source.at(set.referenceBlock() + 1000)).hasMessageContaining("ahead of the chain head");
  }
}
