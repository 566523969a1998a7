// What this host's bundler (esbuild, `--loader:.wasm=file`) makes of a wasm import: its URL.
declare module "kyc-upload/kyc-upload_bg.wasm" {
  const url: string;
  export default url;
}
