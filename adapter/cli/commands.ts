// The CLI's commands, one table: main.ts dispatches on it, and nothing here
// imports main (so the CLI has no import circle).
import type { Command } from './io';
import { runCommand } from './run';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { startCommand } from './start';
import { devicesCommand, lspciCommand } from './devices';
import { dapCommand } from './dap';
import { listingsCommand } from './listings';

export const COMMANDS: readonly Command[] = [runCommand, checkCommand, diffCommand, startCommand, devicesCommand, lspciCommand, dapCommand, listingsCommand];
