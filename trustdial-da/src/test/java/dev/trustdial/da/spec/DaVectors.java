package dev.trustdial.da.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.assignment.ChunkAssignment;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.OperatorSignature;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.JniKzg;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.kzg.SubBlob;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes the inputs and outputs of docs/spec/da-vectors.json. {@link #main} writes the file (run
 * once when the spec changes); {@code DaVectorsTest} recomputes and compares, so the committed
 * vectors and the code cannot drift apart.
 */
public final class DaVectors {
  public static final String KEY_A = "0x" + "11".repeat(32);
  public static final String KEY_B = "0x" + "22".repeat(32);
  public static final String KEY_C = "0x" + "33".repeat(32);
  public static final long REFERENCE_BLOCK = 42;
  public static final long EXPIRY = 1_800_000_000L;

  /**
   * The chain domain of the attestation and certificate vectors: anvil's chain id, a fixed registry
   * address.
   */
  public static final AttestationDomain DOMAIN =
      new AttestationDomain(31337, Address.parse("0x" + "b1".repeat(20)));

  private DaVectors() {}

  public static OperatorSet operatorSet() {
    String[] keys = {KEY_A, KEY_B, KEY_C};
    long[] stakes = {100, 200, 700};
    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ops.add(
          new Operator(
              Secp256k1Key.fromPrivateKeyHex(keys[i]).address(),
              BigInteger.valueOf(stakes[i]),
              URI.create("http://127.0.0.1:" + (7101 + i))));
    }
    return new OperatorSet(REFERENCE_BLOCK, ops);
  }

  public static ObjectNode compute() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("spec", "docs/spec/da.md, header version 1, attestation v2");

    ArrayNode codec = root.putArray("codec");
    for (int size : new int[] {0, 5, 126972, 126973}) {
      byte[] data = pattern(size);
      List<SubBlob> subs = BlobCodec.encode(data);
      byte[] all = new byte[subs.size() * SubBlob.BYTES];
      for (int s = 0; s < subs.size(); s++) {
        subs.get(s).copyTo(0, all, s * SubBlob.BYTES, SubBlob.BYTES);
      }
      ObjectNode v = codec.addObject();
      v.put("input", "pattern(" + size + ")");
      v.put("size", size);
      v.put("inputSha256", Hashes.sha256(data).toHex());
      v.put("subBlobs", subs.size());
      v.put("firstTwoElements", Hex.encode(Arrays.copyOf(all, 64)));
      v.put("encodedSha256", Hashes.sha256(all).toHex());
    }

    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    KzgCommitment c = JniKzg.load().commit(BlobCodec.encode(hello).getFirst());
    root.put("helloCommitment", c.toString());
    BlobHeader header = new BlobHeader(hello.length, REFERENCE_BLOCK, EXPIRY, List.of(c));
    Bytes32 key = header.blobKey();
    ObjectNode h = root.putObject("header");
    h.put("data", "hello");
    h.put("size", hello.length);
    h.put("referenceBlock", REFERENCE_BLOCK);
    h.put("expiry", EXPIRY);
    h.put("encoding", Hex.encode(header.encode()));
    h.put("blobKey", key.toHex());

    OperatorSet set = operatorSet();
    ObjectNode a = root.putObject("assignment");
    a.put("blobKey", key.toHex());
    ArrayNode ops = a.putArray("operators");
    ChunkAssignment asg = ChunkAssignment.of(set, key);
    for (int i = 0; i < set.size(); i++) {
      ObjectNode o = ops.addObject();
      o.put("address", set.get(i).signer().toString());
      o.put("stake", set.get(i).stake().toString());
      o.put("count", asg.count(i));
      ArrayNode idx = o.putArray("chunks");
      asg.chunksOf(i).forEach(idx::add);
    }
    ArrayNode perm = a.putArray("permutation");
    Arrays.stream(ChunkAssignment.permutation(key)).forEach(perm::add);

    attestation(root.putObject("attestation"), DOMAIN, key);
    attestation(root.putObject("attestationLocal"), AttestationDomain.LOCAL, key);

    // Certificate signed by the two heaviest operators (stake 900 of 1000).
    List<OperatorSignature> sigs = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      for (String k : new String[] {KEY_B, KEY_C}) {
        Secp256k1Key sk = Secp256k1Key.fromPrivateKeyHex(k);
        if (sk.address().equals(set.get(i).signer())) {
          sigs.add(new OperatorSignature(i, Attestation.sign(sk, DOMAIN, key)));
        }
      }
    }
    DaCertificate cert = new DaCertificate(header, sigs);
    ObjectNode ce = root.putObject("certificate");
    ce.put("signers", "operators with keys 0x22.., 0x33.. (stake 900 of 1000)");
    ce.put("chainId", DOMAIN.chainId());
    ce.put("verifier", DOMAIN.verifier().toString());
    ce.put("encoding", Hex.encode(cert.encode()));
    return root;
  }

  private static void attestation(ObjectNode att, AttestationDomain domain, Bytes32 key) {
    Secp256k1Key signer = Secp256k1Key.fromPrivateKeyHex(KEY_A);
    att.put("chainId", domain.chainId());
    att.put("verifier", domain.verifier().toString());
    att.put("blobKey", key.toHex());
    att.put("digest", Attestation.digest(domain, key).toHex());
    att.put("signerKey", KEY_A);
    att.put("signer", signer.address().toString());
    att.put("signature", Attestation.sign(signer, domain, key).toHex());
  }

  /** Deterministic bytes: byte i = (i * 31 + 7) mod 256. */
  public static byte[] pattern(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "../docs/spec/da-vectors.json");
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), compute());
    System.out.println("wrote " + out.toAbsolutePath());
  }
}
