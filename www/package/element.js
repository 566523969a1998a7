// Side-effect entry point of the npm package: `import "kyc-upload/element"`
// loads the wasm (kyc-upload_bg.wasm next to kyc-upload.js, found through
// import.meta.url) and thereby registers the <kyc-upload> custom element.
// The import finishes once the element is defined (top-level await);
// `ready` is the same moment as a Promise.
//
// Where there is no custom elements registry (a server render: Next.js,
// Nuxt, SvelteKit and Astro import a page's modules in Node too) there is
// nothing to register: the import loads nothing and `ready` resolves at once.
import init from "./kyc-upload.js";

export const ready = typeof customElements === "undefined" ? Promise.resolve() : init().then(() => undefined);
await ready;
