// `vpci-lab check <scenario>...`: parse and check scenarios without running
// them; prints every diagnostic with its position. Exit 0 = no errors.
import { registerCommand } from './main';
import { loadReported } from './load-reported';

registerCommand('check', 'check scenarios for errors without running them', (args, io) => {
  if (!args.length) {
    io.err('usage: vpci-lab check <scenario.vpci>...\n');
    return 2;
  }
  let errors = 0;
  for (const file of args) {
    const l = loadReported(file, io, '');
    if (!l) {
      errors++;
      continue;
    }
    errors += l.errors.length;
    if (!l.errors.length) io.out(`${file}: ok${l.diagnostics.length ? ` (${l.diagnostics.length} warning(s))` : ''}\n`);
  }
  return errors ? 1 : 0;
});
