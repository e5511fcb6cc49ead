/*
 * auth_password: argon2id password hashing through libsodium, with a cap on
 * how many hashes run at once (each holds ~19 MiB for ~0.05 s).
 */
#include "auth/auth.h"

#include <semaphore.h>
#include <sodium.h>
#include <string.h>

/* OWASP's minimum for argon2id: m=19 MiB, t=2, p=1 (libsodium uses p=1). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

static sem_t hash_slots;

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

bool auth_password_verify(const char *phc, const char *password)
{
	if (!phc || !*phc || !password)
		return false;
	sem_wait(&hash_slots);
	bool ok = crypto_pwhash_str_verify(phc, password, strlen(password)) == 0;
	sem_post(&hash_slots);
	return ok;
}

const char *auth_password_weak(const char *password)
{
	size_t n = strlen(password);
	if (n < AUTH_MIN_PASSWORD)
		return "password must be at least 12 characters";
	if (n > AUTH_MAX_PASSWORD)
		return "password is too long";
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
