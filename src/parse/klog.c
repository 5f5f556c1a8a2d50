// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log's formats (see klog.h): each line of /dev/kmsg records,
 * dmesg or journalctl output becomes message lines with their stamps
 * (sequence number, printk's clock, the wall clock the log gives, the
 * caller), which klog_report.c assembles into events.
 */
#include "klog_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/num.h"

struct fctx {
	struct klog_ctx rc;
	const char *src;
	const struct klog_parse_opts *o;
	struct kerr *e;
	long lineno;
	struct klog_stamp last; /* the previous record's stamp */
	bool have_last;		/* a kernel record came (journal: not skipped) */
	bool stamped;		/* dmesg: the first line had a stamp */
	struct buf text;	/* a /dev/kmsg record's text, unescaped */
};

static const char *const kind_names[KLOG_KIND_COUNT] = {
	[KLOG_OOM] = "oom",
	[KLOG_ALLOC_TAG_UNLOAD] = "alloc_tag_unload",
	[KLOG_KMEMLEAK] = "kmemleak",
	[KLOG_PAGE_ALLOC_FAILURE] = "page_alloc_failure",
	[KLOG_VMALLOC_ERROR] = "vmalloc_error",
	[KLOG_SLUB_ALLOC_FAILURE] = "slub_alloc_failure",
};

const char *klog_kind_name(enum klog_kind k)
{
	return k < KLOG_KIND_COUNT ? kind_names[k] : "?";
}

const char *klog_format_name(enum klog_format f)
{
	static const char *const names[] = { "none", "kmsg", "dmesg", "journal" };

	return f <= KLOG_FMT_JOURNAL ? names[f] : "?";
}

static int fail(struct fctx *c, const char *msg)
{
	return kerr_set(c->e, -EINVAL, c->src, c->lineno, "%s", msg);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Digits at *p (at most max), as a number; advances *p. false if none. */
static bool digits(const char **p, const char *end, size_t max, uint64_t *v)
{
	const char *s = *p;

	while (*p < end && is_digit(**p) && (size_t)(*p - s) < max)
		(*p)++;
	return *p > s && !num_u64(s, (size_t)(*p - s), v);
}

static bool lit(const char **p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n || memcmp(*p, s, n))
		return false;
	*p += n;
	return true;
}

/* "12.345678" -> ns: seconds, a dot, a fraction of 1 to 9 digits. */
static bool sec_frac_ns(const char **p, const char *end, uint64_t *ns)
{
	const char *f;
	uint64_t s, fr;
	size_t nd;

	if (!digits(p, end, 10, &s) || !lit(p, end, ".")) /* 10 digits: no overflow */
		return false;
	f = *p;
	if (!digits(p, end, 9, &fr))
		return false;
	for (nd = (size_t)(*p - f); nd < 9; nd++)
		fr *= 10;
	*ns = s * 1000000000ULL + fr;
	return true;
}

/* "[   12.345678]" */
static bool mono_stamp(const char **p, const char *end, uint64_t *ns)
{
	const char *q = *p;

	if (!lit(&q, end, "["))
		return false;
	while (q < end && *q == ' ')
		q++;
	if (!sec_frac_ns(&q, end, ns) || !lit(&q, end, "]"))
		return false;
	*p = q;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

struct civil {
	int64_t year; /* 0: not given */
	unsigned mon, day, hour, min, sec;
	uint64_t frac_ns;
};

static int64_t civil_ns(const struct civil *t, int64_t year)
{
	int64_t d = days_from_civil(year, t->mon, t->day);

	return ((d * 86400 + t->hour * 3600 + t->min * 60 + t->sec) * 1000000000LL) +
	       (int64_t)t->frac_ns;
}

static bool month(const char **p, const char *end, unsigned *m)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (end - *p < 3)
		return false;
	for (unsigned i = 0; i < 12; i++)
		if (!memcmp(*p, names + 3 * i, 3)) {
			*m = i + 1;
			*p += 3;
			return true;
		}
	return false;
}

static bool weekday(const char **p, const char *end)
{
	static const char names[] = "MonTueWedThuFriSatSun";

	if (end - *p < 3)
		return false;
	for (unsigned i = 0; i < 7; i++)
		if (!memcmp(*p, names + 3 * i, 3)) {
			*p += 3;
			return true;
		}
	return false;
}

static bool two(const char **p, const char *end, unsigned *v, unsigned max)
{
	uint64_t x;
	const char *q = *p;

	if (end - q < 2 || !is_digit(q[1]) || !(is_digit(q[0]) || q[0] == ' '))
		return false;
	x = (unsigned)(q[1] - '0') + (q[0] == ' ' ? 0 : 10u * (unsigned)(q[0] - '0'));
	if (x > max)
		return false;
	*v = (unsigned)x;
	*p += 2;
	return true;
}

/* "12:42:15" and an optional fraction after sep ('.'; dmesg's iso: ',') */
static bool clock_time(const char **p, const char *end, struct civil *t, char sep)
{
	if (!two(p, end, &t->hour, 23) || !lit(p, end, ":") || !two(p, end, &t->min, 59) ||
	    !lit(p, end, ":") || !two(p, end, &t->sec, 60))
		return false;
	t->frac_ns = 0;
	if (*p < end && **p == sep) {
		const char *f = ++*p;
		uint64_t fr;

		if (!digits(p, end, 9, &fr))
			return false;
		for (size_t nd = (size_t)(*p - f); nd < 9; nd++)
			fr *= 10;
		t->frac_ns = fr;
	}
	return true;
}

/* "2026-11-30" */
static bool iso_date(const char **p, const char *end, struct civil *t)
{
	uint64_t y;
	const char *q = *p;

	if (!digits(&q, end, 4, &y) || q - *p != 4 || !lit(&q, end, "-") ||
	    !two(&q, end, &t->mon, 12) || !lit(&q, end, "-") || !two(&q, end, &t->day, 31) ||
	    t->mon == 0 || t->day == 0)
		return false;
	t->year = (int64_t)y;
	*p = q;
	return true;
}

/* "+0000", "+00:00", "-0530": seconds east of UTC. */
static bool utc_offset(const char **p, const char *end, long *off)
{
	unsigned h, m;
	int sign;

	if (*p >= end || (**p != '+' && **p != '-'))
		return false;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!two(p, end, &h, 23))
		return false;
	lit(p, end, ":");
	if (!two(p, end, &m, 59))
		return false;
	*off = sign * (long)(h * 3600 + m * 60);
	return true;
}

/* A local time without zone (and maybe without year) as wall clock. */
static void local_wall(const struct fctx *c, const struct civil *t, struct klog_stamp *at)
{
	int64_t now, ns, year;

	if (!c->o || !c->o->now_wall_ns)
		return;
	now = c->o->now_wall_ns + (int64_t)c->o->utc_offset_s * 1000000000LL;
	year = t->year;
	if (!year) { /* the latest year that does not put it a day ahead */
		year = now / 1000000000LL / 86400 / 365 + 1970 + 1;
		while (year > 1970 && civil_ns(t, year) > now + 86400LL * 1000000000LL)
			year--;
	}
	ns = civil_ns(t, year) - (int64_t)c->o->utc_offset_s * 1000000000LL;
	at->wall_ns = ns;
	at->has_wall = true;
}

/*
 * kmsg: "prio,seq,usec,flags[,key=value...];text". The flags field is
 * '-', 'c' or '+'; CONFIG_PRINTK_CALLER adds ",caller=T123".
 */
static int kmsg_header(struct fctx *c, const char **p, const char *end, struct klog_stamp *at)
{
	uint64_t prio, usec;
	const char *semi = memchr(*p, ';', (size_t)(end - *p));

	if (!semi || !digits(p, semi, 10, &prio) || prio > 1023 || !lit(p, semi, ",") ||
	    !digits(p, semi, 20, &at->seq) || !lit(p, semi, ",") || !digits(p, semi, 20, &usec) ||
	    !lit(p, semi, ",") || *p >= semi)
		return fail(c, "expected a /dev/kmsg record: PRIO,SEQ,USEC,FLAGS;TEXT");
	if (usec > UINT64_MAX / 1000)
		return fail(c, "timestamp overflows");
	(*p)++; /* the flag */
	while (*p < semi) {
		const char *f = *p + 1, *comma;

		if (**p != ',')
			return fail(c, "expected ',KEY=VALUE' or ';' after the flags");
		comma = memchr(f, ',', (size_t)(semi - f));
		comma = comma ? comma : semi;
		if (klog_starts(f, (size_t)(comma - f), "caller="))
			klog_copy(at->caller, sizeof(at->caller), f + 7, (size_t)(comma - f - 7));
		*p = comma;
	}
	*p = semi + 1;
	at->prio = (int)(prio & 7);
	at->mono_ns = usec * 1000;
	at->has_seq = at->has_mono = true;
	return 0;
}

static int hexval(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The kernel writes '\\' and bytes below ' ' or from 0x7f as \xNN. */
static int kmsg_unescape(struct fctx *c, const char *s, const char *end)
{
	buf_reset(&c->text);
	if (buf_append(&c->text, "", 0))
		return kerr_set(c->e, -ENOMEM, c->src, c->lineno, "out of memory");
	while (s < end) {
		const char *bs = memchr(s, '\\', (size_t)(end - s));
		char ch;
		int hi, lo;

		if (buf_append(&c->text, s, (size_t)((bs ? bs : end) - s)))
			return kerr_set(c->e, -ENOMEM, c->src, c->lineno, "out of memory");
		if (!bs)
			break;
		if (end - bs < 4 || bs[1] != 'x' || (hi = hexval(bs[2])) < 0 ||
		    (lo = hexval(bs[3])) < 0)
			return fail(c, "expected \\xNN after a backslash");
		ch = (char)(hi * 16 + lo);
		if (buf_append(&c->text, &ch, 1))
			return kerr_set(c->e, -ENOMEM, c->src, c->lineno, "out of memory");
		s = bs + 4;
	}
	return 0;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Feeds each '\n'-separated part of s (one record's text) as a message line. */
static int feed(struct fctx *c, const char *s, const char *end, const struct klog_stamp *at)
{
	struct klog_msg m = { .at = *at };

	m.at.line = c->lineno;
	while (s <= end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *t = skip_blanks(s, le);
		int r;

		while (le > t && (le[-1] == ' ' || le[-1] == '\r' || le[-1] == '\t'))
			le--;
		m.text = t;
		m.len = (size_t)(le - t);
		if (m.len && (r = klog_ctx_line(&c->rc, &m)))
			return r;
		if (!nl)
			break;
		s = nl + 1;
	}
	return 0;
}

static int kmsg_line(struct fctx *c, const char *s, const char *end)
{
	struct klog_stamp at = { .prio = -1 };
	struct klog_log *log = c->rc.log;
	int r;

	if (s < end && *s == ' ')
		return 0; /* " SUBSYSTEM=pci": the record's dictionary */
	if ((r = kmsg_header(c, &s, end, &at)) || (r = kmsg_unescape(c, s, end)))
		return r;
	if (log->has_seq && at.seq != log->next_seq) {
		if (at.seq < log->next_seq)
			log->boots++; /* a new log: another boot, or concatenated reads */
		else
			log->lost_records += at.seq - log->next_seq;
		klog_ctx_break(&c->rc);
	}
	if (!log->has_seq) {
		log->has_seq = true;
		log->first_seq = at.seq;
	}
	log->next_seq = at.seq + 1;
	log->records++;
	return feed(c, c->text.data, c->text.data + c->text.len, &at);
}

/* util-linux dmesg -x: "kern  :warn  : " */
static bool decoded_prefix(const char **p, const char *end, int *prio)
{
	static const char *const lv[] = { "emerg", "alert",  "crit", "err",
					  "warn",  "notice", "info", "debug" };
	const char *q = *p, *w;

	while (q < end && ((*q >= 'a' && *q <= 'z') || is_digit(*q)))
		q++;
	if (q == *p)
		return false;
	while (q < end && *q == ' ')
		q++;
	if (!lit(&q, end, ":"))
		return false;
	w = q;
	while (q < end && *q >= 'a' && *q <= 'z')
		q++;
	for (int i = 0; i < 8; i++) {
		const char *r = q;

		if ((size_t)(q - w) != strlen(lv[i]) || memcmp(w, lv[i], (size_t)(q - w)))
			continue;
		while (r < end && *r == ' ')
			r++;
		if (!lit(&r, end, ": "))
			return false;
		*prio = i;
		*p = r;
		return true;
	}
	return false;
}

/* dmesg -T: "[Mon Nov 30 12:42:15 2026]" (local time) */
static bool ctime_stamp(struct fctx *c, const char **p, const char *end, struct klog_stamp *at)
{
	const char *q = *p;
	struct civil t = { 0 };
	uint64_t y;

	if (!lit(&q, end, "[") || !weekday(&q, end) || !lit(&q, end, " ") ||
	    !month(&q, end, &t.mon) || !lit(&q, end, " ") || !two(&q, end, &t.day, 31) ||
	    !lit(&q, end, " ") || !clock_time(&q, end, &t, '.') || !lit(&q, end, " ") ||
	    !digits(&q, end, 4, &y) || !lit(&q, end, "]") || !t.day)
		return false;
	t.year = (int64_t)y;
	local_wall(c, &t, at);
	*p = q;
	return true;
}

/* dmesg --time-format iso: "2026-11-30T12:42:15,899383+00:00" */
static bool iso_stamp(const char **p, const char *end, struct klog_stamp *at)
{
	const char *q = *p;
	struct civil t = { 0 };
	long off;

	if (!iso_date(&q, end, &t) || !lit(&q, end, "T") || !clock_time(&q, end, &t, ',') ||
	    !utc_offset(&q, end, &off))
		return false;
	at->wall_ns = civil_ns(&t, t.year) - (int64_t)off * 1000000000LL;
	at->has_wall = true;
	*p = q;
	return true;
}

/* CONFIG_PRINTK_CALLER: "[  T123]" or "[    C1]" */
static bool caller_field(const char **p, const char *end, struct klog_stamp *at)
{
	const char *q = *p, *id;
	uint64_t v;

	if (q < end && *q == ' ' && end - q > 1 && q[1] == '[')
		q++;
	if (!lit(&q, end, "["))
		return false;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || (*q != 'T' && *q != 'C'))
		return false;
	id = q++;
	if (!digits(&q, end, 10, &v) || !lit(&q, end, "]"))
		return false;
	klog_copy(at->caller, sizeof(at->caller), id, (size_t)(q - 1 - id));
	*p = q;
	return true;
}

/* Whether s starts like a printk stamp: '[', blanks, a digit. */
static bool looks_stamped(const char *s, const char *end)
{
	if (s >= end || *s != '[')
		return false;
	s = skip_blanks(s + 1, end);
	return s < end && is_digit(*s);
}

/* The prefix of a dmesg line; false when it has no stamp. */
static int dmesg_prefix(struct fctx *c, const char **p, const char *end, struct klog_stamp *at,
			bool *stamp)
{
	const char *q = *p;
	uint64_t prio;

	*stamp = false;
	if (q < end && *q == '<') {
		q++;
		if (!digits(&q, end, 4, &prio) || prio > 1023 || !lit(&q, end, ">"))
			return fail(c, "expected '<PRIO>' at the start of the line");
		at->prio = (int)(prio & 7);
	}
	decoded_prefix(&q, end, &at->prio);
	if (mono_stamp(&q, end, &at->mono_ns))
		*stamp = at->has_mono = true;
	else if (ctime_stamp(c, &q, end, at) || iso_stamp(&q, end, at))
		*stamp = true;
	else if (c->stamped && looks_stamped(q, end))
		return fail(c, "invalid timestamp: expected '[SECONDS.FRACTION]'");
	caller_field(&q, end, at);
	lit(&q, end, " ");
	*p = q;
	return 0;
}

static int dmesg_line(struct fctx *c, const char *s, const char *end)
{
	struct klog_stamp at = { .prio = -1 };
	bool stamp;
	int r;

	if ((r = dmesg_prefix(c, &s, end, &at, &stamp)))
		return r;
	if (c->stamped && !stamp && c->have_last) {
		at = c->last; /* util-linux indents a record's later lines */
	} else {
		if (c->rc.log->records == 0)
			c->stamped = stamp;
		/*
		 * Logs of several boots, one after the other. Not "the clock
		 * went back": records are stored out of order, by a second
		 * and more during a slow boot.
		 */
		if (c->rc.log->records && klog_starts(s, (size_t)(end - s), "Linux version ") &&
		    (!at.has_mono || at.mono_ns == 0)) {
			c->rc.log->boots++;
			klog_ctx_break(&c->rc);
		}
		c->rc.log->records++;
		c->last = at;
		c->have_last = true;
	}
	return feed(c, s, end, &at);
}

/* journalctl's stamp, any of the short formats. */
static bool journal_stamp(struct fctx *c, const char **p, const char *end, struct klog_stamp *at)
{
	const char *q = *p;
	struct civil t = { 0 };
	long off;

	if (mono_stamp(&q, end, &at->mono_ns)) { /* short-monotonic */
		at->has_mono = true;
	} else if (iso_date(&q, end, &t)) { /* short-iso(-precise) */
		if (!lit(&q, end, "T") || !clock_time(&q, end, &t, '.') ||
		    !utc_offset(&q, end, &off))
			return false;
		at->wall_ns = civil_ns(&t, t.year) - (int64_t)off * 1000000000LL;
		at->has_wall = true;
	} else if (weekday(&q, end)) { /* short-full: zone as a name */
		const char *z;

		if (!lit(&q, end, " ") || !iso_date(&q, end, &t) || !lit(&q, end, " ") ||
		    !clock_time(&q, end, &t, '.') || !lit(&q, end, " "))
			return false;
		for (z = q; q < end && *q != ' '; q++)
			;
		if ((q - z == 3 && (!memcmp(z, "UTC", 3) || !memcmp(z, "GMT", 3)))) {
			at->wall_ns = civil_ns(&t, t.year);
			at->has_wall = true;
		} else {
			local_wall(c, &t, at);
		}
	} else if (month(&q, end, &t.mon)) { /* short(-precise): no year */
		if (!lit(&q, end, " ") || !two(&q, end, &t.day, 31) || !lit(&q, end, " ") ||
		    !clock_time(&q, end, &t, '.') || !t.day)
			return false;
		local_wall(c, &t, at);
	} else { /* short-unix */
		uint64_t ns;

		if (!sec_frac_ns(&q, end, &ns) || ns > INT64_MAX)
			return false;
		at->wall_ns = (int64_t)ns;
		at->has_wall = true;
	}
	*p = q;
	return true;
}

static int journal_line(struct fctx *c, const char *s, const char *end)
{
	struct klog_stamp at = { .prio = -1 };
	const char *host, *ident, *colon;

	if (klog_starts(s, (size_t)(end - s), "-- ")) {
		if (klog_find(s, (size_t)(end - s), "Boot") && c->rc.log->records) {
			c->rc.log->boots++;
			klog_ctx_break(&c->rc);
		}
		return 0;
	}
	if (s < end && (*s == ' ' || *s == '\t')) /* a record's later line */
		return c->have_last ? feed(c, s, end, &c->last) : 0;
	if (!journal_stamp(c, &s, end, &at) || !lit(&s, end, " "))
		return fail(
			c,
			"expected a journalctl timestamp (-o short, short-iso, short-monotonic ...)");
	host = s;
	while (s < end && *s != ' ')
		s++;
	ident = s + 1;
	colon = s < end ? klog_find(ident, (size_t)(end - ident), ": ") : NULL;
	if (s == host || !colon)
		return fail(c, "expected 'HOST IDENTIFIER: MESSAGE' after the timestamp");
	c->have_last = colon - ident == 6 && !memcmp(ident, "kernel", 6);
	if (!c->have_last)
		return 0; /* another program's line */
	c->rc.log->records++;
	c->last = at;
	return feed(c, colon + 2, end, &at);
}

static bool is_kmsg_line(const char *s, const char *end)
{
	struct fctx probe = { 0 };
	struct klog_stamp at;

	return kmsg_header(&probe, &s, end, &at) == 0;
}

/*
 * "STAMP HOST IDENT: ". After a plain "[ 1.5]" stamp, which dmesg prints
 * too ("[ 1.5] usb 1-1: new device"), only IDENT "kernel" counts.
 */
static bool is_journal_line(const char *s, const char *end)
{
	struct fctx probe = { 0 };
	struct klog_stamp at = { 0 };
	const char *h, *id;

	if (!journal_stamp(&probe, &s, end, &at) || !lit(&s, end, " "))
		return false;
	for (h = s; s < end && *s != ' '; s++)
		;
	if (s == h || !lit(&s, end, " "))
		return false;
	for (id = s; s < end && *s != ' ' && *s != ':'; s++)
		;
	if (!lit(&s, end, ": "))
		return false;
	return !at.has_mono || (s - id == 8 && !memcmp(id, "kernel", 6));
}

/* The format, from the first line that is not blank or "-- ...". */
static enum klog_format detect(const char *buf, size_t len)
{
	struct line_iter it;
	const char *line;
	size_t n;

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line, &n)) {
		const char *end = line + (n > 4096 ? 4096 : n);

		if (skip_blanks(line, end) == end || klog_starts(line, n, "-- "))
			continue;
		if (is_kmsg_line(line, end))
			return KLOG_FMT_KMSG;
		if (is_journal_line(line, end))
			return KLOG_FMT_JOURNAL;
		return KLOG_FMT_DMESG;
	}
	return KLOG_FMT_NONE;
}

int klog_parse(const char *buf, size_t len, const char *src, const struct klog_parse_opts *o,
	       struct klog_log *out, struct kerr *e)
{
	struct fctx c = { .src = src, .o = o, .e = e };
	struct line_iter it;
	const char *line;
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	out->format = detect(buf, len);
	klog_ctx_init(&c.rc, out, src, o, e);
	line_iter_init(&it, buf, len);
	while ((r = line_next_capped(&it, &line, &n, src, e)) > 0) {
		const char *end = line + n;

		c.lineno = it.lineno;
		if (out->format == KLOG_FMT_KMSG)
			r = kmsg_line(&c, line, end);
		else if (out->format == KLOG_FMT_JOURNAL)
			r = journal_line(&c, line, end);
		else
			r = dmesg_line(&c, line, end);
		if (r)
			break;
	}
	buf_free(&c.text);
	out->lines = (uint64_t)it.lineno;
	if (r < 0) {
		klog_log_free(out);
		return r;
	}
	klog_ctx_finish(&c.rc);
	return 0;
}
