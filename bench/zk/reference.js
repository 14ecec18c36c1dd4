#!/usr/bin/env node
// Independent reference for the example circuits of zk/circuits (no circom, no snarkjs): packs the
// words, computes the expected outputs (recommender: dot products and top-K in plain JS; sha256chain:
// node's crypto), writes the test vectors, checks a compiled circuit's witness against them, and
// times the same computations run directly for bench/zk/run.sh.
//
//   node bench/zk/reference.js vectors                    write zk/circuits/vectors/{recommender,sha256chain}.json
//   node bench/zk/reference.js check CIRCUIT WASM_DIR [HINT_WASM_DIR]
//                                  every vector through CIRCUIT's witness generator; with HINT_WASM_DIR
//                                  (recommender: RecommenderChecked as main) also the claimed rankings
//   node bench/zk/reference.js direct CIRCUIT [SECONDS]    ns per direct run of the first vector
//   node bench/zk/reference.js input CIRCUIT               the first vector's {"in": [...]} on stdout
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const ROOT = path.resolve(__dirname, '..', '..');
const VECTORS = path.join(ROOT, 'zk', 'circuits', 'vectors');

// ---------------------------------------------------------------- recommender (N=8, D=8, K=3)
const REC = { N: 8, D: 8, K: 3, PER: 15, VBITS: 16 };

/** Values (user then items, 16-bit each) -> input words: value j of word w at bits 16j..16j+15. */
function packValues(values) {
  const words = [];
  for (let w = 0; w * REC.PER < values.length; w++) {
    let word = 0n;
    for (let j = 0; j < REC.PER && w * REC.PER + j < values.length; j++) {
      const v = values[w * REC.PER + j];
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`value ${v} is not 16-bit`);
      word |= BigInt(v) << BigInt(REC.VBITS * j);
    }
    words.push(word);
  }
  return words;
}

/** Top-K by score descending, equal scores by the lower index; [indices..., scores...]. */
function recommend(values, { N, D, K } = REC) {
  const scores = [];
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += values[j] * values[D + i * D + j]; // < 2^35: exact in a double
    scores.push(s);
  }
  const order = scores.map((s, i) => i).sort((a, b) => (scores[b] - scores[a]) || (a - b));
  const top = order.slice(0, K);
  return [...top.map(BigInt), ...top.map((i) => BigInt(scores[i]))];
}

/** The direct computation from the input bytes (as on DA: 32-byte big-endian words) to the output. */
function recommendFromBytes(bytes, out) {
  const { N, D, K, PER } = REC;
  const vals = recommendFromBytes.vals || (recommendFromBytes.vals = new Uint32Array(D + N * D));
  for (let v = 0; v < vals.length; v++) {
    const w = (v / PER) | 0, j = v - w * PER;
    vals[v] = bytes.readUInt16BE(w * 32 + 30 - 2 * j);
  }
  const scores = recommendFromBytes.scores || (recommendFromBytes.scores = new Float64Array(N));
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += vals[j] * vals[D + i * D + j];
    scores[i] = s;
  }
  const taken = recommendFromBytes.taken || (recommendFromBytes.taken = new Uint8Array(N));
  taken.fill(0);
  for (let k = 0; k < K; k++) {
    let best = -1;
    for (let i = 0; i < N; i++) if (!taken[i] && (best < 0 || scores[i] > scores[best])) best = i;
    taken[best] = 1;
    out[k] = best;
    out[K + k] = scores[best];
  }
  return out;
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function recommenderVectors() {
  const { N, D } = REC;
  const nv = D + N * D;
  const cases = [];
  const add = (note, values) => {
    const words = packValues(values);
    cases.push({ note, in: words.map(String), out: recommend(values).map(String) });
  };
  {
    // Ties at the cut: items 1, 4, 6 score 20 each; items 2 and 5 score 30 and 25.
    const user = [1, 2, 0, 0, 0, 0, 0, 0];
    const items = [[2, 0], [4, 8], [10, 10], [0, 0], [0, 10], [5, 10], [20, 0], [1, 1]];
    add('ties: scores [2,20,30,0,20,25,20,3]; of the three items scoring 20 the lowest index (1) is third',
      [...user, ...items.flatMap((it) => [...it, 0, 0, 0, 0, 0, 0])]);
  }
  add('all zero: every score 0, so indices 0,1,2', new Array(nv).fill(0));
  add('all 0xFFFF: every score 8*65535^2 = 34358689800 (the largest), so indices 0,1,2',
    new Array(nv).fill(0xffff));
  {
    // The best items at the highest indices: item i = user scaled by i (Q8.8: 1.0 = 256).
    const user = [256, 512, 128, 64, 32, 16, 8, 1024];
    add('item i = i * user (Q8.8 values); best first: 7, 6, 5',
      [...user, ...Array.from({ length: N }, (_, i) => user.map((u) => u * i >= 0x10000 ? 0xffff : u * i)).flat()]);
  }
  for (const seed of [1, 2, 3]) {
    const rnd = mulberry32(seed);
    add(`pseudo-random 16-bit values (mulberry32 seed ${seed})`, Array.from({ length: nv }, () => Math.floor(rnd() * 0x10000)));
  }
  // Inputs the witness generator must refuse (a Num2Bits check fails).
  const base = packValues(new Array(nv).fill(1));
  const rejects = [
    { note: 'word 0 has bit 240 set (above its 15 values)', in: base.map((w, i) => String(i === 0 ? w | (1n << 240n) : w)) },
    { note: 'word 4 (12 values) has bit 192 set', in: base.map((w, i) => String(i === 4 ? w | (1n << 192n) : w)) },
    { note: 'word 1 is r - 1 (a field element far above 2^240)', in: base.map((w, i) => String(i === 1 ? R - 1n : w)) },
  ];
  // Rankings a prover might claim, through RecommenderChecked (the template with the ranking as a
  // private input `hint`): only the true ranking satisfies the constraints.
  const hint = (vector, h, accepted, note) => ({ vector, hint: h.map(String), accepted, note });
  const hints = [
    hint(0, [2, 5, 1], true, 'the true ranking'),
    hint(0, [2, 5, 4], false, 'tie at 20 broken toward the higher index'),
    hint(0, [2, 5, 6], false, 'tie at 20 broken toward the highest index'),
    hint(0, [5, 2, 1], false, 'not sorted'),
    hint(0, [2, 2, 5], false, 'an index twice'),
    hint(0, [2, 5, 0], false, 'a lower score (2) in place of 20'),
    hint(0, [2, 5, 8], false, 'index out of range'),
    hint(1, [0, 1, 2], true, 'the true ranking'),
    hint(1, [1, 0, 2], false, 'equal scores, indices not ascending'),
    hint(1, [0, 1, 3], false, 'equal scores, index 3 in place of 2'),
  ];
  return {
    circuit: 'recommender',
    template: 'Recommender(8, 8, 3)',
    inputWords: 5,
    outputWords: 6,
    layout: 'zk/circuits/README.md',
    vectors: cases,
    rejects,
    hints,
  };
}

// ---------------------------------------------------------------- sha256chain (n = 1)
const SHA_N = 1;

function sha256chain(seed, n) {
  let x = seed;
  for (let i = 0; i < n; i++) x = crypto.createHash('sha256').update(x).digest();
  return x;
}

const toWords = (buf32) => [BigInt('0x' + buf32.subarray(0, 16).toString('hex')), BigInt('0x' + buf32.subarray(16).toString('hex'))];
const fromWords = (words) => Buffer.from(words.map((w) => BigInt(w).toString(16).padStart(32, '0')).join(''), 'hex');

function sha256Vectors() {
  const seeds = [
    ['zero seed (32 zero bytes)', Buffer.alloc(32)],
    ['seed = SHA-256("abc")', crypto.createHash('sha256').update('abc').digest()],
    ['seed = 32 bytes 0xff', Buffer.alloc(32, 0xff)],
    ['seed = bytes 0x00, 0x01, ..., 0x1f', Buffer.from(Array.from({ length: 32 }, (_, i) => i))],
  ];
  return {
    circuit: 'sha256chain',
    template: `Sha256Chain(${SHA_N})`,
    inputWords: 2,
    outputWords: 2,
    layout: 'zk/circuits/README.md',
    vectors: seeds.map(([note, seed]) => ({
      note,
      seedHex: seed.toString('hex'),
      outHex: sha256chain(seed, SHA_N).toString('hex'),
      in: toWords(seed).map(String),
      out: toWords(sha256chain(seed, SHA_N)).map(String),
    })),
    rejects: [
      { note: 'in[0] = 2^128 (a half above 128 bits)', in: [String(1n << 128n), '0'] },
      { note: 'in[1] = r - 1', in: ['0', String(R - 1n)] },
    ],
  };
}

// ---------------------------------------------------------------- commands
function writeVectors() {
  fs.mkdirSync(VECTORS, { recursive: true });
  for (const v of [recommenderVectors(), sha256Vectors()]) {
    for (const c of v.vectors) for (const w of [...c.in, ...c.out]) if (BigInt(w) >= R) throw new Error('word >= r');
    // One line per array: diffable and short.
    const text = JSON.stringify(v, null, 2).replace(/\[\s+("[^\]]*?")\s+\]/gs, (m, body) => '[' + body.split(/,\s+/).join(', ') + ']');
    const file = path.join(VECTORS, `${v.circuit}.json`);
    fs.writeFileSync(file, text + '\n');
    console.log(`wrote ${path.relative(ROOT, file)}: ${v.vectors.length} vectors${v.rejects ? `, ${v.rejects.length} rejects` : ''}`);
  }
}

function loadVectors(circuit) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, `${circuit}.json`), 'utf8'));
}

async function check(circuit, wasmDir, hintDir) {
  const builder = require(path.resolve(wasmDir, 'witness_calculator.js'));
  const wc = await builder(fs.readFileSync(path.resolve(wasmDir, `${circuit}.wasm`)));
  const v = loadVectors(circuit);
  // The reference again, independently of the file: the stored expectations must be what it says.
  const fresh = circuit === 'recommender' ? recommenderVectors() : sha256Vectors();
  let failures = 0;
  if (JSON.stringify(fresh.hints) !== JSON.stringify(v.hints)) {
    console.log(`FAIL ${circuit}: the vector file's hints differ from the reference (regenerate: reference.js vectors)`);
    failures++;
  }
  for (const [i, c] of v.vectors.entries()) {
    const want = fresh.vectors[i];
    if (JSON.stringify(want.in) !== JSON.stringify(c.in) || JSON.stringify(want.out) !== JSON.stringify(c.out)) {
      console.log(`FAIL ${circuit}[${i}] the vector file differs from the reference (regenerate: reference.js vectors)`);
      failures++;
      continue;
    }
    const w = await wc.calculateWitness({ in: c.in }, true);
    const out = w.slice(1, 1 + c.out.length).map(String);
    const ins = w.slice(1 + c.out.length, 1 + c.out.length + c.in.length).map(String);
    const ok = JSON.stringify(out) === JSON.stringify(c.out) && JSON.stringify(ins) === JSON.stringify(c.in);
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${circuit}[${i}] ${c.note}: out = [${out.join(', ')}]${ok ? '' : ` want [${c.out.join(', ')}]`}`);
  }
  for (const [i, c] of (v.rejects || []).entries()) {
    let refused = false;
    try { await wc.calculateWitness({ in: c.in }, true); } catch (e) { refused = true; }
    if (!refused) failures++;
    console.log(`${refused ? 'ok  ' : 'FAIL'} ${circuit} reject[${i}] ${c.note}: ${refused ? 'refused' : 'ACCEPTED'}`);
  }
  if (hintDir && v.hints) {
    const name = path.basename(path.resolve(hintDir)).replace(/_js$/, '');
    const hc = await builder(fs.readFileSync(path.resolve(hintDir, `${name}.wasm`)));
    for (const h of v.hints) {
      let accepted = true;
      try { await hc.calculateWitness({ in: v.vectors[h.vector].in, hint: h.hint }, true); } catch (e) { accepted = false; }
      if (accepted !== h.accepted) failures++;
      console.log(`${accepted === h.accepted ? 'ok  ' : 'FAIL'} ${circuit} hint [${h.hint.join(', ')}] on vector ${h.vector} (${h.note}): ${accepted ? 'accepted' : 'refused'}`);
    }
  }
  console.log(failures === 0 ? `${circuit}: all vectors pass` : `${circuit}: ${failures} failures`);
  return failures === 0;
}

function direct(circuit, seconds) {
  const v = loadVectors(circuit);
  const bytes = Buffer.concat(v.vectors[0].in.map((w) => Buffer.from(BigInt(w).toString(16).padStart(64, '0'), 'hex')));
  let run;
  if (circuit === 'recommender') {
    const out = new Float64Array(2 * REC.K);
    run = () => recommendFromBytes(bytes, out);
    const got = Array.from(run(), (x) => String(x));
    if (JSON.stringify(got) !== JSON.stringify(v.vectors[0].out)) throw new Error(`direct recommender ${got} != vector`);
  } else {
    const seed = fromWords(v.vectors[0].in);
    run = () => sha256chain(seed, SHA_N);
    if (JSON.stringify(toWords(run()).map(String)) !== JSON.stringify(v.vectors[0].out)) throw new Error('direct sha256 != vector');
  }
  // Batches of growing size until one lasts >= 20 ms, then the best of batches for `seconds`.
  let reps = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) run();
    if (Number(process.hrtime.bigint() - t) >= 20e6) break;
    reps *= 2;
  }
  let best = Infinity, batches = 0;
  const end = Date.now() + seconds * 1000;
  do {
    const t = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / reps);
    batches++;
  } while (Date.now() < end);
  console.log(JSON.stringify({ circuit, nsPerRun: best, repsPerBatch: reps, batches }));
}

async function main() {
  const [cmd, a, b, c] = process.argv.slice(2);
  if (cmd === 'vectors') writeVectors();
  else if (cmd === 'check') process.exitCode = (await check(a, b, c)) ? 0 : 1;
  else if (cmd === 'direct') direct(a, Number(b || 2));
  else if (cmd === 'input') console.log(JSON.stringify({ in: loadVectors(a).vectors[0].in }));
  else {
    console.error('usage: reference.js vectors | check CIRCUIT WASM_DIR | direct CIRCUIT [SECONDS] | input CIRCUIT');
    process.exitCode = 2;
  }
}

module.exports = { packValues, recommend, sha256chain, toWords, fromWords };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
