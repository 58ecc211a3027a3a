// BlobWriter: a blob to a temporary file in the layout, hashed on the way, renamed into
// blobs/ once its digest and size are right.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/image/layout.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "layout_fs.hpp"

namespace berth::image {

using namespace layout_fs;

BlobWriter Layout::blob_writer(std::string_view digest, int64_t size, bool resumable) const
{
    return BlobWriter(*this, parse_digest(digest), size, resumable);
}

BlobWriter::BlobWriter(const Layout& layout, Digest digest, int64_t size, bool resumable)
    : layout_fd_(layout.dir_fd()), layout_dir_(layout.dir()), digest_(std::move(digest)), size_(size),
      resumable_(resumable), hash_(digest_.algorithm)
{
    if (::mkdirat(layout_fd_, partial_dir, 0700) < 0 && errno != EEXIST) throw_errno(path_join(layout_dir_, partial_dir));
    std::string base = std::string(partial_dir) + "/" + digest_.algorithm + "-" + digest_.hex;
    if (resumable_) {
        fd_.reset(::openat(layout_fd_, base.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
        if (!fd_) throw_errno("open " + path_join(layout_dir_, base));
        // Another process resuming the same blob: this one writes a file of its own.
        if (::flock(fd_.get(), LOCK_EX | LOCK_NB) < 0) {
            fd_.reset();
            resumable_ = false;
        } else {
            tmp_name_ = base;
        }
    }
    if (!resumable_) {
        tmp_name_ = base + "." + random_suffix();
        fd_.reset(::openat(layout_fd_, tmp_name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
        if (!fd_) throw_errno("create " + path_join(layout_dir_, tmp_name_));
        return;
    }
    // Hash what an earlier attempt left, and append after it.
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd_.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read " + path_join(layout_dir_, tmp_name_));
        if (n == 0) break;
        hash_.update(buf, static_cast<size_t>(n));
        written_ += static_cast<uint64_t>(n);
    }
    if (size_ >= 0 && written_ > static_cast<uint64_t>(size_)) restart();
}

BlobWriter::BlobWriter(BlobWriter&& o) noexcept
    : layout_fd_(o.layout_fd_), layout_dir_(std::move(o.layout_dir_)), digest_(std::move(o.digest_)), size_(o.size_),
      resumable_(o.resumable_), tmp_name_(std::move(o.tmp_name_)), fd_(std::move(o.fd_)), hash_(std::move(o.hash_)),
      written_(o.written_), done_(std::exchange(o.done_, true))
{
}

BlobWriter::~BlobWriter()
{
    if (!done_ && !resumable_) discard();
}

void BlobWriter::restart()
{
    if (::ftruncate(fd_.get(), 0) < 0 || ::lseek(fd_.get(), 0, SEEK_SET) < 0) throw_errno("truncate " + tmp_name_);
    hash_ = Hasher(digest_.algorithm);
    written_ = 0;
}

void BlobWriter::write(const void* data, size_t len)
{
    if (size_ >= 0 && written_ + len > static_cast<uint64_t>(size_)) {
        discard();
        throw Error("blob " + digest_.str() + ": more than the expected " + std::to_string(size_) + " bytes");
    }
    if (!write_all(fd_.get(), data, len)) throw_errno("write " + path_join(layout_dir_, tmp_name_));
    hash_.update(data, len);
    written_ += len;
}

std::string BlobWriter::commit()
{
    std::string got = hash_.hex();
    if (size_ >= 0 && written_ != static_cast<uint64_t>(size_)) {
        discard();
        throw Error("blob " + digest_.str() + ": got " + std::to_string(written_) + " bytes, expected " + std::to_string(size_));
    }
    if (got != digest_.hex) {
        discard();
        throw Error("blob " + digest_.str() + ": content does not match, its digest is " + digest_.algorithm + ":" + got);
    }
    if (::fsync(fd_.get()) < 0) throw_errno("fsync " + path_join(layout_dir_, tmp_name_));
    std::string dir = "blobs/" + digest_.algorithm, rel = dir + "/" + digest_.hex;
    mkdirat_p(layout_fd_, dir);
    if (::renameat(layout_fd_, tmp_name_.c_str(), layout_fd_, rel.c_str()) < 0) {
        int err = errno;
        discard();
        throw_errno(err, "rename " + tmp_name_ + " to " + rel);
    }
    fsync_dir(layout_fd_, dir);
    fd_.reset();
    done_ = true;
    return path_join(layout_dir_, rel);
}

void BlobWriter::discard() noexcept
{
    if (done_) return;
    ::unlinkat(layout_fd_, tmp_name_.c_str(), 0);
    fd_.reset();
    done_ = true;
}

}  // namespace berth::image
