// SPDX-License-Identifier: MIT
// TrustDial example ZK circuit: the recommender's scoring step with a top-K answer.
// Includes circomlib templates (GPL-3.0, installed by npm, not part of this file): see zk/NOTICE.md.
//
// Statement (docs/spec/zk.md): publicSignals = out[0..2K-1], in[0..W-1].
//   in:  the user vector (D values) then the N item vectors (D values each), unsigned 16-bit
//        fixed-point values, 15 per word: value j of word w is (in[w] >> (16*j)) & 0xFFFF and is
//        value number 15*w + j of that sequence; bits above the last value of a word are zero
//        (checked). W = ceil((D + N*D) / 15).
//   out: out[k] = index of the k-th best item, out[K+k] = its score (k = 0..K-1, best first).
//   score(i) = sum_j user[j] * item_i[j], exact (no rounding: with values at scale s the score is
//   at scale s^2). Order: higher score first; equal scores: the lower index first.
// The prover supplies the ranking (<--); the circuit only checks it: each row of the selection
// matrix is one-hot (so every chosen index is in range), the chosen (score, index) keys are
// strictly decreasing (so the chosen indices are distinct and sorted), and an item is chosen iff
// its key is at least the K-th chosen key (so no unchosen item beats the K-th one).
pragma circom 2.1.6;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

function ceilLog2(x) {
    var r = 0;
    while ((1 << r) < x) { r++; }
    return r;
}

// The circuit proper: checks the ranking `hint` (the K chosen indices, best first) that the prover
// supplies, and outputs it with the scores. A wrong hint makes a constraint fail.
template RecommenderChecked(N, D, K) {
    var VBITS = 16;                       // bits per value
    var PER = 15;                         // values per input word (240 bits < 253)
    var NV = D + N * D;                   // values: user vector, then item 0 .. item N-1
    var W = (NV + PER - 1) \ PER;         // input words
    var IBITS = ceilLog2(N);              // index bits
    var SBITS = 2 * VBITS + ceilLog2(D);  // a score is < D * 2^32
    var KBITS = SBITS + IBITS;            // key = score * 2^IBITS + (N - 1 - index)
    assert(K >= 1 && K <= N && N >= 2 && D >= 1);
    assert(KBITS <= 252);

    signal input in[W];
    signal input hint[K];
    signal output out[2 * K];

    // 1. Unpack: Num2Bits over exactly the bits a word may use, so unused high bits must be zero
    //    and every value is < 2^16.
    component unpack[W];
    signal val[NV];
    for (var w = 0; w < W; w++) {
        var count = NV - w * PER < PER ? NV - w * PER : PER;
        unpack[w] = Num2Bits(count * VBITS);
        unpack[w].in <== in[w];
        for (var j = 0; j < count; j++) {
            var lc = 0;
            for (var b = 0; b < VBITS; b++) {
                lc += unpack[w].out[j * VBITS + b] * (1 << b);
            }
            val[w * PER + j] <== lc;
        }
    }

    // 2. Scores: N dot products of D terms. Keys order items by (score desc, index asc).
    signal prod[N][D];
    signal score[N];
    signal key[N];
    for (var i = 0; i < N; i++) {
        var acc = 0;
        for (var j = 0; j < D; j++) {
            prod[i][j] <== val[j] * val[D + i * D + j];
            acc += prod[i][j];
        }
        score[i] <== acc;
        key[i] <== score[i] * (1 << IBITS) + (N - 1 - i);
    }

    // 3. The selection matrix from the hint: row k one-hot at the k-th chosen index (so an index
    //    out of range leaves a row of zeros and fails `ones === 1`).
    signal sel[K][N];
    signal selScore[K][N];
    signal topScore[K];
    signal topIndex[K];
    signal topKey[K];
    for (var k = 0; k < K; k++) {
        var ones = 0;
        var idx = 0;
        var sc = 0;
        for (var i = 0; i < N; i++) {
            sel[k][i] <-- hint[k] == i ? 1 : 0;
            sel[k][i] * (sel[k][i] - 1) === 0;
            ones += sel[k][i];
            idx += i * sel[k][i];
            selScore[k][i] <== sel[k][i] * score[i];
            sc += selScore[k][i];
        }
        ones === 1;
        topIndex[k] <== idx;
        topScore[k] <== sc;
        topKey[k] <== topScore[k] * (1 << IBITS) + (N - 1 - topIndex[k]);
    }
    // 4. Strictly decreasing keys: sorted, distinct indices, ties by the lower index.
    component sorted[K - 1];
    for (var k = 0; k + 1 < K; k++) {
        sorted[k] = LessThan(KBITS);
        sorted[k].in[0] <== topKey[k + 1];
        sorted[k].in[1] <== topKey[k];
        sorted[k].out === 1;
    }
    // 5. Item i is chosen (in some row) iff key[i] >= the K-th chosen key: nothing left out beats it.
    component below[N];
    for (var i = 0; i < N; i++) {
        var chosen = 0;
        for (var k = 0; k < K; k++) { chosen += sel[k][i]; }
        below[i] = LessThan(KBITS);
        below[i].in[0] <== key[i];
        below[i].in[1] <== topKey[K - 1];
        chosen + below[i].out === 1;
    }

    for (var k = 0; k < K; k++) {
        out[k] <== topIndex[k];
        out[K + k] <== topScore[k];
    }
}

// The main template: the prover's side computes the ranking from `in` (witness code only, no
// constraints) and hands it to RecommenderChecked as its hint.
template Recommender(N, D, K) {
    var PER = 15;
    var NV = D + N * D;
    var W = (NV + PER - 1) \ PER;
    signal input in[W];
    signal output out[2 * K];

    var v[NV];
    for (var x = 0; x < NV; x++) {
        v[x] = (in[x \ PER] >> (16 * (x % PER))) & 0xFFFF;
    }
    var score[N];
    for (var i = 0; i < N; i++) {
        score[i] = 0;
        for (var j = 0; j < D; j++) { score[i] += v[j] * v[D + i * D + j]; }
    }
    var taken[N];
    for (var i = 0; i < N; i++) { taken[i] = 0; }
    component checked = RecommenderChecked(N, D, K);
    checked.in <== in;
    for (var k = 0; k < K; k++) {
        var best = -1;
        var bestScore = 0;
        for (var i = 0; i < N; i++) {
            if (taken[i] == 0 && (best == -1 || score[i] > bestScore)) {
                best = i;
                bestScore = score[i];
            }
        }
        taken[best] = 1;
        checked.hint[k] <-- best;
    }
    out <== checked.out;
}

component main {public [in]} = Recommender(8, 8, 3);
