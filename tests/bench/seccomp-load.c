/* What the kernel's seccomp(SECCOMP_SET_MODE_FILTER) costs for a BPF program: the program
 * (raw struct sock_filter array, e.g. from a berth seccomp cache entry with the header and key
 * cut off) is loaded N times, each in a fresh forked child with no_new_privs, and the median,
 * p90 and min time of the system call alone are printed in microseconds. Used to compare
 * libseccomp's program with berth's compact one (issue 6); not part of the test suite.
 * With -c, the whole cycle a container's process goes through instead: fork, no_new_privs,
 * the filter, exec of /bin/true under it, exit and wait; no filter, a one-instruction filter
 * and each program, interleaved, medians in milliseconds: what having the filter costs a
 * start in the kernel alone, the floor under berth's own figure (tests/bench/startup --seccomp).
 *
 *   cc -O2 -o seccomp-load tests/bench/seccomp-load.c
 *   seccomp-load [-c] [-n N] PROGRAM.bpf...
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

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* One process start with `prog` (NULL: none) loaded right before execve, as berth's init does. */
static double cycle_once(const struct sock_fprog *prog)
{
	double start = now_ms();
	pid_t pid = fork();
	if (pid < 0) { perror("fork"); exit(1); }
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (prog && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0) _exit(2);
		execl("/bin/true", "true", (char *)NULL);
		_exit(3);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "the filtered child failed\n"); exit(1); }
	return now_ms() - start;
}

static struct sock_fprog read_program(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); exit(1); }
	struct sock_filter *insns = calloc(BPF_MAXINSNS, sizeof *insns);
	size_t len = fread(insns, sizeof insns[0], BPF_MAXINSNS, f);
	fclose(f);
	struct sock_fprog prog = { .len = (unsigned short)len, .filter = insns };
	return prog;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return t[n / 2];
}

static int cycles(int n, int first, int argc, char **argv)
{
	int progs = argc - first, kinds = progs + 2;
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog *p = calloc((size_t)kinds, sizeof *p);
	p[1] = (struct sock_fprog){ .len = 1, .filter = &allow };
	for (int k = 0; k < progs; ++k) p[k + 2] = read_program(argv[first + k]);
	double *t = calloc((size_t)(n * kinds), sizeof *t);
	for (int r = 0; r < n; ++r)
		for (int k = 0; k < kinds; ++k) t[k * n + r] = cycle_once(k == 0 ? NULL : &p[k]);
	double base = median(t, n);
	printf("fork + exec of /bin/true, no filter: median %.3f ms (n=%d)\n", base, n);
	printf("one-instruction filter: %+.3f ms\n", median(t + n, n) - base);
	for (int k = 0; k < progs; ++k)
		printf("%s (%u instructions): %+.3f ms\n", argv[first + k], p[k + 2].len, median(t + (k + 2) * n, n) - base);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 200, i = 1, cycle = 0;
	if (i < argc && strcmp(argv[i], "-c") == 0) { cycle = 1; ++i; }
	if (i + 1 < argc && strcmp(argv[i], "-n") == 0) { n = atoi(argv[i + 1]); i += 2; }
	if (i >= argc || n < 1) { fprintf(stderr, "usage: seccomp-load [-c] [-n N] PROGRAM.bpf...\n"); return 2; }
	if (cycle) return cycles(n, i, argc, argv);
	double *t = calloc((size_t)n, sizeof *t);
	for (; i < argc; ++i) {
		struct sock_fprog prog = read_program(argv[i]);
		size_t len = prog.len;
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
