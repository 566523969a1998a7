// Host page bundled from the installed package (tests/e2e/package.test.mjs):
// the <kyc-upload> element from the side-effect entry `kyc-upload/element`,
// whose wasm is found through import.meta.url (copied next to the bundle).
// Query: ?api=<apiBase>&customer=<id>[&customer_type=...][&quality=...].
// Events are logged in window.kycEvents as {type, detail, keys}.
import "kyc-upload/element";
import "kyc-upload/style.css";
import type { KycUploadElement } from "kyc-upload";

declare global {
  interface Window {
    kycEvents: Array<{ type: string; detail: unknown; keys: string[] }>;
    kycReady?: boolean;
  }
}

const params = new URLSearchParams(location.search);
window.kycEvents = [];

const el: KycUploadElement = document.createElement("kyc-upload");
el.setAttribute("api-base", params.get("api") ?? "http://127.0.0.1:8787/v1");
el.setAttribute("customer-id", params.get("customer") ?? "cus_individual_demo");
el.setAttribute("customer-type", params.get("customer_type") ?? "individual");
if (params.has("quality")) el.setAttribute("quality-gate", params.get("quality")!);

const types = { "kyc-progress": "progress", "kyc-submitted": "submitted", "kyc-error": "error", "kyc-status": "status" } as const;
for (const [event, type] of Object.entries(types) as Array<[keyof typeof types, string]>) {
  el.addEventListener(event, (e) => {
    window.kycEvents.push({ type, detail: e.detail, keys: Object.keys(e.detail) });
  });
}
el.getToken = async () => {
  const response = await fetch("/token", { method: "POST" });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return response.json();
};
document.querySelector("#kyc")!.append(el);
window.kycReady = customElements.get("kyc-upload") !== undefined;
