// `import "kyc-upload/element"`: a side-effect entry that loads the wasm and
// registers <kyc-upload>. Its types are the main module's, including the
// `HTMLElementTagNameMap["kyc-upload"]` and `kyc-*` event declarations.
import "./kyc-upload.js";

/** Resolves once the wasm is loaded and `<kyc-upload>` is registered (already so when the import has finished). */
export declare const ready: Promise<void>;
