// Unit tests of the invariant checker on hand-made event lists (no browser, no sandbox).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkSubmission, checkNoEvents, checkNoAuthOnStorage, flowStats, statusReadsAfterId, faultLabels, verificationStarted,
} from './lib/invariants.mjs';

const C = 'cus_x';
let seq = 0;
const ev = (kind, extra) => ({ seq: ++seq, at: '2026-01-01T00:00:00Z', kind, ...extra });
const presign = (file_id, purpose, status = 201) => ev('presign', { status, file_id, purpose });
const put = (file_id, status = 200, authorization = false) => ev('put', { status, file_id, authorization, completed: status === 200 });
const files = (fields, { status = 200, key = 'k1', replay = false, lost = false } = {}) =>
  ev('files', { status, customer_id: C, fields, idempotency_key: key, replay, ...(lost ? { answer_lost: true } : {}) });
/** The fault event the sandbox logs after a request whose answer it lost (status null = connection closed). */
const lostFault = (route, status = 503) => ev('fault', { route, fault: 'lose_answer', status, committed: true, customer_id: C });
/** A fault that struck before effect (the files request is then logged with fields: null). */
const fault = (route, status = 503) => ev('fault', { route, fault: 'status', status, customer_id: C });
const customerGet = (status = 200) => ev('customer_get', { status, customer_id: C });
const renumber = (evs) => { evs.forEach((e, i) => { e.seq = i + 1; }); return evs; };
const CHOSEN = ['id_file', 'proof_of_address_file'];

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

// ---------------------------------------------------------------- lost answers, settling, re-clicks (§3.4)

/** Non-id file accepted, then the id_file request whose answer is lost on every try (it took effect once). */
function lostIdFlow() {
  seq = 0;
  return [
    presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'), put('f2'), put('f1'),
    files({ proof_of_address_file: 'f2' }, { key: 'a' }),
    files({ id_file: 'f1' }, { key: 'b', lost: true }), lostFault('files'),
    files({ id_file: 'f1' }, { key: 'b', replay: true, lost: true }), lostFault('files', null),
  ];
}

test('a lost id_file answer settled by a status read (pending) and reported completed is fine', () => {
  const evs = [...lostIdFlow(), customerGet(503), customerGet(200)];
  assert.deepEqual(checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'completed' }), []);
  assert.equal(verificationStarted(evs, C), true);
  assert.deepEqual(statusReadsAfterId(evs, C).map((e) => e.status), [503, 200]);
});

test('(a) reporting failure after the id_file request took effect (answer lost) is a violation', () => {
  const evs = lostIdFlow();
  const v = checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'stopped' });
  assert.ok(v.some((m) => m.includes('verification triggered') && m.includes('answer was lost')), v.join('\n'));
  // the widget saying it could not find out (outcome_unknown) is honest: no violation
  assert.deepEqual(checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'unknown' }), []);
  // and a stop where every id_file request failed before effect is clean
  seq = 0;
  const before = [presign('f1', 'id_file'), put('f1'), fault('files'), files(null, { key: 'b', status: 503 }),
    fault('files'), files(null, { key: 'b', status: 503 }), customerGet(200)];
  assert.deepEqual(checkSubmission(before, { customerId: C, chosen: ['id_file'], outcome: 'stopped' }), []);
});

test('(b) a re-click that sends id_file under another Idempotency-Key is a violation', () => {
  const evs = [...lostIdFlow(), customerGet(503), customerGet(503),
    // outcome unknown; the customer clicks again and the widget made a new key
    files({ id_file: 'f1' }, { key: 'c' })];
  const v = checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('2 different Idempotency-Keys')), v.join('\n'));
  assert.ok(v.some((m) => m.startsWith('duplicate submission')), v.join('\n'));
  // the same re-click with the first key is a replay: fine
  const same = [...lostIdFlow(), customerGet(503), files({ id_file: 'f1' }, { key: 'b', replay: true })];
  assert.deepEqual(checkSubmission(same, { customerId: C, chosen: CHOSEN, outcome: 'completed' }), []);
});

test('(c) completion reported while the log shows verification never started is a violation', () => {
  seq = 0;
  // every id_file request failed before effect; the status read said not_started; the page said submitted
  const evs = [presign('f1', 'id_file'), put('f1'), fault('files'), files(null, { key: 'b', status: 503 }),
    fault('files'), files(null, { key: 'b', status: 503 }), customerGet(200)];
  const v = checkSubmission(evs, { customerId: C, chosen: ['id_file'], outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('no successful id_file request')), v.join('\n'));
  assert.equal(verificationStarted(evs, C), false);
});

test('(d) a re-click after an unknown outcome that uploads again before resending id_file is a violation', () => {
  const evs = [...lostIdFlow(), customerGet(503),
    presign('f3', 'id_file'), put('f3'), files({ id_file: 'f1' }, { key: 'b', replay: true })];
  const v = checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'completed' });
  assert.ok(v.some((m) => m.startsWith('presign') && m.includes('came after the id_file request')), v.join('\n'));
  assert.ok(v.some((m) => m.startsWith('put') && m.includes('came after the id_file request')), v.join('\n'));
  // a re-click that resends the accepted non-id request first (a replay) is a violation too
  const again = [...lostIdFlow(), customerGet(503),
    files({ proof_of_address_file: 'f2' }, { key: 'a', replay: true }), files({ id_file: 'f1' }, { key: 'b', replay: true })];
  const w = checkSubmission(again, { customerId: C, chosen: CHOSEN, outcome: 'completed' });
  assert.ok(w.some((m) => m.includes('without id_file came after')), w.join('\n'));
  // a re-click after "verification did not start" that resends only id_file, same key: fine
  seq = 0;
  const notStarted = [presign('f1', 'id_file'), put('f1'), fault('files'), files(null, { key: 'b', status: 503 }),
    customerGet(200), files({ id_file: 'f1' }, { key: 'b' })];
  assert.deepEqual(checkSubmission(notStarted, { customerId: C, chosen: ['id_file'], outcome: 'completed' }), []);
});

test('a lost answer on a non-id files request followed by its replay is recorded once; a new key records twice', () => {
  seq = 0;
  const head = () => [presign('f1', 'id_file'), presign('f2', 'proof_of_address_file'), put('f2'), put('f1'),
    files({ proof_of_address_file: 'f2' }, { key: 'a', lost: true }), lostFault('files', 502)];
  const replayed = renumber([...head(), files({ proof_of_address_file: 'f2' }, { key: 'a', replay: true }),
    files({ id_file: 'f1' }, { key: 'b' })]);
  assert.deepEqual(checkSubmission(replayed, { customerId: C, chosen: CHOSEN, outcome: 'completed' }), []);
  const rekeyed = renumber([...head(), files({ proof_of_address_file: 'f2' }, { key: 'a2' }),
    files({ id_file: 'f1' }, { key: 'b' })]);
  const v = checkSubmission(rekeyed, { customerId: C, chosen: CHOSEN, outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('proof_of_address_file recorded 2 times')), v.join('\n'));
});

test('one Idempotency-Key with two different bodies is a violation', () => {
  const evs = goodFlow();
  evs[5] = files({ id_file: 'f1' }, { key: 'b', status: 503 });
  evs.push(files({ id_file: 'f1', proof_of_address_file: 'f2' }, { key: 'b' }));
  renumber(evs);
  const v = checkSubmission(evs, { customerId: C, chosen: CHOSEN, outcome: 'completed' });
  assert.ok(v.some((m) => m.includes('reuses the Idempotency-Key')), v.join('\n'));
  // same fields in another order are the same request
  const ok = goodFlow();
  ok.push(files({ id_file: 'f1' }, { key: 'b', replay: true }));
  assert.deepEqual(checkSubmission(ok, { customerId: C, chosen: CHOSEN, outcome: 'completed' }), []);
});

test('an outcome label other than completed, stopped or unknown is reported', () => {
  const v = checkSubmission(goodFlow(), { customerId: C, chosen: CHOSEN, outcome: 'timeout' });
  assert.ok(v.some((m) => m.includes('unknown outcome label')), v.join('\n'));
});

test('flowStats keeps lost answers apart, by kind and by route; faultLabels name kind@route', () => {
  seq = 0;
  const evs = [
    ev('fault', { route: 'files', fault: 'status', status: 503 }),
    presign('f1', 'id_file'), ev('put', { status: 200, file_id: 'f1', authorization: false, completed: true, answer_lost: true }),
    ev('fault', { route: 'put', fault: 'lose_answer', status: null, committed: true }), put('f1'),
    files({ proof_of_address_file: 'f2' }, { key: 'a', lost: true }), lostFault('files', 502),
    files({ id_file: 'f1' }, { key: 'b', lost: true }), lostFault('files', 503),
    ev('customer_get', { status: 200, customer_id: C, answer_lost: true }), lostFault('customer', 503),
  ];
  const s = flowStats(evs);
  assert.deepEqual(s.faults, { status_503: 1 });
  assert.deepEqual(s.lost, { lose_answer_drop: 1, lose_answer_502: 1, lose_answer_503: 2 });
  assert.deepEqual(s.lostByRoute, { put: 1, files_other: 1, files_id: 1, customer: 1 });
  assert.deepEqual(faultLabels(evs), ['status_503@files', 'lose_answer_drop@put', 'lose_answer_502@files',
    'lose_answer_503@files', 'lose_answer_503@customer']);
  assert.deepEqual(faultLabels([...evs, lostFault('files', 503)]).at(3), 'lose_answer_503@files×2');
});

test('statusReadsAfterId: only customer_get events after the first request carrying id_file', () => {
  seq = 0;
  const evs = [customerGet(200), presign('f1', 'id_file'), put('f1'), files(null, { key: 'b', status: 503 }),
    files({ id_file: 'f1' }, { key: 'b' }), customerGet(200)];
  // the faulted request #4 carried id_file (same key as #5): the read after it counts
  const notStarted = renumber([presign('f1', 'id_file'), put('f1'), files(null, { key: 'b', status: 503 }), customerGet(200),
    files({ id_file: 'f1' }, { key: 'b' })]);
  assert.equal(statusReadsAfterId(notStarted, C).length, 1);
  assert.equal(statusReadsAfterId(evs, C).length, 1);
  assert.equal(statusReadsAfterId(evs.slice(0, 4), C).length, 0);
});
