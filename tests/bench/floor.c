/* The bare kernel work of `run` for the default bundle, with nothing else: clone into new
 * mount, UTS, IPC, network and PID namespaces, the runc-spec mounts (proc, a /dev tmpfs with
 * devpts, shm and mqueue, read-only sysfs, the default device nodes), pivot_root, exec the
 * bundle's process (/bin/true), wait. No config parsing, no state, no cgroups, no checks.
 * tests/bench/startup compiles it and times it like a runtime, so that every runtime's
 * figure also reads as a multiple of this floor (issue 13).
 *
 *   floor [--root DIR] [flags...] run --bundle BUNDLE ID   (the runtimes' command line;
 *                                                          everything but BUNDLE is ignored)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

static int child(const char *rootfs)
{
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
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--bundle") || !strcmp(argv[i], "-b")) bundle = argv[i + 1];
	if (!bundle) {
		fprintf(stderr, "usage: floor run --bundle BUNDLE ID\n");
		return 2;
	}
	char rootfs[4096];
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", bundle);
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | SIGCHLD,
				   NULL, NULL, NULL, NULL);
	if (pid < 0) die("clone");
	if (pid == 0) _exit(child(rootfs));
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) die("wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
