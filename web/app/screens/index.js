// Every screen module, imported once so it registers its routes. The first
// match wins, so keep literal paths (/company) from being shadowed by
// patterns (/:x) — Moka's patterns start with a literal segment or "@".
//
// Sign in, Home and the thread are loaded with the app (the first load of
// Home needs nothing else); the other screens (extra.js) are loaded just
// after the first screen shows, or at once when the first path is theirs.
// Add a screen to extra.js unless Home needs it.
import './signin.js';
import './home.js';
import './thread.js';
export const moreScreens = () => import('./extra.js'); // profile, edit profile, network, notifications, company/tag streams, settings
export { notFound } from './notfound.js';
