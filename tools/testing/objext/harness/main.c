// SPDX-License-Identifier: GPL-2.0
/*
 * objext userspace harness: lib/objext.c, unmodified, against the shim.
 *
 * Usage: objext-{asan,tsan} [-s seed] [-n steps] [-t stress_ms] [suite...]
 * where a suite is unit, model or stress (default: all three, in order).
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/rcupdate.h>

#include "test.h"

#ifdef __SANITIZE_THREAD__
/* TSan's defaults for this binary; TSAN_OPTIONS still overrides them. */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1 suppressions=" TSAN_SUPPRESSIONS;
}
#endif

unsigned long test_seed;
unsigned long test_steps = 100000;
unsigned int test_stress_ms = 1500;

static const struct {
	const char *name;
	void (*run)(void);
} suites[] = {
	{ "unit", unit_tests },
	{ "model", model_tests },
	{ "stress", stress_tests },
};

int main(int argc, char **argv)
{
	unsigned int i;
	int opt, ret;

	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's':
			test_seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			test_steps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			test_stress_ms = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-s seed] [-n steps] [-t ms] [unit|model|stress]...\n",
				argv[0]);
			return 2;
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	shim_rcu_register_thread();
	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		bool run = optind == argc;
		int arg;

		for (arg = optind; arg < argc; arg++)
			run |= !strcmp(argv[arg], suites[i].name);
		if (run)
			suites[i].run();
	}
	test_final();
	ret = test_summary();
	shim_rcu_unregister_thread();
	return ret;
}
