// --cgroup-manager=disabled: the container runs in berth's own cgroups and nothing is managed.
#include "berth/cgroups/backends.hpp"
#include "berth/util/error.hpp"

namespace berth::cgroups {

namespace {

class DisabledManager final : public Manager {
public:
    explicit DisabledManager(Mode mode) : mode_(mode) {}

    void create() override {}
    void add_process(pid_t) override {}
    std::vector<pid_t> pids() const override { return {}; }
    void kill_all(int) override {}
    void destroy() override {}
    bool frozen() const override { return false; }
    // --cgroup-manager=disabled: the caller chose to have no cgroup and warns about the rules.
    void apply_devices(const std::vector<DeviceRule>&) override {}
    void set_frozen(bool) override { throw Error("cannot freeze or thaw: cgroups are disabled"); }
    std::vector<Hierarchy> hierarchies() const override { return {}; }
    nlohmann::json to_json() const override { return {{"mode", mode_name(mode_)}, {"disabled", true}}; }
    Mode mode() const override { return mode_; }
    std::string describe() const override { return "cgroups disabled"; }

private:
    Mode mode_;
};

}  // namespace

std::unique_ptr<Manager> make_disabled_manager(Mode mode) { return std::make_unique<DisabledManager>(mode); }

}  // namespace berth::cgroups
