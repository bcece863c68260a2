// Every bench module, imported for its figure() registrations.
import './lsp';
import './emulator';
import './wire';
import './dap';
import './long-run';
import './extension';
import './web';
