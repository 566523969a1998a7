// Short names for the wasm's imports from its own JS glue (used by
// scripts/minify.mjs in release builds, and by scripts/size-report.sh).
//
// wasm-bindgen names each import from the glue `__wbg_<name>_<16 hex>`
// (or `__wbindgen_cast_<16 hex>`); each name is written twice, in the wasm's
// import section and as a key of the glue's import object, and the random
// hashes do not compress. The names mean nothing to the browser, so the
// glue's imports (module "./<name>_bg.js") become a, b, ... Z, aa, ba, ... in
// both files: with 199 imports, -3.6 kB gzip in the wasm and -2.5 kB in the
// JS. Imports from the snippets (module "./snippets/...") are looked up by the
// snippet's real export names and keep them. The producers and
// target_features custom sections (toolchain versions, the features the
// linker enabled; browsers ignore custom sections) go too: -0.2 kB gzip.
// The closures' long export names get short ones too (shortenWasmExports).
//
// Every renamed import must be found exactly once in the glue, as a key, and
// the glue must have no other such key: anything else throws, so a build
// never ships a wasm whose imports its glue does not provide.

const DROPPED_SECTIONS = new Set(['producers', 'target_features']);

/** Unsigned LEB128 encoding of n. */
export function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

/** A wasm name: its length in LEB128, then its UTF-8 bytes. */
export function encodeName(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([leb(b.length), b]);
}

/** A cursor over a wasm binary: LEB128 numbers, names, and skipping descriptors. */
export function reader(buf, pos) {
  const r = {
    pos,
    byte() {
      if (r.pos >= buf.length) throw new Error('wasm: unexpected end of the binary');
      return buf[r.pos++];
    },
    u32() {
      let n = 0;
      for (let shift = 0; ; shift += 7) {
        const b = r.byte();
        n += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) return n;
        if (shift > 63) throw new Error('wasm: LEB128 number too long');
      }
    },
    name() {
      const len = r.u32();
      const s = buf.toString('utf8', r.pos, r.pos + len);
      r.pos += len;
      return s;
    },
    // A value or reference type: one byte, or (ref null? <heap type>) with a s33 heap type.
    valtype() {
      const t = r.byte();
      if (t === 0x63 || t === 0x64) r.u32(); // the s33's bytes; its value is not needed
    },
    // Limits of a table or memory: flags, min, max if flags & 1, page size log2 if flags & 8.
    limits() {
      const flags = r.byte();
      r.u32();
      if (flags & 0x01) r.u32();
      if (flags & 0x08) r.u32();
    },
  };
  return r;
}

/** Skips one import descriptor (function, table, memory, global or tag). */
export function skipDescriptor(r, field) {
  const kind = r.byte();
  switch (kind) {
    case 0: r.u32(); break; // function: type index
    case 1: r.valtype(); r.limits(); break; // table: reference type, limits
    case 2: r.limits(); break; // memory
    case 3: r.valtype(); r.byte(); break; // global: value type, mutability
    case 4: r.byte(); r.u32(); break; // tag: attribute, type index
    default: throw new Error(`wasm: import "${field}" has unknown kind 0x${kind.toString(16)} (compact imports, 0x7e/0x7f, are not read)`);
  }
}

/** a, b, ... z, A, ... Z, aa, ba, ...: identifiers, so the glue's keys need no quotes. */
function shortName(i) {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = `${first}0123456789_$`;
  let s = first[i % first.length];
  for (i = Math.floor(i / first.length); i > 0; i = Math.floor((i - 1) / rest.length)) s += rest[(i - 1) % rest.length];
  return s;
}

/**
 * Walks the sections of `wasm` (a Buffer): `rewrite(id, r, end)` sees each
 * one with `r` at its content, and returns the section's new content, `null`
 * to drop it, or `undefined` to keep it as it is. Returns the new binary.
 */
export function rewriteSections(wasm, rewrite) {
  if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) throw new Error('wasm: not a wasm module (version 1)');
  const parts = [wasm.subarray(0, 8)];
  const r = reader(wasm, 8);
  while (r.pos < wasm.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > wasm.length) throw new Error(`wasm: section ${id} runs past the end of the binary`);
    const content = rewrite(id, r, end);
    if (content === undefined) parts.push(wasm.subarray(start, end));
    else if (content !== null) parts.push(Buffer.from([id]), leb(content.length), content);
    r.pos = end;
  }
  return Buffer.concat(parts);
}

/**
 * Renames the imports of `wasm` (a Buffer) whose module is `module`, and drops
 * the producers and target_features sections. Returns the new binary and the
 * renames (old name -> new name, in import order).
 */
export function shortenWasmImports(wasm, module) {
  const renames = new Map();
  const out = rewriteSections(wasm, (id, r, end) => {
    if (id === 0) return DROPPED_SECTIONS.has(r.name()) ? null : undefined;
    if (id !== 2) return undefined;
    const entries = [];
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const mod = r.name();
      let field = r.name();
      const desc = r.pos;
      skipDescriptor(r, field);
      if (mod === module) {
        if (!/^__wb(g|indgen)_/.test(field)) throw new Error(`wasm: ${module} ${field} is not a wasm-bindgen name (shortened already?)`);
        if (renames.has(field)) throw new Error(`wasm: ${module} ${field} is imported twice`);
        renames.set(field, shortName(renames.size));
        field = renames.get(field);
      }
      entries.push(encodeName(mod), encodeName(field), wasm.subarray(desc, r.pos));
    }
    if (r.pos !== end) throw new Error(`wasm: the import section has ${end - r.pos} B after its ${count} imports`);
    return Buffer.concat([leb(count), ...entries]);
  });
  return { wasm: out, renames };
}

/**
 * Renames the keys of the glue's import object for `module` (in `js`, the
 * glue's source, minified or not) as `renames` says. Throws unless `js` names
 * `module` once, as a key (of the object __wbg_get_imports returns), each old
 * name occurs in `js` exactly once, as a key, and no other
 * `__wbg_`/`__wbindgen_` key is left.
 */
export function renameGlueKeys(js, renames, module) {
  const moduleKeys = [...js.matchAll(new RegExp(`(["'])${module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`, 'g'))].length;
  if (moduleKeys !== 1) throw new Error(`the JS glue has ${moduleKeys} keys "${module}" (for the wasm's imports from it), not 1`);
  const key = /(?<=[{,]\s*)(["']?)((?:__wbg_|__wbindgen_)[\w$]*)\1(?=\s*:)/g;
  const keys = [...js.matchAll(key)];
  const problems = [];
  for (const k of keys) if (!renames.has(k[2])) problems.push(`${k[2]} is a key in the JS but no wasm import`);
  for (const name of renames.keys()) {
    const uses = js.split(new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`)).length - 1;
    const asKey = keys.filter((k) => k[2] === name).length;
    if (uses !== 1 || asKey !== 1) problems.push(`${name}: ${asKey} key(s) and ${uses} occurrence(s) in the JS, not 1 and 1`);
  }
  if (keys.length !== renames.size) problems.push(`${keys.length} import keys in the JS, ${renames.size} imports in the wasm`);
  if (problems.length) {
    const more = problems.length > 20 ? `\n  and ${problems.length - 20} more` : '';
    throw new Error(`the JS glue's import object does not match the wasm's imports:\n  ${problems.slice(0, 20).join('\n  ')}${more}`);
  }
  let out = '';
  let at = 0;
  for (const k of keys) {
    out += js.slice(at, k.index) + renames.get(k[2]);
    at = k.index + k[0].length;
  }
  return out + js.slice(at);
}

/**
 * wasm-bindgen exports one function per closure signature, named after the
 * signature's Rust types: `wasm_bindgen_<16 hex>___convert__closures_____invoke___...`,
 * 72 to 334 characters, each written in the wasm's export section and once
 * or more in the glue as `<exports>.<name>`. They become `$0`, `$1`, ...
 * (-0.5 kB gzip, wasm and JS together); every other export keeps its name.
 */
const CLOSURE_EXPORT = /^wasm_bindgen_[0-9a-f]{16}___convert__closures_/;

/** Renames the closure exports of `wasm`; returns the new binary and the renames. */
export function shortenWasmExports(wasm) {
  const renames = new Map();
  const out = rewriteSections(wasm, (id, r, end) => {
    if (id !== 7) return undefined;
    const count = r.u32();
    const entries = [];
    const names = new Set();
    for (let i = 0; i < count; i++) {
      let name = r.name();
      const desc = r.pos;
      r.byte();
      r.u32(); // kind, index
      names.add(name);
      if (CLOSURE_EXPORT.test(name)) {
        renames.set(name, `$${renames.size}`);
        name = renames.get(name);
      }
      entries.push(encodeName(name), wasm.subarray(desc, r.pos));
    }
    if (r.pos !== end) throw new Error(`wasm: the export section has ${end - r.pos} B after its ${count} exports`);
    for (const short of renames.values()) if (names.has(short)) throw new Error(`wasm: an export is already named ${short}`);
    return Buffer.concat([leb(count), ...entries]);
  });
  return { wasm: out, renames };
}

/**
 * Renames the glue's uses of the renamed exports. Throws unless each old
 * name occurs in `js` at least once, and only ever as a property
 * (`.<name>`).
 */
export function renameGlueExports(js, renames) {
  let out = js;
  for (const [name, short] of renames) {
    const any = new RegExp(`(?<![\\w$])${name}(?![\\w$])`, 'g');
    const asProperty = new RegExp(`(?<=\\.)${name}(?![\\w$])`, 'g');
    const uses = (out.match(any) ?? []).length;
    const properties = (out.match(asProperty) ?? []).length;
    if (uses === 0 || uses !== properties) throw new Error(`the JS glue uses the wasm's export ${name} ${uses} time(s), ${properties} as a property: not renamed`);
    out = out.replace(asProperty, () => short);
  }
  return out;
}

/** Both at once: the glue module `./<stem>_bg.js` of a wasm-bindgen `--target web` build. */
export function minifyImports({ wasm, js, module }) {
  const shrunk = shortenWasmImports(wasm, module);
  if (shrunk.renames.size === 0) throw new Error(`wasm: no imports from ${module}: is that the glue's name?`);
  const exported = shortenWasmExports(shrunk.wasm);
  const glue = renameGlueExports(renameGlueKeys(js, shrunk.renames, module), exported.renames);
  return { wasm: exported.wasm, js: glue, count: shrunk.renames.size, exports: exported.renames.size };
}
