#!/usr/bin/env node
// A `solc` command-line stand-in for forge, backed by solcjs (no native solc is available offline).
// Forge only needs two modes: `--version` (it parses the "Version:" line) and
// `--standard-json` (compiler input JSON on stdin, output JSON on stdout).
'use strict';

const fs = require('fs');
const path = require('path');

// solcjs lives in the repo-root node_modules installed by `npm ci` (package.json pins it).
const solc = require(path.resolve(__dirname, '..', '..', 'node_modules', 'solc'));

const MAX_INPUT_BYTES = 64 * 1024 * 1024; // forge sends source contents inline; this bounds a runaway input

function usage(message) {
  process.stderr.write(`solc-shim: ${message}\n` +
    'usage: solc --version | solc --standard-json [--base-path P] [--include-path P]... [--allow-paths P,...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { mode: null, basePath: null, includePaths: [], allowPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--version' || arg === '-v') opts.mode = 'version';
    else if (arg === '--standard-json') opts.mode = 'standard-json';
    else if (arg === '--base-path') opts.basePath = value();
    else if (arg === '--include-path') opts.includePaths.push(value());
    else if (arg === '--allow-paths') opts.allowPaths.push(...value().split(',').filter(Boolean));
    else if (arg.startsWith('--base-path=')) opts.basePath = arg.slice('--base-path='.length);
    else if (arg.startsWith('--include-path=')) opts.includePaths.push(arg.slice('--include-path='.length));
    else if (arg.startsWith('--allow-paths=')) opts.allowPaths.push(...arg.slice('--allow-paths='.length).split(',').filter(Boolean));
    else if (arg === '-') { /* stdin, implied by --standard-json */ }
    else usage(`unsupported argument ${JSON.stringify(arg)}`);
  }
  if (opts.mode === null) usage('no mode given');
  return opts;
}

function isWithin(file, dir) {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// Forge normally inlines every source; this callback only serves imports it did not inline,
// and only from the directories forge named, so the shim never reads arbitrary files.
function makeImportCallback(opts) {
  const roots = [opts.basePath, ...opts.includePaths].filter(Boolean).map((p) => path.resolve(p));
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))];
  if (roots.length === 0) roots.push(process.cwd());
  if (allowed.length === 0) allowed.push(process.cwd());
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath));
    for (const file of candidates) {
      if (!allowed.some((dir) => isWithin(file, dir))) continue;
      try {
        return { contents: fs.readFileSync(file, 'utf8') };
      } catch (e) {
        if (e.code !== 'ENOENT') return { error: `cannot read ${file}: ${e.message}` };
      }
    }
    return { error: `File not found inside the allowed paths: ${importPath}` };
  };
}

function readStdin() {
  const chunks = [];
  let size = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    size += n;
    if (size > MAX_INPUT_BYTES) usage(`standard JSON input exceeds ${MAX_INPUT_BYTES} bytes`);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === 'version') {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  const input = readStdin();
  try {
    JSON.parse(input);
  } catch (e) {
    usage(`standard JSON input is not valid JSON: ${e.message}`);
  }
  const output = solc.compile(input, { import: makeImportCallback(opts) });
  process.stdout.write(output);
}

main();
