// berth's side of berth-systemd (src/systemd/helper.cpp): one request per run of the helper.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace berth::cgroups::systemd {

// systemd's own D-Bus socket, which berth-systemd talks to (no D-Bus daemon needed).
inline constexpr const char* private_socket = "/run/systemd/private";

// Where berth-systemd is: beside berth (the build tree; `argv0`'s dir), in ../libexec/berth
// of that dir (an install), else the configured libexec dir. "" when argv0 is empty and the
// configured one is missing too (the error then names what was looked for).
std::string find_helper(const std::string& argv0);

class Client {
public:
    explicit Client(std::string helper) : helper_(std::move(helper)) {}

    // StartTransientUnit with these properties; returns once systemd finished the start job.
    void start(const std::string& unit, const nlohmann::json& properties) const;
    // SetUnitProperties (runtime).
    void set(const std::string& unit, const nlohmann::json& properties) const;
    // StopUnit and wait; a unit systemd does not know is fine, and so is no systemd at all.
    void stop(const std::string& unit) const;

    const std::string& helper() const { return helper_; }

private:
    // Runs the helper with `request` on stdin; throws Error with its stderr line on failure.
    void run(const nlohmann::json& request) const;
    std::string helper_;
};

}  // namespace berth::cgroups::systemd
