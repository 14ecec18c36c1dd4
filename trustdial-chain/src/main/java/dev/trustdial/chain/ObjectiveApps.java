package dev.trustdial.chain;

import dev.trustdial.chain.contracts.AppRegistry;
import dev.trustdial.chain.contracts.InputOracle;
import dev.trustdial.chain.contracts.JobManager;
import dev.trustdial.chain.contracts.ObjectiveConfig;
import dev.trustdial.chain.contracts.ObjectiveCourt;
import dev.trustdial.chain.tx.ContractRevertException;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;

/**
 * The app developer's side of REEXEC_OBJECTIVE (mode 2, docs/spec/objective.md §1, §3, §5): whether
 * the mode is enabled, an app's {@code ObjectiveConfig} (deploy, read back), and job inputs on the
 * {@code InputOracle} (post an envelope, read its entry). The oracle is the one the mode's court
 * (the adapter JobManager pins for mode 2) reads. Acts as one account; every transaction is
 * simulated first, so a refused one throws {@link ContractRevertException} and changes nothing. No
 * web3j type leaves this class. The app itself is created with {@link Settlement#createApp} and
 * {@link Settlement#setAppConfig}.
 */
public final class ObjectiveApps implements AutoCloseable {
  /** REEXEC_OBJECTIVE's mode code. */
  public static final int MODE = 2;

  private final Settlement settlement;
  private final boolean ownsSettlement;
  private final AppRegistry apps;
  private final JobManager jobs;
  private InputOracle oracle;

  private ObjectiveApps(Settlement settlement, boolean owns) {
    this.settlement = settlement;
    this.ownsSettlement = owns;
    Deployment d = settlement.deployment();
    this.apps =
        AppRegistry.load(
            d.appRegistry().toString(),
            settlement.web3j(),
            settlement.transactionManager(),
            Settlement.GAS);
    this.jobs =
        JobManager.load(
            d.jobManager().toString(),
            settlement.web3j(),
            settlement.transactionManager(),
            Settlement.GAS);
  }

  /** The developer's side of mode 2 over an open settlement client (which this does not close). */
  public static ObjectiveApps of(Settlement settlement) {
    return new ObjectiveApps(settlement, false);
  }

  /**
   * Connects to the chain of {@code deployment} (its chain id checked) as the account of {@code
   * key}.
   */
  public static ObjectiveApps connect(String rpcUrl, Deployment deployment, Secp256k1Key key) {
    return new ObjectiveApps(Settlement.connect(rpcUrl, deployment, key), true);
  }

  public Address account() {
    return settlement.account();
  }

  /**
   * Governance: lets apps of mode 2 be created (AppRegistry.setModeEnabled(2, true)); this account
   * must own AppRegistry or propose on its timelock (on a devnet the delay is fast-forwarded).
   */
  public TxOutcome enableMode() {
    return settlement.setModeEnabled(TrustMode.REEXEC_OBJECTIVE, true);
  }

  /**
   * Governance: stops the creation of mode-2 apps (AppRegistry.setModeEnabled(2, false)), as {@link
   * #enableMode} undoes it.
   */
  public TxOutcome disableMode() {
    return settlement.setModeEnabled(TrustMode.REEXEC_OBJECTIVE, false);
  }

  // ---------------------------------------------------------------- the mode

  /**
   * Whether apps of REEXEC_OBJECTIVE may be created (AppRegistry.modeEnabled(2), set by
   * governance).
   */
  public boolean modeEnabled() {
    return call(apps.modeEnabled(BigInteger.valueOf(MODE)));
  }

  /**
   * Whether {@code account} may create apps now (creation is permissionless or it is allowlisted).
   */
  public boolean canCreateApps(Address account) {
    return call(apps.permissionless()) || call(apps.isAllowlisted(account.toString()));
  }

  /** The court new mode-2 jobs pin (JobManager.modeAdapterOf(2)), if governance registered one. */
  public Optional<Address> court() {
    Address a = Address.parse(call(jobs.modeAdapterOf(BigInteger.valueOf(MODE))));
    return a.isZero() ? Optional.empty() : Optional.of(a);
  }

  /** The InputOracle the mode's court reads job inputs from (ObjectiveCourt.oracle()). */
  public Address oracle() {
    return Address.parse(oracleContract().getContractAddress());
  }

  private InputOracle oracleContract() {
    if (oracle == null) {
      Address court =
          court()
              .orElseThrow(() ->
                  new InvalidInputException(
                      "this deployment registers no court for REEXEC_OBJECTIVE "
                          + "(JobManager.modeAdapterOf(2) is 0), so it has no input oracle"));
      String at =
          call(
              ObjectiveCourt.load(
                      court.toString(),
                      settlement.web3j(),
                      settlement.transactionManager(),
                      Settlement.GAS)
                  .oracle());
      oracle =
          InputOracle.load(at, settlement.web3j(), settlement.transactionManager(), Settlement.GAS);
    }
    return oracle;
  }

  // ---------------------------------------------------------------- app config

  /**
   * Deploys an ObjectiveConfig holding {@code config} (simulated first) and returns its address
   * with the transaction.
   */
  public Settlement.Deployed deployConfig(ObjectiveAppConfig config) {
    RemoteCall<ObjectiveConfig> deploy =
        ObjectiveConfig.deploy(
            settlement.web3j(),
            settlement.transactionManager(),
            Settlement.GAS,
            config.programDigest().bytes(),
            BigInteger.valueOf(config.entryPc()),
            config.imageRoot().bytes(),
            BigInteger.valueOf(config.ramEnd()),
            BigInteger.valueOf(config.outputLimit()),
            BigInteger.valueOf(config.strideLog2()),
            config.blobInputs());
    try {
      ObjectiveConfig c = deploy.send();
      TransactionReceipt r = c.getTransactionReceipt().orElseThrow();
      if (!r.isStatusOK()) {
        throw new ChainUnavailableException(
            "deploying ObjectiveConfig reverted onchain (tx " + r.getTransactionHash() + ")", null);
      }
      Settlement.Deployed d =
          new Settlement.Deployed(
              Address.parse(c.getContractAddress()), outcome("deploy ObjectiveConfig", r));
      ObjectiveAppConfig back = config(d.address());
      if (!back.equals(config)) {
        throw new IllegalStateException(
            "the ObjectiveConfig at " + d.address() + " holds " + back + ", not " + config);
      }
      return d;
    } catch (ContractRevertException e) {
      throw new ContractRevertException("deploy ObjectiveConfig", e.errorName(), e.arguments());
    } catch (InvalidInputException | ChainUnavailableException | IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new ChainUnavailableException("deploying ObjectiveConfig failed: " + e.getMessage(), e);
    }
  }

  /**
   * The fields of the ObjectiveConfig at {@code config}; refused when there is no contract there or
   * it is not one.
   */
  public ObjectiveAppConfig config(Address config) {
    if (settlement.codeAt(config).length == 0) {
      throw new InvalidInputException(
          "there is no contract at "
              + config
              + " (an objective app's config is an ObjectiveConfig)");
    }
    ObjectiveConfig.Params p;
    try {
      p =
          ObjectiveConfig.load(
                  config.toString(),
                  settlement.web3j(),
                  settlement.transactionManager(),
                  Settlement.GAS)
              .params()
              .send();
    } catch (ContractRevertException e) {
      throw new InvalidInputException(
          "the contract at "
              + config
              + " is not an ObjectiveConfig (params() reverts: "
              + e.getMessage()
              + ")");
    } catch (IOException e) {
      throw new ChainUnavailableException(
          "cannot read the ObjectiveConfig at " + config + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw new InvalidInputException(
          "the contract at " + config + " is not an ObjectiveConfig: " + e.getMessage());
    }
    return new ObjectiveAppConfig(
        new Bytes32(p.programDigest),
        p.entryPc.longValueExact(),
        new Bytes32(p.imageRoot),
        p.ramEnd.longValueExact(),
        p.outputLimit.longValueExact(),
        p.strideLog2.intValueExact(),
        p.blobInputs);
  }

  // ---------------------------------------------------------------- inputs

  /**
   * An InputOracle entry: the input's vm.md §4.1 root and length, computed onchain, and the block
   * it was posted in.
   */
  public record InputEntry(Bytes32 inputRoot, long inputLength, long postedBlock) {}

  /**
   * What {@link #postInput} did: the envelope's digest, and its transaction unless the envelope was
   * posted before.
   */
  public record InputPost(Bytes32 digest, Optional<TxOutcome> tx) {}

  /**
   * The longest envelope the oracle takes (InputOracle.MAX_ENVELOPE: 64 KiB of input plus the
   * 52-byte header).
   */
  public long maxEnvelopeBytes() {
    return call(oracleContract().MAX_ENVELOPE()).longValueExact();
  }

  /**
   * Posts a job's TDJOBIN1 envelope (docs/spec/job-input.md) to the oracle as calldata; the oracle
   * computes and records its input root under keccak256(envelope). Skipped (no transaction) when
   * that digest is posted already. An envelope over MAX_ENVELOPE is refused before anything is
   * sent.
   */
  public InputPost postInput(byte[] envelope) {
    long max = maxEnvelopeBytes();
    if (envelope.length > max) {
      throw new InvalidInputException(
          "the job envelope is "
              + envelope.length
              + " bytes; the InputOracle takes at most "
              + max
              + " (64 KiB of input plus the 52-byte header), so a REEXEC_OBJECTIVE job's input is at most "
              + (max - 52)
              + " bytes");
    }
    Bytes32 digest = Hashes.keccak256(envelope);
    if (inputOf(digest).isPresent()) {
      return new InputPost(digest, Optional.empty());
    }
    TxOutcome tx = send("postInput", oracleContract().postInput(envelope));
    return new InputPost(digest, Optional.of(tx));
  }

  /**
   * What {@link #postInputBlobs} did: the DA blob key, and its transaction unless the blobs were
   * posted before.
   */
  public record BlobInputPost(Bytes32 blobKey, Optional<TxOutcome> tx) {}

  /**
   * Posts a job's input as EIP-4844 blobs (objective.md §3.2): a type-3 transaction to
   * InputOracle.postInputBlobs with the envelope's DA blob header as calldata and its DA sub-blobs
   * as blobs. The oracle checks each blob's versioned hash against the header's commitment and
   * records the vm.md §4.1.1 input root under the blob key, keccak256(header). Skipped (no
   * transaction) when that key is posted already. The KZG values come from the caller (the DA
   * layer's KZG): {@code blobs}, {@code commitments} (48 bytes each), {@code blobProofs} (48 bytes
   * each) and {@code versionedHashes}, one each per blob, in order.
   */
  public BlobInputPost postInputBlobs(
      byte[] daHeader,
      List<byte[]> blobs,
      List<byte[]> commitments,
      List<byte[]> blobProofs,
      List<Bytes32> versionedHashes) {
    Bytes32 key = Hashes.keccak256(daHeader);
    if (blobInputOf(key).isPresent()) {
      return new BlobInputPost(key, Optional.empty());
    }
    InputOracle o = oracleContract();
    String data = o.postInputBlobs(daHeader).encodeFunctionCall();
    TxOutcome tx =
        settlement.transactBlobs(
            "postInputBlobs",
            oracle(),
            data,
            blobs,
            commitments,
            blobProofs,
            versionedHashes.stream().map(Bytes32::bytes).toList());
    return new BlobInputPost(key, Optional.of(tx));
  }

  /** The oracle's blob-form entry under DA blob key {@code blobKey}, if it was posted. */
  public Optional<InputEntry> blobInputOf(Bytes32 blobKey) {
    InputOracle o = oracleContract();
    if (!call(o.isBlobInputPosted(blobKey.bytes()))) {
      return Optional.empty();
    }
    Tuple3<byte[], BigInteger, BigInteger> e = call(o.blobInputOf(blobKey.bytes()));
    return Optional.of(
        new InputEntry(
            new Bytes32(e.component1()),
            e.component2().longValueExact(),
            e.component3().longValueExact()));
  }

  /** The oracle's entry for the envelope with keccak256 {@code digest}, if it was posted. */
  public Optional<InputEntry> inputOf(Bytes32 digest) {
    InputOracle o = oracleContract();
    if (!call(o.isPosted(digest.bytes()))) {
      return Optional.empty();
    }
    Tuple3<byte[], BigInteger, BigInteger> e = call(o.inputOf(digest.bytes()));
    return Optional.of(
        new InputEntry(
            new Bytes32(e.component1()),
            e.component2().longValueExact(),
            e.component3().longValueExact()));
  }

  // ---------------------------------------------------------------- plumbing

  private <T> T call(RemoteFunctionCall<T> f) {
    return settlement.read(f);
  }

  private TxOutcome send(String action, RemoteFunctionCall<TransactionReceipt> f) {
    return settlement.transact(action, f);
  }

  private static TxOutcome outcome(String action, TransactionReceipt r) {
    return new TxOutcome(
        action,
        r.getTransactionHash(),
        r.getBlockNumber().longValueExact(),
        r.getGasUsed().longValueExact());
  }

  @Override
  public void close() {
    if (ownsSettlement) {
      settlement.close();
    }
  }
}
