# The default bundle's config (the runc-spec one) made to look like what podman 4.3 sends for
# `podman run --memory 256m --pids-limit 1024 IMAGE /bin/true` (its config.json read on this
# host): podman's mounts, masked and read-only paths, capabilities, environment, its default
# seccomp profile ($profile, converted by tests/integration/podman-seccomp.jq), deny-all device
# rules with memory and pids limits (left out with $limits == false: a runtime run with
# --cgroup-manager=disabled applies none), and the bind sources in $files.
#   jq --argjson profile P --arg files DIR --argjson limits true -f engine-like.jq config.json
.mounts = [
  {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
  {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "noexec", "strictatime", "mode=755", "size=65536k"]},
  {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
  {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
  {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
  {"destination": "/dev/shm", "type": "bind", "source": ($files + "/shm"), "options": ["bind", "rprivate", "nosuid", "noexec", "nodev"]},
  {"destination": "/run/.containerenv", "type": "bind", "source": ($files + "/.containerenv"), "options": ["bind", "rprivate"]},
  {"destination": "/etc/hostname", "type": "bind", "source": ($files + "/hostname"), "options": ["bind", "rprivate"]},
  {"destination": "/etc/hosts", "type": "bind", "source": ($files + "/hosts"), "options": ["bind", "rprivate"]},
  {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]}
]
| .linux.maskedPaths = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block"]
| .linux.readonlyPaths = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
| .process.capabilities = (["CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
    "CAP_SYS_CHROOT"] as $caps | {"bounding": $caps, "effective": $caps, "permitted": $caps})
| .process.env = ["TERM=xterm", "container=podman", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root", "HOSTNAME=0123456789ab"]
| .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
| .process.user.umask = 18
| .hostname = "0123456789ab"
| .linux.seccomp = $profile
| if $limits then
    .linux.resources = {"devices": [{"allow": false, "access": "rwm"}],
      "memory": {"limit": 268435456, "swap": 536870912}, "pids": {"limit": 1024}}
  else del(.linux.resources) end
