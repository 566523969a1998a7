// Baseline for scripts/bench-flow.mjs: the widget's four-file request sequence
// in plain JavaScript. token -> presign each file -> PUT all in parallel
// (XMLHttpRequest, exactly the presigned headers, no Authorization) -> files
// request with the non-id files -> files request with id_file only. The
// bench asks for the token first (`baselineToken()`) and passes it in, as
// the widget has its token before the click (it read the customer on mount).
// Query parameter `api` overrides the API base (default http://127.0.0.1:8787/v1).
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var API = params.get('api') || 'http://127.0.0.1:8787/v1';
  var SLOTS = ['id_file', 'id_file_back', 'proof_of_address_file', 'liveness_check_file'];

  function fail(what, status, text) {
    return new Error(what + ' failed: HTTP ' + status + ' ' + String(text).slice(0, 200));
  }

  async function getToken() {
    var r = await fetch('/demo/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    if (!r.ok) throw fail('token', r.status, await r.text());
    return (await r.json()).access_token;
  }

  async function presign(token, slot, file, documentType) {
    var body = { purpose: slot, filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size };
    if (slot === 'id_file' || slot === 'id_file_back') body.document_type = documentType;
    var r = await fetch(API + '/files', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
      body: JSON.stringify(body),
    });
    if (r.status !== 201) throw fail('presign ' + slot, r.status, await r.text());
    return r.json();
  }

  function put(p, file) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(p.method || 'PUT', p.upload_url);
      Object.keys(p.headers || {}).forEach(function (k) { xhr.setRequestHeader(k, p.headers[k]); });
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve(p.file_id);
        else reject(fail('PUT', xhr.status, xhr.responseText));
      };
      xhr.onerror = function () { reject(new Error('PUT network error')); };
      xhr.send(file);
    });
  }

  async function postFiles(token, customerId, fields) {
    var r = await fetch(API + '/customers/' + encodeURIComponent(customerId) + '/files', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token, 'Idempotency-Key': crypto.randomUUID() },
      body: JSON.stringify(fields),
    });
    if (r.status !== 200) throw fail('files', r.status, await r.text());
    return r.json();
  }

  /** Upload the chosen files for `customerId` (with `token`, else a new one); resolves with the id_file response. */
  async function runBaseline(customerId, documentType, token) {
    customerId = customerId || document.getElementById('customer').value;
    documentType = documentType || document.getElementById('document_type').value;
    var chosen = SLOTS.map(function (slot) {
      var input = document.getElementById(slot);
      return { slot: slot, file: input.files && input.files[0] };
    }).filter(function (c) { return c.file; });
    if (!chosen.some(function (c) { return c.slot === 'id_file'; })) throw new Error('id_file is required');
    token = token || await getToken();
    var presigned = await Promise.all(chosen.map(function (c) { return presign(token, c.slot, c.file, documentType); }));
    await Promise.all(chosen.map(function (c, i) { return put(presigned[i], c.file); }));
    var rest = {};
    var idFile = null;
    chosen.forEach(function (c, i) {
      if (c.slot === 'id_file') idFile = presigned[i].file_id; else rest[c.slot] = presigned[i].file_id;
    });
    if (Object.keys(rest).length) await postFiles(token, customerId, rest);
    return postFiles(token, customerId, { id_file: idFile });
  }

  window.runBaseline = runBaseline;
  window.baselineToken = getToken;
  document.getElementById('baseline').addEventListener('submit', function (e) {
    e.preventDefault();
    var out = document.getElementById('out');
    var t0 = performance.now();
    out.textContent = 'uploading...';
    runBaseline().then(function (res) {
      out.textContent = 'done in ' + Math.round(performance.now() - t0) + ' ms\n' + JSON.stringify(res, null, 2);
    }, function (err) { out.textContent = String(err); });
  });
})();
