// SPDX-License-Identifier: GPL-2.0
/* Basic authentication with bcrypt hashes and a small cache; see auth.h. */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_CACHE 8
#define AUTH_FIELD 256

/* A hash no password matches, verified for unknown users (same cost). */
static const char dummy_hash[] = "$2y$10$TCR0wuiBr9AOAdRNug4zhe08ok6B72K2VPQwALPYlf7JpVRcVysFu";

struct auth_entry {
	char user[AUTH_FIELD], pass[AUTH_FIELD];
	bool used;
};

struct auth {
	const struct webconfig *w;
	pthread_mutex_t cache_mu, crypt_mu;
	struct auth_entry cache[AUTH_CACHE];
	unsigned next;
	struct crypt_data *cd; /* 32 KiB: under crypt_mu */
};

int auth_new(const struct webconfig *w, const char *src, struct auth **out, struct kerr *e)
{
	struct auth *a = calloc(1, sizeof(*a));

	if (a)
		a->cd = calloc(1, sizeof(*a->cd));
	if (!a || !a->cd) {
		free(a);
		return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	a->w = w;
	pthread_mutex_init(&a->cache_mu, NULL);
	pthread_mutex_init(&a->crypt_mu, NULL);
	/*
	 * crypt_checksalt judges the method and cost only; hashing once with
	 * the stored hash as setting checks the whole of it (length, salt and
	 * digest alphabet) before the first scraper is refused for it.
	 */
	for (size_t i = 0; i < w->nusers; i++) {
		const char *h = w->users[i].hash, *got = NULL;

		if (crypt_checksalt(h) == CRYPT_SALT_OK)
			got = crypt_r("", h, a->cd);
		if (!got || got[0] == '*' || strlen(got) != strlen(h)) {
			auth_free(a);
			return kerr_set(e, -EINVAL, src, 0,
					"basic_auth_users: %s: hash not supported by libcrypt",
					w->users[i].name);
		}
	}
	*out = a;
	return 0;
}

bool auth_enabled(const struct auth *a)
{
	return a && a->w->nusers;
}

/* Compares two strings in time that depends on their lengths only. */
static bool const_eq(const char *x, const char *y)
{
	size_t n = strlen(x), m = strlen(y);
	unsigned char d = n != m;

	for (size_t i = 0; i < n && i < m; i++)
		d |= (unsigned char)(x[i] ^ y[i]);
	return !d;
}

static bool cached(struct auth *a, const char *user, const char *pass)
{
	bool hit = false;

	pthread_mutex_lock(&a->cache_mu);
	for (int i = 0; i < AUTH_CACHE; i++)
		/* both compared, always: & of ints, not && (constant time) */
		hit |= a->cache[i].used && ((unsigned)const_eq(a->cache[i].user, user) &
					    (unsigned)const_eq(a->cache[i].pass, pass));
	pthread_mutex_unlock(&a->cache_mu);
	return hit;
}

static void remember(struct auth *a, const char *user, const char *pass)
{
	struct auth_entry *c;

	if (strlen(user) >= AUTH_FIELD || strlen(pass) >= AUTH_FIELD)
		return;
	pthread_mutex_lock(&a->cache_mu);
	c = &a->cache[a->next++ % AUTH_CACHE];
	strcpy(c->user, user);
	strcpy(c->pass, pass);
	c->used = true;
	pthread_mutex_unlock(&a->cache_mu);
}

static bool verify(struct auth *a, const char *pass, const char *hash)
{
	const char *h;
	bool ok;

	pthread_mutex_lock(&a->crypt_mu);
	memset(a->cd, 0, sizeof(*a->cd));
	h = crypt_r(pass, hash, a->cd);
	ok = h && h[0] != '*' && const_eq(h, hash);
	pthread_mutex_unlock(&a->crypt_mu);
	return ok;
}

bool auth_check(struct auth *a, const char *user, const char *pass)
{
	const char *hash = NULL;
	bool ok;

	if (!user || !pass)
		return false;
	for (size_t i = 0; i < a->w->nusers && !hash; i++)
		if (!strcmp(a->w->users[i].name, user))
			hash = a->w->users[i].hash;
	if (hash && cached(a, user, pass))
		return true;
	ok = verify(a, pass, hash ? hash : dummy_hash) && hash;
	if (ok)
		remember(a, user, pass);
	return ok;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	explicit_bzero(a->cache, sizeof(a->cache));
	pthread_mutex_destroy(&a->cache_mu);
	pthread_mutex_destroy(&a->crypt_mu);
	free(a->cd);
	free(a);
}
