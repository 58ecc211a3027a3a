#include "berth/unpack/apply_layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include "berth/unpack/entry_path.hpp"
#include "berth/util/error.hpp"

namespace berth::unpack {

namespace {

const char* entry_name(archive_entry* e)
{
    const char* n = archive_entry_pathname(e);
    if (!n) n = archive_entry_pathname_utf8(e);
    return n ? n : "";
}

std::string clean_or_refuse(const char* name, const char* what)
{
    auto clean = clean_entry_path(name);
    if (!clean) throw Error(std::string(what) + " " + name + " leaves the rootfs; refusing the layer");
    return std::move(*clean);
}

uint32_t id_of(la_int64_t v, const char* what)
{
    if (v < 0 || v > UINT32_MAX) throw Error(std::string("invalid ") + what + " " + std::to_string(v));
    return static_cast<uint32_t>(v);
}

Meta meta_of(archive_entry* e)
{
    Meta m;
    m.mode = static_cast<mode_t>(archive_entry_perm(e)) & 07777;
    m.uid = id_of(archive_entry_uid(e), "uid");
    m.gid = id_of(archive_entry_gid(e), "gid");
    m.mtime.tv_sec = archive_entry_mtime(e);
    m.mtime.tv_nsec = archive_entry_mtime_nsec(e);
    if (archive_entry_xattr_reset(e) > 0) {
        const char* key;
        const void* value;
        size_t size;
        while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK)
            m.xattrs.emplace_back(key, std::string(static_cast<const char*>(value), size));
    }
    return m;
}

}  // namespace

LayerStats apply_layer(LayerReader& reader, RootfsWriter& writer, const std::function<void(std::string_view)>& warn,
                       const std::function<void(const LayerStats&)>& progress)
{
    LayerStats stats;
    writer.begin_layer();
    while (archive_entry* e = reader.next()) {
        const char* name = entry_name(e);
        with_context(std::string("entry ") + name, [&] {
            std::string path = clean_or_refuse(name, "path");
            ++stats.entries;
            if (is_whiteout_name(path)) {
                auto mark = whiteout_of(path);
                if (mark.kind == Whiteout::opaque)
                    writer.opaque(mark.target);
                else if (mark.kind == Whiteout::entry)
                    writer.whiteout(mark.target);
                else
                    throw Error("malformed whiteout");
                return;
            }
            if (const char* target = archive_entry_hardlink(e)) {
                writer.hardlink(path, clean_or_refuse(target, "hard link target"));
                return;
            }
            Meta m = meta_of(e);
            switch (archive_entry_filetype(e)) {
            case AE_IFREG: {
                Fd fd = writer.regular_file(path);
                reader.copy_data(fd.get());
                writer.finish_file(fd.get(), path, m);
                stats.bytes += static_cast<uint64_t>(archive_entry_size(e));
                if (progress) progress(stats);
                return;
            }
            case AE_IFDIR: writer.directory(path, m); return;
            case AE_IFLNK: {
                const char* t = archive_entry_symlink(e);
                if (!t) t = archive_entry_symlink_utf8(e);
                writer.symlink(path, t ? t : "", m);
                return;
            }
            case AE_IFCHR: writer.node(path, S_IFCHR, archive_entry_rdev(e), m); return;
            case AE_IFBLK: writer.node(path, S_IFBLK, archive_entry_rdev(e), m); return;
            case AE_IFIFO: writer.node(path, S_IFIFO, 0, m); return;
            case AE_IFSOCK:
                if (warn) warn(std::string("socket ") + name + " skipped: a socket cannot be unpacked");
                return;
            default: throw Error("unsupported entry type");
            }
        });
    }
    writer.end_layer();
    return stats;
}

}  // namespace berth::unpack
