#include "layout_fs.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

namespace berth::image::layout_fs {

std::string random_suffix()
{
    unsigned char b[4] = {};
    if (::getrandom(b, sizeof b, 0) != static_cast<ssize_t>(sizeof b)) throw_errno("getrandom");
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (unsigned char c : b) {
        s += digits[c >> 4];
        s += digits[c & 0xf];
    }
    return s;
}

void fsync_dir(int dirfd, const std::string& rel)
{
    Fd d(::openat(dirfd, rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d) ::fsync(d.get());  // best effort: the rename is done, this only makes it durable sooner
}

void mkdirat_p(int dirfd, const std::string& rel)
{
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = rel.find('/', pos + 1);
        std::string part = rel.substr(0, pos);
        if (::mkdirat(dirfd, part.c_str(), 0755) < 0 && errno != EEXIST) throw_errno("mkdir " + part);
    }
}

}  // namespace berth::image::layout_fs
