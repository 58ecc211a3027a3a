// The systemd driver: the container's cgroup is a transient scope systemd makes with the init
// in it (the limits it can express as unit properties); everything else (devices exactly,
// limits systemd has no property for, v1 hierarchies systemd leaves alone, freezing, pids,
// signalling) is the cgroupfs manager's, working in the dirs of that scope.
#include <unistd.h>

#include <cerrno>

#include "berth/cgroups/backends.hpp"
#include "berth/cgroups/systemd_client.hpp"
#include "berth/cgroups/systemd_units.hpp"
#include "berth/util/error.hpp"

namespace berth::cgroups {

namespace {

class SystemdManager final : public Manager {
public:
    SystemdManager(std::unique_ptr<Manager> fs, SystemdUnitState s)
        : fs_(std::move(fs)), s_(std::move(s)), client_(s_.helper)
    {
    }

    // The scope waits for the init (systemd refuses one without processes); this only fails
    // early, before any process exists, where no systemd listens.
    void create() override
    {
        if (::access(systemd::private_socket, F_OK) < 0)
            throw Error("the systemd cgroup driver needs a running systemd: " + std::string(systemd::private_socket) +
                            ": " + errno_text(errno),
                        errno);
    }
    bool created_with_init() const override { return true; }

    void create_with_init(pid_t pid) override
    {
        auto props = systemd::base_properties(s_.unit, s_.id, pid, s_.flavour);
        props.insert(props.end(), s_.resource_properties.begin(), s_.resource_properties.end());
        props.insert(props.end(), s_.device_properties.begin(), s_.device_properties.end());
        client_.start(s_.unit.name, systemd::properties_json(props));
        s_.owns_unit = true;
        // v1 hierarchies systemd does not manage (cpuset, freezer, net_cls, ...) get the
        // scope's path too, as runc joins them; where systemd made the dir this is a no-op.
        fs_->create();
        fs_->add_process(pid);
    }

    void add_process(pid_t pid) override { fs_->add_process(pid); }
    std::optional<SelfJoin> self_join() const override { return fs_->self_join(); }
    std::vector<pid_t> pids() const override { return fs_->pids(); }
    void kill_all(int sig) override { fs_->kill_all(sig); }

    void destroy() override
    {
        // The unit first: systemd removes its dirs; the cgroupfs manager then those it made.
        std::optional<Error> first;
        if (s_.owns_unit) {
            try {
                client_.stop(s_.unit.name);
            } catch (Error& e) {
                first = std::move(e);
            }
        }
        fs_->destroy();
        if (first) throw *first;
    }

    void stop_unit() override { client_.stop(s_.unit.name); }

    bool frozen() const override { return fs_->frozen(); }
    void set_frozen(bool frozen) override { fs_->set_frozen(frozen); }
    // Exactly, on top of systemd's allow list (a superset of the rules; systemd_units.hpp).
    void apply_devices(const std::vector<DeviceRule>& rules) override { fs_->apply_devices(rules); }

    std::vector<std::string> apply_resources(const spec::Resources& resources) override
    {
        auto t = systemd::translate_resources(resources, s_.flavour);
        // At create the scope was started with these already; `update` changes them.
        if (t.properties != s_.resource_properties) {
            client_.set(s_.unit.name, systemd::properties_json(t.properties));
            s_.resource_properties = t.properties;
        }
        return fs_->apply_resources(t.rest);
    }

    std::vector<Hierarchy> hierarchies() const override { return fs_->hierarchies(); }

    nlohmann::json to_json() const override
    {
        nlohmann::json j = fs_->to_json();
        j["systemd"] = {{"unit", s_.unit.name},
                        {"slice", s_.unit.slice},
                        {"id", s_.id},
                        {"flavour", s_.flavour == systemd::Flavour::v1 ? "v1" : "v2"},
                        {"helper", s_.helper}};
        return j;
    }

    Mode mode() const override { return fs_->mode(); }
    std::string describe() const override { return "systemd unit " + s_.unit.name + " (" + fs_->describe() + ")"; }

private:
    std::unique_ptr<Manager> fs_;
    SystemdUnitState s_;
    systemd::Client client_;
};

}  // namespace

std::unique_ptr<Manager> make_systemd_manager(std::unique_ptr<Manager> fs, SystemdUnitState state)
{
    return std::make_unique<SystemdManager>(std::move(fs), std::move(state));
}

}  // namespace berth::cgroups
