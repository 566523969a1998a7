// Loads one of the widget's locale files, locales/<tag>.json beside the
// module (kyc-upload.js). This file is one of the module's snippets, in
// snippets/<crate>/www/, so the module's folder is three levels up; the
// package keeps the same layout.
export function loadLocale(tag) {
  return fetch(new URL(`../../../locales/${tag}.json`, import.meta.url)).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  });
}
