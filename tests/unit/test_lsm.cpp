// AppArmor/SELinux planning: what each host state makes of a config's labels.
#include <catch2/catch.hpp>

#include "berth/runtime/lsm_plan.hpp"
#include "berth/util/error.hpp"
#include "support.hpp"

using namespace berth;
using runtime::apply_mount_label;
using runtime::plan_exec_label;

using berth::test::error_of;

namespace {

os::MountStep fs_mount(const std::string& fstype, const std::string& dest)
{
    os::MountStep m;
    m.kind = os::MountStep::Kind::filesystem;
    m.fstype = fstype;
    m.destination = dest;
    return m;
}

const os::LsmSupport none{};
const os::LsmSupport apparmor_host{true, false, false};

}  // namespace

TEST_CASE("exec label: none asked, none planned, whatever the host", "[lsm]")
{
    CHECK_FALSE(plan_exec_label("", "", "config.json: .process", none));
    CHECK_FALSE(plan_exec_label("", "", "config.json: .process", apparmor_host));
}

TEST_CASE("exec label: an AppArmor profile is written as an exec request", "[lsm]")
{
    auto l = plan_exec_label("docker-default", "", "config.json: .process", apparmor_host);
    REQUIRE(l);
    CHECK(l->lsm == os::Lsm::apparmor);
    CHECK(l->value == "exec docker-default");
}

TEST_CASE("exec label: a host without the LSM fails with the field's path", "[lsm]")
{
    CHECK(error_of([] { plan_exec_label("p", "", "config.json: .process", none); }) ==
          "config.json: .process.apparmorProfile: AppArmor is not enabled on this host");
    const std::string label = "system_u:system_r:container_t:s0";
    CHECK(error_of([&] { plan_exec_label("", label, "process.json: ", os::LsmSupport{false, false, true}); }) ==
          "process.json: .selinuxLabel: SELinux is not enabled on this host");
    CHECK(error_of([&] { plan_exec_label("", label, "process.json: ", none); }) ==
          "process.json: .selinuxLabel: berth was built without SELinux support (meson setup -Dselinux=enabled)");
}

TEST_CASE("exec label: both LSMs at once is an error", "[lsm]")
{
    CHECK(error_of([] { plan_exec_label("p", "u:r:t:s0", "config.json: .process", apparmor_host); })
              .find(".selinuxLabel: set together with .apparmorProfile") != std::string::npos);
}

TEST_CASE("mount label: needs SELinux; nothing to do without one", "[lsm]")
{
    std::vector<os::MountStep> mounts{fs_mount("tmpfs", "/dev")};
    apply_mount_label("", none, mounts);
    CHECK(mounts[0].opts.fs_params.empty());
    CHECK(error_of([&] { apply_mount_label("system_u:object_r:container_file_t:s0", none, mounts); })
              .rfind("config.json: .linux.mountLabel: ", 0) == 0);
}

TEST_CASE("mount label: tmpfs, devpts and mqueue get context= unless they set their own", "[lsm]")
{
    std::vector<os::MountStep> mounts{fs_mount("tmpfs", "/dev"), fs_mount("proc", "/proc"), fs_mount("devpts", "/dev/pts"),
                                      fs_mount("mqueue", "/dev/mqueue")};
    mounts[2].opts.fs_params.emplace_back("context", "own");
    const std::string label = "system_u:object_r:container_file_t:s0:c1,c2";
    runtime::add_mount_context(label, mounts);
    REQUIRE(mounts[0].opts.fs_params.size() == 1);
    CHECK(mounts[0].opts.fs_params[0] == std::pair<std::string, std::string>{"context", label});
    CHECK(mounts[1].opts.fs_params.empty());
    REQUIRE(mounts[2].opts.fs_params.size() == 1);
    CHECK(mounts[2].opts.fs_params[0].second == "own");
    CHECK(mounts[3].opts.fs_params.size() == 1);
}
