// Host page bundled by Vite and by webpack from the installed package
// (tests/e2e/package.test.mjs): the README's example as written, `await
// init()` with no argument and no `localesUrl`, so the wasm and the locale
// files are found through `new URL(..., import.meta.url)`, which both turn
// into assets of their own bundle. German, so a locale file must load. Query:
// ?api=<apiBase>&customer=<id>. Callbacks are logged in window.kycEvents
// (declared in mount.ts) like the other host pages'.
import init, { mount } from "kyc-upload";
import "kyc-upload/style.css";

const params = new URLSearchParams(location.search);
window.kycEvents = [];
const record = (type: string) => (detail: object) => {
  window.kycEvents.push({ type, detail, keys: Object.keys(detail) });
};

await init();
mount(document.querySelector<HTMLElement>("#kyc")!, {
  apiBase: params.get("api") ?? "http://127.0.0.1:8787/v1",
  customerId: params.get("customer") ?? "cus_individual_demo",
  customerType: "individual",
  locale: "de",
  getToken: async () => {
    const response = await fetch("/token", { method: "POST" });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    return (await response.json()) as { access_token: string; expires_in: number };
  },
  onProgress: record("progress"),
  onSubmitted: record("submitted"),
  onError: record("error"),
  onStatusChange: record("status"),
});
window.kycReady = true;
