// Live streams on the server's own port (the cases: streaming_suite.js).
import { streamingSuite } from './streaming_suite.js';

streamingSuite();
