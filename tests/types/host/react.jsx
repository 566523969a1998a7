// Host page bundled from the installed package (tests/e2e/package.test.mjs):
// a React 19 app in StrictMode, written as the README advises: the module is
// initialised once, then an effect mounts the widget and returns its
// destroy. In development StrictMode runs each effect, its cleanup and the
// effect again at once, so the widget is mounted, destroyed and mounted in
// one task: exactly one widget must be left, and it must work. Query:
// ?api=<apiBase>&customer=<id>. Callbacks are logged in window.kycEvents;
// window.kycMounts / kycDestroys count the effect's runs.
import { StrictMode, useEffect, useRef } from "react";
import { createRoot } from "react-dom/client";
import init, { mount } from "kyc-upload";
import wasmUrl from "kyc-upload/kyc-upload_bg.wasm";
import "kyc-upload/style.css";

const params = new URLSearchParams(location.search);
window.kycEvents = [];
window.kycMounts = 0;
window.kycDestroys = 0;
const record = (type) => (detail) => {
  window.kycEvents.push({ type, detail, keys: Object.keys(detail) });
};

// The host's own backend hands out tokens (this test server proxies the sandbox's demo host).
async function getToken() {
  const response = await fetch("/token", { method: "POST" });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return response.json();
}

function IdentityVerification({ apiBase, customerId }) {
  const host = useRef(null);
  useEffect(() => {
    const handle = mount(host.current, {
      apiBase,
      customerId,
      customerType: "individual",
      getToken,
      qualityGate: "block",
      localesUrl: "/kyc-locales/",
      onProgress: record("progress"),
      onSubmitted: record("submitted"),
      onError: record("error"),
      onStatusChange: record("status"),
    });
    window.kycMounts += 1;
    return () => {
      handle.destroy();
      handle.free();
      window.kycDestroys += 1;
    };
  }, [apiBase, customerId]);
  return <section className="verification" ref={host} />;
}

await init({ module_or_path: wasmUrl });
createRoot(document.getElementById("kyc")).render(
  <StrictMode>
    <IdentityVerification
      apiBase={params.get("api") ?? "http://127.0.0.1:8787/v1"}
      customerId={params.get("customer") ?? "cus_individual_demo"}
    />
  </StrictMode>,
);
window.kycReady = true;
