// Helpers shared by the unit tests.
#pragma once

#include <cstdlib>
#include <functional>
#include <string>

#include "berth/util/error.hpp"
#include "berth/util/file.hpp"

namespace berth::test {

// The message of the berth::Error `f` throws, "" when it throws none.
inline std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// A fresh directory under $TMPDIR (or /tmp), removed with all it holds.
struct TempDir {
    std::string path;
    explicit TempDir(const char* name = "berth-test")
    {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + name + ".XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw Error("mkdtemp " + tmpl);
        path = tmpl;
    }
    ~TempDir() { remove_tree(path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

}  // namespace berth::test
