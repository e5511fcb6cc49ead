/*
 * web: serves the built web app (scripts/build-web's output, normally
 * build/web) at "/": the app's fingerprinted files under /assets/ (cached
 * for a year), the service worker and the manifest (revalidated with an
 * ETag), and index.html for every other GET path that is not the server's
 * own (/api, /oauth, /auth, /avatars, ...), so that client-side paths like
 * /@alice/123 open the app. Precompressed .br and .gz variants are chosen
 * by Accept-Encoding. HTML carries the Content-Security-Policy.
 */
#ifndef MOKA_WEB_H
#define MOKA_WEB_H

struct config;

/* Registers the web app as the http layer's fallback route. */
void web_register(void);

/* The directory the app is served from: the web_dir setting, or else
 * build/web beside the running binary (DIR/web or DIR/../build/web for a
 * binary in DIR), or else ./build/web. Resolved once; the string lives
 * until the process exits. */
const char *web_dir(const struct config *cfg);

#endif
