// Imports every command module so it registers itself.
import './start';
