// Minimal embedding: mount the widget with a token from the host's backend.
import init, { mount } from "../kyc-upload.js";

await init();
mount(document.getElementById("kyc"), {
  apiBase: `http://${location.hostname}:8787/v1`,
  customerId: new URLSearchParams(location.search).get("customer") ?? "cus_individual_demo",
  getToken: () => fetch("/demo/token", { method: "POST" }).then((r) => r.json()),
  onSubmitted: (e) => console.log("verification started", e),
  onError: (e) => console.warn(e.code, e.message),
});
