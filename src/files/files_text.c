/*
 * files_text: the text of documents, for search — extracted once per
 * blob by a background worker, so an upload's answer never waits for it.
 *
 * Text types (text/…, but HTML) are read directly; PDFs go through
 * poppler's pdftotext run as a child process (a malformed PDF can crash
 * or hang only the child) with a time limit, a memory limit and an output
 * cap. The text is made valid UTF-8 (a file that is not UTF-8 is read as
 * Latin-1), control characters become spaces, and it is cut at
 * FILES_TEXT_MAX bytes. The worker records it in the store
 * (store_file_text_put), whose trigger fills the search row of every
 * file naming the blob; name, tags and description are indexed in the
 * upload's own transaction.
 *
 * Work arrives through files_text_queue (after a create or a new version
 * commits); at start, and whenever the queue overflowed, the worker scans
 * the store for documents whose blob has no text yet.
 */
#include "files/files_int.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define QUEUE_MAX 256
#define SCAN_BATCH 64
#define PDF_TIMEOUT_MS 10000
#define PDF_MEMORY (512ul << 20)

/* --- pure helpers ------------------------------------------------------------- */

bool files_text_type(const char *content_type)
{
	if (!content_type)
		return false;
	if (!strncmp(content_type, "application/pdf", 15))
		return true;
	return !strncmp(content_type, "text/", 5) && strncmp(content_type, "text/html", 9) != 0;
}

/* Bytes of the UTF-8 sequence led by ch (0 for a continuation byte). */
static size_t seq_len(unsigned char ch)
{
	return ch < 0x80 ? 1 : ch < 0xc0 ? 0 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
}

/* Is s[0..n) UTF-8 but for an incomplete last character (cut by a cap)? */
static bool utf8_but_tail(const char *s, size_t n)
{
	if (text_utf8_valid(s, n))
		return true;
	size_t i = n; /* back over continuation bytes to the last lead byte */
	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return false;
	size_t k = seq_len((unsigned char)s[i - 1]);
	return k > 1 && n - (i - 1) < k && text_utf8_valid(s, i - 1);
}

size_t files_text_clean(const char *in, size_t n, char *out, size_t cap)
{
	bool utf8 = utf8_but_tail(in, n);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)in[i];
		if (ch < 0x80) {
			if (o + 1 > cap)
				break;
			out[o++] =
			    (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? ' ' : (char)ch;
			i++;
		} else if (utf8) {
			size_t k = seq_len(ch);
			if (k == 0 || i + k > n || o + k > cap)
				break; /* the cut tail */
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
		} else { /* Latin-1; its C1 controls become spaces */
			if (o + 2 > cap)
				break;
			if (ch < 0xa0) {
				out[o++] = ' ';
			} else {
				out[o++] = (char)(0xc0 | (ch >> 6));
				out[o++] = (char)(0x80 | (ch & 0x3f));
			}
			i++;
		}
	}
	return o;
}

/* The worker's state: a queue of blobs to read, under lock. */
struct item {
	char sha256[65];
	char content_type[128];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct item q[QUEUE_MAX];
	unsigned head, n;
	bool rescan; /* the queue overflowed: look in the store */
	_Atomic bool stop;
	bool running;
	char pdftotext[256]; /* its path, found before any fork */
	pthread_t thread;
} wk = {.lock = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* --- extraction ---------------------------------------------------------------- */

/* Reads at most cap bytes of fd into buf until EOF or the deadline (µs on
 * the monotonic clock; 0: none). The count, or -1 on a timeout or error. */
static ssize_t read_capped(int fd, char *buf, size_t cap, int64_t deadline_us)
{
	size_t n = 0;
	while (n < cap) {
		if (deadline_us) {
			int64_t left = (deadline_us - clock_mono_us()) / 1000;
			if (left <= 0)
				return -1;
			struct pollfd p = {.fd = fd, .events = POLLIN};
			int r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
			if (r < 0 && errno != EINTR)
				return -1;
			if (r <= 0)
				continue;
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		n += (size_t)k;
	}
	return (ssize_t)n;
}

/* The child: limits, stdout to the pipe, nothing else open, pdftotext. */
static void pdf_child(const char *exe, const char *path, int out)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct rlimit cpu = {PDF_TIMEOUT_MS / 1000, PDF_TIMEOUT_MS / 1000 + 1};
	struct rlimit mem = {PDF_MEMORY, PDF_MEMORY};
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_AS, &mem);
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	execl(exe, "pdftotext", "-q", "-enc", "UTF-8", "-nopgbrk", path, "-", (char *)NULL);
	_exit(127);
}

/* pdftotext's output for path, at most cap bytes, in buf: the count, or -1. */
static ssize_t pdf_text(const char *path, char *buf, size_t cap)
{
	if (!wk.pdftotext[0])
		return -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0)
		pdf_child(wk.pdftotext, path, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	ssize_t n = read_capped(p[0], buf, cap, clock_mono_us() + PDF_TIMEOUT_MS * 1000LL);
	close(p[0]);
	kill(pid, SIGKILL); /* done, over the cap, or out of time: no more needed */
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (n < 0 || (!clean && (size_t)n < cap))
		return -1; /* killed before its end, or failed */
	return n;
}

/* Reads and cleans the text of blob path of content_type into *out
 * (malloc'd, NUL-terminated), its length in *len. */
static enum file_text_status extract(const char *path, const char *content_type, char **out,
				     size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!files_text_type(content_type))
		return FILE_TEXT_NONE;
	size_t cap = FILES_TEXT_MAX + 3; /* room for a character cut by the cap */
	char *raw = malloc(cap);
	if (!raw)
		return FILE_TEXT_FAILED;
	ssize_t n;
	if (!strncmp(content_type, "application/pdf", 15)) {
		n = pdf_text(path, raw, cap);
	} else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read_capped(fd, raw, cap, 0);
		if (fd >= 0)
			close(fd);
	}
	if (n < 0) {
		free(raw);
		return FILE_TEXT_FAILED;
	}
	char *text = malloc(FILES_TEXT_MAX + 1);
	if (!text) {
		free(raw);
		return FILE_TEXT_FAILED;
	}
	*len = files_text_clean(raw, (size_t)n, text, FILES_TEXT_MAX);
	text[*len] = '\0';
	free(raw);
	*out = text;
	size_t i = 0;
	while (i < *len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t'))
		i++;
	return i < *len ? FILE_TEXT_OK : FILE_TEXT_NONE;
}

/* --- the worker ------------------------------------------------------------------ */

void files_text_queue(const char *sha256, const char *content_type)
{
	if (!sha256 || !files_text_type(content_type))
		return;
	pthread_mutex_lock(&wk.lock);
	if (wk.n == QUEUE_MAX) {
		wk.rescan = true;
	} else {
		struct item *it = &wk.q[(wk.head + wk.n++) % QUEUE_MAX];
		snprintf(it->sha256, sizeof(it->sha256), "%s", sha256);
		snprintf(it->content_type, sizeof(it->content_type), "%s", content_type);
	}
	pthread_cond_signal(&wk.cv);
	pthread_mutex_unlock(&wk.lock);
}

/* Extracts and records the text of blob sha256 unless it has one. */
static void do_one(struct app *app, const char *sha256, const char *content_type)
{
	if (!strncmp(content_type, "application/pdf", 15) && !wk.pdftotext[0])
		return; /* no pdftotext here: recorded by a later start that has it */
	if (store_file_text_has(store_reader(app->store), sha256) != 0)
		return;
	struct arena *a = arena_new();
	const char *path = files_blob_path(a, files_dir(app, a, ""), sha256);
	char *text;
	size_t len;
	int64_t t0 = clock_mono_us();
	enum file_text_status st = extract(path, content_type, &text, &len);
	int64_t took = clock_mono_us() - t0;
	if (st == FILE_TEXT_FAILED)
		log_info("files: no text from %.12s… (%s) after %.0f ms", sha256, content_type,
			 (double)took / 1000);
	struct tx *tx = tx_begin(app);
	if (tx) {
		if (store_file_text_put(tx_conn(tx), sha256, st == FILE_TEXT_OK ? text : "", st,
					clock_now_ms()) == STORE_OK)
			tx_commit(tx);
		else
			tx_rollback(tx);
	}
	free(text);
	arena_free(a);
}

/* Documents whose blob has no text yet, from the store. */
static void scan(struct app *app)
{
	int64_t after = 0;
	for (;;) {
		struct arena *a = arena_new();
		struct file_text_todo todo[SCAN_BATCH];
		int n =
		    store_file_text_missing(store_reader(app->store), a, after, SCAN_BATCH, todo);
		for (int i = 0; i < n && !wk.stop; i++) {
			do_one(app, todo[i].sha256, todo[i].content_type);
			after = todo[i].file_id;
		}
		arena_free(a);
		if (n < SCAN_BATCH || wk.stop)
			return;
	}
}

static void *worker(void *arg)
{
	struct app *app = arg;
	bool rescan = true;
	for (;;) {
		if (rescan)
			scan(app);
		pthread_mutex_lock(&wk.lock);
		while (!wk.stop && !wk.n && !wk.rescan)
			pthread_cond_wait(&wk.cv, &wk.lock);
		if (wk.stop) {
			pthread_mutex_unlock(&wk.lock);
			return NULL;
		}
		struct item it = {0};
		bool have = wk.n > 0;
		if (have) {
			it = wk.q[wk.head];
			wk.head = (wk.head + 1) % QUEUE_MAX;
			wk.n--;
		}
		rescan = wk.rescan;
		wk.rescan = false;
		pthread_mutex_unlock(&wk.lock);
		if (have)
			do_one(app, it.sha256, it.content_type);
	}
}

/* pdftotext's full path from PATH (exec in the child must not search). */
static void find_pdftotext(void)
{
	const char *path = getenv("PATH");
	wk.pdftotext[0] = '\0';
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char exe[sizeof(wk.pdftotext)];
		if (n && n < sizeof(exe) - 12) {
			snprintf(exe, sizeof(exe), "%.*s/pdftotext", (int)n, p);
			if (access(exe, X_OK) == 0) {
				memcpy(wk.pdftotext, exe, sizeof(exe));
				return;
			}
		}
		p += n + (e != NULL);
	}
	log_info("files: pdftotext not found (poppler-utils): PDFs are searched by name only");
}

void files_text_start(struct app *app)
{
	if (wk.running)
		return;
	find_pdftotext();
	wk.stop = false;
	wk.running = pthread_create(&wk.thread, NULL, worker, app) == 0;
}

void files_text_stop(void)
{
	if (!wk.running)
		return;
	pthread_mutex_lock(&wk.lock);
	wk.stop = true;
	pthread_cond_signal(&wk.cv);
	pthread_mutex_unlock(&wk.lock);
	pthread_join(wk.thread, NULL);
	wk.running = false;
	wk.n = 0;
}
