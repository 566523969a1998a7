// Helpers for the kyc-sandbox admin API (started with --admin). Addresses come
// from the environment that scripts/test.sh exports, with the sandbox defaults.
import { setTimeout as sleep } from 'node:timers/promises';

export const API = process.env.E2E_API ?? 'http://127.0.0.1:8787';
export const STORAGE = process.env.E2E_STORAGE ?? 'http://127.0.0.1:8788';
export const DEMO = process.env.E2E_DEMO ?? 'http://127.0.0.1:8790';

async function call(method, path, body, base = API) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function must(method, path, body, okStatuses = [200, 201, 204]) {
  const r = await call(method, path, body);
  if (!okStatuses.includes(r.status)) {
    throw new Error(`${method} ${path} -> ${r.status}: ${r.text.slice(0, 300)}`);
  }
  return r.json;
}

/** Is the sandbox (admin API) reachable? */
export async function isUp() {
  try { return (await call('GET', '/_sandbox/events?since=0')).status === 200; } catch { return false; }
}

export async function waitUp(timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await isUp()) return;
    await sleep(200);
  }
  throw new Error(`sandbox admin API not reachable at ${API} (start it with --admin; see docs/testing.md)`);
}

export const reset = () => must('POST', '/_sandbox/reset', {});

/**
 * Create a customer. If the id is taken (replaying a seed against a long-running
 * sandbox), a suffixed id is created instead; the id actually created is returned.
 */
export async function createCustomer(id, { type = 'individual', outcome = 'verify', rejection_reason = null } = {}) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cid = attempt === 0 ? id : `${id}_${Date.now().toString(36)}${attempt}`;
    const body = { id: cid, type, outcome };
    if (rejection_reason) body.rejection_reason = rejection_reason;
    const r = await call('POST', '/_sandbox/customers', body);
    if (r.status === 201 || r.status === 200) return cid;
    if (r.status !== 409 && !/exist/i.test(r.text)) {
      throw new Error(`create customer ${cid} -> ${r.status}: ${r.text.slice(0, 300)}`);
    }
  }
  throw new Error(`could not create a customer based on ${id}`);
}

let uniq = 0;
/** A fresh individual customer with a unique id. */
export function freshCustomer(prefix = 'cus_e2e', opts) {
  uniq += 1;
  return createCustomer(`${prefix}_${process.pid}_${Date.now().toString(36)}_${uniq}`, opts);
}

export const setFaults = (rules, seed) => must('POST', '/_sandbox/faults', seed === undefined ? { rules } : { rules, seed });
export const clearFaults = () => setFaults([]);
export const getFaults = () => must('GET', '/_sandbox/faults');

/** Events, optionally filtered by customer and/or after a sequence number. */
export async function events({ customerId, since } = {}) {
  const q = new URLSearchParams();
  if (customerId) q.set('customer_id', customerId);
  if (since !== undefined) q.set('since', String(since));
  const j = await must('GET', `/_sandbox/events${q.size ? `?${q}` : ''}`);
  return (j && j.events) || [];
}

/** Highest sequence number recorded so far (0 when empty). */
export async function lastSeq() {
  const evs = await events();
  return evs.reduce((m, e) => Math.max(m, e.seq), 0);
}

/** Polls the event log after `since` until an event satisfies `pred`; returns it, or null after `timeoutMs`. */
export async function waitEvent(since, pred, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = (await events({ since })).find(pred);
    if (found || Date.now() > end) return found ?? null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Wait until no new event has been recorded for `quietMs` (in-flight requests of
 * a finished or abandoned flow have landed). Returns the last seq.
 */
export async function waitQuiet(quietMs = 400, maxMs = 5000) {
  const end = Date.now() + maxMs;
  let last = await lastSeq();
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(100);
    const s = await lastSeq();
    if (s !== last) { last = s; since = Date.now(); } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

/** A token from the demo host backend (what the demo page's getToken does). */
export async function demoToken(expiresIn) {
  const r = await call('POST', '/demo/token', expiresIn ? { expires_in: expiresIn } : {}, DEMO);
  if (r.status !== 200) throw new Error(`/demo/token -> ${r.status}`);
  return r.json;
}
