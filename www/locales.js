// Loads one of the widget's locale files: <base><tag>.json when the host
// gives `localesUrl`, else locales/<tag>.json beside the module
// (kyc-upload.js). In a debug build this file is one of the module's
// snippets, in snippets/<crate>/www/, so the module's folder is three levels
// up; a release build bundles it into the module, and scripts/minify.mjs
// makes the path `./locales/` there (the path must stay a literal of this
// `new URL` pattern: it is how Vite and webpack find the files to copy).
export function loadLocale(tag, base) {
  const url = base ? new URL(`${tag}.json`, new URL(base, document.baseURI)) : new URL(`../../../locales/${tag}.json`, import.meta.url);
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return response.json();
  });
}
