# bash completion for berth(8): commands, global and per-command flags, flag values, and the
# ids of existing containers (from `berth list -q`, under the --root given on the line).
# Installed as share/bash-completion/completions/berth; `source` it to try it by hand.
# tests/integration/completion.bats checks these flag lists against each command's --help.

_berth_commands="create start run exec state kill delete list ps pause resume update events spec features help"

_berth_global_flags="--root --log --log-format --debug --systemd-cgroup --rootless --cgroup-manager --help -h --version -v"

# Per command: its flags (long and short); a flag is followed by a value when listed in
# _berth_value_flags below.
_berth_cmd_flags() {
	local create="--bundle -b --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds"
	case "$1" in
	create) echo "$create --help -h" ;;
	run) echo "$create --detach -d --keep --help -h" ;;
	exec)
		echo "--process -p --detach -d --pid-file --console-socket --tty -t --cwd --env -e --user -u" \
			"--additional-gids -g --cap -c --no-new-privs --apparmor --process-label --preserve-fds" \
			"--ignore-paused --help -h"
		;;
	kill) echo "--all -a --help -h" ;;
	delete) echo "--force -f --help -h" ;;
	list) echo "--format -f --quiet -q --help -h" ;;
	ps) echo "--format -f --help -h" ;;
	update)
		echo "--resources -r --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp" \
			"--cpu-share --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpuset-cpus" \
			"--cpuset-mems --pids-limit --blkio-weight --l3-cache-schema --mem-bw-schema --help -h"
		;;
	events) echo "--stats --interval --help -h" ;;
	spec) echo "--bundle -b --rootless --help -h" ;;
	start | state | pause | resume | features | help) echo "--help -h" ;;
	esac
}

# Flags that take a value (global or of any command), so that the word after them is that value.
_berth_value_flags=" --root --log --log-format --rootless --cgroup-manager --bundle -b --pid-file --console-socket
 --preserve-fds --process -p --cwd --env -e --user -u --additional-gids -g --cap -c --apparmor --process-label
 --format -f --resources -r --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp
 --cpu-share --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --pids-limit
 --blkio-weight --l3-cache-schema --mem-bw-schema --interval "

# _berth_takes_value FLAG [COMMAND]: -f is delete's --force but list's and ps's --format.
_berth_takes_value() {
	[[ "$2" == delete && "$1" == -f ]] && return 1
	[[ "$_berth_value_flags" == *[[:space:]]"$1"[[:space:]]* ]]
}

# The ids under the --root (or -root) given before the command, else berth's default.
_berth_container_ids() {
	local bin="$1" root="$2"
	local args=()
	[[ -n "$root" ]] && args=(--root "$root")
	"$bin" "${args[@]}" list -q 2>/dev/null
}

_berth() {
	local cur="${COMP_WORDS[COMP_CWORD]}"
	local prev="${COMP_WORDS[COMP_CWORD - 1]}"
	local bin="${COMP_WORDS[0]}"
	local i w cmd="" cmd_index=0 root=""
	COMPREPLY=()

	# Find the command, skipping the global flags and their values, and note --root.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w="${COMP_WORDS[i]}"
		case "$w" in
		--root=* | -root=*) root="${w#*=}" ;;
		--root | -root)
			root="${COMP_WORDS[i + 1]}"
			i=$((i + 1))
			;;
		-*)
			if [[ "$w" != *=* ]] && _berth_takes_value "$w"; then i=$((i + 1)); fi
			;;
		*)
			cmd="$w"
			cmd_index=$i
			break
			;;
		esac
	done

	# Values of the flag just typed.
	case "$prev" in
	--root | -root | --bundle | -b | --cwd)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	--log | --pid-file | --console-socket | --process | -p | --resources | -r)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--log-format)
		mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur")
		return
		;;
	--rootless)
		mapfile -t COMPREPLY < <(compgen -W "true false auto" -- "$cur")
		return
		;;
	--cgroup-manager)
		mapfile -t COMPREPLY < <(compgen -W "cgroupfs systemd disabled" -- "$cur")
		return
		;;
	--format | -f)
		if [[ "$cmd" == list || "$cmd" == ps ]]; then
			mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur")
			return
		fi
		;;
	esac
	if [[ "$prev" == -* && "$prev" != *=* ]] && _berth_takes_value "$prev" "$cmd"; then
		return # some other value: nothing sensible to offer
	fi

	if [[ -z "$cmd" ]]; then
		if [[ "$cur" == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_berth_global_flags" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_berth_commands" -- "$cur")
		fi
		return
	fi

	if [[ "$cur" == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_berth_cmd_flags "$cmd")" -- "$cur")
		return
	fi

	# Positional arguments: the first is the container id for the commands that act on one.
	local npos=0
	for ((i = cmd_index + 1; i < COMP_CWORD; i++)); do
		w="${COMP_WORDS[i]}"
		if [[ "$w" == -* ]]; then
			if [[ "$w" != *=* ]] && _berth_takes_value "$w" "$cmd"; then i=$((i + 1)); fi
		else
			npos=$((npos + 1))
		fi
	done
	case "$cmd" in
	start | exec | state | kill | delete | ps | pause | resume | update | events)
		if ((npos == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_berth_container_ids "$bin" "$root")" -- "$cur")
		elif [[ "$cmd" == kill && npos -eq 1 ]]; then
			mapfile -t COMPREPLY < <(compgen -W "TERM KILL INT HUP QUIT USR1 USR2 STOP CONT WINCH" -- "$cur")
		elif [[ "$cmd" == exec ]]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		fi
		;;
	help)
		if ((npos == 0)); then mapfile -t COMPREPLY < <(compgen -W "$_berth_commands" -- "$cur"); fi
		;;
	esac
	return 0
}

complete -F _berth berth
