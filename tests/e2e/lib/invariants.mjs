// Ordering invariants of api-contract.md §3, checked on the sandbox's event log
// (GET /_sandbox/events). The event log is the judge: these functions take a
// list of events (already narrowed to one submission / one flow) and return a
// list of human-readable violations (empty = fine).
//
// Event shapes (sandbox): {seq, at, kind, ...}
//   presign {status, file_id, purpose, content_type, size, document_type, error_code}
//   put     {status, file_id, content_type, bytes, authorization, origin, completed, error_code}
//   files   {status, customer_id, fields: {slot: file_id}, idempotency_key, replay, error_code}
//   fault   {route, fault, status}            (before effect: status, latency, drop, expire_*)
//   fault   {route, fault: 'lose_answer', status: 502|503|null, committed: true}
//   token, customer_get {status, customer_id}, webhook
// A request whose answer was lost after it took effect (`lose_answer`) is logged
// with its real status (2xx) and `answer_lost: true`, followed by its fault event:
// for the judge it happened (a lost id_file answer means verification started).

export const SLOTS = ['id_file', 'id_file_back', 'proof_of_address_file', 'liveness_check_file'];

const ok = (e) => e.status >= 200 && e.status < 300;
const bySeq = (a, b) => a.seq - b.seq;
const hasId = (e) => e.fields && Object.prototype.hasOwnProperty.call(e.fields, 'id_file');

/** files events of one customer (all of them when customerId is not given), by seq. */
export function filesEvents(events, customerId) {
  return events
    .filter((e) => e.kind === 'files' && (!customerId || e.customer_id === customerId))
    .sort(bySeq);
}

/** The successful, non-replayed files requests: the ones that changed records. */
export function effectiveFiles(events, customerId) {
  return filesEvents(events, customerId).filter((e) => ok(e) && !e.replay);
}

/** Successful non-replay requests that carried id_file (verification triggers). */
export function idSubmissions(events, customerId) {
  return effectiveFiles(events, customerId).filter(hasId);
}

/**
 * No request to the storage origin carries Authorization (§3.5).
 */
export function checkNoAuthOnStorage(events) {
  return events
    .filter((e) => e.kind === 'put' && e.authorization === true)
    .map((e) => `put #${e.seq} (file ${e.file_id}) carried an Authorization header`);
}

/**
 * Business customers: zero requests of any kind (§3.6). `events` is every
 * event recorded while the flow ran (unfiltered window) or the customer's.
 */
export function checkNoEvents(events, what = 'business customer') {
  const relevant = events.filter((e) => e.kind !== 'fault');
  return relevant.length === 0
    ? []
    : [`${what}: expected zero sandbox events, got ${relevant.length}: ${relevant.map((e) => `${e.kind}#${e.seq}`).join(', ')}`];
}

/**
 * Ordering of one completed or attempted submission (§3.1–3.4).
 *
 * @param {object[]} events  events of this flow (window or customer-filtered)
 * @param {object} o
 * @param {string} o.customerId
 * @param {string[]} o.chosen          slots the user selected (must include id_file for a submission)
 * @param {'completed'|'stopped'|'unknown'} o.outcome  what the page reported: `submitted`
 *   (completed), an `error` (stopped: the widget says verification did not start or
 *   nothing was sent), or an `error` with code `outcome_unknown` (unknown: the widget
 *   says it could not find out; either event log is then acceptable)
 * @returns {string[]} violations
 */
export function checkSubmission(events, { customerId, chosen, outcome }) {
  const v = [];
  const all = [...events].sort(bySeq);
  const files = filesEvents(all, customerId);
  const effective = files.filter((e) => ok(e) && !e.replay);
  const ids = effective.filter(hasId);
  const chosenSet = new Set(chosen);
  const nonId = chosen.filter((s) => s !== 'id_file');

  v.push(...checkNoAuthOnStorage(all));

  // §3.4: one user action submits at most once.
  if (ids.length > 1) {
    v.push(`duplicate submission: ${ids.length} successful non-replay id_file requests (#${ids.map((e) => e.seq).join(', #')})`);
  }
  const idKeys = new Set(files.filter(hasId).map((e) => e.idempotency_key));
  if (idKeys.size > 1) {
    v.push(`id_file sent under ${idKeys.size} different Idempotency-Keys: ${[...idKeys].join(', ')}`);
  }
  // An Idempotency-Key names one request: the same key with other fields is not a
  // retry (the platform would answer it with the first request's response).
  const bodyOfKey = new Map(); // key -> first files event with that key and a body
  for (const e of files) {
    if (!e.fields || e.idempotency_key == null) continue; // stopped by a fault before the body was read
    const first = bodyOfKey.get(e.idempotency_key);
    if (!first) { bodyOfKey.set(e.idempotency_key, e); continue; }
    if (fieldsKey(first.fields) !== fieldsKey(e.fields)) {
      v.push(`files request #${e.seq} reuses the Idempotency-Key of request #${first.seq} with other fields `
        + `(${fieldsKey(e.fields)} vs ${fieldsKey(first.fields)})`);
    }
  }

  // §3.2 / §3.3 depend on the first request that carried id_file (any status).
  const firstId = files.find(hasId);
  if (firstId) {
    // Nothing of the submission after the id_file request except its own retries.
    for (const e of all) {
      if (e.seq <= firstId.seq) continue;
      if (e.kind === 'files' && (!customerId || e.customer_id === customerId) && !hasId(e)) {
        // A request stopped by an injected fault is logged with fields: null; it is
        // a retry of the id_file request when it carries that request's key.
        if (e.fields || e.idempotency_key !== firstId.idempotency_key) {
          v.push(`files request #${e.seq} without id_file came after the id_file request #${firstId.seq}`);
        }
      }
      if (e.kind === 'presign' || e.kind === 'put') {
        v.push(`${e.kind} #${e.seq} (${e.purpose ?? e.file_id}) came after the id_file request #${firstId.seq}`);
      }
    }
    // §3.1: every other chosen file PUT (200) before the first id_file request,
    // and accepted if it was sent in an earlier files request.
    const puts200 = new Map(); // file_id -> first successful put seq
    for (const e of all) {
      if (e.kind === 'put' && e.status === 200 && e.completed !== false && !puts200.has(e.file_id)) {
        puts200.set(e.file_id, e.seq);
      }
    }
    for (const slot of nonId) {
      // the file_id the slot ended up with: last request at/before firstId that carried it
      const carriers = files.filter((e) => e.seq <= firstId.seq && e.fields && e.fields[slot]);
      if (carriers.length === 0) {
        v.push(`chosen ${slot} was never sent, but id_file was (request #${firstId.seq})`);
        continue;
      }
      const earlier = carriers.filter((e) => e.seq < firstId.seq);
      if (earlier.length > 0 && !earlier.some((e) => ok(e))) {
        v.push(`${slot} was sent before id_file but never accepted (requests #${earlier.map((e) => e.seq).join(', #')})`);
      }
      const fid = carriers[carriers.length - 1].fields[slot];
      const putSeq = puts200.get(fid);
      if (putSeq === undefined || putSeq > firstId.seq) {
        v.push(`${slot} (file ${fid}) had no successful PUT before the id_file request #${firstId.seq}`);
      }
    }
    const idFid = firstId.fields.id_file;
    const idPut = puts200.get(idFid);
    if (idPut === undefined || idPut > firstId.seq) {
      v.push(`id_file (file ${idFid}) had no successful PUT before its files request #${firstId.seq}`);
    }
  }

  if (outcome === 'completed') {
    if (ids.length === 0) v.push('page reported completion but no successful id_file request was recorded');
    // each chosen file recorded exactly once, nothing unchosen recorded
    const recorded = new Map();
    for (const e of effective) {
      for (const slot of Object.keys(e.fields || {})) recorded.set(slot, (recorded.get(slot) || 0) + 1);
    }
    for (const slot of chosen) {
      const n = recorded.get(slot) || 0;
      if (n !== 1) v.push(`${slot} recorded ${n} times (want exactly 1)`);
    }
    for (const slot of recorded.keys()) {
      if (!chosenSet.has(slot)) v.push(`${slot} was recorded but not chosen`);
    }
    const last = effective[effective.length - 1];
    if (last && !hasId(last)) v.push(`last recorded files request #${last.seq} does not carry id_file`);
  } else if (outcome === 'stopped') {
    // §3.3 / §3.4: a flow that reports failure never triggered verification, even
    // when the answer to the id_file request was lost on its way back.
    if (ids.length > 0) {
      const lost = ids[0].answer_lost ? ', its answer was lost but the request took effect' : '';
      v.push(`flow stopped but id_file was accepted (request #${ids[0].seq}${lost}): verification triggered`);
    }
  } else if (outcome !== 'unknown') {
    v.push(`unknown outcome label ${JSON.stringify(outcome)}`);
  }
  return v;
}

/** A canonical text of a files request's fields (slot order does not matter). */
function fieldsKey(fields) {
  return JSON.stringify(Object.keys(fields).sort().map((k) => [k, fields[k]]));
}

/** Did verification start in these events (a successful non-replay request carrying id_file)? */
export const verificationStarted = (events, customerId) => idSubmissions(events, customerId).length > 0;

/**
 * Status reads after the first files request carrying id_file: `customer_get`
 * events the widget made to settle an unknown outcome (or on a reload).
 */
export function statusReadsAfterId(events, customerId) {
  const all = [...events].sort(bySeq);
  // A request stopped by a fault before effect is logged without fields; it carried
  // id_file when its key is the key of a request that did.
  const fs = filesEvents(all, customerId);
  const idKeys = new Set(fs.filter(hasId).map((e) => e.idempotency_key));
  const firstId = fs.find((e) => hasId(e) || (!e.fields && idKeys.has(e.idempotency_key)));
  if (!firstId) return [];
  return all.filter((e) => e.kind === 'customer_get' && e.seq > firstId.seq
    && (!customerId || e.customer_id === customerId || e.customer_id == null));
}

/** `kind@route` labels of the fault events in a list (what a stop can be blamed on). */
export function faultLabels(events) {
  const out = new Map();
  for (const e of events) {
    if (e.kind !== 'fault') continue;
    const label = `${faultKind(e)}@${e.route}`;
    out.set(label, (out.get(label) || 0) + 1);
  }
  return [...out].map(([k, n]) => (n > 1 ? `${k}×${n}` : k));
}

/** Report key of a fault event: status_503, latency, drop, lose_answer_502, lose_answer_drop, ... */
export function faultKind(e) {
  if (e.fault === 'status') return `status_${e.status}`;
  if (e.fault === 'lose_answer') return `lose_answer_${e.status ?? 'drop'}`;
  return e.fault;
}

/** Where an answer was lost: presign, put, files_id, files_other, customer, token. */
function lostRoute(e) {
  if (e.kind === 'files') return hasId(e) ? 'files_id' : 'files_other';
  if (e.kind === 'customer_get') return 'customer';
  return e.kind;
}

/**
 * Counts for reports: injected faults by kind (before effect), lost answers by
 * kind and by route (files split by whether the request carried id_file),
 * retries (attempts beyond one per logical operation).
 */
export function flowStats(events) {
  const faults = {};
  const lost = {};
  const lostByRoute = {};
  for (const e of events) {
    if (e.kind === 'fault') {
      const k = faultKind(e);
      if (e.fault === 'lose_answer') lost[k] = (lost[k] || 0) + 1;
      else faults[k] = (faults[k] || 0) + 1;
    } else if (e.answer_lost === true) {
      const r = lostRoute(e);
      lostByRoute[r] = (lostByRoute[r] || 0) + 1;
    }
  }
  const purposeOf = new Map();
  let presigns = 0;
  const presignPurposes = new Set();
  let puts = 0;
  const putPurposes = new Set();
  let files = 0;
  const keys = new Set();
  for (const e of events) {
    if (e.kind === 'presign') {
      presigns++;
      if (e.purpose) presignPurposes.add(e.purpose); // a faulted request is logged before its body is read
      if (e.file_id) purposeOf.set(e.file_id, e.purpose);
    }
  }
  for (const e of events) {
    if (e.kind === 'put') { puts++; putPurposes.add(purposeOf.get(e.file_id) ?? e.file_id); }
    if (e.kind === 'files') { files++; keys.add(e.idempotency_key); }
  }
  const faultsBeforeHandler = events.filter((e) => e.kind === 'fault' && ['presign', 'put', 'files'].includes(e.route)).length;
  const retries = (presigns - presignPurposes.size) + (puts - putPurposes.size) + (files - keys.size);
  return { faults, lost, lostByRoute, retries: Math.max(retries, 0), faultsBeforeHandler };
}
