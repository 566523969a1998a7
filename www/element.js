// The <kyc-upload> custom element. Attributes carry the plain options
// (api-base, customer-id, customer-type, require-proof-of-address,
// require-liveness, max-file-size, quality-gate, capture, liveness, poll-status,
// poll-interval-ms, stall-timeout-ms, kyb-url, support-url, locale, locales-url); getToken,
// messages and the on* callbacks are set as properties. The widget mounts once the element is connected and
// getToken is set, and is destroyed when the element is removed (not when
// it is moved: out and back in within one task keeps the widget). Each
// callback also dispatches a DOM event: kyc-progress, kyc-submitted,
// kyc-error, kyc-status. The verified panel's "Continue" button shows
// while the element has an onContinue function; pressing it calls that
// and dispatches kyc-continue.
//
// The widget is mounted once and then updated in place: a new getToken, a
// callback set after mount, or a changed attribute never restarts it, so
// uploads in flight go on. The widget holds stable wrappers that look up
// the element's current getToken and on* properties when called. Only a
// new customer-id or api-base starts over (another customer, another
// platform); if a submission is running then, the element first reports
// kyc-error with code "upload_interrupted".

const ATTRIBUTES = {
  "api-base": ["apiBase", String],
  "customer-id": ["customerId", String],
  "customer-type": ["customerType", String],
  "require-proof-of-address": ["requireProofOfAddress", (v) => v !== "false"],
  "require-liveness": ["requireLiveness", (v) => v !== "false"],
  "max-file-size": ["maxFileSize", Number],
  "quality-gate": ["qualityGate", String],
  capture: ["capture", String],
  liveness: ["liveness", String],
  "poll-status": ["pollStatus", (v) => v !== "false"],
  "poll-interval-ms": ["pollIntervalMs", Number],
  "stall-timeout-ms": ["stallTimeoutMs", Number],
  "kyb-url": ["kybUrl", String],
  "support-url": ["supportUrl", String],
  locale: ["locale", String],
  "locales-url": ["localesUrl", String],
};

// Attributes that name another customer or platform: the widget starts over.
const RESTART = ["api-base", "customer-id"];

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
      this._getToken = undefined;
      this._customerId = null;
    }
    get getToken() {
      return this._getToken;
    }
    set getToken(fn) {
      this._getToken = fn;
      // Once mounted, the widget's wrapper already calls the new function.
      if (!this._handle) this._mount();
    }
    get onContinue() {
      return this._onContinue;
    }
    set onContinue(fn) {
      this._onContinue = fn;
      if (this._handle) this._update();
    }
    get messages() {
      return this._messages;
    }
    set messages(texts) {
      this._messages = texts;
      if (this._handle) this._update();
    }
    connectedCallback() {
      // Moved (taken out and put back in one task): the widget is still
      // there, with its files and uploads.
      if (!this._handle) this._mount();
    }
    disconnectedCallback() {
      // Removed for good only if still out of the document once this task's
      // microtasks have run: a move (a framework reordering or re-parenting
      // the element) takes it out and puts it back at once.
      queueMicrotask(() => {
        if (!this.isConnected) this._unmount();
      });
    }
    attributeChangedCallback(name, oldValue, newValue) {
      if (!this._handle || oldValue === newValue) return;
      if (RESTART.includes(name)) this._restart(name);
      else this._update();
    }
    setStatus(status, reason) {
      if (!this._handle) throw new Error("kyc-upload: not mounted yet");
      this._handle.setStatus(status, reason);
    }
    _options() {
      const options = {
        getToken: () => {
          const current = this._getToken;
          if (typeof current !== "function") throw new TypeError("kyc-upload: getToken is not a function");
          return current();
        },
      };
      for (const [attr, [name, parse]] of Object.entries(ATTRIBUTES)) {
        if (this.hasAttribute(attr)) options[name] = parse(this.getAttribute(attr));
      }
      for (const [name, type] of Object.entries(EVENTS)) {
        options[name] = (detail) => this._emit(name, type, detail);
      }
      if (this._messages !== undefined) options.messages = this._messages;
      if (typeof this._onContinue === "function") {
        options.onContinue = () => this._emit("onContinue", "kyc-continue", {});
      }
      return options;
    }
    // Calls the element's current on* property, if any, then dispatches the
    // DOM event (even when the property throws).
    _emit(name, type, detail) {
      try {
        const own = this[name];
        if (typeof own === "function") own.call(this, detail);
      } finally {
        this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
      }
    }
    _fail(err) {
      const detail = { code: err.code || "invalid_option", message: err.message, option: err.option };
      try {
        this._emit("onError", "kyc-error", detail);
      } catch {
        // A throwing onError must not break the element.
      }
    }
    _unmount() {
      if (this._handle) {
        this._handle.destroy();
        this._handle.free();
        this._handle = null;
      }
    }
    _mount() {
      this._unmount();
      if (!this.isConnected || typeof this._getToken !== "function") return;
      try {
        const options = this._options();
        this._handle = mount(this, options);
        this._customerId = options.customerId;
      } catch (err) {
        this._fail(err);
      }
    }
    _update() {
      try {
        this._handle.update(this._options());
      } catch (err) {
        this._fail(err);
      }
    }
    _restart(attribute) {
      if (this._handle.busy) {
        const message =
          `The upload for the previous customer (${this._customerId}) was stopped because ` +
          `the element's ${attribute} changed while it was in progress; ` +
          "that customer's documents may not all have been sent.";
        try {
          this._emit("onError", "kyc-error", { code: "upload_interrupted", message });
        } catch {
          // A throwing onError must not keep the old widget running.
        }
      }
      this._mount();
    }
  }
  customElements.define("kyc-upload", KycUploadElement);
}
