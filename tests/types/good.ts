// A typed host page using everything public: must compile with --strict.
import init, {
  mount,
  checkImage,
  type KycUploadOptions,
  type KycErrorCode,
  type KnownKycErrorCode,
  type KycStatusDetail,
  type QualityReport,
  type Slot,
  type WidgetHandle,
} from "kyc-upload";
import { ready } from "kyc-upload/element";

// Compile-time equality: fails to compile when the two types differ.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

await init();
await init({ module_or_path: new URL("/assets/kyc-upload_bg.wasm", location.href) });
await ready;

const options: KycUploadOptions = {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  customerType: "individual",
  getToken: async () => {
    const r = await fetch("/my-backend/kyc-token", { method: "POST" });
    return (await r.json()) as { access_token: string; expires_in: number };
  },
  requireProofOfAddress: true,
  requireLiveness: false,
  maxFileSize: 10 * 1024 * 1024,
  locale: "es-MX",
  messages: {
    "submit.button": "Send my documents",
    es: { "submit.button": "Enviar mis documentos", "summary.files.many": "{count} archivos: {names}." },
    "pt-PT": { "slot.selfie": "Selfie" },
  },
  qualityGate: "warn",
  capture: "camera",
  liveness: "video",
  pollStatus: true,
  pollIntervalMs: 30_000,
  stallTimeoutMs: 30_000,
  onProgress: (e) => {
    const percent: number = e.percent;
    const slot: Slot = e.slot;
    console.log(slot, e.loaded, e.total, percent);
  },
  onSubmitted: (e) => {
    const id: string | undefined = e.files.id_file;
    console.log(e.customerId, id, new Date(e.submittedAt));
  },
  onError: (e) => {
    const code: KycErrorCode = e.code;
    const slot: Slot | undefined = e.slot;
    console.warn(code, e.message, slot);
  },
  kybUrl: "https://bank.example/business",
  supportUrl: "mailto:operations@bank.example",
  onContinue: () => console.log("next step"),
  onStatusChange: (e) => {
    switch (e.status) {
      case "pending":
        console.log(new Date(e.since));
        break;
      case "rejected":
        console.log(e.rejectionReason ?? "no reason");
        break;
      case "verified":
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
  },
};
assertType<Equal<KycStatusDetail["status"], "pending" | "verified" | "rejected">>();

// getToken may also be a plain string, synchronously.
const withString: KycUploadOptions = { apiBase: "https://api.example.com/v1", customerId: "c", getToken: () => "tok" };

const widget: WidgetHandle = mount(document.querySelector("#kyc")!, options);
widget.setStatus("verified");
widget.setStatus("rejected", "document expired");
widget.setStatus("pending");
widget.update({ ...options, qualityGate: "off" });
widget.update(withString);
const busy: boolean = widget.busy;
if (!busy) {
  widget.destroy();
  widget.free();
}

try {
  mount(document.body, options);
} catch (err) {
  const e = err as import("kyc-upload").KycOptionError;
  console.log(e.code, e.option);
}

const report: QualityReport = await checkImage(new Blob([]));
if (report.verdict !== "accept") {
  for (const reason of report.reasons) console.log(reason.code, reason.message);
}
console.log(report.width, report.height, report.metrics.sharpness, report.metrics.glare_fraction);

// Exhaustive handling of the known codes; unknown platform codes still type-check.
function describe(code: KnownKycErrorCode): string {
  switch (code) {
    case "outcome_unknown":
      return "check again";
    case "business_customer":
      return "use KYB";
    default:
      return code;
  }
}
const fromPlatform: KycErrorCode = "some_future_platform_code";
console.log(describe("http_404"), fromPlatform);

// The custom element.
const el = document.querySelector("kyc-upload")!;
el.getToken = () => Promise.resolve({ access_token: "t", expires_in: 300 });
el.onSubmitted = (d) => console.log(d.submittedAt);
el.onError = function (d) {
  console.log(this.tagName, d.code, d.option);
};
el.addEventListener("kyc-progress", (e) => console.log(e.detail.percent, e.detail.slot));
el.addEventListener("kyc-submitted", (e) => console.log(e.detail.files.proof_of_address_file));
el.addEventListener("kyc-error", (e) => console.log(e.detail.code, e.detail.slot, e.detail.option));
el.addEventListener("kyc-status", (e) => console.log(e.detail.status));
el.addEventListener("click", (e) => console.log(e.clientX));
el.setStatus("verified");
// The events bubble: any element or the document can listen.
document.body.addEventListener("kyc-status", (e) => console.log(e.detail.status));
const created = document.createElement("kyc-upload");
created.setAttribute("customer-id", "cus_123");
assertType<Equal<Parameters<typeof created.setStatus>[0], "verified" | "rejected" | "pending">>();
