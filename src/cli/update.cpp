// `update`: runc's flags and --resources (a linux.resources JSON object, "-" for stdin).
#include <unistd.h>

#include <memory>
#include <optional>

#include "berth/runtime/update.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "command.hpp"
#include "memory_size.hpp"

namespace berth::cli {

namespace {

struct Opts {
    std::string id;
    std::string resources;
    std::optional<std::string> memory, memory_reservation, memory_swap, kernel_memory, kernel_memory_tcp;
    std::optional<uint64_t> cpu_shares, cpu_period, cpu_rt_period;
    std::optional<int64_t> cpu_quota, cpu_rt_runtime, pids_limit;
    std::optional<std::string> cpuset_cpus, cpuset_mems, l3_cache_schema, mem_bw_schema;
    std::optional<uint16_t> blkio_weight;
};

nlohmann::json read_resources(const std::string& source)
{
    std::string text = source == "-" ? read_fd(STDIN_FILENO) : read_file(source);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw Error("--resources " + source + ": invalid JSON");
    if (!j.is_object()) throw Error("--resources " + source + ": expected a JSON object (linux.resources)");
    return j;
}

// The flags on top of --resources, as runc's update sets them.
void apply_flags(const Opts& o, nlohmann::json& r)
{
    auto mem = [&](const std::optional<std::string>& v, const char* key, const char* flag) {
        if (v) r["memory"][key] = parse_memory_size(*v, flag);
    };
    mem(o.memory, "limit", "--memory");
    mem(o.memory_reservation, "reservation", "--memory-reservation");
    mem(o.memory_swap, "swap", "--memory-swap");
    mem(o.kernel_memory, "kernel", "--kernel-memory");
    mem(o.kernel_memory_tcp, "kernelTCP", "--kernel-memory-tcp");
    if (o.cpu_shares) r["cpu"]["shares"] = *o.cpu_shares;
    if (o.cpu_period) r["cpu"]["period"] = *o.cpu_period;
    if (o.cpu_quota) r["cpu"]["quota"] = *o.cpu_quota;
    if (o.cpu_rt_period) r["cpu"]["realtimePeriod"] = *o.cpu_rt_period;
    if (o.cpu_rt_runtime) r["cpu"]["realtimeRuntime"] = *o.cpu_rt_runtime;
    if (o.cpuset_cpus) r["cpu"]["cpus"] = *o.cpuset_cpus;
    if (o.cpuset_mems) r["cpu"]["mems"] = *o.cpuset_mems;
    if (o.pids_limit) r["pids"]["limit"] = *o.pids_limit;
    if (o.blkio_weight) r["blockIO"]["weight"] = *o.blkio_weight;
    if (o.l3_cache_schema || o.mem_bw_schema)
        throw Error("--l3-cache-schema, --mem-bw-schema: Intel RDT is not supported by berth yet");
}

}  // namespace

void add_update(CLI::App& app, Action& action)
{
    auto* sub = app.add_subcommand("update", "update the resource limits of a container");
    auto o = std::make_shared<Opts>();
    sub->add_option("id", o->id, "container id")->required();
    sub->add_option("-r,--resources", o->resources, "a linux.resources JSON object from FILE (\"-\": stdin)");
    sub->add_option("--memory", o->memory, "memory limit (bytes, or with a k/m/g suffix)");
    sub->add_option("--memory-reservation", o->memory_reservation, "memory soft limit");
    sub->add_option("--memory-swap", o->memory_swap, "memory plus swap limit (-1: unlimited swap)");
    sub->add_option("--kernel-memory", o->kernel_memory, "kernel memory limit (ignored by the kernel, as for runc)");
    sub->add_option("--kernel-memory-tcp", o->kernel_memory_tcp, "kernel TCP buffer limit (likewise)");
    sub->add_option("--cpu-share", o->cpu_shares, "relative CPU weight (cgroup v1 shares)");
    sub->add_option("--cpu-period", o->cpu_period, "CFS period in microseconds");
    sub->add_option("--cpu-quota", o->cpu_quota, "CFS quota in microseconds per period (-1: none)");
    sub->add_option("--cpu-rt-period", o->cpu_rt_period, "realtime period in microseconds");
    sub->add_option("--cpu-rt-runtime", o->cpu_rt_runtime, "realtime runtime in microseconds");
    sub->add_option("--cpuset-cpus", o->cpuset_cpus, "CPUs allowed (0-3,5)");
    sub->add_option("--cpuset-mems", o->cpuset_mems, "memory nodes allowed");
    sub->add_option("--pids-limit", o->pids_limit, "maximum number of processes (-1 or 0: unlimited)");
    sub->add_option("--blkio-weight", o->blkio_weight, "block IO weight, 10 to 1000");
    sub->add_option("--l3-cache-schema", o->l3_cache_schema, "Intel RDT L3 cache schema (not supported)");
    sub->add_option("--mem-bw-schema", o->mem_bw_schema, "Intel RDT memory bandwidth schema (not supported)");
    sub->callback([o, &action] {
        action = [o](const GlobalOptions& g, const Logger& log) {
            nlohmann::json r = o->resources.empty() ? nlohmann::json::object() : read_resources(o->resources);
            apply_flags(*o, r);
            runtime::update_container(make_context(g, log), o->id, r);
            return 0;
        };
    });
}

}  // namespace berth::cli
