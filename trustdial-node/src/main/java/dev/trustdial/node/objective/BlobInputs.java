package dev.trustdial.node.objective;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.da.codec.BlobCodec;
import dev.trustdial.da.kzg.Kzg;
import dev.trustdial.da.kzg.KzgCommitment;
import dev.trustdial.da.kzg.KzgProof;
import dev.trustdial.da.kzg.PointOpening;
import dev.trustdial.da.kzg.SubBlob;
import dev.trustdial.vm.input.BlobInput;
import dev.trustdial.vm.input.BlobOpener;
import dev.trustdial.vm.input.BlobOpening;
import dev.trustdial.vm.input.InputForm;
import dev.trustdial.vm.input.PointEvaluation;
import dev.trustdial.vm.input.VmInput;
import java.util.Arrays;
import java.util.List;

/**
 * A job's TDJOBIN1 envelope as the EIP-4844 blobs of an objective app with blob inputs
 * (docs/spec/vm.md §4.1.1, objective.md §3.2): the envelope's DA sub-blobs (da.md §2, the same
 * bytes and commitments as the DA put), their versioned hashes, the VM input in blob form, the
 * openings a read_input witness needs, and the sidecar of the type-3 transaction that posts them.
 * The KZG work is the DA layer's {@link Kzg}; the VM module only sees the {@link BlobOpener} and
 * {@link PointEvaluation} ports.
 */
public final class BlobInputs {
  /** The TDJOBIN1 header before the input (job-input.md). */
  static final int ENVELOPE_HEADER = 52;

  private final Kzg kzg;
  private final byte[] input;
  private final List<SubBlob> blobs;
  private final List<KzgCommitment> commitments;
  private final List<Bytes32> versionedHashes;

  private BlobInputs(Kzg kzg, byte[] envelope) {
    if (envelope.length < ENVELOPE_HEADER) {
      throw new InvalidInputException(
          "a job envelope is at least " + ENVELOPE_HEADER + " bytes, got " + envelope.length);
    }
    this.kzg = kzg;
    this.input = Arrays.copyOfRange(envelope, ENVELOPE_HEADER, envelope.length);
    BlobInput.checkShape(input.length, BlobInput.blobsFor(input.length));
    this.blobs = BlobCodec.encode(envelope);
    this.commitments = blobs.stream().map(kzg::commit).toList();
    this.versionedHashes =
        commitments.stream().map(c -> BlobInput.versionedHash(c.bytes())).toList();
  }

  /**
   * The blobs of {@code envelope}; refuses an envelope whose input is above the blob form's limit
   * (six blobs).
   */
  public static BlobInputs of(byte[] envelope, Kzg kzg) {
    return new BlobInputs(kzg, envelope);
  }

  public List<Bytes32> versionedHashes() {
    return versionedHashes;
  }

  public List<KzgCommitment> commitments() {
    return commitments;
  }

  /** The blobs' bytes (131,072 each), in order: the type-3 transaction's blobs. */
  public List<byte[]> blobBytes() {
    return blobs.stream().map(SubBlob::bytes).toList();
  }

  /** EIP-4844 blob proofs for the transaction's sidecar, one per blob. */
  public List<KzgProof> blobProofs() {
    return java.util.stream.IntStream.range(0, blobs.size())
        .mapToObj(i -> kzg.blobProof(blobs.get(i), commitments.get(i)))
        .toList();
  }

  /**
   * The job input in blob form: the VM state's inputRoot is vm.md §4.1.1's root over {@link
   * #versionedHashes()}.
   */
  public VmInput vmInput() {
    return new VmInput(input, new InputForm.Blobs(versionedHashes, opener(), pointEvaluation(kzg)));
  }

  /** Opens field element e (blob e / 4096 at its evaluation point) with the DA layer's KZG. */
  public BlobOpener opener() {
    return e -> {
      int blob = e / BlobInput.ELEMENTS_PER_BLOB;
      if (e < 0 || blob >= blobs.size()) {
        throw new IllegalArgumentException(
            "element " + e + " is outside the " + blobs.size() + " blob(s)");
      }
      byte[] z = BlobInput.evaluationPoint(e % BlobInput.ELEMENTS_PER_BLOB).bytes();
      PointOpening o = kzg.openAt(blobs.get(blob), z);
      return new BlobOpening(new Bytes32(o.y()), commitments.get(blob).bytes(), o.proof().bytes());
    };
  }

  /**
   * The point-evaluation precompile's check (versioned hash, then the KZG opening) for the Java
   * step checker.
   */
  public static PointEvaluation pointEvaluation(Kzg kzg) {
    return (versionedHash, z, y, commitment, proof) -> {
      if (commitment.length != KzgCommitment.BYTES || proof.length != KzgProof.BYTES) {
        return false;
      }
      return BlobInput.versionedHash(commitment).equals(versionedHash)
          && kzg.verifyPoint(
              new KzgCommitment(commitment), z.bytes(), y.bytes(), new KzgProof(proof));
    };
  }
}
