// Shared by the tools (screenshots, measurements): the server and browser
// helpers of the browser tests.
export { startServer, stopServer, MOKA as MOKA_BIN_PATH } from '../../e2e/lib.js';
export { launchBrowser } from '../lib.js';
