// Unit tests of the invariant checker on hand-made event lists (no browser, no sandbox).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSubmission, checkNoEvents, checkNoAuthOnStorage, flowStats } from './lib/invariants.mjs';

const C = 'cus_x';
let seq = 0;
const ev = (kind, extra) => ({ seq: ++seq, at: '2026-01-01T00:00:00Z', kind, ...extra });
const presign = (file_id, purpose, status = 201) => ev('presign', { status, file_id, purpose });
const put = (file_id, status = 200, authorization = false) => ev('put', { status, file_id, authorization, completed: status === 200 });
const files = (fields, { status = 200, key = 'k1', replay = false } = {}) =>
  ev('files', { status, customer_id: C, fields, idempotency_key: key, replay });

function goodFlow() {
  seq = 0;
  return [
    presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'),
    put('f2'), put('f1'),
    files({ proof_of_address_file: 'f2' }, { key: 'a' }),
    files({ id_file: 'f1' }, { key: 'b' }),
  ];
}

test('a correct two-step flow has no violations', () => {
  const v = checkSubmission(goodFlow(), { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' });
  assert.deepEqual(v, []);
});

test('everything in one request alongside id_file is fine', () => {
  seq = 0;
  const evs = [presign('f1', 'id_file'), presign('f2', 'liveness_check_file'), put('f1'), put('f2'),
    files({ id_file: 'f1', liveness_check_file: 'f2' })];
  assert.deepEqual(checkSubmission(evs, { customerId: C, chosen: ['id_file', 'liveness_check_file'], outcome: 'completed' }), []);
});

test('a retried id_file request (same key, 503 then 200, then replay) is fine', () => {
  const evs = goodFlow();
  evs.splice(5, 0, files({ id_file: 'f1' }, { key: 'b', status: 503 }));
  evs.push(files({ id_file: 'f1' }, { key: 'b', replay: true }));
  evs.forEach((e, i) => { e.seq = i + 1; });
  assert.deepEqual(checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' }), []);
});

test('id_file before the other file was PUT is a violation', () => {
  seq = 0;
  const evs = [presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'), put('f1'),
    files({ id_file: 'f1', proof_of_address_file: 'f2' }), put('f2')];
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('no successful PUT before the id_file')), v.join('\n'));
  assert.ok(v.some((m) => m.includes('came after the id_file request')), v.join('\n'));
});

test('a files request after id_file is a violation', () => {
  const evs = goodFlow();
  evs.push(files({ liveness_check_file: 'f3' }, { key: 'c' }));
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('without id_file came after')), v.join('\n'));
});

test('two successful id_file submissions (double click) are a violation', () => {
  const evs = goodFlow();
  evs.push(files({ id_file: 'f1' }, { key: 'c' }));
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.startsWith('duplicate submission')), v.join('\n'));
  assert.ok(v.some((m) => m.includes('different Idempotency-Keys')), v.join('\n'));
});

test('a chosen file that was never sent is a violation', () => {
  seq = 0;
  const evs = [presign('f1', 'id_file'), put('f1'), files({ id_file: 'f1' })];
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file', 'liveness_check_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('liveness_check_file was never sent')), v.join('\n'));
  assert.ok(v.some((m) => m.includes('recorded 0 times')), v.join('\n'));
});

test('a non-id file sent earlier but rejected, then id_file anyway, is a violation', () => {
  seq = 0;
  const evs = [presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'), put('f1'), put('f2'),
    files({ proof_of_address_file: 'f2' }, { key: 'a', status: 503 }), files({ id_file: 'f1' }, { key: 'b' })];
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('never accepted')), v.join('\n'));
});

test('a stopped flow must not have triggered verification', () => {
  const v = checkSubmission(goodFlow(), { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'stopped' });
  assert.ok(v.some((m) => m.includes('verification triggered')), v.join('\n'));
  seq = 0;
  const stopped = [presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'), put('f1'), put('f2', 503)];
  assert.deepEqual(checkSubmission(stopped, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'stopped' }), []);
});

test('Authorization on a storage PUT is a violation', () => {
  seq = 0;
  assert.equal(checkNoAuthOnStorage([put('f1', 200, true)]).length, 1);
  assert.equal(checkNoAuthOnStorage([put('f1', 200, false)]).length, 0);
});

test('business customers: any event is a violation, fault bookkeeping is not', () => {
  assert.deepEqual(checkNoEvents([]), []);
  seq = 0;
  assert.equal(checkNoEvents([ev('token', {})]).length, 1);
});

test('flowStats counts faults by kind and retries', () => {
  seq = 0;
  const evs = [ev('fault', { route: 'put', fault: 'status', status: 503 }), ev('fault', { route: 'any', fault: 'latency' }),
    presign('f1', 'id_file'), put('f1', 503), put('f1'), files({ id_file: 'f1' }, { status: 502 }), files({ id_file: 'f1' })];
  const s = flowStats(evs);
  assert.deepEqual(s.faults, { status_503: 1, latency: 1 });
  assert.equal(s.retries, 2);
});

test('a faulted retry of the id_file request (fields: null, same key) is fine; a new key is not', () => {
  const evs = goodFlow();
  evs.splice(5, 0, files(null, { key: 'b', status: 503 }));
  evs.forEach((e, i) => { e.seq = i + 1; });
  // the faulted one comes before the accepted one: fine
  assert.deepEqual(checkSubmission(evs, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' }), []);
  const after = goodFlow();
  after.push(files(null, { key: 'b', status: 503 }));
  assert.deepEqual(checkSubmission(after, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' }), []);
  const other = goodFlow();
  other.push(files(null, { key: 'zzz', status: 503 }));
  assert.equal(checkSubmission(other, { customerId: C, chosen: ['id_file', 'proof_of_address_file'], outcome: 'completed' }).length, 1);
});
