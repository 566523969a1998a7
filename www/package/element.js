// Side-effect entry point of the npm package: `import "kyc-upload/element"`
// loads the wasm (kyc-upload_bg.wasm next to kyc-upload.js, found through
// import.meta.url) and thereby registers the <kyc-upload> custom element.
// The import finishes once the element is defined (top-level await);
// `ready` is the same moment as a Promise.
import init from "./kyc-upload.js";

export const ready = init().then(() => undefined);
await ready;
