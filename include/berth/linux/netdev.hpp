// linux.netDevices: moving a host network interface into the container's network namespace.
#pragma once
#include <string>

namespace berth::os {

// Moves host interface `host_name` into the network namespace `netns_fd`, named `new_name`
// there (the same name when empty), with one RTM_NEWLINK request over rtnetlink. Throws Error.
// When that namespace goes away the kernel returns a physical device to the host's and
// destroys a virtual one.
void move_netdev(const std::string& host_name, const std::string& new_name, int netns_fd);

// A name the kernel accepts for an interface: 1..15 bytes, no '/', ':' or white space, not
// "." or "..".
bool valid_ifname(const std::string& name);

}  // namespace berth::os
