# containers-common's seccomp.json in runtime-spec's form, converted as containers/common does
# for one host: the archMap entry of the native architecture with its sub-architectures, and
# only the syscall groups whose includes/excludes (arches, caps of the bounding set) match.
# $arch is Go's name of the architecture, $native libseccomp's, $caps the bounding set.
# Used by seccomp.bats and tests/bench/startup --seccomp.
def has($x): any(.[]; . == $x);
{
  defaultAction,
  architectures: ([.archMap[]? | select(.architecture == $native) | [.architecture] + (.subArchitectures // [])] | add // []),
  syscalls: [
    .syscalls[]
    | select(((.includes.arches // []) | length == 0) or ((.includes.arches // []) | has($arch)))
    | select((.excludes.arches // []) | has($arch) | not)
    | select((.includes.caps // []) | all(. as $c | $caps | has($c)))
    | select((.excludes.caps // []) | any(. as $c | $caps | has($c)) | not)
    | select(.includes.minKernel == null)
    | {names, action}
      + (if .errnoRet != null then {errnoRet} else {} end)
      + (if (.args // []) | length > 0 then {args} else {} end)
  ]
}
+ (if .defaultErrnoRet != null then {defaultErrnoRet} else {} end)
