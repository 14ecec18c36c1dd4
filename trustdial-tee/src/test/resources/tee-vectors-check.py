#!/usr/bin/env python3
"""Recomputes tee-vectors.json from docs/spec/tee-runtime.md with Python's `cryptography`
package (an implementation independent of the Java one). Run: python3 tee-vectors-check.py
Not part of the Maven test run (Python is not required there); the secp256k1 address and the
keccak digest are not recomputed here (no keccak in the standard library)."""
import hashlib, hmac, json, os, struct, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives import serialization

V = json.load(open(os.path.join(os.path.dirname(__file__), "tee-vectors.json")))
h = lambda b: "0x" + b.hex()
u32 = lambda n: struct.pack(">I", n)
def hkdf(ikm, salt, info, n=32):
    return HKDF(algorithm=hashes.SHA256(), length=n, salt=salt, info=info).derive(ikm)
def x_pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
def report_data(purpose, *parts):
    b = b"TrustDial report data v1\x00" + purpose.encode() + b"\x00" + b"".join(u32(len(p)) + p for p in parts)
    return hashlib.sha512(b).digest()
app1 = (1).to_bytes(32, "big")
root = bytes(range(1, 33))
out = {}
app_key = lambda app, purpose, c: hkdf(root, b"TrustDial KMS v1", b"TrustDial app key v1\x00" + app + purpose + b"\x00" + bytes([c]))
out["kms.app1.wallet.counter0"] = app_key(app1, b"wallet", 0)
out["kms.app1.seal"] = app_key(app1, b"seal", 0)
out["kms.app7.seal"] = app_key((7).to_bytes(32, "big"), b"seal", 0)
out["kms.x25519.public"] = x_pub(hkdf(root, b"TrustDial KMS v1", b"TrustDial KMS x25519 v1"))
rpriv, epriv, nonce = b"\x11" * 32, b"\x22" * 32, b"\x33" * 12
rpub, epub = x_pub(rpriv), x_pub(epriv)
shared = X25519PrivateKey.from_private_bytes(epriv).exchange(X25519PublicKey.from_public_bytes(rpub))
key = hkdf(shared, epub + rpub, b"TrustDial ECIES v1\x00ctx")
out["ecies.recipient.public"] = rpub
out["ecies.ciphertext"] = b"TDECIES1" + epub + nonce + AESGCM(key).encrypt(nonce, b"hello", b"ctx")
out["keyset.encoding"] = b"TDKEYS01" + app1 + u32(2) + b"\x01" * 32 + b"\x02" * 32 + b"\x01" + b"\x07API_KEY" + u32(6) + b"s3cret"
out["keyrequest.reportData"] = report_data("kms-key-request", app1, epub)
out["keyrelease.context"] = b"TrustDial key release v1\x00" + app1
kms_priv = hkdf(root, b"TrustDial KMS v1", b"TrustDial KMS x25519 v1")
kms_shared = X25519PrivateKey.from_private_bytes(kms_priv).exchange(X25519PublicKey.from_public_bytes(epub))
auth_key = hkdf(kms_shared, x_pub(kms_priv) + epub, b"TrustDial key release auth v1\x00" + app1)
out["keyrelease.kmsAuth"] = hmac.new(auth_key, out["ecies.ciphertext"], hashlib.sha256).digest()
out["keyrefusal.kmsAuth"] = hmac.new(auth_key, b"TrustDial key refusal v1\x00MeasurementNotAllowed", hashlib.sha256).digest()
reg = lambda name, val: bytes([len(name)]) + name + bytes([len(val)]) + val
out["policy.encoding"] = (b"TDAPPPOL" + bytes([1, 0b110, 0, 2]) + bytes([4, 2]) + reg(b"RTMR0", b"\xaa" * 48) + reg(b"RTMR3", b"\xbb" * 48)
                          + bytes([1, 1]) + reg(b"MRTD", b"\xcc" * 48))
url = b"https://example.com/price"
entry = u32(0) + struct.pack(">Q", 1700000000000) + struct.pack(">H", len(url)) + url + struct.pack(">H", 200) + b"\x01" * 32 + hashlib.sha256(b"hello").digest() + u32(5)
head = hashlib.sha256(b"TrustDial transcript v1\x00" + b"\x00" * 32 + entry).digest()
out["transcript.entry0"] = entry
out["transcript.head1"] = head
out["transcript.encoding"] = b"TDTRANS1" + u32(1) + entry
out["evidence.reportData.empty"] = report_data("app-evidence", b"\x66" * 64, b"\x00" * 32, u32(0))
out["evidence.reportData.one"] = report_data("app-evidence", b"\x66" * 64, head, u32(1))
hdr = b"TDSEAL01" + app1 + u32(2)
out["seal.encoding"] = hdr + b"\x55" * 12 + AESGCM(b"\x44" * 32).encrypt(b"\x55" * 12, b"state", hdr)
files = [(b"a.txt", b"A"), (b"lib/b.bin", bytes([0, 1, 2]))]
out["artifact.dir"] = hashlib.sha256(b"TrustDial artifact dir v1\x00" + u32(2) + b"".join(
    struct.pack(">H", len(p)) + p + struct.pack(">Q", len(c)) + hashlib.sha256(c).digest() for p, c in files)).digest()
def extend(r, typ, data):
    return hashlib.sha384(r + hashlib.sha384(struct.pack(">H", typ) + u32(len(data)) + data).digest()).digest()
out["measurement.RTMR0"] = extend(b"\x00" * 48, 0x0001, b"trustdial-dev-runtime/0.1.0")
r3 = b"\x00" * 48
for typ, data in [(0x0101, app1), (0x0102, b"\x11" * 32), (0x0103, b"{}")]:
    r3 = extend(r3, typ, data)
out["measurement.RTMR3"] = r3
a = b"TDS/USD 1.00"
out["answer.appData"] = hashlib.sha512(b"TrustDial app answer v1\x00" + u32(len(a)) + a + b"\x00" * 19 + b"\x01").digest()
bad = [k for k, b in out.items() if h(b) != V[k].lower()]
for k in bad:
    print("MISMATCH", k, h(out[k]), V[k])
print(f"{len(out) - len(bad)}/{len(out)} vectors recomputed independently and equal")
sys.exit(1 if bad else 0)
