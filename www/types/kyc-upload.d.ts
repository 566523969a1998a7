// TypeScript declarations for the kyc-upload package (hand-written; the
// wasm-bindgen glue is generated without them). They describe what
// src/embed.rs, src/core/options.rs and www/element.js really accept and
// emit; tests/e2e/package.test.mjs checks recorded browser payloads against
// them and tests/types/ proves that wrong host code fails to compile.

// ------------------------------------------------------------------ basics

/** An upload slot, as the API names it (also the `data-testid` suffix). */
export type Slot = "id_file" | "id_file_back" | "proof_of_address_file" | "liveness_check_file";

/** The customer kind. `"business"` is refused before any request (use KYB). */
export type CustomerType = "individual" | "business";

/** What a photo the quality gate rejects does. */
export type QualityGate = "block" | "warn" | "off";

/**
 * How photo slots offer the live camera: `"auto"` shows "Take a photo" where
 * the browser has a camera API on a secure page; `"camera"` puts it first and
 * always shows it (where the camera can't be used, the slot says why);
 * `"files"` shows the file button only.
 */
export type Capture = "auto" | "camera" | "files";

/** What the liveness slot's camera records: a selfie photo, or a short selfie video. */
export type Liveness = "photo" | "video";

/**
 * The customer's language, a BCP 47 tag. These ship; any other tag gets the
 * closest of them (`"es-MX"` gets `"es"`, `"pt-PT"` gets `"pt-BR"`) or
 * English, never an error.
 */
export type ShippedLocale = "en" | "es" | "fr" | "de" | "it" | "pt-BR" | "pl" | "ar" | "ja";
export type Locale = ShippedLocale | (string & {});

/** The id of a text the customer sees (`messages` overrides any of them). The list is checked against the catalog (src/core/catalog.rs) by tests/catalog_locales.rs. */
export type MessageId =
  | "doc.label"
  | "doc.placeholder"
  | "doc.hint"
  | "doc.passport"
  | "doc.drivers_license"
  | "doc.resident_permit"
  | "slot.passport_page"
  | "slot.license_front"
  | "slot.permit_front"
  | "slot.document_front"
  | "slot.license_back"
  | "slot.permit_back"
  | "slot.document_back"
  | "slot.proof_of_address"
  | "slot.selfie"
  | "hint.passport"
  | "hint.card"
  | "hint.proof_of_address"
  | "hint.selfie"
  | "slot.required"
  | "slot.optional"
  | "choose.photo"
  | "choose.photo_or_pdf"
  | "choose.photo_or_video"
  | "choose.replace"
  | "choose.drop"
  | "camera.take"
  | "camera.take_selfie"
  | "camera.record"
  | "camera.region"
  | "camera.starting"
  | "camera.too_dark"
  | "camera.too_bright"
  | "camera.glare"
  | "camera.hold_still"
  | "camera.fit_outline"
  | "camera.fit_oval"
  | "camera.good"
  | "camera.shutter"
  | "camera.cancel"
  | "camera.use"
  | "camera.use_video"
  | "camera.retake"
  | "camera.check"
  | "camera.taken"
  | "camera.unsupported"
  | "camera.insecure"
  | "camera.blocked"
  | "camera.denied"
  | "camera.not_found"
  | "camera.in_use"
  | "camera.ended"
  | "camera.no_recorder"
  | "video.start"
  | "video.recording"
  | "video.look_straight"
  | "video.turn_left"
  | "video.turn_right"
  | "file.remove"
  | "file.meta"
  | "file.unnamed"
  | "icon.pdf"
  | "icon.video"
  | "icon.file"
  | "state.ready"
  | "state.checking"
  | "state.uploading"
  | "state.uploaded"
  | "state.attention"
  | "note.resized"
  | "note.uploaded_earlier"
  | "problem.empty_file"
  | "problem.file_too_large"
  | "problem.photo_too_large"
  | "problem.unsupported_file_type"
  | "problem.not_allowed_document"
  | "problem.not_allowed_proof"
  | "problem.not_allowed_selfie"
  | "problem.duplicate"
  | "required.passport"
  | "required.license_front"
  | "required.permit_front"
  | "required.document"
  | "required.license_back"
  | "required.permit_back"
  | "required.proof_of_address"
  | "required.selfie"
  | "problem.document_type_required"
  | "problem.national_id"
  | "list.separator"
  | "join.sentences"
  | "quality.too_small"
  | "quality.blurry"
  | "quality.too_dark"
  | "quality.overexposed"
  | "quality.glare"
  | "quality.unreadable"
  | "quality.heic"
  | "quality.not_a_photo"
  | "quality.empty_file"
  | "quality.unavailable"
  | "submit.button"
  | "submit.busy"
  | "submit.check_again"
  | "form.checking"
  | "form.welcome_back"
  | "form.interrupted"
  | "form.not_submitted"
  | "form.load_failed"
  | "form.settling"
  | "refusal.title"
  | "business.title"
  | "business.text"
  | "business.link"
  | "outcome.not_started"
  | "outcome.unconfirmed"
  | "outcome.stopped"
  | "outcome.stopped_file"
  | "outcome.file_notice"
  | "outcome.file_refused"
  | "outcome.retrying"
  | "reason.busy"
  | "reason.server_error"
  | "reason.timeout"
  | "reason.stalled"
  | "reason.token"
  | "reason.connection"
  | "reason.link_expired"
  | "reason.unauthorized"
  | "reason.refused"
  | "reason.http"
  | "reason.unexpected"
  | "reason.given"
  | "status.not_started.title"
  | "status.not_started.text"
  | "status.pending.title"
  | "status.pending.text"
  | "status.long.text"
  | "status.overdue.title"
  | "status.overdue.text"
  | "status.verified.title"
  | "status.verified.text"
  | "status.rejected.title"
  | "status.rejected.text"
  | "status.rejected.reason"
  | "status.support"
  | "status.continue"
  | "status.restart"
  | "live.uploading"
  | "live.submitted"
  | "live.restart"
  | "live.slot"
  | "live.file_uploading"
  | "live.halfway"
  | "live.file_uploaded"
  | `summary.files.${PluralCategory}`;

/** A CLDR plural category: plural messages have one id per category (`summary.files.one`, `summary.files.few`, ...). */
export type PluralCategory = "zero" | "one" | "two" | "few" | "many" | "other";

/** Texts by message id, with placeholders such as `{file}` kept as they are. */
export type MessageTexts = Partial<Record<MessageId, string>>;

/**
 * The `messages` option: texts for every locale by message id, and/or texts
 * for one locale under its tag (`{ es: { "submit.button": "Enviar" } }`).
 * Any subset; the rest comes from the widget's catalog.
 */
export type Messages = MessageTexts & Partial<Record<ShippedLocale, MessageTexts>> & { [tag: `${string}-${string}`]: MessageTexts | undefined };

/** What `getToken` may return: a bare token (reused for 60 s) or a token with its lifetime. */
export interface TokenResponse {
  access_token: string;
  /** Seconds; the widget refreshes at the latest 30 s before expiry. */
  expires_in: number;
}

/**
 * The host's token callback. A synchronous throw or a malformed value is a
 * configuration error (`invalid_token_value`); a rejected Promise is retried
 * like a network error (`token_error` when it keeps failing).
 */
export type GetToken = () => string | TokenResponse | Promise<string | TokenResponse>;

// ------------------------------------------------------------------ error codes

/** Codes the widget itself produces. */
export type WidgetErrorCode =
  | "business_customer"
  | "network_error"
  | "server_error"
  | "rate_limited"
  | "timeout"
  | "stalled"
  | "token_error"
  | "invalid_token_value"
  | "unauthorized"
  | "upload_url_expired"
  | "outcome_unknown"
  | "bad_response"
  | "file_required"
  /** `<kyc-upload>` only: `customer-id` or `api-base` changed while a submission ran. */
  | "upload_interrupted"
  /** Thrown by `mount` / `update`; `<kyc-upload>` reports it as `kyc-error`. */
  | "invalid_option"
  /** Thrown by `setStatus` for an unknown status. */
  | "invalid_status";

/** Codes the platform answers with (passed through as the platform sent them). */
export type PlatformErrorCode =
  | "customer_not_found"
  | "file_not_uploaded"
  | "file_purpose_mismatch"
  | "file_already_submitted"
  | "document_type_not_accepted"
  | "file_too_large"
  | "unsupported_content_type"
  | "invalid_request"
  | "invalid_json"
  | "insufficient_scope"
  | "payload_too_large"
  | "not_found"
  /** A 4xx answer without a contract error body. */
  | `http_${number}`;

/** Every code this version knows of: a closed union, for exhaustive `switch`es. */
export type KnownKycErrorCode = WidgetErrorCode | PlatformErrorCode;

/**
 * An error code. `(string & {})` is there on purpose: for a refused request
 * the widget forwards the platform's `error.code` verbatim, and the platform
 * may add codes this package does not know yet; a closed union would promise
 * an exhaustiveness the runtime cannot keep. Editors still complete the
 * known codes.
 */
export type KycErrorCode = KnownKycErrorCode | (string & {});

// ------------------------------------------------------------------ payloads

/** `onProgress` / `kyc-progress`: bytes of one slot's upload. */
export interface KycProgressDetail {
  slot: Slot;
  loaded: number;
  total: number;
  /** 0–100, rounded. */
  percent: number;
}

/** `onSubmitted` / `kyc-submitted`: `id_file` was accepted, verification started. */
export interface KycSubmittedDetail {
  customerId: string;
  /** Platform file id per uploaded slot. */
  files: Partial<Record<Slot, string>>;
  /** ISO 8601. */
  submittedAt: string;
}

/** `onError`: why a submission (or the widget) stopped. */
export interface KycErrorDetail {
  code: KycErrorCode;
  /** What the customer was told. */
  message: string;
  /** The slot at fault, when one is. */
  slot?: Slot;
}

/** `kyc-error` and the element's `onError`: `KycErrorDetail`, plus the option at fault for `invalid_option`. */
export interface KycElementErrorDetail extends KycErrorDetail {
  option?: string;
}

/** The verification states `onStatusChange` reports (and `setStatus` accepts). */
export type VerificationStatus = "pending" | "verified" | "rejected";

/** `onStatusChange` / `kyc-status`. */
export type KycStatusDetail =
  | { status: "pending"; /** ISO 8601: when it was submitted. */ since: string; rejectionReason?: undefined }
  | { status: "verified"; since?: undefined; rejectionReason?: undefined }
  | { status: "rejected"; rejectionReason: string | null; since?: undefined };

// ------------------------------------------------------------------ options

/** The options of `mount` and `WidgetHandle.update`. Unknown options are refused at run time too. */
export interface KycUploadOptions {
  /** Absolute URL of the platform API; `https://` (plain `http://` only for loopback hosts). */
  apiBase: string;
  /** Letters, digits, `_`, `-` (at most 128). */
  customerId: string;
  getToken: GetToken;
  /** Default: read with `GET /customers/{id}`. */
  customerType?: CustomerType;
  /** Default `false`. */
  requireProofOfAddress?: boolean;
  /** Default `false`. */
  requireLiveness?: boolean;
  /** Bytes, 1 to 100 MiB; default 10 MiB. Larger photos are downscaled, other files refused. */
  maxFileSize?: number;
  /** Default: the first of `navigator.languages` a shipped locale serves, else English. */
  locale?: Locale;
  /** Your own texts over the widget's, for any locale. */
  messages?: Messages;
  /** Where the locale files are (`<localesUrl><tag>.json`: an `https://` URL or a path ending in `/`), when your bundler does not keep `locales/` beside the module: copy `kyc-upload/locales/` there. */
  localesUrl?: string;
  /** Default `"block"`. */
  qualityGate?: QualityGate;
  /** Default `"auto"`. The page must allow the camera (`Permissions-Policy: camera=(self)`, an iframe's `allow="camera"`) and CSP `media-src blob:`. */
  capture?: Capture;
  /** Default `"photo"`. `"video"` records a few seconds with `MediaRecorder` (WebM or MP4). */
  liveness?: Liveness;
  /** Poll `GET /customers/{id}` while pending. Default `false`. */
  pollStatus?: boolean;
  /** At least 5000; default 30000. */
  pollIntervalMs?: number;
  /** At least 1000; default 30000. An upload without progress for this long is abandoned and retried. */
  stallTimeoutMs?: number;
  /** Where business customers verify instead (the KYB flow): an `https://` or `mailto:` URL, or a path on your site. Linked from the refusal. */
  kybUrl?: string;
  /** How to reach your operations team, linked once a verification has been pending for 5 hours (`https://`, `mailto:` or a path). */
  supportUrl?: string;
  /** Your next onboarding step: when set, the verified panel shows a "Continue" button that calls it. */
  onContinue?: () => void;
  onProgress?: (detail: KycProgressDetail) => void;
  onSubmitted?: (detail: KycSubmittedDetail) => void;
  onError?: (detail: KycErrorDetail) => void;
  onStatusChange?: (detail: KycStatusDetail) => void;
}

/** What `mount`, `update` and `setStatus` throw: an `Error` with a stable `code`. */
export interface KycOptionError extends Error {
  code: "invalid_option" | "invalid_status";
  /** The option at fault (`invalid_option`); `"element"` when `mount`'s first argument is not an element. */
  option?: string;
}

// ------------------------------------------------------------------ handle

/** A mounted widget. */
export declare class WidgetHandle {
  private constructor();
  /** Shows a result the host learned from a webhook. Throws `invalid_status` for anything else. */
  setStatus(status: VerificationStatus, reason?: string | null): void;
  /** Applies new options in place (a submission in flight goes on); `customerId` and `apiBase` cannot change. */
  update(options: KycUploadOptions): void;
  /** Whether a submission is running. */
  readonly busy: boolean;
  /** Unmounts: aborts uploads in flight and frees every closure. Safe in the task that mounted (React's StrictMode). */
  destroy(): void;
  /** Frees the handle's wasm memory (after `destroy`); the handle is unusable afterwards. */
  free(): void;
}

// ------------------------------------------------------------------ quality gate

export type QualityVerdict = "accept" | "warn" | "reject";

export type QualityReasonCode =
  | "too_small"
  | "blurry"
  | "too_dark"
  | "overexposed"
  | "glare"
  | "unreadable"
  | "unsupported_format"
  | "empty_file";

export interface QualityReport {
  verdict: QualityVerdict;
  reasons: Array<{ code: QualityReasonCode; message: string }>;
  width: number;
  height: number;
  metrics: {
    sharpness: number;
    luma_mean: number;
    luma_p05: number;
    luma_p95: number;
    clipped_fraction: number;
    glare_fraction: number;
  };
}

// ------------------------------------------------------------------ module

/** Where the wasm comes from (default: `kyc-upload_bg.wasm` next to the module, via `import.meta.url`). */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** The raw wasm exports (not a stable API). */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Loads the wasm and registers `<kyc-upload>`. Call (and await) it once
 * before `mount` or `checkImage`; later calls return the same instance.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** Synchronous `init` from already fetched bytes or a compiled module. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/** Mounts the widget into `element` (its content is replaced). Throws `invalid_option` (with `option: "element"` for `null` or a non-element). */
export function mount(element: Element, options: KycUploadOptions): WidgetHandle;

/** The quality gate on its own, as the widget runs it when a photo is chosen. Rejects with `invalid_option` (`option: "blob"`) for anything but a Blob or File. */
export function checkImage(blob: Blob): Promise<QualityReport>;

/** Names of the options that take functions. */
export function callbackOptions(): string[];

/** Runs when the module initialises (registers the element); `init` calls it. */
export function start(): void;

// ------------------------------------------------------------------ <kyc-upload>

/** Events `<kyc-upload>` dispatches (they bubble and cross shadow roots). */
export interface KycUploadElementEventMap {
  "kyc-progress": CustomEvent<KycProgressDetail>;
  "kyc-submitted": CustomEvent<KycSubmittedDetail>;
  "kyc-error": CustomEvent<KycElementErrorDetail>;
  "kyc-status": CustomEvent<KycStatusDetail>;
  /** The verified panel's "Continue" was pressed (shown while `onContinue` is set). */
  "kyc-continue": CustomEvent<Record<string, never>>;
}

/**
 * `<kyc-upload api-base="..." customer-id="...">`. Attributes carry the plain
 * options (`api-base`, `customer-id`, `customer-type`, `require-proof-of-address`,
 * `require-liveness`, `max-file-size`, `quality-gate`, `capture`, `liveness`, `poll-status`,
 * `poll-interval-ms`, `stall-timeout-ms`, `kyb-url`, `support-url`, `locale`, `locales-url`); the functions and
 * `messages` are properties. It mounts once connected with `getToken` set; changing `locale` switches
 * the language in place, keeping chosen files and uploads in flight.
 */
export interface KycUploadElement extends HTMLElement {
  getToken: GetToken | undefined;
  onProgress?: ((this: KycUploadElement, detail: KycProgressDetail) => void) | null;
  onSubmitted?: ((this: KycUploadElement, detail: KycSubmittedDetail) => void) | null;
  onError?: ((this: KycUploadElement, detail: KycElementErrorDetail) => void) | null;
  onStatusChange?: ((this: KycUploadElement, detail: KycStatusDetail) => void) | null;
  /** Shows "Continue" on the verified panel while set. */
  onContinue?: ((this: KycUploadElement, detail: Record<string, never>) => void) | null;
  /** As the `messages` option; setting it updates the widget in place. */
  messages?: Messages;
  /** As `WidgetHandle.setStatus`; throws when not mounted yet. */
  setStatus(status: VerificationStatus, reason?: string | null): void;
  addEventListener<K extends keyof KycUploadElementEventMap>(
    type: K,
    listener: (this: KycUploadElement, ev: KycUploadElementEventMap[K]) => any,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: KycUploadElement, ev: HTMLElementEventMap[K]) => any,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof KycUploadElementEventMap>(
    type: K,
    listener: (this: KycUploadElement, ev: KycUploadElementEventMap[K]) => any,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: KycUploadElement, ev: HTMLElementEventMap[K]) => any,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "kyc-upload": KycUploadElement;
  }
  // The events bubble, so any ancestor (or `document`) may listen for them.
  interface HTMLElementEventMap extends KycUploadElementEventMap {}
}
