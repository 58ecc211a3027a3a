#include "berth/pull/progress.hpp"

#include <sys/ioctl.h>

#include <cstdio>

#include "berth/util/file.hpp"

namespace berth::pull {

std::string human_bytes(uint64_t n)
{
    char buf[32];
    if (n < 1024) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
    } else {
        static constexpr const char* units[] = {"kB", "MB", "GB", "TB"};
        double v = static_cast<double>(n) / 1000.0;
        size_t u = 0;
        while (v >= 1000.0 && u + 1 < std::size(units)) {
            v /= 1000.0;
            ++u;
        }
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    }
    return buf;
}

std::string short_digest(const std::string& digest)
{
    auto colon = digest.find(':');
    return colon == std::string::npos ? digest : digest.substr(0, colon + 1 + 12);
}

void Progress::write_out(const std::string& s) { (void)write_all(fd_, s.data(), s.size()); }

void Progress::line(const std::string& text)
{
    if (mode_ == Mode::quiet) return;
    if (mode_ == Mode::terminal && status_shown_) write_out("\r\x1b[K");
    write_out(text + "\n");
    status_shown_ = false;
    if (mode_ == Mode::terminal && !active_.empty()) draw_status(true);
}

void Progress::draw_status(bool force)
{
    if (mode_ != Mode::terminal) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
    if (active_.empty()) return;
    last_draw_ = now;
    uint64_t done = finished_bytes_;
    std::string blobs;
    for (const auto& [digest, b] : active_) {
        done += b.done;
        blobs += "  " + short_digest(digest).substr(7, 8) + " " + human_bytes(b.done) + "/" + (b.size >= 0 ? human_bytes(static_cast<uint64_t>(b.size)) : "?");
    }
    std::string s = "total " + human_bytes(done) + "/" + human_bytes(total_) + " |" + blobs;
    struct winsize ws {};
    size_t width = ::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ? ws.ws_col : 80;
    if (s.size() >= width) s = s.substr(0, width - 1);
    write_out("\r\x1b[K" + s);
    status_shown_ = true;
}

void Progress::set_total(uint64_t bytes)
{
    std::lock_guard lock(mutex_);
    total_ = bytes;
}

void Progress::blob_present(const std::string& digest, int64_t size)
{
    std::lock_guard lock(mutex_);
    line("Blob " + short_digest(digest) + " already present (" + human_bytes(static_cast<uint64_t>(std::max<int64_t>(size, 0))) + ")");
}

void Progress::blob_start(const std::string& digest, int64_t size, uint64_t resumed_at)
{
    std::lock_guard lock(mutex_);
    active_[digest] = {size, resumed_at};
    if (mode_ == Mode::plain) {
        std::string s = "Fetching blob " + short_digest(digest) + (size >= 0 ? " (" + human_bytes(static_cast<uint64_t>(size)) + ")" : "");
        if (resumed_at) s += ", resuming at " + human_bytes(resumed_at);
        line(s);
    } else {
        draw_status(true);
    }
}

void Progress::blob_bytes(const std::string& digest, uint64_t done)
{
    if (mode_ != Mode::terminal) return;
    std::lock_guard lock(mutex_);
    active_[digest].done = done;
    draw_status(false);
}

void Progress::blob_done(const std::string& digest)
{
    std::lock_guard lock(mutex_);
    auto it = active_.find(digest);
    uint64_t n = 0;
    if (it != active_.end()) {
        n = it->second.size >= 0 ? static_cast<uint64_t>(it->second.size) : it->second.done;
        active_.erase(it);
    }
    finished_bytes_ += n;
    line("Blob " + short_digest(digest) + " done (" + human_bytes(n) + ")");
}

void Progress::message(const std::string& text)
{
    std::lock_guard lock(mutex_);
    line(text);
}

void Progress::finish()
{
    std::lock_guard lock(mutex_);
    if (mode_ == Mode::terminal && status_shown_) write_out("\r\x1b[K");
    status_shown_ = false;
}

}  // namespace berth::pull
