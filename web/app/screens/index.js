// Every screen module, imported once so it registers its routes. Add yours
// here (one line). The order does not matter: the most specific pattern is
// not chosen automatically, the first match wins, so keep literal paths
// (/company) from being shadowed by patterns (/:x) — Moka's patterns start
// with a literal segment or "@".
import './signin.js';
import './home.js';
import './thread.js';
import './extra.js'; // profile, edit profile, network, notifications, company/tag streams, settings
export { notFound } from './notfound.js';
