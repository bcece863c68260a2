// `url` for the browser bundles: @vscode/debugadapter imports only `URL` from
// it (to turn paths into file: URIs and back), which the browser has.
export const URL = globalThis.URL;
export default { URL };
