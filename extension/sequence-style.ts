// The message-sequence page's look: theme colours only (--vscode-* variables),
// a fixed left column (row number, time) that stays put while the lanes scroll
// sideways, arrows between each lane's guest and host lifelines, and in a
// comparison the row kinds (same, changed, only left, only right) and the
// differing bytes of a selected pair.

export function sequenceCss(row: number): string {
  return `
  body { margin: 0; padding: 0; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); display: flex; flex-direction: column; height: 100vh; overflow: hidden; }
  #bar { display: flex; gap: 12px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); flex-wrap: wrap; }
  #count, #legend { color: var(--vscode-descriptionForeground); }
  #first { color: var(--vscode-foreground); flex-basis: 100%; white-space: normal; }
  #lanes-wrap { overflow: hidden; border-bottom: 1px solid var(--vscode-panel-border); flex: none; position: relative; height: 24px; }
  #lanes { position: absolute; top: 0; left: 0; height: 24px; }
  .lane-title { position: absolute; top: 0; text-align: center; line-height: 24px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .lane-title.guest { color: var(--vscode-debugTokenExpression-name, var(--vscode-foreground)); }
  .lane-title.host { color: var(--vscode-debugTokenExpression-string, var(--vscode-foreground)); }
  .lane-title.run { color: var(--vscode-foreground); text-align: left; padding-left: 6px; box-sizing: border-box; }
  .fixed-title { position: absolute; top: 0; left: 0; height: 24px; line-height: 24px; padding-left: 8px; box-sizing: border-box; color: var(--vscode-descriptionForeground); background: var(--vscode-editor-background); z-index: 3; }
  .lifeline { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px dashed var(--vscode-editorIndentGuide-background, var(--vscode-panel-border)); }
  .lane-sep { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px solid var(--vscode-panel-border); }
  #scroller { flex: 1; overflow: auto; position: relative; }
  #spacer { position: relative; }
  #rows { position: absolute; top: 0; left: 0; right: 0; }
  .row { position: absolute; left: 0; height: ${row}px; line-height: ${row}px; cursor: pointer; white-space: nowrap; }
  .row:hover, .row:hover .fixed { background: var(--vscode-list-hoverBackground); }
  .row.selected, .row.selected .fixed { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  .row.loading { color: var(--vscode-descriptionForeground); }
  .fixed { position: absolute; left: 0; top: 0; height: ${row}px; transform: translateX(var(--sx, 0px)); background: var(--vscode-editor-background); z-index: 2; font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); box-sizing: border-box; padding-left: 8px; }
  .fixed .num { display: inline-block; min-width: 3.5em; }
  .fixed .mark { display: inline-block; width: 1.2em; font-weight: 600; }
  .fixed .bus { position: absolute; top: 0; }
  .fixed .name { position: absolute; top: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: var(--vscode-font-family); color: var(--vscode-charts-blue, var(--vscode-foreground)); }
  .fixed .name.toGuest { color: var(--vscode-charts-green, var(--vscode-foreground)); }
  .fixed .name.error { color: var(--vscode-errorForeground); }
  .row.selected .fixed .name { color: inherit; }
  .name-title { position: absolute; top: 0; }
  .ltime { position: absolute; font-family: var(--vscode-editor-font-family); font-size: 0.85em; color: var(--vscode-descriptionForeground); }
  .arrow { position: absolute; top: ${row - 7}px; height: 0; border-top: 2px solid var(--vscode-charts-blue, var(--vscode-foreground)); }
  .arrow.toGuest { border-top-color: var(--vscode-charts-green, var(--vscode-foreground)); }
  .arrow.error { border-top-color: var(--vscode-errorForeground); }
  .arrow .label { position: absolute; bottom: 1px; left: 0; right: 0; text-align: center; line-height: 1.2; white-space: nowrap; font-size: 0.92em; }
  .arrow.error .label { color: var(--vscode-errorForeground); }
  .arrow .head { position: absolute; top: -6px; width: 0; height: 0; border-top: 5px solid transparent; border-bottom: 5px solid transparent; }
  .arrow.toHost .head { right: -1px; border-left: 8px solid var(--vscode-charts-blue, var(--vscode-foreground)); }
  .arrow.toGuest .head { left: -1px; border-right: 8px solid var(--vscode-charts-green, var(--vscode-foreground)); }
  .arrow.error.toHost .head { border-left-color: var(--vscode-errorForeground); }
  .arrow.error.toGuest .head { border-right-color: var(--vscode-errorForeground); }
  .cfg { position: absolute; top: 0; font-size: 0.82em; color: var(--vscode-descriptionForeground); text-align: right; }
  .summary { position: absolute; color: var(--vscode-descriptionForeground); }
  .row.header { cursor: default; font-weight: 600; }
  .row.header .htext { position: absolute; left: 8px; transform: translateX(var(--sx, 0px)); }
  .row.changed .fixed .mark, .row.changed .changes { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
  .row.left .fixed .mark, .row.right .fixed .mark { color: var(--vscode-errorForeground); }
  .row.changed, .row.changed .fixed { background: var(--vscode-diffEditor-insertedLineBackground, var(--vscode-list-hoverBackground)); }
  .row.left .lane-bg, .row.right .lane-bg { position: absolute; top: 0; height: ${row}px; background: var(--vscode-diffEditor-removedLineBackground, var(--vscode-list-hoverBackground)); }
  .row.selected.changed, .row.selected.changed .fixed { background: var(--vscode-list-activeSelectionBackground); }
  .changes { position: absolute; font-size: 0.85em; }
  #detail { flex: none; max-height: 45vh; overflow: auto; border-top: 1px solid var(--vscode-panel-border); padding: 4px 8px; }
  #detail pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); margin: 4px 0; }
  #pair { display: flex; gap: 24px; flex-wrap: wrap; }
  #pair > div { min-width: 0; }
  .bdiff { background: var(--vscode-diffEditor-removedTextBackground, var(--vscode-editorError-background, transparent)); color: var(--vscode-errorForeground); font-weight: 600; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 2px 10px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:disabled { opacity: 0.5; cursor: default; }
`;
}
