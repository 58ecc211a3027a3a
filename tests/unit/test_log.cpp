#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "berth/runtime/supported.hpp"
#include "berth/spec/parse.hpp"
#include "berth/util/log.hpp"

using berth::Logger;
using berth::LogFormat;

namespace {

// An anonymous temporary file standing in for stderr; text() reads everything written to it.
class Capture {
public:
    Capture() : f_(std::tmpfile()) { REQUIRE(f_ != nullptr); }
    ~Capture() { std::fclose(f_); }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    int fd() const { return ::fileno(f_); }
    std::string text() const
    {
        std::string out;
        char buf[4096];
        off_t off = 0;
        for (;;) {
            ssize_t n = ::pread(fd(), buf, sizeof buf, off);
            REQUIRE(n >= 0);
            if (n == 0) return out;
            out.append(buf, static_cast<size_t>(n));
            off += n;
        }
    }

private:
    std::FILE* f_;
};

// A named temporary file for --log, removed at the end of the test.
class TempPath {
public:
    TempPath()
    {
        char tmpl[] = "/tmp/berth-unit-log.XXXXXX";
        int fd = ::mkstemp(tmpl);
        REQUIRE(fd >= 0);
        ::close(fd);
        path_ = tmpl;
    }
    ~TempPath() { ::unlink(path_.c_str()); }
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;

    const std::string& path() const { return path_; }
    std::string text() const
    {
        std::string out;
        std::FILE* f = std::fopen(path_.c_str(), "r");
        REQUIRE(f != nullptr);
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        std::fclose(f);
        return out;
    }

private:
    std::string path_;
};

}  // namespace

TEST_CASE("log: warnings and errors go to the stream fd, one line each", "[log]")
{
    Capture err;
    Logger log(err.fd());
    CHECK(log.stream_fd() == err.fd());
    log.warn("something odd");
    log.error("create c1: it failed");
    log.debug("not shown without --debug");
    CHECK(err.text() == "berth: warning: something odd\nberth: create c1: it failed\n");
}

TEST_CASE("log: the default Logger writes to fd 2", "[log]")
{
    CHECK(Logger().stream_fd() == 2);
}

TEST_CASE("log: --debug lines go to the stream without a log file", "[log]")
{
    Capture err;
    Logger log(err.fd());
    log.open("", LogFormat::text, true);
    CHECK(log.debug_enabled());
    log.debug("step 1");
    bool built = false;
    log.debug_lazy([&] {
        built = true;
        return std::string("step 2");
    });
    CHECK(built);
    // Each line ends with the time since open(), for reading where a command spends it.
    CHECK_THAT(err.text(), Catch::Matches("berth: debug: step 1 \\(\\+[0-9]+\\.[0-9]{3} ms\\)\n"
                                          "berth: debug: step 2 \\(\\+[0-9]+\\.[0-9]{3} ms\\)\n"));

    Logger quiet(err.fd());
    built = false;
    quiet.debug_lazy([&] {
        built = true;
        return std::string("never");
    });
    CHECK_FALSE(built);
}

TEST_CASE("log: json format keeps exactly one error object in the log file", "[log]")
{
    Capture err;
    TempPath file;
    Logger log(err.fd());
    log.open(file.path(), LogFormat::json, false);
    log.info("an info line");
    log.warn("a warning");
    log.error("create c1: no such file or directory");

    // stderr still gets both lines.
    CHECK(err.text() == "berth: warning: a warning\nberth: create c1: no such file or directory\n");

    // podman parses the whole file as one JSON object: nothing but the error may be there.
    std::string text = file.text();
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    CHECK(text.find('\n') == text.size() - 1);
    nlohmann::json j = nlohmann::json::parse(text);
    REQUIRE(j.is_object());
    CHECK(j.size() == 3);
    CHECK(j["level"] == "error");
    CHECK(j["msg"] == "create c1: no such file or directory");
    REQUIRE(j["time"].is_string());
    CHECK_THAT(j["time"].get<std::string>(), Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*Z)"));
}

TEST_CASE("log: text format writes info, warnings and errors to the log file", "[log]")
{
    Capture err;
    TempPath file;
    Logger log(err.fd());
    log.open(file.path(), LogFormat::text, false);
    log.info("hello");
    log.warn("careful");
    log.error("failed");
    std::string text = file.text();
    CHECK_THAT(text, Catch::Matches(R"(time="[^"]+" level=info msg="hello"\n)"
                                    R"(time="[^"]+" level=warning msg="careful"\n)"
                                    R"(time="[^"]+" level=error msg="failed"\n)"));
    CHECK(err.text() == "berth: warning: careful\nberth: failed\n");
}

TEST_CASE("log: text lines quote msg as logrus does", "[log]")
{
    Capture err;
    TempPath file;
    Logger log(err.fd());
    log.open(file.path(), LogFormat::text, true);
    log.debug("exec [\"sh\" \"-c\" \"a\\b\"]\nnext\tline");
    CHECK_THAT(file.text(), Catch::Matches(R"(time="[^"]+" level=debug msg="exec \[\\"sh\\" \\"-c\\" \\"a\\\\b\\"\]\\nnext\\tline"\n)"));
}

TEST_CASE("log: note() writes to a text log file only, never to the stream", "[log]")
{
    Capture err;
    TempPath file;
    Logger log(err.fd());
    log.open(file.path(), LogFormat::text, false);
    log.note("for the record");
    CHECK_THAT(file.text(), Catch::Matches(R"(time="[^"]+" level=warning msg="for the record"\n)"));
    CHECK(err.text().empty());

    // Nothing in a JSON log (one error object only), nothing without a log file.
    TempPath json_log;
    Logger jlog(err.fd());
    jlog.open(json_log.path(), LogFormat::json, false);
    jlog.note("for the record");
    CHECK(json_log.text().empty());
    Logger bare(err.fd());
    bare.note("for the record");
    CHECK(err.text().empty());
}

TEST_CASE("log: resource fields berth applies get no \"not applied yet\" note", "[log][supported]")
{
    // The last two that had one: memory.useHierarchy and checkBeforeUpdate.
    berth::spec::Config c = berth::spec::parse_config(R"({
        "ociVersion": "1.2.0",
        "root": {"path": "rootfs"},
        "process": {"args": ["sh"], "cwd": "/"},
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
        "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}],
                  "resources": {"memory": {"useHierarchy": true, "checkBeforeUpdate": true}}}
    })");
    Capture err;
    TempPath file;
    Logger log(err.fd());
    log.open(file.path(), LogFormat::text, false);
    berth::runtime::check_supported(c, log);
    CHECK(err.text().empty());
    CHECK(file.text().empty());
}
