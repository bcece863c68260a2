// How a stop reads in the editor. VS Code 1.100 shows a stopped event's `description`
// as the thread's (or session's) state label in Call Stack, upper-cased by CSS
// (`.debug-call-stack .state.label { text-transform: uppercase }`), and falls back to
// "Paused on {reason}" without one (microsoft/vscode src/vs/workbench/contrib/debug/
// common/debugModel.ts Thread.stateLabel; browser/callStackView.ts stoppedDescription).
// Its `text` is the hover of that label on the session row and of the one-thread state
// message (callStackView.ts stoppedText), and, for reason `exception` when the adapter
// has no exceptionInfo, the exception widget's text (debugModel.ts Thread.exceptionInfo).
// So the label is a short phrase in VS Code's own words that reads the same upper-cased
// (a message name such as PCI_EJECTION_COMPLETE does), and every detail with lower-case
// names and hex (nic0 BAR0 … 0x0000000c → 0xffffc00c) goes into `text`.
import type { StopInfo } from './runtime';

const EXCEPTION_LABEL: Record<string, string> = {
  'protocol-error': 'Paused on protocol error',
  'error-status': 'Paused on host error status',
  fault: 'Paused on injected fault',
  timeout: 'Paused on timeout',
  undeliverable: 'Paused on undeliverable interrupt',
};

/** The stopped event's `description` (short, VS Code's wording) and `text` (the detail) for a stop. */
export function stopText(s: StopInfo): { description: string; text?: string } {
  const detail = s.description ?? s.text;
  if (s.verbatim && s.description) return { description: s.description, text: s.text ?? s.description };
  let description: string;
  switch (s.reason) {
    case 'pause':
      description = 'Paused';
      break;
    case 'function breakpoint':
      // a message name is upper case already: it reads the same shouted, and says which breakpoint hit
      description = s.message && /^[A-Z0-9_]+$/.test(s.message) ? `Paused on ${s.message}` : 'Paused on function breakpoint';
      break;
    case 'exception':
      description = (s.exception && EXCEPTION_LABEL[s.exception.filter]) ?? 'Paused on exception';
      break;
    case 'restart':
      description = 'Paused on frame restart';
      break;
    case 'end':
      description = 'Scenario finished';
      break;
    default:
      // entry, step, breakpoint, data breakpoint, goto
      description = `Paused on ${s.reason}`;
  }
  return detail ? { description, text: detail } : { description };
}
