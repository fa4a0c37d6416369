/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - TAP output and timeout helpers for the objext VM test programs.
 *
 * Each program is one translation unit that includes this header.  Checks
 * print "ok N description" or "not ok N description", numbered from 1 over
 * the whole run.  Diagnostics collected with note() while a check is being
 * worked out are printed as "# ..." lines right after its result line;
 * diag() prints a "# ..." line at once.  done() prints a summary comment and
 * returns the exit status: 0 if every check passed, 1 otherwise.
 */
#ifndef OBJEXT_TAP_H
#define OBJEXT_TAP_H

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SAFETY_NET_SECS	120	/* alarm(): no program may hang */
#define EVENT_MS	2000	/* an expected event arrives within this */
#define NO_EVENT_MS	300	/* nothing within this: no event */

static int tap_count, tap_failed;
static char tap_notes[8192];
static size_t tap_notes_len;

static inline void tap_start(void)
{
	/* Line buffered into files and pipes too: scripts wait for lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(SAFETY_NET_SECS);
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Queue a diagnostic line for the next check's result. */
static inline void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
	size_t room = sizeof(tap_notes) - tap_notes_len;
	va_list ap;
	int n;

	if (room < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tap_notes + tap_notes_len, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tap_notes_len += (size_t)n < room - 2 ? (size_t)n : room - 2;
	tap_notes[tap_notes_len++] = '\n';
	tap_notes[tap_notes_len] = '\0';
}

static inline void tap_flush_notes(void)
{
	char *line, *next;

	for (line = tap_notes; tap_notes_len && *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		diag("%s", line);
	}
	tap_notes_len = 0;
	tap_notes[0] = '\0';
}

/* One check: "ok N ..." if @pass, else "not ok N ...".  Returns @pass. */
static inline bool __attribute__((format(printf, 2, 3)))
ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_flush_notes();
	return pass;
}

static inline void skip(const char *reason)
{
	printf("ok %d # SKIP %s\n", ++tap_count, reason);
	tap_flush_notes();
}

static inline int done(const char *prog)
{
	tap_flush_notes();
	diag("%s: %d checks, %d failed", prog, tap_count, tap_failed);
	return tap_failed ? 1 : 0;
}

static inline struct timespec deadline_after(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* Milliseconds left until @end, 0 once it has passed (rounded up). */
static inline int ms_until(const struct timespec *end)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (end->tv_sec - now.tv_sec) * 1000000000LL +
	     (end->tv_nsec - now.tv_nsec);
	return ns > 0 ? (int)((ns + 999999) / 1000000) : 0;
}

/* 1 if @fd is readable before @end, 0 if not, -1 on error (noted). */
static inline int wait_readable(int fd, const struct timespec *end)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	do {
		n = poll(&pfd, 1, ms_until(end));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		note("poll: %s", strerror(errno));
	return n;
}

#endif /* OBJEXT_TAP_H */
