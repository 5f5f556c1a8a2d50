/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP basic authentication against the bcrypt hashes of a web
 * configuration (parse/webconfig.h), verified with libcrypt (libxcrypt:
 * $2a$, $2b$, $2y$).
 *
 * bcrypt is slow on purpose (tens of milliseconds at cost 10), and a
 * scraper sends the same credentials every few seconds, so a verified
 * (user, password) pair is remembered (a few, in memory only) and later
 * compared in constant time. Verifications run one at a time: wrong
 * passwords sent in a flood cost one core at most, never all of them.
 * An unknown user costs a bcrypt too, so timing does not tell which users
 * exist.
 */
#ifndef KLEAK_EXPORT_AUTH_H
#define KLEAK_EXPORT_AUTH_H

#include <stdbool.h>

#include "parse/webconfig.h"
#include "util/err.h"

struct auth;

/*
 * Checks that libcrypt can verify every hash of w (crypt_checksalt) and
 * makes the checker; w must outlive it. 0, or -EINVAL with e naming the user.
 */
int auth_new(const struct webconfig *w, const char *src, struct auth **out, struct kerr *e);
/* Whether users are configured (then every request must authenticate). */
bool auth_enabled(const struct auth *a);
/* Whether user and password match; thread-safe. */
bool auth_check(struct auth *a, const char *user, const char *pass);
void auth_free(struct auth *a);

#endif
