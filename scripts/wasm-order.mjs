// Orders the release wasm's functions so that alike bodies sit side by side
// (used by scripts/minify.mjs in release builds, and by
// scripts/size-report.sh on its build with names).
//
// gzip finds repeats only within its last 32 kB, and the code section is
// 330 kB: two monomorphised copies of one generic function, or two
// components' hook code, compress against each other only when they are
// near. wasm-opt's order by name keeps only a generic function's copies
// together (its order by use, not even those). This one sorts the
// functions by size, then chains them greedily: each next function is, of
// the 256 nearest in size not yet placed, the one whose body shares most
// 4-byte sequences with the last one placed (Jaccard similarity). wasm-opt
// then applies the order (rank names and --reorder-functions-by-name, which
// renumbers every call) and writes the code as compactly as its -Oz run did.
//
// How many neighbours in size a step compares (the window) changes the
// result by a few hundred bytes either way, in no pattern: on one build,
// gzip -9 from 146,631 to 147,353 B over 19 windows from 128 to 384, the
// shipped 256 giving 147,072 B. So the build orders with each of WINDOWS and
// keeps the order that gzips smallest (eleven wasm-opt runs, 11 seconds).
// Brotli gains nothing from the choice on average: its window is the whole
// file.
//
// Then a local search refines the chosen order against gzip itself
// (refineOrder): a run of one to four functions is moved next to one of the
// functions most alike to its first, and the move is kept only when the
// code, deflated at level 9 as a whole, gets smaller. MOVES tries, from a
// fixed seed, so a build is reproducible: on one build -831 B gzip after
// 3,000 tries, -1,093 B after 10,000 (from 146,569 B), a minute of build
// time for 6,000.
//
// Measured side by side on one build (gzip -9 of the shipped wasm): wasm-opt's
// order by name 157,654 B, this order 154,301 B (-3.4 kB; brotli -1.8 kB).
// Against this order: by size alone +2.0 kB, by the bodies' first bytes
// +1.6 kB; windows of 128 / 192 / 320 / 512 functions +0.3 / +0.1 / +0.3 /
// +0.5 kB, the whole module as one window +0.6 kB; sequences of 3 / 5 / 6 /
// 8 bytes +0.4 / 0 / +0.5 / +0.6 kB. Two seconds of build time.
//
// Nothing but the order changes: the same functions, each with the same
// code apart from the renumbered calls.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { encodeName, leb, reader, rewriteSections, skipDescriptor } from './wasm-imports.mjs';

/** binaryen's wasm-opt, as scripts/setup.sh installs it (tests/e2e's devDependency). */
const WASM_OPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'e2e', 'node_modules', '.bin', 'wasm-opt');

/** How many functions, nearest in size, a step of the chain compares, by default. */
export const WINDOW = 256;

/** The windows the build tries, keeping the order that gzips smallest. */
export const WINDOWS = [144, 160, 168, 176, 192, 208, 232, 256, 264, 336, 384];

/** Moves the local search tries on the chosen order. */
export const MOVES = 6000;

/** How many functions most alike to it a function may be moved next to. */
const NEIGHBOURS = 6;

/** Among how many functions nearest in size those are looked for. */
const POOL = 400;

/** The bodies of the code section, and how many functions are imported. */
export function functionsOf(wasm) {
  let imported = 0;
  let bodies = null;
  rewriteSections(wasm, (id, r) => {
    if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name();
        const field = r.name();
        if (wasm[r.pos] === 0) imported++; // a function import
        skipDescriptor(r, field);
      }
    }
    if (id === 10) {
      bodies = [];
      for (let n = r.u32(); n > 0; n--) {
        const size = r.u32();
        bodies.push(wasm.subarray(r.pos, r.pos + size));
        r.pos += size;
      }
    }
    return undefined;
  });
  if (!bodies) throw new Error('wasm: no code section');
  return { imported, bodies };
}

/** The 4-byte sequences of `body` (the whole body when shorter). */
function sequences(body) {
  const set = new Set();
  if (body.length < 4) set.add(`short:${body.toString('hex')}`);
  for (let i = 0; i + 4 <= body.length; i++) set.add(body.readUInt32LE(i));
  return set;
}

function jaccard(a, b) {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * The order to place `bodies` in (indices into `bodies`): by size, then
 * each next one the most alike to the last placed among the `window`
 * nearest in size. Ties go to the smaller, then the earlier body: the
 * build orders the functions by name before (index.html's wasm-opt
 * flags), which keeps a generic function's copies together; from wasm-opt's
 * default order the result is 0.5 kB bigger.
 */
export function similarityOrder(bodies, window = WINDOW) {
  const sets = bodies.map(sequences);
  const left = bodies.map((_, i) => i).sort((a, b) => bodies[a].length - bodies[b].length || a - b);
  const order = left.length ? [left.shift()] : [];
  while (left.length) {
    const last = sets[order[order.length - 1]];
    let best = 0;
    let bestScore = -1;
    for (let k = 0; k < Math.min(window, left.length); k++) {
      const score = jaccard(last, sets[left[k]]);
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    order.push(left.splice(best, 1)[0]);
  }
  return order;
}

/** The subsections of `wasm`'s name section (id -> content). */
function nameSubsections(wasm) {
  const subsections = new Map();
  rewriteSections(wasm, (id, r, end) => {
    if (id !== 0 || r.name() !== 'name') return undefined;
    while (r.pos < end) {
      const sub = r.byte();
      const size = r.u32();
      subsections.set(sub, wasm.subarray(r.pos, r.pos + size));
      r.pos += size;
    }
    return undefined;
  });
  return subsections;
}

/**
 * `wasm` with `names` (function index -> name) as its function names; the
 * name section's other parts (locals, data segments...) are kept.
 */
export function withFunctionNames(wasm, names) {
  const entries = [...names].sort((a, b) => a[0] - b[0]);
  const subsections = nameSubsections(wasm);
  subsections.set(1, Buffer.concat([leb(entries.length), ...entries.flatMap(([index, name]) => [leb(index), encodeName(name)])]));
  const parts = [...subsections].sort((a, b) => a[0] - b[0]).flatMap(([id, content]) => [Buffer.from([id]), leb(content.length), content]);
  const section = Buffer.concat([encodeName('name'), ...parts]);
  const stripped = rewriteSections(wasm, (id, r) => (id === 0 && r.name() === 'name' ? null : undefined));
  return Buffer.concat([stripped, Buffer.from([0]), leb(section.length), section]);
}

/** The function names of `wasm`'s name section (index -> name). */
export function functionNames(wasm) {
  const names = new Map();
  const map = nameSubsections(wasm).get(1);
  if (!map) return names;
  const r = reader(map, 0);
  for (let n = r.u32(); n > 0; n--) names.set(r.u32(), r.name());
  return names;
}

/**
 * `wasm` (a Buffer) with its functions in similarity order, written by the
 * repository's wasm-opt: of the orders made with each of `windows`, the one
 * whose result gzips smallest (the first, on a tie), refined by `moves`
 * tries of the local search when that makes the result smaller still.
 * Without `keepNames` the result has no name section; with it, each
 * function keeps the name it had, and the order is the one the same module
 * without names gets.
 */
export function orderFunctions(wasm, { keepNames = false, windows = WINDOWS, moves = MOVES } = {}) {
  const { imported, bodies } = functionsOf(wasm);
  const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
  let best = null;
  for (const window of windows) {
    const order = similarityOrder(bodies, window);
    const ordered = reordered(wasm, imported, order, false);
    const size = gzip(ordered);
    if (!best || size < best.size) best = { order, ordered, size };
  }
  if (moves > 0) {
    // On the chosen order's own bodies, whose calls are renumbered already.
    const refined = refineOrder(functionsOf(best.ordered).bodies, moves).map((place) => best.order[place]);
    const ordered = reordered(wasm, imported, refined, false);
    const size = gzip(ordered);
    if (size < best.size) best = { order: refined, ordered, size };
  }
  return keepNames ? reordered(wasm, imported, best.order, true) : best.ordered;
}

/**
 * `bodies` reordered by a local search for the smallest deflated size
 * (level 9) of the bodies laid end to end: returns a permutation of their
 * indices. Each of `moves` tries takes a run of one to four functions and
 * puts it just before or after one of the NEIGHBOURS functions most alike
 * to its first (4-byte sequences, among the POOL nearest in size), and keeps
 * the move only if the whole gets smaller. The tries are drawn from a fixed
 * seed: the same bodies always give the same order.
 */
export function refineOrder(bodies, moves) {
  const n = bodies.length;
  const sets = bodies.map(sequences);
  const bySize = bodies.map((_, i) => i).sort((a, b) => bodies[a].length - bodies[b].length || a - b);
  const neighbours = new Array(n);
  bySize.forEach((f, rank) => {
    const near = bySize.slice(Math.max(0, rank - POOL / 2), rank + POOL / 2).filter((g) => g !== f);
    neighbours[f] = near.map((g) => [jaccard(sets[f], sets[g]), g]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, NEIGHBOURS).map(([, g]) => g);
  });
  const size = (order) => zlib.deflateRawSync(Buffer.concat(order.map((i) => bodies[i])), { level: 9 }).length;
  let seed = 12345;
  const random = (m) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % m;
  };
  let order = bodies.map((_, i) => i);
  let smallest = size(order);
  for (let tried = 0; tried < moves; tried++) {
    const at = order.indexOf(random(n));
    const run = order.slice(at, at + 1 + random(4));
    const rest = order.slice(0, at).concat(order.slice(at + run.length));
    const near = neighbours[run[0]];
    // A neighbour inside the run itself stays where it is.
    const beside = near.length ? rest.indexOf(near[random(near.length)]) : -1;
    if (beside < 0) continue;
    const next = beside + random(2);
    const candidate = rest.slice(0, next).concat(run, rest.slice(next));
    const candidateSize = size(candidate);
    if (candidateSize < smallest) {
      order = candidate;
      smallest = candidateSize;
    }
  }
  return order;
}

/** `wasm` with its functions in `order` (indices into its bodies). */
function reordered(wasm, imported, order, keepNames) {
  const width = String(Math.max(order.length, imported)).length;
  // wasm-opt sorts imported functions by name too (and writes them first):
  // names in index order keep the imports where they are.
  const rank = new Map([
    ...Array.from({ length: imported }, (_, index) => [index, `i${String(index).padStart(width, '0')}`]),
    ...order.map((body, place) => [imported + body, `f${String(place).padStart(width, '0')}`]),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-order-'));
  try {
    const input = path.join(dir, 'in.wasm');
    const output = path.join(dir, 'out.wasm');
    fs.writeFileSync(input, withFunctionNames(wasm, rank));
    // The levels only make wasm-opt write the code as compactly as its -Oz
    // run did (no pass but the reordering runs); names go, unless kept.
    const strip = keepNames ? ['--debuginfo'] : ['--strip-debug'];
    const run = spawnSync(WASM_OPT, ['--optimize-level=2', '--shrink-level=2', '--reorder-functions-by-name', ...strip, input, '-o', output], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`wasm-opt could not reorder the functions: ${run.stderr || run.error}`);
    const ordered = fs.readFileSync(output);
    if (!keepNames) return ordered;
    const original = functionNames(wasm);
    const names = new Map([...original].filter(([index]) => index < imported));
    order.forEach((body, place) => {
      const name = original.get(imported + body);
      if (name !== undefined) names.set(imported + place, name);
    });
    return withFunctionNames(ordered, names);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
