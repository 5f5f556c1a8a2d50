// SPDX-License-Identifier: GPL-2.0
/* Parser for the kmemleak report, old and crc formats; see kmemleak.h. */
#include "kmemleak.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

enum state {
	ST_NONE,   /* before the first entry */
	ST_HEADER, /* after "unreferenced object", expecting comm */
	ST_INFO,   /* after comm: hex dump or backtrace */
	ST_HEX,	   /* in the hex dump */
	ST_BT,	   /* in the backtrace */
};

struct pctx {
	struct kmemleak_report *r;
	const char *src;
	long lineno;
	enum state st;
	struct buf hex; /* hex dump lines of the current object */
	struct kerr *e;
};

static int grow(void **p, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static int pool_add(struct kmemleak_report *r, const char *s, size_t n, uint32_t *off)
{
	if (r->pool_len + n + 1 >= KMEMLEAK_NONE)
		return -E2BIG;
	while (r->pool_len + n + 1 > r->pool_cap) {
		size_t ncap = r->pool_cap ? r->pool_cap * 2 : 1 << 16;
		char *p = realloc(r->pool, ncap);

		if (!p)
			return -ENOMEM;
		r->pool = p;
		r->pool_cap = ncap;
	}
	*off = (uint32_t)r->pool_len;
	memcpy(r->pool + r->pool_len, s, n);
	r->pool[r->pool_len + n] = '\0';
	r->pool_len += n + 1;
	return 0;
}

static bool starts(const char *s, size_t len, const char *pfx)
{
	size_t n = strlen(pfx);

	return len >= n && !memcmp(s, pfx, n);
}

static int fail(struct pctx *c, int code, const char *msg)
{
	return kerr_set(c->e, code, c->src, c->lineno, "%s", msg);
}

/* "(size 1024):" tail and the address before it. */
static int parse_header(struct pctx *c, const char *s, size_t len)
{
	struct kmemleak_object o;
	const char *p = s + 19, *end = s + len, *sp;
	int r;

	memset(&o, 0, sizeof(o));
	o.cpu = -1;
	o.hex = KMEMLEAK_NONE;
	o.line = c->lineno;
	if (starts(p, (size_t)(end - p), " (percpu)")) {
		strcpy(o.kind, "percpu");
		p += 9;
	} else if (starts(p, (size_t)(end - p), " (phys)")) {
		strcpy(o.kind, "phys");
		p += 7;
	}
	if (!starts(p, (size_t)(end - p), " 0x"))
		return fail(c, -EINVAL, "expected 'unreferenced object 0xADDR (size N):'");
	p++;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || sp - p > 18 || num_hex_u64(p, (size_t)(sp - p), &o.addr))
		return fail(c, -EINVAL, "invalid object address");
	p = sp + 1;
	if (!starts(p, (size_t)(end - p), "(size ") || end - p < 9 || memcmp(end - 2, "):", 2))
		return fail(c, -EINVAL, "expected '(size N):' after the address");
	r = num_u64(p + 6, (size_t)(end - 2 - (p + 6)), &o.size);
	if (r)
		return fail(c, r, r == -ERANGE ? "object size overflows" : "invalid object size");
	if (c->r->nfids > UINT32_MAX - 1)
		return fail(c, -E2BIG, "too many frames");
	o.frame_start = (uint32_t)c->r->nfids;
	if (grow((void **)&c->r->v, &c->r->cap, c->r->n, sizeof(o), 256))
		return fail(c, -ENOMEM, "out of memory");
	c->r->v[c->r->n++] = o;
	return 0;
}

/* comm "insmod", pid 11247, jiffies 4344145825 (age 3719.606s) */
static int parse_comm(struct pctx *c, struct kmemleak_object *o, const char *s, size_t len)
{
	const char *end = s + len, *q = NULL, *p, *comma;
	size_t n;
	int r;

	for (p = s + 6; p + 7 <= end; p++) /* the last '", pid ' */
		if (!memcmp(p, "\", pid ", 7))
			q = p;
	if (!q)
		return fail(c, -EINVAL, "expected 'comm \"NAME\", pid N, jiffies N'");
	n = (size_t)(q - (s + 6));
	if (n >= sizeof(o->comm))
		return fail(c, -EINVAL, "comm longer than 31 bytes");
	memcpy(o->comm, s + 6, n);
	o->comm[n] = '\0';
	p = q + 7;
	comma = memchr(p, ',', (size_t)(end - p));
	if (!comma || (r = num_i64(p, (size_t)(comma - p), &o->pid)))
		return fail(c, -EINVAL, "invalid pid");
	p = comma + 1;
	if (!starts(p, (size_t)(end - p), " jiffies "))
		return fail(c, -EINVAL, "expected 'jiffies N' after the pid");
	p += 9;
	q = memchr(p, ' ', (size_t)(end - p));
	r = num_u64(p, (size_t)((q ? q : end) - p), &o->jiffies);
	if (r)
		return fail(c, r, r == -ERANGE ? "jiffies overflows" : "invalid jiffies");
	if (!q)
		return 0;
	/* " (age 99.908s)": absent on 6.1 and 6.12 */
	p = q;
	if (!starts(p, (size_t)(end - p), " (age ") || end - p < 9 || memcmp(end - 2, "s)", 2))
		return fail(c, -EINVAL, "expected '(age N.NNNs)' after jiffies");
	r = num_double(p + 6, (size_t)(end - 2 - (p + 6)), &o->age_s);
	if (r)
		return fail(c, -EINVAL, "invalid age");
	o->has_age = true;
	return 0;
}

/* hex dump (first 32 bytes):  /  hex dump (first 32 bytes on cpu 1): */
static int parse_hexhdr(struct pctx *c, struct kmemleak_object *o, const char *s, size_t len)
{
	const char *end = s + len, *p = s + 16, *sp;
	uint64_t v;

	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || num_u64(p, (size_t)(sp - p), &v) || v > UINT32_MAX)
		return fail(c, -EINVAL, "invalid hex dump length");
	o->hex_bytes = (uint32_t)v;
	p = sp;
	if (starts(p, (size_t)(end - p), " bytes):") && end - p == 8)
		return 0;
	if (!starts(p, (size_t)(end - p), " bytes on cpu ") || end - p < 17 ||
	    memcmp(end - 2, "):", 2))
		return fail(c, -EINVAL, "expected 'bytes):' or 'bytes on cpu N):'");
	p += 14;
	if (num_u64(p, (size_t)(end - 2 - p), &v) || v > 1 << 20)
		return fail(c, -EINVAL, "invalid cpu number");
	o->cpu = (int)v;
	return 0;
}

static int parse_bthdr(struct pctx *c, struct kmemleak_object *o, const char *s, size_t len)
{
	uint64_t v;

	if (len == 10 && !memcmp(s, "backtrace:", 10))
		return 0;
	if (len < 18 || !starts(s, len, "backtrace (crc ") || memcmp(s + len - 2, "):", 2) ||
	    num_hex_u64(s + 15, len - 17, &v) || v > UINT32_MAX)
		return fail(c, -EINVAL, "expected 'backtrace:' or 'backtrace (crc HEX):'");
	o->crc = (uint32_t)v;
	o->has_crc = true;
	c->r->crc_format = true;
	return 0;
}

/* "func+0x13/0x30 [mod]" or "0xffffffffa0937013" into f. */
static int parse_frame_text(struct pctx *c, const char *s, size_t len, struct kmemleak_frame *f)
{
	const char *end = s + len, *sp, *plus, *slash;
	int r;

	memset(f, 0, sizeof(*f));
	f->func = f->module = KMEMLEAK_NONE;
	if (starts(s, len, "0x") && !num_hex_u64(s, len, &f->addr))
		return 0;
	sp = memchr(s, ' ', len);
	if (sp) {
		const char *m = sp + 1, *mend;

		if (end - m < 3 || m[0] != '[' || end[-1] != ']')
			return fail(c, -EINVAL, "expected ' [module]' after the frame");
		mend = memchr(m, ' ', (size_t)(end - m)); /* "[mod buildid]" */
		if (!mend)
			mend = end - 1;
		if (mend - m < 2)
			return fail(c, -EINVAL, "empty module name in frame");
		r = pool_add(c->r, m + 1, (size_t)(mend - m - 1), &f->module);
		if (r)
			return fail(c, r, "out of memory");
		end = sp;
	}
	plus = NULL;
	for (const char *p = s; p < end; p++)
		if (*p == '+')
			plus = p;
	if (plus == s)
		return fail(c, -EINVAL, "frame without a function name");
	if (plus) {
		slash = memchr(plus, '/', (size_t)(end - plus));
		if (num_hex_u64(plus + 1, (size_t)((slash ? slash : end) - plus - 1), &f->offset) ||
		    (slash && num_hex_u64(slash + 1, (size_t)(end - slash - 1), &f->size)))
			return fail(c, -EINVAL, "expected 'function+0xOFF/0xSIZE' in frame");
	}
	r = pool_add(c->r, s, (size_t)((plus ? plus : end) - s), &f->func);
	return r ? fail(c, r, "out of memory") : 0;
}

static int parse_frame(struct pctx *c, const char *s, size_t len)
{
	struct kmemleak_report *r = c->r;
	size_t idx;

	if (starts(s, len, "[<")) { /* "[<00000000fbd7cb65>] " */
		const char *q = memchr(s, ']', len);

		if (!q || q[-1] != '>' || (size_t)(q + 1 - s) >= len || q[1] != ' ')
			return fail(c, -EINVAL, "expected '[<ADDR>] frame'");
		len -= (size_t)(q + 2 - s);
		s = q + 2;
	}
	if (len == 0)
		return fail(c, -EINVAL, "empty frame");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(c, -EINVAL, "control byte in frame");
	if (r->nframes >= KMEMLEAK_NONE - 1)
		return fail(c, -E2BIG, "too many distinct frames");
	idx = strmap_intern(&r->frame_map, s, len, r->nframes);
	if (idx == STRMAP_NONE)
		return fail(c, -ENOMEM, "out of memory");
	if (idx == r->nframes) { /* a new distinct frame */
		struct kmemleak_frame f;
		int e;

		/* On failure the whole parse fails: the map's entry dies with it. */
		if ((e = parse_frame_text(c, s, len, &f)))
			return e;
		if ((e = pool_add(r, s, len, &f.text)))
			return fail(c, e, "out of memory");
		if (grow((void **)&r->frames, &r->frames_cap, r->nframes, sizeof(f), 256))
			return fail(c, -ENOMEM, "out of memory");
		r->frames[r->nframes++] = f;
	}
	if (grow((void **)&r->fids, &r->fids_cap, r->nfids, sizeof(uint32_t), 4096))
		return fail(c, -ENOMEM, "out of memory");
	r->fids[r->nfids++] = (uint32_t)idx;
	r->v[r->n - 1].nframes++;
	return 0;
}

static int hex_line(struct pctx *c, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return fail(c, -EINVAL, "control byte in hex dump");
	if ((c->hex.len && buf_append(&c->hex, "\n", 1)) || buf_append(&c->hex, s, len))
		return fail(c, -ENOMEM, "out of memory");
	return 0;
}

/* Ends the current object: it must have reached its backtrace. */
static int finish(struct pctx *c)
{
	struct kmemleak_object *o;
	int r;

	if (c->st == ST_NONE)
		return 0;
	o = &c->r->v[c->r->n - 1];
	if (c->st != ST_BT)
		return kerr_set(c->e, -EINVAL, c->src, o->line, "entry truncated: no %s",
				c->st == ST_HEADER ? "comm line" : "backtrace");
	if (c->hex.len) {
		r = pool_add(c->r, c->hex.data, c->hex.len, &o->hex);
		if (r)
			return kerr_set(c->e, r, c->src, o->line, "out of memory");
	}
	buf_reset(&c->hex);
	return 0;
}

static size_t indent(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	return i;
}

static int parse_line(struct pctx *c, const char *s, size_t len)
{
	size_t ind = indent(s, len);
	struct kmemleak_object *o = c->r->n ? &c->r->v[c->r->n - 1] : NULL;
	const char *t = s + ind;
	size_t tl = len - ind;
	int r;

	if (ind == 0 && starts(s, len, "unreferenced object")) {
		if ((r = finish(c)) || (r = parse_header(c, s, len)))
			return r;
		c->st = ST_HEADER;
		return 0;
	}
	if (c->st == ST_NONE)
		return fail(c, -EINVAL, "expected 'unreferenced object'");
	if (c->st == ST_HEADER) {
		if (!starts(t, tl, "comm \""))
			return fail(c, -EINVAL, "expected 'comm \"NAME\", pid N, jiffies N'");
		c->st = ST_INFO;
		return parse_comm(c, o, t, tl);
	}
	if (ind >= 4 && c->st == ST_HEX)
		return hex_line(c, t, tl);
	if (ind >= 4 && c->st == ST_BT)
		return parse_frame(c, t, tl);
	if (c->st == ST_INFO && starts(t, tl, "hex dump (first ")) {
		c->st = ST_HEX;
		return parse_hexhdr(c, o, t, tl);
	}
	if ((c->st == ST_INFO || c->st == ST_HEX) && starts(t, tl, "backtrace")) {
		c->st = ST_BT;
		return parse_bthdr(c, o, t, tl);
	}
	return fail(c, -EINVAL,
		    c->st == ST_BT ? "expected a backtrace frame or 'unreferenced object'"
				   : "expected 'hex dump' or 'backtrace'");
}

#define LOG_TAG "kmemleak: "

/*
 * A kernel log (dmesg, journalctl -k) holds the report too when kmemleak's
 * `verbose` parameter is set: every line carries "kmemleak: " after the
 * log's own prefix ("[   12.345678] ", "Nov 25 06:00:00 host kernel: ").
 * Returns the text after the tag, or NULL for a line of something else.
 */
static const char *log_payload(const char *line, size_t *len)
{
	const char *t = memmem(line, *len, LOG_TAG, sizeof(LOG_TAG) - 1);

	if (!t)
		return NULL;
	t += sizeof(LOG_TAG) - 1;
	*len -= (size_t)(t - line);
	/* only the report's own lines: "unreferenced object", indented ones */
	if (!starts(t, *len, "unreferenced object") && !starts(t, *len, "  "))
		return NULL;
	return t;
}

/*
 * Log mode: the first non-blank line is no report line, and the text holds
 * a tagged report line somewhere.
 */
static bool is_log(const char *buf, size_t len)
{
	static const char tagged[] = LOG_TAG "unreferenced object";
	struct line_iter it;
	const char *line;
	size_t llen;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &llen)) {
		if (fields_split(line, llen > 4096 ? 4096 : llen, NULL, 0) == 0)
			continue;
		return !starts(line, llen, "unreferenced object") &&
		       memmem(buf, len, tagged, sizeof(tagged) - 1);
	}
	return false;
}

int kmemleak_parse(const char *buf, size_t len, const char *src, struct kmemleak_report *out,
		   struct kerr *e)
{
	struct pctx c = { .r = out, .src = src, .st = ST_NONE, .e = e };
	bool log = is_log(buf, len);
	struct line_iter it;
	const char *line;
	size_t llen;
	int r = 0;

	memset(out, 0, sizeof(*out));
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &llen)) {
		c.lineno = it.lineno;
		if (llen > BUF_LINE_CAP) {
			r = fail(&c, -E2BIG, "line longer than 1 MiB");
			goto out;
		}
		if (log && !(line = log_payload(line, &llen)))
			continue;
		while (llen &&
		       (line[llen - 1] == ' ' || line[llen - 1] == '\r' || line[llen - 1] == '\t'))
			llen--;
		if (llen == 0)
			continue;
		r = parse_line(&c, line, llen);
		if (r)
			goto out;
	}
	r = finish(&c);
out:
	buf_free(&c.hex);
	if (r)
		kmemleak_report_free(out);
	return r;
}

void kmemleak_report_free(struct kmemleak_report *r)
{
	if (!r)
		return;
	free(r->v);
	free(r->fids);
	free(r->frames);
	free(r->pool);
	strmap_free(&r->frame_map);
	memset(r, 0, sizeof(*r));
}
