#!/usr/bin/env node
// Measuring half of bench/zk/run.sh (which compiles, sets up and calls this):
//
//   node bench/zk/bench.js prove PROTOCOL ZKEY WASM INPUT_JSON REPS OUTDIR
//       witness (snarkjs wtns.calculate into memory) and proof (PROTOCOL.prove), REPS times in this
//       process; rep 1 is cold (curve set-up, worker threads). Writes OUTDIR/proof.json and
//       OUTDIR/public.json of the last rep; prints one JSON line with the times and this process's
//       peak resident set (getrusage ru_maxrss: the figure /usr/bin/time -v prints).
//   node bench/zk/bench.js gas VERIFIER_SOL CALLDATA_TXT NPUBLIC
//       compiles the verifier with solcjs (optimizer on, 200 runs), deploys it to a throwaway anvil,
//       checks the real proof is accepted and a proof for a changed output is not (eth_call), and
//       prints eth_estimateGas of the verifyProof transaction as one JSON line.
//   node bench/zk/bench.js table RESULTS_JSONL
//       the markdown table.
'use strict';
const fs = require('fs');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const NM = path.join(ROOT, 'node_modules');

async function prove(protocol, zkey, wasm, inputFile, reps, outDir) {
  const snarkjs = require(path.join(NM, 'snarkjs'));
  const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
  const impl = { groth16: snarkjs.groth16, plonk: snarkjs.plonk, fflonk: snarkjs.fflonk }[protocol];
  if (!impl) throw new Error(`unknown protocol ${protocol}`);
  const witnessMs = [], proveMs = [];
  let result;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const wtns = { type: 'mem' };
    await snarkjs.wtns.calculate(input, wasm, wtns);
    const t1 = process.hrtime.bigint();
    result = await impl.prove(zkey, wtns);
    const t2 = process.hrtime.bigint();
    witnessMs.push(Number(t1 - t0) / 1e6);
    proveMs.push(Number(t2 - t1) / 1e6);
  }
  // The witness computation alone: the generator instantiated once (snarkjs's wtns.calculate above
  // reads and compiles the WebAssembly module every time, as a one-shot prover does).
  const wc = await require(path.resolve(path.dirname(wasm), 'witness_calculator.js'))(fs.readFileSync(wasm));
  const witnessComputeMs = [];
  for (let r = 0; r < Math.max(reps, 5); r++) {
    const t0 = process.hrtime.bigint();
    await wc.calculateWTNSBin(input, 0);
    witnessComputeMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  fs.writeFileSync(path.join(outDir, 'proof.json'), JSON.stringify(result.proof));
  fs.writeFileSync(path.join(outDir, 'public.json'), JSON.stringify(result.publicSignals));
  console.log(JSON.stringify({ protocol, witnessMs, witnessComputeMs, proveMs, maxRssKB: process.resourceUsage().maxRSS }));
  process.exit(0); // snarkjs keeps its worker threads alive
}

// ------------------------------------------------------------------ gas

function compile(solFile) {
  const solc = require(path.join(NM, 'solc'));
  const input = {
    language: 'Solidity',
    sources: { [path.basename(solFile)]: { content: fs.readFileSync(solFile, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const [name, c] = Object.entries(out.contracts[path.basename(solFile)])[0];
  const sig = Object.keys(c.evm.methodIdentifiers).find((s) => s.startsWith('verifyProof('));
  return { name, bytecode: '0x' + c.evm.bytecode.object, sig, selector: c.evm.methodIdentifiers[sig] };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function startAnvil() {
  const port = await freePort();
  const bin = path.join(NM, '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
  const child = spawn(bin, ['--port', String(port), '--disable-code-size-limit', '--silent'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  let id = 0;
  const rpc = async (method, params = []) => {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  for (let i = 0; ; i++) {
    try { await rpc('eth_chainId'); break; } catch (e) {
      if (i > 100) { child.kill(); throw new Error('anvil did not start'); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { rpc, stop: () => child.kill() };
}

async function gas(solFile, calldataFile, nPublic) {
  const { name, bytecode, sig, selector } = compile(solFile);
  // soliditycalldata prints the arguments as nested arrays of 0x words; every argument of the three
  // snarkjs verifiers is static, so the calldata is the selector and the words in order.
  const words = fs.readFileSync(calldataFile, 'utf8').match(/0x[0-9a-fA-F]+/g).map((w) => BigInt(w));
  const proofWords = words.length - nPublic;
  const enc = (ws) => '0x' + selector + ws.map((w) => w.toString(16).padStart(64, '0')).join('');
  const data = enc(words);
  const { rpc, stop } = await startAnvil();
  try {
    const [from] = await rpc('eth_accounts');
    const txHash = await rpc('eth_sendTransaction', [{ from, data: bytecode, gas: '0x1c9c380' }]);
    let receipt = null;
    for (let i = 0; i < 200 && !receipt; i++) {
      receipt = await rpc('eth_getTransactionReceipt', [txHash]);
      if (!receipt) await new Promise((r) => setTimeout(r, 50));
    }
    if (!receipt) throw new Error('no receipt for the deployment');
    if (receipt.status !== '0x1') throw new Error('deployment failed');
    const to = receipt.contractAddress;
    const ok = await rpc('eth_call', [{ from, to, data }, 'latest']);
    if (BigInt(ok) !== 1n) throw new Error(`the verifier refuses the real proof: ${ok}`);
    const bad = words.slice();
    bad[proofWords] = (bad[proofWords] + 1n); // out[0] + 1: a proof for another output
    const refused = await rpc('eth_call', [{ from, to, data: enc(bad) }, 'latest']).then((r) => BigInt(r) !== 1n, () => true);
    if (!refused) throw new Error('the verifier accepts a changed output');
    // eth_estimateGas is not the cost here: snarkjs's verifiers return false (they do not revert)
    // when a precompile call runs out of gas, so the estimate is the least gas that does not revert,
    // which is far below what a true answer needs. Measured instead: a real transaction with the
    // gas JobManager gives the verifier (ZK_VERIFY_GAS = 1 500 000) plus room, its receipt's gasUsed.
    const est = Number(BigInt(await rpc('eth_estimateGas', [{ from, to, data }])));
    const atEstimate = await rpc('eth_call', [{ from, to, data, gas: '0x' + est.toString(16) }, 'latest']).then((r) => BigInt(r) === 1n, () => false);
    const tx = await rpc('eth_sendTransaction', [{ from, to, data, gas: '0x' + (1_600_000).toString(16) }]);
    let vr = null;
    for (let i = 0; i < 200 && !vr; i++) {
      vr = await rpc('eth_getTransactionReceipt', [tx]);
      if (!vr) await new Promise((r) => setTimeout(r, 50));
    }
    if (!vr || vr.status !== '0x1') throw new Error('the verifyProof transaction failed');
    const used = Number(BigInt(vr.gasUsed));
    const bytes = Buffer.from(data.slice(2), 'hex');
    const calldataGas = bytes.reduce((g, b) => g + (b === 0 ? 4 : 16), 0);
    let hardfork = '';
    try { hardfork = (await rpc('anvil_nodeInfo')).hardFork; } catch (e) { /* older anvil */ }
    console.log(JSON.stringify({
      contract: name, sig, proofBytes: proofWords * 32, calldataBytes: bytes.length, deployGas: Number(BigInt(receipt.gasUsed)),
      verifyTxGas: used, verifyExecGas: used - 21000 - calldataGas, estimateGas: est, trueAtEstimate: atEstimate, hardfork,
    }));
  } finally {
    stop();
  }
}

// ------------------------------------------------------------------ table

const fmt = (x, d = 0) => (x === undefined || x === null || Number.isNaN(x) ? '' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const median = (a) => { const s = a.slice().sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
function ms(x) { return x >= 1000 ? `${fmt(x / 1000, 2)} s` : x < 1 ? `${fmt(x * 1000, 0)} µs` : `${fmt(x, x < 10 ? 1 : 0)} ms`; }
function ns(x) { return x >= 1e6 ? `${fmt(x / 1e6, 2)} ms` : x >= 1e3 ? `${fmt(x / 1e3, 2)} µs` : `${fmt(x, 0)} ns`; }

function table(file) {
  const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const out = [
    '| circuit | system | ceremony | constraints | public signals | setup | witness (snarkjs / compute only) | prove (warm median / cold) | peak RSS | proof calldata | verify gas (tx / verifier) | direct run | overhead (witness + prove) / direct |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const head = `| ${r.circuit} | ${r.system} | ${r.ceremony || ''} | ${fmt(r.constraints)}${r.gates ? ` (${fmt(r.gates)} PLONK gates)` : ''} | ${r.nPublic ?? ''} `;
    if (r.skipped) { out.push(`${head}| ${r.skipped} ${'| '.repeat(7)}|`); continue; }
    const warm = r.proveMs.length > 1 ? r.proveMs.slice(1) : r.proveMs;
    const warmW = r.witnessMs.length > 1 ? r.witnessMs.slice(1) : r.witnessMs;
    const total = median(warmW) + median(warm);
    out.push(`${head}| ${ms(r.setupMs)} | ${ms(median(warmW))} / ${ms(median(r.witnessComputeMs.slice(1)))} | ${ms(median(warm))} / ${ms(r.proveMs[0])} | ${fmt(r.maxRssKB / 1024)} MiB | ${fmt(r.proofBytes)} B | ${fmt(r.verifyTxGas)} / ${fmt(r.verifyExecGas)} | ${ns(r.directNs)} | ${fmt(total * 1e6 / r.directNs)}x |`);
  }
  console.log(out.join('\n'));
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  if (cmd === 'prove') await prove(a[0], a[1], a[2], a[3], Number(a[4]), a[5]);
  else if (cmd === 'gas') await gas(a[0], a[1], Number(a[2]));
  else if (cmd === 'table') table(a[0]);
  else { console.error('usage: bench.js prove ... | gas ... | table ...'); process.exitCode = 2; }
}
main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
