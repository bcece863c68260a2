// The README the VSIX carries (the extension's page in VS Code), made from the repository's.
//
// VS Code shows that page in a webview with no base address: a relative image or link there
// resolves against the webview's own folder, not the installed extension's, so an image shows
// as a broken picture and a link opens "Not found" (code-server 1.100; an extension installed
// from a VSIX has no repository for vsce to point them at). So every relative image is left out
// (the walkthrough, which does resolve them, shows the same pictures) and every relative link
// keeps its text only; absolute (https:) ones and in-page anchors stay. What only a reader of the
// repository needs (building the VSIX, the end-to-end tests, the source layout) sits between
// <!-- BEGIN repository-only … --> and <!-- END repository-only --> and is left out, so the page
// of an installed extension opens on how to use it.

const local = (target) => !/^[a-z][a-z0-9+.-]*:|^#/i.test(target);

/** The README without its repository-only parts, every relative image left out and every relative link reduced to its text. */
export function packagedReadme(text) {
  return text
    .replace(/^<!-- BEGIN repository-only\b[^\n]*-->\n[\s\S]*?^<!-- END repository-only -->\n\n?/gm, '')
    .replace(/^[ \t]*!\[[^\]]*\]\(([^)\s]+)[^)]*\)[ \t]*\n(?:[ \t]*\n)?/gm, (all, target) => (local(target) ? '' : all))
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (all, _alt, target) => (local(target) ? '' : all))
    .replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (all, label, target) => (local(target) ? label : all));
}
