// The release build's function order (scripts/wasm-order.mjs): alike
// bodies end up side by side, and the reordered module is the same module
// (valid, same imports, exports and functions), with or without names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { encodeName, leb } from '../../scripts/wasm-imports.mjs';
import { functionNames, functionsOf, orderFunctions, refineOrder, similarityOrder, withFunctionNames } from '../../scripts/wasm-order.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.E2E_DIST ?? path.join(here, '..', '..', 'dist');

/** `length` bytes from a fixed seed, so the test sees the same bodies every run. */
function bytes(seed, length) {
  let x = seed;
  return Buffer.from(Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x >>> 16 & 0xff;
  }));
}

/** `body` with every 40th byte changed: still mostly the same 4-byte sequences. */
function edited(body) {
  return Buffer.from(body.map((b, i) => (i % 40 === 39 ? b ^ 0x5a : b)));
}

test('alike bodies are placed side by side, whatever their sizes in between', () => {
  const a = bytes(1, 300);
  const b = bytes(2, 310);
  const c = bytes(3, 320);
  // Sorted by size alone: a, b, c, a', b', c' (each unlike its neighbours).
  const bodies = [a, b, c, Buffer.concat([edited(a), bytes(4, 30)]), Buffer.concat([edited(b), bytes(5, 30)]), Buffer.concat([edited(c), bytes(6, 30)])];
  const order = similarityOrder(bodies);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5], 'every body placed once');
  const place = (i) => order.indexOf(i);
  for (const [body, kin] of [[0, 3], [1, 4], [2, 5]]) {
    assert.equal(Math.abs(place(body) - place(kin)), 1, `body ${body} next to its kin ${kin}: ${order}`);
  }
  // A window of one is the order by size.
  assert.deepEqual(similarityOrder(bodies, 1), [0, 1, 2, 3, 4, 5]);
});

/**
 * dist/'s wasm with the target_features section that the build's input
 * still has (minify.mjs drops it after the reordering): wasm-opt reads
 * from it which features the code may use.
 */
function asBuilt(wasm) {
  const features = ['mutable-globals', 'nontrapping-fptoint', 'bulk-memory', 'sign-ext', 'multivalue', 'bulk-memory-opt', 'call-indirect-overlong'];
  const content = Buffer.concat([encodeName('target_features'), leb(features.length), ...features.map((f) => Buffer.concat([Buffer.from('+'), encodeName(f)]))]);
  return Buffer.concat([wasm, Buffer.from([0]), leb(content.length), content]);
}

/** What a module is, apart from its order: its imports and exports. */
function shape(wasm) {
  const module = new WebAssembly.Module(wasm);
  return { imports: WebAssembly.Module.imports(module), exports: WebAssembly.Module.exports(module) };
}

test("the widget's wasm, reordered, is the same module, and its names follow their functions", () => {
  const wasm = asBuilt(fs.readFileSync(path.join(dist, 'kyc-upload_bg.wasm')));
  const { imported, bodies } = functionsOf(wasm);
  assert.ok(bodies.length > 1000, `${bodies.length} functions`);
  // Each function named after its place and its size, then reordered.
  const names = new Map(bodies.map((body, i) => [imported + i, `fn${i}:${body.length}`]));
  const named = withFunctionNames(wasm, names);
  // One window and a few moves: what is checked here does not depend on them.
  const quick = { windows: [256], moves: 100 };
  const ordered = orderFunctions(named, { keepNames: true, ...quick });
  assert.ok(WebAssembly.validate(ordered), 'the reordered wasm is valid');
  assert.deepEqual(shape(ordered), shape(wasm));
  const after = functionsOf(ordered);
  assert.equal(after.imported, imported);
  assert.equal(after.bodies.length, bodies.length);
  // Imports keep their indices and every function sits above them, so a
  // renumbered call keeps its byte length: a function's body keeps its size.
  const kept = functionNames(ordered);
  assert.deepEqual([...kept.values()].filter((n) => n.startsWith('fn')).sort(), [...names.values()].sort(), 'every function keeps its name');
  after.bodies.forEach((body, i) => {
    assert.equal(`:${body.length}`, kept.get(imported + i).replace(/^fn\d+/, ''), `the function now at ${i} is the one its name says`);
  });
  assert.notDeepEqual(after.bodies.map((b) => b.length), bodies.map((b) => b.length), 'the order changed');
  // Without names kept, the result has no name section.
  const bare = orderFunctions(wasm, quick);
  assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(bare), 'name').length, 0);
  assert.deepEqual(shape(bare), shape(wasm));
});

test("the build keeps, of the windows' orders, the one that gzips smallest, and names do not change the choice", () => {
  const wasm = asBuilt(fs.readFileSync(path.join(dist, 'kyc-upload_bg.wasm')));
  const windows = [128, 256, 384];
  const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
  const each = windows.map((window) => orderFunctions(wasm, { windows: [window], moves: 0 }));
  const sizes = each.map(gzip);
  assert.ok(new Set(sizes).size > 1, `the windows give different sizes: ${sizes}`);
  const chosen = orderFunctions(wasm, { windows, moves: 0 });
  assert.equal(gzip(chosen), Math.min(...sizes), `chosen ${gzip(chosen)} B of ${sizes}`);
  assert.deepEqual(chosen, each[sizes.indexOf(Math.min(...sizes))]);
  // Refined by the local search: smaller still, and with names kept the
  // same order (the functions' sizes follow each other alike).
  const refined = orderFunctions(wasm, { windows, moves: 300 });
  assert.ok(gzip(refined) < gzip(chosen), `refined ${gzip(refined)} B, chosen ${gzip(chosen)} B`);
  const { imported, bodies } = functionsOf(wasm);
  const named = orderFunctions(withFunctionNames(wasm, new Map(bodies.map((_, i) => [imported + i, `fn${i}`]))), { keepNames: true, windows, moves: 300 });
  assert.deepEqual(functionsOf(named).bodies.map((b) => b.length), functionsOf(refined).bodies.map((b) => b.length));
});

test('the local search puts alike bodies that deflate cannot reach together, and keeps only moves that pay', () => {
  // Three pairs of 12 kB bodies of incompressible noise, each pair's second
  // an edited copy of its first, in the order a b c a' b' c': a and a' are
  // 36 kB apart, beyond deflate's 32 kB window, so nothing of a' is found
  // in a.
  const noise = (seed) => Buffer.concat(Array.from({ length: 375 }, (_, i) => crypto.createHash('sha256').update(`${seed}:${i}`).digest()));
  const firsts = [11, 12, 13].map(noise);
  const bodies = [...firsts, ...firsts.map(edited)];
  const deflated = (order) => zlib.deflateRawSync(Buffer.concat(order.map((i) => bodies[i])), { level: 9 }).length;
  const order = refineOrder(bodies, 200);
  assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5], 'a permutation');
  const before = deflated([0, 1, 2, 3, 4, 5]);
  const paired = deflated([0, 3, 1, 4, 2, 5]);
  const after = deflated(order);
  assert.ok(paired < before * 0.85, `the test's bodies gain from pairing: ${before} B -> ${paired} B`);
  assert.ok(after <= paired * 1.01, `deflated ${before} B -> ${after} B with ${order} (paired: ${paired} B)`);
  // Each copy within deflate's reach of its first: at most one 12 kB body between.
  for (const [first, copy] of [[0, 3], [1, 4], [2, 5]]) {
    assert.ok(Math.abs(order.indexOf(first) - order.indexOf(copy)) <= 2, `${first} near its copy ${copy}: ${order}`);
  }
  // Nothing to gain: the order stays.
  assert.deepEqual(refineOrder(firsts, 50), [0, 1, 2]);
  // The same bodies, the same order.
  assert.deepEqual(refineOrder(bodies, 200), order);
});
