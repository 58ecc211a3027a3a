/* What the kernel's seccomp(SECCOMP_SET_MODE_FILTER) costs for a BPF program: the program
 * (raw struct sock_filter array, e.g. from a berth seccomp cache entry with the header and key
 * cut off) is loaded N times, each in a fresh forked child with no_new_privs, and the median,
 * p90 and min time of the system call alone are printed in microseconds. Used to compare
 * libseccomp's program with berth's compact one (issue 6); not part of the test suite.
 *
 *   cc -O2 -o seccomp-load tests/bench/seccomp-load.c
 *   seccomp-load [-n N] PROGRAM.bpf...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double load_once(struct sock_fprog *prog)
{
	int fds[2];
	if (pipe(fds) < 0) { perror("pipe"); exit(1); }
	pid_t pid = fork();
	if (pid < 0) { perror("fork"); exit(1); }
	if (pid == 0) {
		struct timespec t0, t1;
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double us = r < 0 ? -1.0 : (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
		if (write(fds[1], &us, sizeof us) != sizeof us) _exit(1);
		_exit(0);
	}
	close(fds[1]);
	double us = -1;
	if (read(fds[0], &us, sizeof us) != sizeof us) us = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return us;
}

int main(int argc, char **argv)
{
	int n = 200, i = 1;
	if (argc > 2 && strcmp(argv[1], "-n") == 0) { n = atoi(argv[2]); i = 3; }
	if (i >= argc || n < 1) { fprintf(stderr, "usage: seccomp-load [-n N] PROGRAM.bpf...\n"); return 2; }
	double *t = calloc((size_t)n, sizeof *t);
	for (; i < argc; ++i) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) { perror(argv[i]); return 1; }
		static struct sock_filter insns[BPF_MAXINSNS];
		size_t len = fread(insns, sizeof insns[0], BPF_MAXINSNS, f);
		fclose(f);
		struct sock_fprog prog = { .len = (unsigned short)len, .filter = insns };
		for (int k = 0; k < n; ++k) {
			t[k] = load_once(&prog);
			if (t[k] < 0) { fprintf(stderr, "%s: the kernel refused the program\n", argv[i]); return 1; }
		}
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		printf("%s: %zu instructions, seccomp() median %.1f us, p90 %.1f us, min %.1f us (n=%d)\n", argv[i], len,
		       t[n / 2], t[n * 9 / 10], t[0], n);
	}
	free(t);
	return 0;
}
