package dev.trustdial.tee.tdx;

import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Intel TDX TCB info v3 (the signed {@code tcbInfo} object of the PCS collateral). */
record TcbInfo(
    Instant issueDate,
    Instant nextUpdate,
    byte[] fmspc,
    byte[] pceId,
    long tcbEvaluationDataNumber,
    TdxModule tdxModule,
    List<TdxModuleIdentity> tdxModuleIdentities,
    List<TcbLevel> tcbLevels) {

  record TdxModule(byte[] mrSigner, byte[] attributes, byte[] attributesMask) {}

  record TdxModuleIdentity(String id, TdxModule module, List<IsvLevel> levels) {}

  /** A QE or TDX module TCB level: status for ISVSVN at or above {@code isvSvn}. */
  record IsvLevel(int isvSvn, Instant tcbDate, TcbStatus status, List<String> advisoryIds) {}

  record TcbLevel(
      int[] sgxComponents,
      int pceSvn,
      int[] tdxComponents,
      Instant tcbDate,
      TcbStatus status,
      List<String> advisoryIds) {}

  static TcbInfo parse(String json) throws VerificationFailedException {
    IntelJson j = IntelJson.parse(json, "tcbInfo");
    if (!j.text("id").equals("TDX")) {
      throw IntelJson.malformed("tcbInfo.id is '" + j.text("id") + "', expected TDX");
    }
    if (j.integer("version") != 3) {
      throw IntelJson.malformed("tcbInfo.version " + j.integer("version") + " (supported: 3)");
    }
    if (j.integer("tcbType") != 0) {
      throw IntelJson.malformed("tcbInfo.tcbType " + j.integer("tcbType") + " (supported: 0)");
    }
    TdxModule module = module(j.object("tdxModule"));
    List<TdxModuleIdentity> identities = new ArrayList<>();
    if (j.has("tdxModuleIdentities")) {
      for (IntelJson m : j.objects("tdxModuleIdentities")) {
        identities.add(new TdxModuleIdentity(m.text("id"), module(m), isvLevels(m)));
      }
    }
    List<TcbLevel> levels = new ArrayList<>();
    for (IntelJson l : j.objects("tcbLevels")) {
      IntelJson tcb = l.object("tcb");
      levels.add(
          new TcbLevel(
              components(tcb, "sgxtcbcomponents"),
              (int) tcb.integer("pcesvn"),
              components(tcb, "tdxtcbcomponents"),
              l.time("tcbDate"),
              l.status("tcbStatus"),
              l.strings("advisoryIDs")));
    }
    if (levels.isEmpty()) {
      throw IntelJson.malformed("tcbInfo has no TCB levels");
    }
    return new TcbInfo(
        j.time("issueDate"),
        j.time("nextUpdate"),
        j.hex("fmspc", 6),
        j.hex("pceId", 2),
        j.integer("tcbEvaluationDataNumber"),
        module,
        identities,
        levels);
  }

  Optional<TdxModuleIdentity> moduleIdentity(String id) {
    return tdxModuleIdentities.stream().filter(m -> m.id().equalsIgnoreCase(id)).findFirst();
  }

  private static TdxModule module(IntelJson m) throws VerificationFailedException {
    return new TdxModule(m.hex("mrsigner", 48), m.hex("attributes", 8), m.hex("attributesMask", 8));
  }

  static List<IsvLevel> isvLevels(IntelJson j) throws VerificationFailedException {
    List<IsvLevel> out = new ArrayList<>();
    for (IntelJson l : j.objects("tcbLevels")) {
      out.add(
          new IsvLevel(
              (int) l.object("tcb").integer("isvsvn"),
              l.time("tcbDate"),
              l.status("tcbStatus"),
              l.strings("advisoryIDs")));
    }
    return out;
  }

  private static int[] components(IntelJson tcb, String name) throws VerificationFailedException {
    List<IntelJson> c = tcb.objects(name);
    if (c.size() != 16) {
      throw IntelJson.malformed("tcbInfo " + name + " has " + c.size() + " entries, expected 16");
    }
    int[] out = new int[16];
    for (int i = 0; i < 16; i++) {
      long svn = c.get(i).integer("svn");
      if (svn > 255) {
        throw IntelJson.malformed("tcbInfo " + name + "[" + i + "].svn " + svn + " is not a byte");
      }
      out[i] = (int) svn;
    }
    return out;
  }
}
