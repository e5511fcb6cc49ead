/*
 * auth_page: the OAuth sign-in and consent page, and the pages showing an
 * out-of-band code or an error. Self-contained HTML: no scripts, no
 * external resources, one inline style carrying the response's CSP nonce.
 * Every piece of text that came from a user or a client is escaped here.
 */
#include "auth/auth.h"
#include "core/buf.h"

#include <string.h>

void auth_html_escape(struct buf *out, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(out, "&amp;");
			break;
		case '<':
			buf_puts(out, "&lt;");
			break;
		case '>':
			buf_puts(out, "&gt;");
			break;
		case '"':
			buf_puts(out, "&quot;");
			break;
		case '\'':
			buf_puts(out, "&#39;");
			break;
		default:
			buf_putc(out, *s);
			break;
		}
	}
}

static void head(struct buf *out, const char *title, const char *nonce)
{
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<meta name=\"referrer\" content=\"no-referrer\"><title>");
	auth_html_escape(out, title);
	buf_puts(out, " · Moka</title><style nonce=\"");
	auth_html_escape(out, nonce);
	buf_puts(
	    out,
	    "\">"
	    "body{font:16px/1.5 system-ui,sans-serif;background:#f4f1ec;color:#222;margin:0}"
	    "main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;"
	    "border-radius:.75rem;box-shadow:0 2px 12px #0002}"
	    "h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.75rem 0 .25rem}"
	    "input[type=text],input[type=password]{width:100%;box-sizing:border-box;"
	    "padding:.5rem;font:inherit;border:1px solid #bbb;border-radius:.4rem}"
	    "ul{padding-left:1.2rem}.err{background:#fde8e8;color:#8a1c1c;padding:.5rem .75rem;"
	    "border-radius:.4rem}.row{display:flex;gap:.75rem;margin-top:1.25rem}"
	    "button{flex:1;padding:.6rem;font:inherit;border-radius:.4rem;border:0;"
	    "background:#6b4423;color:#fff;cursor:pointer}button.deny{background:#ddd;color:#222}"
	    "code{display:block;word-break:break-all;background:#f4f1ec;padding:.75rem;"
	    "border-radius:.4rem;font-size:1.1rem}small{color:#666}"
	    "</style></head><body><main>");
}

static void tail(struct buf *out)
{
	buf_puts(out, "</main></body></html>\n");
}

static void hidden(struct buf *out, const char *name, const char *value)
{
	if (!value)
		return;
	buf_printf(out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	auth_html_escape(out, value);
	buf_puts(out, "\">");
}

/* The requested scopes as a list, one item per scope. */
static void scope_list(struct buf *out, const char *scope)
{
	buf_puts(out, "<ul>");
	const char *p = scope ? scope : "";
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char one[80];
		if (n >= sizeof(one))
			n = sizeof(one) - 1;
		memcpy(one, p, n);
		one[n] = '\0';
		buf_puts(out, "<li>");
		auth_html_escape(out, one);
		buf_puts(out, "</li>");
		p += e ? (size_t)(e - p) : strlen(p);
	}
	buf_puts(out, "</ul>");
}

void auth_page_authorize(struct buf *out, const struct auth_page *p, const char *nonce)
{
	head(out, "Authorize", nonce);
	buf_puts(out, "<h1>Authorize ");
	auth_html_escape(out, p->app_name);
	buf_puts(out, "</h1>");
	if (p->app_website) {
		buf_puts(out, "<p><small>");
		auth_html_escape(out, p->app_website);
		buf_puts(out, "</small></p>");
	}
	if (p->error) {
		buf_puts(out, "<p class=\"err\" role=\"alert\">");
		auth_html_escape(out, p->error);
		buf_puts(out, "</p>");
	}
	buf_puts(out, "<p>This application asks for access to your Moka account:</p>");
	scope_list(out, p->scope);
	buf_puts(out, "<form method=\"post\" action=\"/oauth/authorize\">");
	hidden(out, "response_type", "code");
	hidden(out, "client_id", p->client_id);
	hidden(out, "redirect_uri", p->redirect_uri);
	hidden(out, "scope", p->scope);
	hidden(out, "state", p->state);
	hidden(out, "code_challenge", p->code_challenge);
	hidden(out, "code_challenge_method", p->code_challenge_method);
	if (p->signed_in_as) {
		hidden(out, "csrf_token", p->csrf);
		buf_puts(out, "<p>Signed in as <strong>");
		auth_html_escape(out, p->signed_in_as);
		buf_puts(out, "</strong>.</p>");
	} else {
		buf_puts(out,
			 "<label for=\"u\">Username or email</label>"
			 "<input type=\"text\" id=\"u\" name=\"username\" autocomplete=\"username\""
			 " autocapitalize=\"none\" required>"
			 "<label for=\"p\">Password</label>"
			 "<input type=\"password\" id=\"p\" name=\"password\""
			 " autocomplete=\"current-password\" required>");
	}
	buf_puts(out, "<div class=\"row\">"
		      "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"deny\""
		      " formnovalidate>Deny</button>"
		      "<button type=\"submit\" name=\"decision\" value=\"allow\">Authorize</button>"
		      "</div></form>");
	tail(out);
}

void auth_page_code(struct buf *out, const char *app_name, const char *code, const char *nonce)
{
	head(out, "Authorization code", nonce);
	buf_puts(out, "<h1>Authorization code</h1><p>Copy this code and paste it into ");
	auth_html_escape(out, app_name);
	buf_puts(out, ":</p><code id=\"code\">");
	auth_html_escape(out, code);
	buf_puts(out, "</code><p><small>It works once, within 10 minutes.</small></p>");
	tail(out);
}

void auth_page_error(struct buf *out, const char *message, const char *nonce)
{
	head(out, "Cannot authorize", nonce);
	buf_puts(out, "<h1>Cannot authorize this application</h1><p class=\"err\">");
	auth_html_escape(out, message);
	buf_puts(out, "</p>");
	tail(out);
}
