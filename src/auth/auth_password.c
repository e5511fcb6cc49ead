/*
 * auth_password: argon2id password hashing through libsodium, with a cap on
 * how many hashes run at once (each holds ~19 MiB for ~0.05 s), and the
 * random secrets every other credential is made of.
 */
#include "auth/auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>

/* OWASP's minimum for argon2id: m=19 MiB, t=2, p=1 (libsodium uses p=1). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

static sem_t hash_slots;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_phc[crypto_pwhash_STRBYTES];

int auth_init(unsigned hash_concurrency)
{
	if (sodium_init() < 0)
		return -1;
	return sem_init(&hash_slots, 0, hash_concurrency ? hash_concurrency : 2);
}

int auth_password_hash(const char *password, char *out, size_t out_size)
{
	if (out_size < crypto_pwhash_STRBYTES)
		return -1;
	sem_wait(&hash_slots);
	int rc = crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
				       crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&hash_slots);
	return rc == 0 ? 0 : -1;
}

/* A hash of a random password nobody knows: verifying against it costs what
 * a real verification costs. */
static void dummy_init(void)
{
	char pw[AUTH_SECRET_LEN];
	auth_secret_new(pw);
	if (auth_password_hash(pw, dummy_phc, sizeof(dummy_phc)) < 0)
		dummy_phc[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

bool auth_password_verify(const char *phc, const char *password)
{
	bool real = phc && *phc;
	if (!real) {
		pthread_once(&dummy_once, dummy_init);
		phc = dummy_phc;
	}
	if (!password || !*phc)
		return false;
	sem_wait(&hash_slots);
	bool ok = crypto_pwhash_str_verify(phc, password, strlen(password)) == 0;
	sem_post(&hash_slots);
	return ok && real;
}

const char *auth_password_weak(const char *password)
{
	size_t bytes = strlen(password), chars = 0;
	bool all_same = true;
	for (size_t i = 0; i < bytes; i++) {
		unsigned char c = (unsigned char)password[i];
		if ((c & 0xc0) != 0x80)
			chars++; /* count characters, not UTF-8 bytes */
		if (c < 0x20 || c == 0x7f)
			return "password must not contain control characters";
		if (c != (unsigned char)password[0])
			all_same = false;
	}
	if (chars < AUTH_MIN_PASSWORD)
		return "password must be at least 12 characters";
	if (bytes > AUTH_MAX_PASSWORD)
		return "password is too long (at most 1024 bytes)";
	if (all_same)
		return "password must not repeat a single character";
	return NULL;
}

void auth_secret_new(char out[AUTH_SECRET_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_SECRET_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void auth_secret_hash(const char *secret, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)secret, strlen(secret));
}

bool auth_secret_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	/* compare digests so the time does not depend on where they differ or their lengths */
	unsigned char ha[32], hb[32];
	auth_secret_hash(a, ha);
	auth_secret_hash(b, hb);
	return sodium_memcmp(ha, hb, 32) == 0;
}
