// What berth-pull tells the user while it works: on a terminal one status line redrawn in
// place (the blobs in flight and a total) with a line per finished blob above it; otherwise
// plain lines; nothing with --quiet. Called from the download threads: thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace berth::pull {

class Progress {
public:
    enum class Mode { quiet, plain, terminal };
    explicit Progress(Mode mode, int fd = 2) : mode_(mode), fd_(fd) {}
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Bytes the blobs to fetch add up to, for the total.
    void set_total(uint64_t bytes);
    void blob_present(const std::string& digest, int64_t size);
    void blob_start(const std::string& digest, int64_t size, uint64_t resumed_at);
    void blob_bytes(const std::string& digest, uint64_t done);
    void blob_done(const std::string& digest);
    void message(const std::string& text);
    // Clears the status line.
    void finish();

private:
    struct Blob {
        int64_t size = -1;
        uint64_t done = 0;
    };
    void line(const std::string& text);  // a permanent line (redraws the status line after it)
    void draw_status(bool force);
    void write_out(const std::string& s);

    Mode mode_;
    int fd_;
    std::mutex mutex_;
    std::map<std::string, Blob> active_;
    uint64_t total_ = 0, finished_bytes_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
    bool status_shown_ = false;
};

// "12.3 MB"
std::string human_bytes(uint64_t n);
// "sha256:0123456789ab": enough of a digest to tell blobs apart.
std::string short_digest(const std::string& digest);

}  // namespace berth::pull
