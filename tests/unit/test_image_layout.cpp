#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "berth/image/layout.hpp"
#include "berth/image/media_types.hpp"
#include "berth/util/error.hpp"
#include "berth/util/file.hpp"
#include "support.hpp"

using namespace berth::image;
using nlohmann::json;

namespace {

json descriptor(const std::string& digest)
{
    return {{"mediaType", media_type::oci_manifest}, {"digest", digest}, {"size", 3}};
}

}  // namespace

TEST_CASE("parse_layout_ref splits tag and digest", "[image][layout]")
{
    std::string dg = "sha256:" + std::string(64, 'b');
    auto r = parse_layout_ref("dir");
    CHECK((r.dir == "dir" && r.tag.empty() && r.digest.empty()));
    r = parse_layout_ref("dir:latest");
    CHECK((r.dir == "dir" && r.tag == "latest"));
    r = parse_layout_ref("/a/b:1.0-x_y");
    CHECK((r.dir == "/a/b" && r.tag == "1.0-x_y"));
    r = parse_layout_ref("dir@" + dg);
    CHECK((r.dir == "dir" && r.digest == dg && r.tag.empty()));
    r = parse_layout_ref("a:b:");  // trailing ':' keeps a ':' in the directory name
    CHECK((r.dir == "a:b" && r.tag.empty()));
    r = parse_layout_ref("/x:y/z");  // what follows the ':' is no tag
    CHECK((r.dir == "/x:y/z" && r.tag.empty()));
    r = parse_layout_ref("a:b:c");
    CHECK((r.dir == "a:b" && r.tag == "c"));
    CHECK_THROWS_WITH(parse_layout_ref("dir@sha256:abc"), Catch::Contains("invalid digest"));
    CHECK_THROWS(parse_layout_ref(":tag"));
    CHECK(is_valid_tag("v1.2"));
    CHECK_FALSE(is_valid_tag(".x"));
    CHECK_FALSE(is_valid_tag(std::string(129, 'a')));
}

TEST_CASE("layout creation, blobs and index updates", "[image][layout]")
{
    berth::test::TempDir t{"berth-image-test"};
    std::string dir = t.path + "/img";
    CHECK_THROWS_WITH(Layout::open(dir), Catch::Contains("image layout " + dir));
    Layout l = Layout::open_or_create(dir);
    CHECK(berth::path_exists(dir + "/oci-layout"));
    CHECK(l.read_index()["manifests"].empty());

    std::string d = l.write_blob("abc");
    CHECK(d == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(l.has_blob(d));
    CHECK(l.has_blob(d, 3));
    CHECK_FALSE(l.has_blob(d, 4));
    CHECK(l.blob_path(d) == dir + "/blobs/sha256/" + d.substr(7));
    CHECK(l.read_verified_blob(d) == "abc");

    std::string other = "sha256:" + std::string(64, 'c');
    l.add_to_index(descriptor(d), "v1");
    l.add_to_index(descriptor(other), "v2");
    l.add_to_index(descriptor(other), "");
    l.add_to_index(descriptor(other), "");  // untagged entry not repeated
    CHECK(l.read_index()["manifests"].size() == 3);
    CHECK(l.find_by_tag("v1").value()["digest"] == d);
    CHECK(l.find_by_tag("v2").value()["annotations"][std::string(ref_name_annotation)] == "v2");
    CHECK_FALSE(l.find_by_tag("v3"));
    // Re-tagging replaces only the entry with that tag.
    l.add_to_index(descriptor(other), "v1");
    auto idx = l.read_index()["manifests"];
    CHECK(idx.size() == 3);
    CHECK(l.find_by_tag("v1").value()["digest"] == other);
    CHECK(l.find_by_tag("v2").value()["digest"] == other);
    CHECK(l.find_by_digest(other).has_value());
    CHECK_FALSE(l.find_by_digest(d).has_value());
    // A directory with other things in it is not turned into a layout.
    berth::mkdir_p(t.path + "/home/x", 0755);
    CHECK_THROWS_WITH(Layout::open_or_create(t.path + "/home"), Catch::Contains("not an OCI image layout"));
    CHECK_FALSE(berth::path_exists(t.path + "/home/oci-layout"));
    // Opening again reads the same layout.
    CHECK(Layout::open(dir).find_by_tag("v2").has_value());
    l.tidy();
    CHECK_FALSE(berth::path_exists(dir + "/.berth-partial"));
}

TEST_CASE("blob writer verifies digest and size", "[image][layout]")
{
    berth::test::TempDir t{"berth-image-test"};
    Layout l = Layout::open_or_create(t.path);
    std::string d = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";  // "abc"
    {
        auto w = l.blob_writer(d, 3);
        w.write("abd", 3);
        CHECK_THROWS_WITH(w.commit(), Catch::Contains("content does not match"));
    }
    CHECK_FALSE(l.has_blob(d));
    {
        auto w = l.blob_writer(d, 2);
        CHECK_THROWS_WITH(w.write("abc", 3), Catch::Contains("more than the expected 2 bytes"));
    }
    {
        auto w = l.blob_writer(d, 4);
        w.write("abc", 3);
        CHECK_THROWS_WITH(w.commit(), Catch::Contains("got 3 bytes, expected 4"));
    }
    {
        auto w = l.blob_writer(d, 3);
        w.write("ab", 2);
        // destroyed without commit: the temporary file goes
    }
    CHECK(berth::read_dir(l.dir_fd(), ".berth-partial").value().empty());
    {
        // A resumable writer leaves its file for the next one, which continues after it.
        auto w = l.blob_writer(d, 3, true);
        CHECK(w.offset() == 0);
        w.write("ab", 2);
    }
    {
        auto w = l.blob_writer(d, 3, true);
        CHECK(w.offset() == 2);
        w.write("c", 1);
        CHECK(w.commit() == l.blob_path(d));
    }
    CHECK(l.has_blob(d, 3));
    {
        auto w = l.blob_writer(d, 3, true);
        w.write("x", 1);
        w.restart();
        CHECK(w.offset() == 0);
        w.write("abc", 3);
        w.commit();
    }
    CHECK(l.read_verified_blob(d) == "abc");
    l.tidy();
    CHECK_FALSE(berth::path_exists(t.path + "/.berth-partial"));
}
