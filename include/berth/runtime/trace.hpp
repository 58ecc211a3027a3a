// --debug: one line per step of a command, "<verb> <id>: <step>". The message is built only
// when debugging.
#pragma once
#include <string>

#include "berth/util/log.hpp"

namespace berth::runtime {

class Trace {
public:
    Trace(const Logger& log, const char* verb, const std::string& id) : log_(log), verb_(verb), id_(id) {}
    template <class MakeMessage>
    void operator()(MakeMessage&& make) const
    {
        log_.debug_lazy([&] { return std::string(verb_) + " " + id_ + ": " + make(); });
    }

private:
    const Logger& log_;
    const char* verb_;
    const std::string& id_;
};

}  // namespace berth::runtime
