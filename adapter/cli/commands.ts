// Imports every command module so it registers itself.
import './start';
import './run';
import './check';
import './listings';
import './dap';
import './devices';
