// The scenario language's fixed words, from the language's own keyword tables
// (emulator/scenario/keywords.ts and events.ts), so completion and semantic
// tokens never drift from what parses.
import {
  BUS_STATES,
  TOP_KEYWORDS,
  VM_KEYWORDS,
  BUS_KEYWORDS,
  FUNCTION_OPTION_KEYWORDS as FUNCTION_OPTIONS,
  DRIVER_MODES,
  OUTCOMES,
  EXPECT_BUS_FORMS,
  ARGUMENT_WORDS,
  CONSTANT_WORDS as CONSTANTS,
} from '../emulator/scenario/keywords';
import { EVENT_KEYWORDS, FAULT_ACTION_KEYWORDS as FAULT_ACTIONS } from '../emulator/scenario/events';

export { BUS_STATES, TOP_KEYWORDS, VM_KEYWORDS, BUS_KEYWORDS, EVENT_KEYWORDS, FAULT_ACTIONS, FUNCTION_OPTIONS, DRIVER_MODES, OUTCOMES, EXPECT_BUS_FORMS };

export const KEYWORDS: ReadonlySet<string> = new Set<string>([
  ...TOP_KEYWORDS,
  ...VM_KEYWORDS,
  ...BUS_KEYWORDS,
  ...EVENT_KEYWORDS,
  ...FAULT_ACTIONS,
  ...FUNCTION_OPTIONS,
  ...ARGUMENT_WORDS,
]);

export const CONSTANT_WORDS: ReadonlySet<string> = new Set<string>(CONSTANTS);
