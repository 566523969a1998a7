// Host page bundled from the installed package (tests/e2e/package.test.mjs):
// `mount` with every callback, the wasm's URL imported through the bundler
// (esbuild's `file` loader), the stylesheet imported as CSS. Query:
// ?api=<apiBase>&customer=<id>. Callbacks are logged in window.kycEvents
// like the demo page's; the handle, the options and checkImage are exposed
// for the test. The locale files are served from /kyc-locales/ (localesUrl).
import init, { mount, checkImage, type KycUploadOptions, type WidgetHandle } from "kyc-upload";
import wasmUrl from "kyc-upload/kyc-upload_bg.wasm";
import "kyc-upload/style.css";

declare global {
  interface Window {
    kycEvents: Array<{ type: string; detail: unknown; keys: string[] }>;
    kycHandle?: WidgetHandle;
    kycMount: typeof mount;
    kycCheckImage: typeof checkImage;
    kycReady?: boolean;
    kycOptions: KycUploadOptions;
  }
}

const params = new URLSearchParams(location.search);
window.kycEvents = [];
const record = (type: string) => (detail: object) => {
  window.kycEvents.push({ type, detail, keys: Object.keys(detail) });
};

// The host's own backend hands out tokens (this test server proxies the sandbox's demo host).
async function getToken() {
  const response = await fetch("/token", { method: "POST" });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()) as { access_token: string; expires_in: number };
}

await init({ module_or_path: wasmUrl });
const options: KycUploadOptions = {
  apiBase: params.get("api") ?? "http://127.0.0.1:8787/v1",
  customerId: params.get("customer") ?? "cus_individual_demo",
  customerType: "individual",
  getToken,
  qualityGate: "block",
  stallTimeoutMs: 30_000,
  // The bundle moved the module away from the package's locales/: the test copies them here.
  localesUrl: "/kyc-locales/",
  onProgress: record("progress"),
  onSubmitted: record("submitted"),
  onError: record("error"),
  onStatusChange: record("status"),
};
window.kycOptions = options;
window.kycHandle = mount(document.querySelector("#kyc")!, options);
window.kycMount = mount;
window.kycCheckImage = checkImage;
window.kycReady = true;
