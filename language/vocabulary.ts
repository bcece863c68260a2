// The scenario language's fixed words, from the parser's own keyword lists, so
// completion and semantic tokens never drift from what parses.
import {
  BUS_STATES,
  TOP_KEYWORDS,
  VM_KEYWORDS,
  BUS_KEYWORDS,
  EVENT_KEYWORDS,
  FAULT_ACTIONS,
  FUNCTION_OPTIONS,
} from '../emulator/scenario/parser';

export { BUS_STATES, TOP_KEYWORDS, VM_KEYWORDS, BUS_KEYWORDS, EVENT_KEYWORDS, FAULT_ACTIONS, FUNCTION_OPTIONS };

export const DRIVER_MODES = ['msix', 'msi', 'none'] as const;
export const OUTCOMES = ['delivered', 'undeliverable'] as const;
export const EXPECT_BUS_FORMS = ['version', 'msix', 'vector'] as const;

export const KEYWORDS: ReadonlySet<string> = new Set<string>([
  ...TOP_KEYWORDS,
  ...VM_KEYWORDS,
  ...BUS_KEYWORDS,
  ...EVENT_KEYWORDS,
  ...FAULT_ACTIONS,
  ...FUNCTION_OPTIONS,
  'size',
  'dump',
  'msix',
  'msi',
  'vector',
  'cpu',
  'times',
  'before',
  'count',
  'version',
  'message',
  'on',
  'no',
  'errors',
]);

export const CONSTANT_WORDS: ReadonlySet<string> = new Set<string>([...BUS_STATES, ...OUTCOMES, 'none', 'off']);
