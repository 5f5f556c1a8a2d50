// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the exporter's web config, basic auth, listen address and textfile. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "export/auth.h"
#include "export/httpd.h"
#include "export/textfile.h"
#include "parse/webconfig.h"
#include "util/buf.h"

#define HASH \
	"$2y$04$0jzJf1P.1pRttkFkr/c.SuZjP7MgVFMjrkUY37xZQ3bL6lWgoZzb2" /* alice, "open sesame" */

static int parse(const char *yaml, struct webconfig *w, struct kerr *e)
{
	memset(e, 0, sizeof(*e));
	return webconfig_parse(yaml, strlen(yaml), "web.yml", w, e);
}

static void test_webconfig_ok(void **state)
{
	struct webconfig w;
	struct kerr e;

	(void)state;
	assert_int_equal(parse("tls_server_config:\n  cert_file: a.crt\n  key_file: /k\n"
			       "basic_auth_users:\n  alice: " HASH "\n  bob: '" HASH "'\n"
			       "http_server_config:\n  http2: false\n",
			       &w, &e),
			 0);
	assert_true(w.tls);
	assert_string_equal(w.cert_file, "a.crt");
	assert_string_equal(w.key_file, "/k");
	assert_int_equal(w.nusers, 2);
	assert_string_equal(w.users[1].name, "bob");
	assert_string_equal(w.users[1].hash, HASH);
	webconfig_free(&w);
	assert_int_equal(parse("", &w, &e), 0); /* empty: plain HTTP */
	assert_false(w.tls);
	assert_int_equal(w.nusers, 0);
	assert_int_equal(parse("# only a comment\n", &w, &e), 0);
	webconfig_free(&w);
}

static void expect_error(const char *yaml, long line, const char *msg)
{
	struct webconfig w;
	struct kerr e;

	assert_int_equal(parse(yaml, &w, &e), -EINVAL);
	assert_string_equal(e.src, "web.yml");
	assert_int_equal(e.line, line);
	if (!strstr(e.msg, msg))
		fail_msg("'%s' lacks '%s'", e.msg, msg);
}

static void test_webconfig_errors(void **state)
{
	(void)state;
	expect_error("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n", 4,
		     "not supported by kleak: tls_server_config: client_ca_file");
	expect_error("tls_server_config:\n  cert_file: a\n", 2, "needs cert_file and key_file");
	expect_error("basic_auth_users:\n  alice: hunter2\n", 2, "not a bcrypt hash");
	expect_error("basic_auth_users:\n  alice: " HASH "\n  alice: " HASH "\n", 3,
		     "duplicate user");
	expect_error("basic_auth_users:\n  'a:b': " HASH "\n", 2, "bad user name");
	expect_error("foo: 1\n", 1, "unknown key: foo");
	expect_error("http_server_config:\n  headers: {}\n", 2, "not supported");
	expect_error("http_server_config:\n  http2: maybe\n", 2, "true or false");
	expect_error("- a\n- b\n", 1, "expected a mapping");
	expect_error("basic_auth_users: [a, b]\n", 1, "expected a mapping");
	expect_error("tls_server_config:\n  cert_file: [x]\n  key_file: k\n", 2,
		     "expected a string");
	expect_error("a: b: c\n", 1, "YAML");
	expect_error("tls_server_config: {cert_file: \"\", key_file: k}\n", 1, "empty or too long");
}

static void test_auth(void **state)
{
	struct webconfig w;
	struct auth *a;
	struct kerr e;

	(void)state;
	assert_int_equal(parse("basic_auth_users:\n  alice: " HASH "\n", &w, &e), 0);
	assert_int_equal(auth_new(&w, "web.yml", &a, &e), 0);
	assert_true(auth_enabled(a));
	assert_false(auth_check(a, "alice", "open sesam"));
	assert_false(auth_check(a, "alice", ""));
	assert_false(auth_check(a, "bob", "open sesame"));
	assert_false(auth_check(a, NULL, "open sesame"));
	assert_true(auth_check(a, "alice", "open sesame"));
	assert_true(auth_check(a, "alice", "open sesame")); /* cached */
	assert_false(auth_check(a, "alice", "open sesame!"));
	auth_free(a);
	webconfig_free(&w);
	/* A $2y$ hash with a cost libcrypt refuses. */
	assert_int_equal(parse("basic_auth_users:\n  x: $2y$04$tooshort\n", &w, &e), 0);
	assert_int_equal(auth_new(&w, "web.yml", &a, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "x: hash not supported"));
	webconfig_free(&w);
}

static void test_listen(void **state)
{
	struct sockaddr_storage ss;
	struct kerr e;

	(void)state;
	assert_int_equal(httpd_parse_listen("127.0.0.1:19117", &ss, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(httpd_parse_listen("[::1]:0", &ss, &e), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(httpd_parse_listen(":9", &ss, &e), 0);
	assert_int_equal(httpd_parse_listen("localhost:80", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("127.0.0.1", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("127.0.0.1:", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("127.0.0.1:65536", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("127.0.0.1:-1", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("[::1:80", &ss, &e), -EINVAL);
	assert_int_equal(httpd_parse_listen("::1:80", &ss, &e), 0); /* the last colon */
}

static void test_textfile(void **state)
{
	char dir[] = "/tmp/kleak-textfile.XXXXXX", path[64];
	struct buf b = { 0 };
	struct dirent *d;
	struct kerr e = { 0 };
	int n = 0;
	DIR *dp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kleak.prom", dir);
	assert_int_equal(textfile_write(path, "a 1\n", 4, &e), 0);
	assert_int_equal(textfile_write(path, "a 2\n", 4, &e), 0);
	assert_int_equal(buf_read_file(&b, path, 1024, &e), 0);
	assert_string_equal(b.data, "a 2\n");
	dp = opendir(dir);
	while ((d = readdir(dp)))
		n += strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	assert_int_equal(n, 1); /* no temporary left */
	closedir(dp);
	assert_int_equal(textfile_write("/nonexistent-dir/x.prom", "a", 1, &e), -ENOENT);
	assert_string_equal(e.src, "/nonexistent-dir/x.prom");
	unlink(path);
	rmdir(dir);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webconfig_ok), cmocka_unit_test(test_webconfig_errors),
		cmocka_unit_test(test_auth),	     cmocka_unit_test(test_listen),
		cmocka_unit_test(test_textfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
