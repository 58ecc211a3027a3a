// berth-systemd: berth's systemd cgroup driver talks to systemd through this small program,
// the one part of berth linked with libsystemd (sd-bus): berth itself stays a static binary
// and pays nothing for the driver unless it is selected. Reads one request (JSON) on stdin:
//   {"op": "start", "unit": "berth-c1.scope", "properties": [[name, signature, value], ...]}
//     StartTransientUnit, then waits for the job's JobRemoved signal (result must be "done")
//   {"op": "set", "unit": ..., "properties": [...]}     SetUnitProperties (runtime)
//   {"op": "stop", "unit": ...}    StopUnit and wait for the job, then ResetFailedUnit; a unit
//                                  systemd does not know is already stopped
// "bus" (optional) is the address; default: systemd's private socket, which needs no D-Bus
// daemon. Exit 0 on success; otherwise 1 and one line on stderr.
#include <poll.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* service = "org.freedesktop.systemd1";
constexpr const char* object = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";
constexpr auto job_timeout = 30s;  // as runc waits for its jobs
constexpr uint64_t call_timeout_usec = 30'000'000;

struct Failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail_r(const std::string& what, int r)
{
    throw Failed(what + ": " + std::string(std::strerror(r < 0 ? -r : r)));
}

struct BusUnref {
    void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
struct MsgUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
struct SlotUnref {
    void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
using Bus = std::unique_ptr<sd_bus, BusUnref>;
using Msg = std::unique_ptr<sd_bus_message, MsgUnref>;
using Slot = std::unique_ptr<sd_bus_slot, SlotUnref>;

// sd_bus_error freed on scope exit.
struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~BusError() { sd_bus_error_free(&e); }
    std::string text(int r) const
    {
        if (e.message) return e.message;
        return std::strerror(r < 0 ? -r : r);
    }
};

void check(int r, const std::string& what)
{
    if (r < 0) fail_r(what, r);
}

// Length of the first complete type in `sig`: "t" 1, "a(ss)" 5, "(sa(sv))" 8.
size_t complete_type(const std::string& sig, size_t at)
{
    if (at >= sig.size()) throw Failed("bad signature \"" + sig + "\"");
    if (sig[at] == 'a') return 1 + complete_type(sig, at + 1);
    if (sig[at] != '(') return 1;
    size_t i = at + 1;
    while (i < sig.size() && sig[i] != ')') i += complete_type(sig, i);
    if (i >= sig.size()) throw Failed("bad signature \"" + sig + "\"");
    return i + 1 - at;
}

void append(sd_bus_message* m, const std::string& sig, const json& v)
{
    const std::string what = "append a value of type " + sig;
    if (sig.size() == 1) {
        int r = 0;
        switch (sig[0]) {
        case 't': {
            uint64_t x = v.get<uint64_t>();
            r = sd_bus_message_append_basic(m, 't', &x);
            break;
        }
        case 'x': {
            int64_t x = v.get<int64_t>();
            r = sd_bus_message_append_basic(m, 'x', &x);
            break;
        }
        case 'u': {
            uint32_t x = v.get<uint32_t>();
            r = sd_bus_message_append_basic(m, 'u', &x);
            break;
        }
        case 'i': {
            int32_t x = v.get<int32_t>();
            r = sd_bus_message_append_basic(m, 'i', &x);
            break;
        }
        case 'b': {
            int x = v.get<bool>() ? 1 : 0;
            r = sd_bus_message_append_basic(m, 'b', &x);
            break;
        }
        case 's': {
            std::string x = v.get<std::string>();
            r = sd_bus_message_append_basic(m, 's', x.c_str());
            break;
        }
        default: throw Failed("unsupported signature \"" + sig + "\"");
        }
        check(r, what);
        return;
    }
    if (sig == "ay") {
        std::string bytes;
        for (const auto& b : v) bytes.push_back(static_cast<char>(b.get<uint8_t>()));
        check(sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size()), what);
        return;
    }
    if (sig[0] == 'a') {
        std::string elem = sig.substr(1);
        check(sd_bus_message_open_container(m, 'a', elem.c_str()), what);
        for (const auto& item : v) append(m, elem, item);
        check(sd_bus_message_close_container(m), what);
        return;
    }
    if (sig[0] == '(' && sig.back() == ')') {
        std::string inner = sig.substr(1, sig.size() - 2);
        check(sd_bus_message_open_container(m, 'r', inner.c_str()), what);
        size_t at = 0, i = 0;
        while (at < inner.size()) {
            size_t n = complete_type(inner, at);
            append(m, inner.substr(at, n), v.at(i++));
            at += n;
        }
        check(sd_bus_message_close_container(m), what);
        return;
    }
    throw Failed("unsupported signature \"" + sig + "\"");
}

// a(sv) from [[name, signature, value], ...].
void append_properties(sd_bus_message* m, const json& props)
{
    check(sd_bus_message_open_container(m, 'a', "(sv)"), "append properties");
    for (const auto& p : props) {
        const std::string name = p.at(0).get<std::string>();
        const std::string sig = p.at(1).get<std::string>();
        check(sd_bus_message_open_container(m, 'r', "sv"), "append property " + name);
        check(sd_bus_message_append_basic(m, 's', name.c_str()), "append property " + name);
        check(sd_bus_message_open_container(m, 'v', sig.c_str()), "append property " + name);
        try {
            append(m, sig, p.at(2));
        } catch (const json::exception& e) {
            throw Failed("property " + name + ": " + e.what());
        }
        check(sd_bus_message_close_container(m), "append property " + name);
        check(sd_bus_message_close_container(m), "append property " + name);
    }
    check(sd_bus_message_close_container(m), "append properties");
}

class Client {
public:
    explicit Client(const std::string& address)
    {
        sd_bus* b = nullptr;
        check(sd_bus_new(&b), "sd_bus_new");
        bus_.reset(b);
        check(sd_bus_set_address(b, address.c_str()), "bus address " + address);
        int r = sd_bus_start(b);
        if (r < 0) fail_r("connect to systemd at " + address, r);
        // Signals about jobs: JobRemoved tells when a start or stop finished, and how.
        sd_bus_slot* s = nullptr;
        check(sd_bus_match_signal(b, &s, nullptr, object, manager_iface, "JobRemoved", &Client::on_job_removed, this),
              "match JobRemoved");
        slot_.reset(s);
        // Harmless where signals flow anyway (the private socket); needed on a bus.
        BusError e;
        sd_bus_call_method(b, service, object, manager_iface, "Subscribe", &e.e, nullptr, "");
    }

    Msg new_call(const char* method)
    {
        sd_bus_message* m = nullptr;
        check(sd_bus_message_new_method_call(bus_.get(), &m, service, object, manager_iface, method),
              std::string("new call ") + method);
        return Msg(m);
    }

    // Sends the call; returns the reply, or throws with systemd's error (its D-Bus name in
    // *error_name when asked).
    Msg call(sd_bus_message* m, const std::string& what, std::string* error_name = nullptr)
    {
        BusError e;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call(bus_.get(), m, call_timeout_usec, &e.e, &reply);
        if (r < 0) {
            if (error_name && e.e.name) *error_name = e.e.name;
            throw Failed(what + ": " + e.text(r));
        }
        return Msg(reply);
    }

    // The job object path a StartUnit-like call returned.
    static std::string job_of(sd_bus_message* reply)
    {
        const char* job = nullptr;
        check(sd_bus_message_read(reply, "o", &job), "read job path");
        return job;
    }

    // Processes messages until JobRemoved for `job` arrived; its result ("done", "failed", ...).
    std::string wait_job(const std::string& job)
    {
        auto deadline = std::chrono::steady_clock::now() + job_timeout;
        while (true) {
            if (auto it = results_.find(job); it != results_.end()) return it->second;
            int r = sd_bus_process(bus_.get(), nullptr);
            check(r, "read from systemd");
            if (r > 0) continue;
            auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw Failed("timed out waiting for systemd job " + job);
            check(sd_bus_wait(bus_.get(), static_cast<uint64_t>(left.count())), "wait for systemd");
        }
    }

private:
    static int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*)
    {
        uint32_t id = 0;
        const char *job = nullptr, *unit = nullptr, *result = nullptr;
        if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) >= 0)
            static_cast<Client*>(userdata)->results_[job] = result;
        return 0;
    }

    Bus bus_;
    Slot slot_;
    std::map<std::string, std::string> results_;
};

// ResetFailedUnit, best effort: a unit that is not failed (or gone) needs none.
void reset_failed(Client& c, const std::string& unit)
{
    try {
        Msg r = c.new_call("ResetFailedUnit");
        check(sd_bus_message_append(r.get(), "s", unit.c_str()), "append unit");
        c.call(r.get(), "reset " + unit);
    } catch (const Failed&) {
    }
}

void start(Client& c, const std::string& unit, const json& props)
{
    Msg m = c.new_call("StartTransientUnit");
    check(sd_bus_message_append(m.get(), "ss", unit.c_str(), "replace"), "append unit");
    append_properties(m.get(), props);
    check(sd_bus_message_append(m.get(), "a(sa(sv))", 0), "append aux units");
    Msg reply = c.call(m.get(), "start " + unit);
    std::string result = c.wait_job(Client::job_of(reply.get()));
    if (result != "done") {
        // The unit is this request's: a failed one would keep its name taken.
        reset_failed(c, unit);
        throw Failed("start " + unit + ": systemd job finished with result \"" + result + "\"");
    }
}

void set(Client& c, const std::string& unit, const json& props)
{
    Msg m = c.new_call("SetUnitProperties");
    check(sd_bus_message_append(m.get(), "sb", unit.c_str(), 1), "append unit");
    append_properties(m.get(), props);
    c.call(m.get(), "set properties of " + unit);
}

void stop(Client& c, const std::string& unit)
{
    Msg m = c.new_call("StopUnit");
    check(sd_bus_message_append(m.get(), "ss", unit.c_str(), "replace"), "append unit");
    std::string error_name;
    try {
        Msg reply = c.call(m.get(), "stop " + unit, &error_name);
        std::string result = c.wait_job(Client::job_of(reply.get()));
        if (result != "done") throw Failed("stop " + unit + ": systemd job finished with result \"" + result + "\"");
    } catch (const Failed&) {
        if (error_name == "org.freedesktop.systemd1.NoSuchUnit") return;
        throw;
    }
    // A scope whose processes were killed may be left "failed"; forget it so the name is free.
    reset_failed(c, unit);
}

}  // namespace

int main()
{
    try {
        json req = json::parse(std::string(std::istreambuf_iterator<char>(std::cin), {}));
        const std::string op = req.at("op").get<std::string>();
        const std::string unit = req.at("unit").get<std::string>();
        Client c(req.value("bus", std::string("unix:path=/run/systemd/private")));
        if (op == "start")
            start(c, unit, req.at("properties"));
        else if (op == "set")
            set(c, unit, req.at("properties"));
        else if (op == "stop")
            stop(c, unit);
        else
            throw Failed("unknown op \"" + op + "\"");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
