// SPDX-License-Identifier: MIT
// TrustDial example ZK circuit: a SHA-256 chain, x_0 = seed, x_{i+1} = SHA-256(x_i) (32-byte
// messages), out = x_n. Bench-only: one link is ~30 000 constraints (circomlib's Sha256 works on
// bits), so even n = 1 needs a power-15 ceremony, beyond the power-12 dev ceremony of
// `trustdial zk build --dev-ptau` (docs/spec/zk.md §6).
// Includes circomlib's Sha256 (GPL-3.0, installed by npm, not part of this file): see zk/NOTICE.md.
//
// Statement (docs/spec/zk.md): publicSignals = out[0], out[1], in[0], in[1].
//   in[0] = bytes 0..15 of the seed as a big-endian 128-bit integer, in[1] = bytes 16..31.
//   out[0], out[1]: the same for x_n.
pragma circom 2.1.6;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/sha256/sha256.circom";

template Sha256Chain(n) {
    assert(n >= 1);
    signal input in[2];
    signal output out[2];

    // Words -> message bits, most significant bit of byte 0 first (circomlib's order). Num2Bits(128)
    // also checks each word < 2^128.
    component toBits[2];
    component link[n];
    for (var h = 0; h < 2; h++) {
        toBits[h] = Num2Bits(128);
        toBits[h].in <== in[h];
    }
    for (var i = 0; i < n; i++) {
        link[i] = Sha256(256);
        for (var k = 0; k < 256; k++) {
            if (i == 0) {
                link[i].in[k] <== toBits[k \ 128].out[127 - k % 128];
            } else {
                link[i].in[k] <== link[i - 1].out[k];
            }
        }
    }
    for (var h = 0; h < 2; h++) {
        var acc = 0;
        for (var k = 0; k < 128; k++) {
            acc += link[n - 1].out[128 * h + k] * (1 << (127 - k));
        }
        out[h] <== acc;
    }
}

component main {public [in]} = Sha256Chain(1);
