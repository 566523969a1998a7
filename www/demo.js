// The demo onboarding page: embeds the widget the way a host page does.
// Tokens come from this page's own backend (/demo/token), which holds the
// client secret server-side; verification results arrive from the
// backend's webhook receiver over server-sent events and are forwarded to
// the widget with setStatus.
//
// Query parameters (for trying things out and for tests): customer,
// customer_type, token_ttl, token_fail_once=1, quality, capture, liveness, require_poa=1,
// require_liveness=1, api, poll=1, webhooks=0 (don't forward webhook results,
// so a test sees the widget settle an unknown outcome on its own), kyb_url,
// support_url, locale (a BCP 47 tag; the page's language switcher changes it
// on the running widget, which keeps its files and uploads), log=0 (no
// on-page event log: window.kycEvents still records every event; the
// benchmark runs the widget in a host that adds no DOM work of its own).
import init, { mount } from "../kyc-upload.js";

const params = new URLSearchParams(location.search);
const customerId = params.get("customer") ?? "cus_individual_demo";
const apiBase = params.get("api") ?? `http://${location.hostname}:8787/v1`;
const tokenTtl = params.get("token_ttl");
let failNextToken = params.get("token_fail_once") === "1";

window.kycEvents = [];
const log = document.getElementById("event-log");
document.getElementById("customer-id").textContent = customerId;

function record(type, detail) {
  window.kycEvents.push({ type, detail });
  if (params.get("log") === "0") return;
  if (type === "progress" && detail.percent % 25 !== 0) return;
  const item = document.createElement("li");
  item.className = `event event-${type}`;
  item.textContent = `${new Date().toLocaleTimeString()} ${type} ${JSON.stringify(detail)}`;
  log.prepend(item);
}

async function getToken() {
  if (failNextToken) {
    failNextToken = false;
    throw new Error("token backend unavailable (simulated)");
  }
  const response = await fetch("/demo/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: tokenTtl ? JSON.stringify({ expires_in: Number(tokenTtl) }) : "{}",
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return response.json(); // {access_token, expires_in}
}

await init();
const options = {
  apiBase,
  customerId,
  getToken,
  onProgress: (e) => record("progress", e),
  onSubmitted: (e) => record("submitted", e),
  onError: (e) => record("error", e),
  onStatusChange: (e) => record("status", e),
  // Where a business customer goes instead, how to reach operations after
  // 5 hours, and the next onboarding step once verified.
  kybUrl: params.get("kyb_url") ?? "https://northwind.example/business/verify",
  supportUrl: params.get("support_url") ?? "mailto:operations@northwind.example",
  onContinue: () => record("continue", {}),
};
if (params.has("customer_type")) options.customerType = params.get("customer_type");
if (params.has("quality")) options.qualityGate = params.get("quality");
if (params.has("capture")) options.capture = params.get("capture");
if (params.has("liveness")) options.liveness = params.get("liveness");
if (params.get("require_poa") === "1") options.requireProofOfAddress = true;
if (params.get("require_liveness") === "1") options.requireLiveness = true;
if (params.get("poll") === "1") options.pollStatus = true;
if (params.has("locale")) options.locale = params.get("locale");

let widget;
try {
  widget = mount(document.getElementById("kyc"), options);
  window.kycWidget = widget;
} catch (err) {
  record("error", { code: err.code, message: err.message, option: err.option });
  document.getElementById("kyc").textContent = `The upload widget could not start: ${err.message}`;
}

// The language switcher: the running widget changes language in place.
const language = document.getElementById("language");
language.value = options.locale ?? "";
language.addEventListener("change", () => {
  options.locale = language.value || undefined;
  widget?.update(options);
});

// Webhook results, relayed by this page's backend.
if (widget && typeof EventSource !== "undefined" && params.get("webhooks") !== "0") {
  const events = new EventSource("/demo/events");
  events.addEventListener("customer.status", (e) => {
    const result = JSON.parse(e.data);
    if (result.customer_id === customerId && (result.status === "verified" || result.status === "rejected")) {
      widget.setStatus(result.status, result.rejection_reason ?? undefined);
    }
  });
}
