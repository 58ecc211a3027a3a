#include "berth/linux/netdev.hpp"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "berth/util/error.hpp"
#include "berth/util/fd.hpp"

namespace berth::os {

namespace {

struct Request {
    nlmsghdr hdr;
    ifinfomsg info;
    char attrs[256];
};

void add_attr(Request& r, unsigned short type, const void* data, size_t len)
{
    size_t at = NLMSG_ALIGN(r.hdr.nlmsg_len);
    auto* a = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&r) + at);
    a->rta_type = type;
    a->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
    std::memcpy(RTA_DATA(a), data, len);
    r.hdr.nlmsg_len = static_cast<uint32_t>(at + RTA_ALIGN(a->rta_len));
}

}  // namespace

bool valid_ifname(const std::string& name)
{
    if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") return false;
    for (char c : name)
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == 0) return false;
    return true;
}

void move_netdev(const std::string& host_name, const std::string& new_name, int netns_fd)
{
    std::string what = "move network device " + host_name + " into the container";
    unsigned index = ::if_nametoindex(host_name.c_str());
    if (index == 0) throw_errno(what);
    Fd sock(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!sock) throw_errno(what + ": netlink socket");

    Request r{};
    r.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    r.hdr.nlmsg_type = RTM_NEWLINK;
    r.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    r.hdr.nlmsg_seq = 1;
    r.info.ifi_family = AF_UNSPEC;
    r.info.ifi_index = static_cast<int>(index);
    uint32_t fd = static_cast<uint32_t>(netns_fd);
    add_attr(r, IFLA_NET_NS_FD, &fd, sizeof fd);
    const std::string& name = new_name.empty() ? host_name : new_name;
    add_attr(r, IFLA_IFNAME, name.c_str(), name.size() + 1);  // the name in the new namespace

    if (::send(sock.get(), &r, r.hdr.nlmsg_len, 0) < 0) throw_errno(what + ": netlink send");
    char buf[1024];
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0) throw_errno(what + ": netlink receive");
    auto* h = reinterpret_cast<nlmsghdr*>(buf);
    if (!NLMSG_OK(h, static_cast<unsigned>(n)) || h->nlmsg_type != NLMSG_ERROR)
        throw Error(what + ": unexpected netlink answer");
    auto* e = reinterpret_cast<nlmsgerr*>(buf + NLMSG_HDRLEN);
    if (e->error != 0) throw_errno(-e->error, what + (name != host_name ? " as " + name : std::string()));
}

}  // namespace berth::os
