package dev.trustdial.da.chain;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateRegistry;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.OperatorSignature;
import dev.trustdial.da.cert.RecordedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;

/**
 * {@link CertificateRegistry} over the BlobRegistry contract (contracts/src/BlobRegistry.sol):
 * {@code register(header, signatures)} runs the certificate check onchain; the full header is read
 * back from the {@code BlobCertified} event. The contract counts only attestations signed for
 * {@link #domain()}: this chain id and its own address (docs/spec/da.md §6). Calls go through plain
 * web3j ABI encoding because the settlement client's generated wrappers do not cover BlobRegistry
 * yet.
 */
public final class ChainCertificateRegistry implements CertificateRegistry, AutoCloseable {
  private static final BigInteger GAS_LIMIT = BigInteger.valueOf(10_000_000);
  private static final String CERTIFIED_TOPIC =
      Hashes.keccak256(
              "BlobCertified(bytes32,bytes,uint256,uint256)".getBytes(StandardCharsets.US_ASCII))
          .toHex();
  private static final String REGISTER_SELECTOR =
      Hashes.keccak256("register(bytes,bytes)".getBytes(StandardCharsets.US_ASCII))
          .toHex()
          .substring(0, 10);

  /**
   * 0x, selector, two offsets, two lengths, a header of at most BlobHeader.MAX_BYTES and 1024
   * attestations, padded.
   */
  private static final int MAX_REGISTER_INPUT_HEX =
      2 * (4 + 4 * 32 + BlobHeader.MAX_BYTES + 32 + OperatorSet.MAX_OPERATORS * 65 + 64) + 2;

  private static final Map<String, String> ERRORS =
      errorSelectors(
          List.of(
              "MalformedHeader(string)",
              "Expired(uint64,uint256)",
              "ReferenceBlockInFuture(uint64,uint256)",
              "ReferenceBlockTooOld(uint64,uint256)",
              "MalformedSignatures(uint256)",
              "BadSignature(uint256)",
              "SignersNotAscending(uint256)",
              "NotDaOperator(address)",
              "InsufficientStake(uint256,uint256)",
              "InsufficientChunks(uint256)",
              "AlreadyRegistered(bytes32)",
              "NoDaStake()"));

  private final Web3j web3j;
  private final AttestationDomain domain;
  private final Address registry;
  private final Secp256k1Key key;
  private final RawTransactionManager tx;

  public ChainCertificateRegistry(String rpcUrl, long chainId, Address registry, Secp256k1Key key) {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.domain = new AttestationDomain(chainId, registry);
    this.registry = registry;
    this.key = key;
    // Shares the process's nonce ledger for this key: concurrent puts never sign the same nonce.
    this.tx =
        new dev.trustdial.chain.tx.SimulatingTransactionManager(
            web3j, key.credentials(), chainId, new dev.trustdial.chain.tx.RevertDecoder());
  }

  /** The domain this registry counts attestations in: its chain id and its own address. */
  public AttestationDomain domain() {
    return domain;
  }

  @Override
  public void register(DaCertificate certificate) {
    ByteArrayOutputStream sigs = new ByteArrayOutputStream();
    // Operator indices follow ascending signer address, the order the contract requires.
    for (OperatorSignature s : certificate.signatures()) {
      sigs.writeBytes(s.signature().bytes());
    }
    String data =
        FunctionEncoder.encode(
            new Function(
                "register",
                List.of(
                    new DynamicBytes(certificate.header().encode()),
                    new DynamicBytes(sigs.toByteArray())),
                List.of()));
    try {
      // Simulate first: a refusal comes back as a named custom error instead of a bare revert.
      EthCall sim =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(
                      key.address().toString(), registry.toString(), data),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (sim.isReverted() || sim.hasError()) {
        throw new InvalidInputException(
            "BlobRegistry refused the certificate of "
                + certificate.blobKey()
                + ": "
                + revertName(sim));
      }
      BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
      EthSendTransaction sent =
          tx.sendTransaction(gasPrice, GAS_LIMIT, registry.toString(), data, BigInteger.ZERO);
      if (sent.hasError()) {
        throw new IllegalStateException(
            "sending the certificate failed: " + sent.getError().getMessage());
      }
      TransactionReceipt receipt = await(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw new IllegalStateException(
            "certificate transaction " + sent.getTransactionHash() + " reverted");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while registering a certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<BlobHeader> header(Bytes32 blobKey) {
    return certifiedLog(blobKey).map(CertifiedLog::header);
  }

  /**
   * The certificate's attestations, read from the calldata of the transaction that emitted its
   * {@code BlobCertified} event (the contract keeps only the header). A registration made through
   * another contract has no such calldata: the certificate is then reported without signatures.
   */
  @Override
  public Optional<RecordedCertificate> certificate(Bytes32 blobKey) {
    Optional<CertifiedLog> found = certifiedLog(blobKey);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CertifiedLog c = found.get();
    String where =
        "BlobRegistry "
            + registry
            + ", transaction "
            + c.transactionHash()
            + " in block "
            + c.block();
    try {
      Optional<org.web3j.protocol.core.methods.response.Transaction> t =
          web3j.ethGetTransactionByHash(c.transactionHash()).send().getTransaction();
      String input =
          t.map(org.web3j.protocol.core.methods.response.Transaction::getInput).orElse("0x");
      boolean direct =
          t.isPresent()
              && registry.toString().equalsIgnoreCase(t.get().getTo())
              && input.regionMatches(true, 0, REGISTER_SELECTOR, 0, REGISTER_SELECTOR.length());
      if (!direct) {
        return Optional.of(
            new RecordedCertificate(
                c.header(),
                List.of(),
                where
                    + " (not a direct register call: its attestations are not in"
                    + " its calldata)"));
      }
      if (input.length() > MAX_REGISTER_INPUT_HEX) {
        throw new IllegalStateException(
            "register calldata of "
                + c.transactionHash()
                + " is "
                + input.length() / 2
                + " bytes, over the "
                + MAX_REGISTER_INPUT_HEX / 2
                + " a certificate can take");
      }
      @SuppressWarnings({"rawtypes", "unchecked"})
      List<TypeReference<Type>> params =
          (List)
              List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<DynamicBytes>() {});
      @SuppressWarnings("rawtypes")
      List<Type> args =
          FunctionReturnDecoder.decode("0x" + input.substring(REGISTER_SELECTOR.length()), params);
      byte[] sigs = ((DynamicBytes) args.get(1)).getValue();
      if (sigs.length % 65 != 0 || sigs.length / 65 > OperatorSet.MAX_OPERATORS) {
        throw new IllegalStateException(
            "register calldata of "
                + c.transactionHash()
                + " carries "
                + sigs.length
                + " signature bytes, not a whole number of at most "
                + OperatorSet.MAX_OPERATORS
                + " 65-byte attestations");
      }
      List<Signature> out = new ArrayList<>();
      for (int i = 0; i < sigs.length; i += 65) {
        out.add(new Signature(Arrays.copyOfRange(sigs, i, i + 65)));
      }
      return Optional.of(new RecordedCertificate(c.header(), out, where));
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading a certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code BlobCertified} event of a key: the header it carries and the transaction that
   * emitted it.
   */
  private record CertifiedLog(BlobHeader header, String transactionHash, long block) {}

  private Optional<CertifiedLog> certifiedLog(Bytes32 blobKey) {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            registry.toString());
    filter.addSingleTopic(CERTIFIED_TOPIC);
    filter.addSingleTopic(blobKey.toHex());
    try {
      EthLog logs = web3j.ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
      }
      for (EthLog.LogResult<?> r : logs.getLogs()) {
        Log log = (Log) r.get();
        @SuppressWarnings({"rawtypes", "unchecked"})
        List<TypeReference<Type>> outputs =
            (List)
                List.of(
                    new TypeReference<DynamicBytes>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint256>() {});
        @SuppressWarnings("rawtypes")
        List<Type> fields = FunctionReturnDecoder.decode(log.getData(), outputs);
        BlobHeader h = BlobHeader.decode(((DynamicBytes) fields.getFirst()).getValue());
        if (h.blobKey().equals(blobKey)) {
          return Optional.of(
              new CertifiedLog(h, log.getTransactionHash(), log.getBlockNumber().longValueExact()));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException(
          "chain unreachable while reading a header: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isAvailable(Bytes32 blobKey) {
    String data =
        FunctionEncoder.encode(
            new Function(
                "isAvailable",
                List.of(new org.web3j.abi.datatypes.generated.Bytes32(blobKey.bytes())),
                List.of(new TypeReference<Bool>() {})));
    try {
      EthCall r =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(
                      key.address().toString(), registry.toString(), data),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (r.hasError()) {
        throw new IllegalStateException("isAvailable call failed: " + r.getError().getMessage());
      }
      return new BigInteger(1, Hex.decode(r.getValue())).signum() != 0;
    } catch (IOException e) {
      throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
    }
  }

  private TransactionReceipt await(String hash) throws IOException {
    for (int i = 0; i < 600; i++) {
      Optional<TransactionReceipt> r =
          web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
      if (r.isPresent()) {
        return r.get();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + hash, e);
      }
    }
    throw new IllegalStateException("no receipt for " + hash + " after 60 s");
  }

  private static String revertName(EthCall sim) {
    // Nodes put the revert data in different places (error data, revert reason, message text).
    List<String> places = new java.util.ArrayList<>();
    places.add(String.valueOf(sim.getRevertReason()));
    if (sim.getError() != null) {
      places.add(String.valueOf(sim.getError().getData()));
      places.add(String.valueOf(sim.getError().getMessage()));
    }
    java.util.regex.Pattern selector = java.util.regex.Pattern.compile("0x[0-9a-fA-F]{8}");
    for (String p : places) {
      java.util.regex.Matcher m = selector.matcher(p);
      while (m.find()) {
        String name = ERRORS.get(m.group().toLowerCase());
        if (name != null) {
          return name + " (" + p + ")";
        }
      }
    }
    return String.join("; ", places);
  }

  private static Map<String, String> errorSelectors(List<String> signatures) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>();
    for (String s : signatures) {
      String sel = Hashes.keccak256(s.getBytes(StandardCharsets.US_ASCII)).toHex().substring(0, 10);
      m.put(sel, s);
    }
    return Map.copyOf(m);
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
