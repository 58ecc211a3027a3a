/* The bare kernel work of `run` for the default bundle, with nothing else: clone into new
 * mount, UTS, IPC, network and PID namespaces, the runc-spec mounts (proc, a /dev tmpfs with
 * devpts, shm and mqueue, read-only sysfs, the default device nodes), pivot_root, exec the
 * bundle's process (/bin/true), wait. No config parsing, no state, no cgroups, no checks.
 * tests/bench/startup compiles it and times it like a runtime, so that every runtime's
 * figure also reads as a multiple of this floor (issue 13).
 * With --cgroups (startup's floor-cg), also the least a runtime does for the container's
 * cgroup on the host: a new cgroup in every hierarchy mounted under /sys/fs/cgroup (cpuset's
 * cpus and mems copied from the root), the child cloned into the unified one and moving itself
 * into each v1 one ("0" to tasks), and every dir removed after the wait. No limits, no checks.
 *
 *   floor [--root DIR] [--cgroups] [flags...] run --bundle BUNDLE ID   (the runtimes' command
 *                                               line; everything but BUNDLE is ignored)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(127);
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0) die(dst);
}

static void dev_node(const char *name, unsigned maj, unsigned min)
{
	char path[64];
	snprintf(path, sizeof path, "dev/%s", name);
	if (mknod(path, S_IFCHR | 0666, makedev(maj, min)) < 0) die(path);
}

/* The container's cgroup: one dir per hierarchy, the v1 ones' tasks files for the child. */
#define MAX_HIER 32
static char cg_dirs[MAX_HIER][400];
static int n_dirs;
static char v1_tasks[MAX_HIER][280];
static int n_tasks;
static int unified_fd = -1;

static void copy_file(const char *from, const char *to)
{
	char buf[256];
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
	if (fd >= 0) close(fd);
	if (n <= 0) return;
	fd = open(to, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, (size_t)n) < 0) die(to);
	close(fd);
}

static void make_cgroup(const char *dir, int v2, const char *id)
{
	if (n_dirs == MAX_HIER) return;
	char *d = cg_dirs[n_dirs];
	snprintf(d, sizeof cg_dirs[0], "%s/floor-%s", dir, id);
	if (mkdir(d, 0755) < 0) die(d);
	n_dirs++;
	if (v2) {
		unified_fd = open(d, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (unified_fd < 0) die(d);
		return;
	}
	char from[300], to[300];
	snprintf(from, sizeof from, "%s/cpuset.cpus", dir);
	if (access(from, F_OK) == 0) {
		snprintf(to, sizeof to, "%s/cpuset.cpus", d);
		copy_file(from, to);
		snprintf(from, sizeof from, "%s/cpuset.mems", dir);
		snprintf(to, sizeof to, "%s/cpuset.mems", d);
		copy_file(from, to);
	}
	snprintf(v1_tasks[n_tasks++], sizeof v1_tasks[0], "%s/tasks", d);
}

static void make_cgroups(const char *id)
{
	struct statfs st;
	if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) {
		make_cgroup("/sys/fs/cgroup", 1, id);
		return;
	}
	DIR *top = opendir("/sys/fs/cgroup");
	if (!top) die("/sys/fs/cgroup");
	struct dirent *e;
	while ((e = readdir(top))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
		char dir[300];
		snprintf(dir, sizeof dir, "/sys/fs/cgroup/%.200s", e->d_name);
		if (statfs(dir, &st) < 0) continue;
		if (st.f_type == CGROUP_SUPER_MAGIC) make_cgroup(dir, 0, id);
		else if (st.f_type == CGROUP2_SUPER_MAGIC) make_cgroup(dir, 1, id);
	}
	closedir(top);
}

static void remove_cgroups(void)
{
	for (int i = 0; i < n_dirs; i++)
		for (int tries = 0; rmdir(cg_dirs[i]) < 0 && errno == EBUSY && tries < 1000; tries++) usleep(100);
}

static int child(const char *rootfs)
{
	for (int i = 0; i < n_tasks; i++) {
		int fd = open(v1_tasks[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) < 0) die(v1_tasks[i]);
		close(fd);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("make / private");
	mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0) die("chdir rootfs");
	mnt("proc", "proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	mkdir("dev/pts", 0755);
	mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mkdir("dev/shm", 1777);
	mnt("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
	mkdir("dev/mqueue", 0755);
	mnt("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	mnt("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
	dev_node("null", 1, 3);
	dev_node("zero", 1, 5);
	dev_node("full", 1, 7);
	dev_node("random", 1, 8);
	dev_node("urandom", 1, 9);
	dev_node("tty", 5, 0);
	if (symlink("pts/ptmx", "dev/ptmx") < 0) die("dev/ptmx");
	if (syscall(SYS_pivot_root, ".", ".") < 0) die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0) die("detach the old root");
	if (chdir("/") < 0) die("chdir /");
	if (sethostname("floor", 5) < 0) die("sethostname");
	char *argv[] = {"/bin/true", NULL};
	char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	execve(argv[0], argv, envp);
	die("exec /bin/true");
	return 127;
}

int main(int argc, char **argv)
{
	const char *bundle = NULL;
	int cgroups = 0;
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && (!strcmp(argv[i], "--bundle") || !strcmp(argv[i], "-b"))) bundle = argv[i + 1];
		if (!strcmp(argv[i], "--cgroups")) cgroups = 1;
	}
	if (!bundle) {
		fprintf(stderr, "usage: floor [--cgroups] run --bundle BUNDLE ID\n");
		return 2;
	}
	char rootfs[4096];
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", bundle);
	if (cgroups) make_cgroups(argv[argc - 1]);
	struct clone_args args = {
		.flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	if (unified_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned)unified_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0) die("clone3");
	if (pid == 0) _exit(child(rootfs));
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) die("wait");
	if (cgroups) remove_cgroups();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
