// berth-pull: fetches an image from an OCI / Docker registry into an OCI image layout.
#include <curl/curl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "berth/image/platform.hpp"
#include "berth/pull/credentials.hpp"
#include "berth/pull/pull.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "berth_config.h"

namespace {

// libcurl's process-wide state, set up before any thread starts.
struct CurlGlobal {
    CurlGlobal()
    {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw berth::Error("curl_global_init failed");
    }
    ~CurlGlobal() { curl_global_cleanup(); }
};

const char* get_env(const char* name) { return std::getenv(name); }

}  // namespace

int main(int argc, char* argv[])
{
    CLI::App app{"Fetch an image from an OCI or Docker registry into an OCI image layout.", "berth-pull"};
    std::string reference, dest, platform, authfile, creds;
    bool all_platforms = false, plain_http = false, tls_verify = true, quiet = false, version = false;
    unsigned jobs = 4;
    app.add_option("REFERENCE", reference, "image reference, e.g. busybox, registry:5000/team/app:1.0, name@sha256:...")->required();
    app.add_option("DEST", dest, "OCI image layout directory, with an optional :TAG")->required();
    app.add_option("--platform", platform, "os/arch[/variant] to pick from a multi-platform image (default: this host's)");
    app.add_flag("--all-platforms", all_platforms, "copy every platform of an index, and the index itself");
    app.add_option("--authfile", authfile, "credentials file (containers auth.json / docker config.json format)");
    app.add_option("--creds", creds, "USER[:PASS] for the registry");
    app.add_flag("--plain-http", plain_http, "talk plain http to the registry");
    app.add_flag("--tls-verify,!--insecure", tls_verify,
                 "verify the registry's TLS certificate (--tls-verify=false or --insecure: do not, and fall back to plain http)");
    app.add_option("-j,--jobs", jobs, "parallel blob downloads")->check(CLI::Range(1u, 64u));
    app.add_flag("-q,--quiet", quiet, "print nothing but errors");
    app.add_flag("-v,--version", version, "print the version and exit");
    // --version without the positional arguments
    try {
        for (int i = 1; i < argc; ++i)
            if (std::string_view(argv[i]) == "--version" || std::string_view(argv[i]) == "-v") {
                std::printf("berth-pull version %s\n", BERTH_VERSION);
                return 0;
            }
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        CurlGlobal curl;
        berth::pull::PullOptions o;
        o.source = berth::pull::parse_reference(reference);
        o.dest = berth::image::parse_layout_ref(dest);
        if (!o.dest.digest.empty()) throw berth::Error("DEST " + dest + ": a digest names what is there already; give a tag or none");
        o.platform = platform.empty() ? berth::image::host_platform() : berth::image::parse_platform(platform);
        o.all_platforms = all_platforms;
        o.jobs = jobs;
        o.registry.plain_http = plain_http;
        o.registry.insecure = !tls_verify;
        o.registry.transport.tls_verify = tls_verify;
        o.registry.transport.user_agent = std::string("berth-pull/") + BERTH_VERSION;
        if (!creds.empty()) {
            o.registry.credentials = berth::pull::parse_creds(creds);
        } else {
            auto files = berth::pull::auth_files(authfile, get_env);
            if (!authfile.empty() && !berth::path_exists(authfile)) throw berth::Error("--authfile " + authfile + ": no such file");
            o.registry.credentials = berth::pull::find_credentials(files, o.source.registry, o.source.repository);
        }
        using Mode = berth::pull::Progress::Mode;
        berth::pull::Progress progress(quiet ? Mode::quiet : ::isatty(2) ? Mode::terminal : Mode::plain);
        auto result = berth::pull::pull_image(o, progress);
        progress.finish();
        progress.message("Pulled " + o.source.str() + " (" + result.descriptor.value("digest", "") + ") into " + o.dest.dir +
                         (result.tag.empty() ? "" : ":" + result.tag));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "berth-pull: %s\n", e.what());
        return 1;
    }
}
