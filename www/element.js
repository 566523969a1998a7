// The <kyc-upload> custom element. Attributes carry the plain options
// (api-base, customer-id, customer-type, require-proof-of-address,
// require-liveness, max-file-size, quality-gate, poll-status,
// poll-interval-ms); getToken and the on* callbacks are set as properties.
// The widget mounts once the element is connected and getToken is set, and
// is destroyed when the element is removed. Each callback also dispatches a
// DOM event: kyc-progress, kyc-submitted, kyc-error, kyc-status.

const ATTRIBUTES = {
  "api-base": ["apiBase", String],
  "customer-id": ["customerId", String],
  "customer-type": ["customerType", String],
  "require-proof-of-address": ["requireProofOfAddress", (v) => v !== "false"],
  "require-liveness": ["requireLiveness", (v) => v !== "false"],
  "max-file-size": ["maxFileSize", Number],
  "quality-gate": ["qualityGate", String],
  "poll-status": ["pollStatus", (v) => v !== "false"],
  "poll-interval-ms": ["pollIntervalMs", Number],
};

const EVENTS = {
  onProgress: "kyc-progress",
  onSubmitted: "kyc-submitted",
  onError: "kyc-error",
  onStatusChange: "kyc-status",
};

export function defineKycUploadElement(mount) {
  if (typeof customElements === "undefined" || customElements.get("kyc-upload")) return;
  class KycUploadElement extends HTMLElement {
    static get observedAttributes() {
      return Object.keys(ATTRIBUTES);
    }
    constructor() {
      super();
      this._handle = null;
      this._callbacks = {};
    }
    get getToken() {
      return this._callbacks.getToken;
    }
    set getToken(fn) {
      this._callbacks.getToken = fn;
      this._remount();
    }
    connectedCallback() {
      this._remount();
    }
    disconnectedCallback() {
      this._unmount();
    }
    attributeChangedCallback() {
      if (this._handle) this._remount();
    }
    setStatus(status, reason) {
      if (!this._handle) throw new Error("kyc-upload: not mounted yet");
      this._handle.setStatus(status, reason);
    }
    _unmount() {
      if (this._handle) {
        this._handle.destroy();
        this._handle.free();
        this._handle = null;
      }
    }
    _remount() {
      this._unmount();
      if (!this.isConnected || typeof this._callbacks.getToken !== "function") return;
      const options = { getToken: this._callbacks.getToken };
      for (const [attr, [name, parse]] of Object.entries(ATTRIBUTES)) {
        if (this.hasAttribute(attr)) options[name] = parse(this.getAttribute(attr));
      }
      for (const [name, type] of Object.entries(EVENTS)) {
        const own = this[name];
        options[name] = (detail) => {
          if (typeof own === "function") own(detail);
          this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
        };
      }
      try {
        this._handle = mount(this, options);
      } catch (err) {
        this.dispatchEvent(new CustomEvent("kyc-error", { detail: { code: err.code || "invalid_option", message: err.message, option: err.option }, bubbles: true, composed: true }));
      }
    }
  }
  customElements.define("kyc-upload", KycUploadElement);
}
