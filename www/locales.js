// Loads one of the widget's locale files: <base><tag>.json when the host
// gives `localesUrl`, else locales/<tag>.json beside the module
// (kyc-upload.js). This file is one of the module's snippets, in
// snippets/<crate>/www/, so the module's folder is three levels up; the
// package keeps the same layout.
export function loadLocale(tag, base) {
  const url = base ? new URL(`${tag}.json`, new URL(base, document.baseURI)) : new URL(`../../../locales/${tag}.json`, import.meta.url);
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    return response.json();
  });
}
