// Replays fuzz corpora with the normal toolchain: every file of each directory (or each file)
// named on the command line goes once through LLVMFuzzerTestOneInput, the entry point the
// libFuzzer build (run.sh) uses. A crash, an uncaught exception or a sanitizer report fails the
// test; without libFuzzer this runs in every `meson test`.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> files_of(const std::string& path)
{
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return {};
    if (!S_ISDIR(st.st_mode)) return {path};
    std::vector<std::string> out;
    if (DIR* d = ::opendir(path.c_str())) {
        while (struct dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') out.push_back(path + "/" + e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());  // a stable order: a failure names the same file each run
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    size_t n = 0;
    for (int i = 1; i < argc; ++i) {
        auto files = files_of(argv[i]);
        if (files.empty()) {
            std::fprintf(stderr, "%s: no corpus files\n", argv[i]);
            return 1;
        }
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.eof() && in.fail()) {
                std::fprintf(stderr, "%s: cannot read\n", f.c_str());
                return 1;
            }
            std::fprintf(stderr, "%s\n", f.c_str());  // the last name printed is the culprit of a crash
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++n;
        }
    }
    std::printf("replayed %zu inputs\n", n);
    return 0;
}
