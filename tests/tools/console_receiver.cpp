// console-receiver: the caller's end of --console-socket, for the integration tests.
//
//   console-receiver [--timeout SECONDS] [--log FILE] SOCKET ACTION...
//
// Listens on the unix socket SOCKET (it appears only once it accepts connections), takes one
// connection, receives the pty master (SCM_RIGHTS) and then runs the actions in order:
//   name            print "name NAME": the data sent with the master
//   rdev            print "rdev MAJOR:MINOR" of the fd received (5:2 for a pty master)
//   send:TEXT       write TEXT to the terminal; \n \r \t \\ and \xHH are unescaped
//   expect:TEXT     read the terminal until TEXT shows (after the previous match)
//   resize:ROWS:COLS  set the window size (TIOCSWINSZ on the master)
//   size            print "size ROWS COLS" (TIOCGWINSZ)
//   waitfile:PATH   keep reading the terminal until PATH exists
//   eof             read until every holder of the terminal side closed it
//   relay           copy stdin to the terminal and the terminal to stdout until eof
// Reports go to stdout; everything read from the terminal goes to --log. Exits 0 when every
// action succeeded, 2 on a timeout (what was read is printed to stderr), 1 on other errors.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(int code, const std::string& msg)
{
    std::fprintf(stderr, "console-receiver: %s\n", msg.c_str());
    std::exit(code);
}

[[noreturn]] void die_errno(const std::string& what) { die(1, what + ": " + std::strerror(errno)); }

double now()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string unescape(const std::string& s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        char c = s[++i];
        if (c == 'n') out += '\n';
        else if (c == 'r') out += '\r';
        else if (c == 't') out += '\t';
        else if (c == 'x' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else out += c;
    }
    return out;
}

int listen_on(const std::string& path)
{
    // Bound and listening under a temporary name, then renamed: once SOCKET exists, a
    // connection to it succeeds.
    std::string tmp = path + ".tmp";
    struct sockaddr_un a {};
    a.sun_family = AF_UNIX;
    if (tmp.size() >= sizeof a.sun_path) die(1, "socket path too long");
    std::memcpy(a.sun_path, tmp.c_str(), tmp.size());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die_errno("socket");
    ::unlink(tmp.c_str());
    if (::bind(fd, reinterpret_cast<struct sockaddr*>(&a), sizeof a) < 0) die_errno("bind " + tmp);
    if (::listen(fd, 1) < 0) die_errno("listen");
    if (::rename(tmp.c_str(), path.c_str()) < 0) die_errno("rename to " + path);
    return fd;
}

struct Received {
    int fd = -1;
    std::string name;
};

Received receive(int listener, double deadline)
{
    struct pollfd p {listener, POLLIN, 0};
    int left = static_cast<int>((deadline - now()) * 1000);
    if (::poll(&p, 1, left > 0 ? left : 0) <= 0) die(2, "timed out waiting for a connection");
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) die_errno("accept");
    char data[4096];
    struct iovec iov {data, sizeof data};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    struct msghdr h {};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn, &h, MSG_CMSG_CLOEXEC);
    if (n < 0) die_errno("recvmsg");
    Received r;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&r.fd, CMSG_DATA(c), sizeof(int));
    if (r.fd < 0) die(1, "no fd came with the message");
    r.name.assign(data, static_cast<size_t>(n));
    ::close(conn);
    return r;
}

class Terminal {
public:
    Terminal(int fd, FILE* log, double timeout) : fd_(fd), log_(log), timeout_(timeout) {}

    // One read within `ms`; false on eof (EIO) or error.
    bool read_some(int ms)
    {
        struct pollfd p {fd_, POLLIN, 0};
        int r = ::poll(&p, 1, ms);
        if (r <= 0) return true;
        char buf[4096];
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) return n < 0 && (errno == EINTR || errno == EAGAIN);
        seen_.append(buf, static_cast<size_t>(n));
        if (log_) {
            std::fwrite(buf, 1, static_cast<size_t>(n), log_);
            std::fflush(log_);
        }
        return true;
    }

    void expect(const std::string& text)
    {
        double deadline = now() + timeout_;
        for (;;) {
            auto at = seen_.find(text, matched_);
            if (at != std::string::npos) {
                matched_ = at + text.size();
                return;
            }
            if (now() > deadline) timeout("\"" + text + "\"");
            if (!read_some(100)) die(1, "the terminal closed before \"" + text + "\" showed; read: " + seen_.substr(matched_));
        }
    }

    void send(const std::string& text)
    {
        size_t off = 0;
        while (off < text.size()) {
            ssize_t n = ::write(fd_, text.data() + off, text.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) die_errno("write to the terminal");
            off += static_cast<size_t>(n);
        }
    }

    void wait_file(const std::string& path)
    {
        double deadline = now() + timeout_;
        while (::access(path.c_str(), F_OK) < 0) {
            if (now() > deadline) timeout("file " + path);
            if (!read_some(50)) ::usleep(50000);
        }
    }

    void eof()
    {
        double deadline = now() + timeout_;
        while (read_some(100))
            if (now() > deadline) timeout("the end of the terminal");
    }

    void relay()
    {
        bool in_open = true;
        for (;;) {
            struct pollfd p[2] = {{fd_, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
            if (::poll(p, 2, -1) < 0 && errno != EINTR) die_errno("poll");
            char buf[4096];
            if (p[1].revents) {
                ssize_t n = ::read(0, buf, sizeof buf);
                if (n > 0)
                    send(std::string(buf, static_cast<size_t>(n)));
                else
                    in_open = false;
            }
            if (p[0].revents) {
                ssize_t n = ::read(fd_, buf, sizeof buf);
                if (n <= 0) return;
                if (::write(1, buf, static_cast<size_t>(n)) < 0) return;
            }
        }
    }

private:
    [[noreturn]] void timeout(const std::string& what)
    {
        die(2, "timed out waiting for " + what + "; read since the last match: " + seen_.substr(matched_));
    }

    int fd_;
    FILE* log_;
    double timeout_;
    std::string seen_;
    size_t matched_ = 0;
};

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

int main(int argc, char** argv)
{
    double timeout = 10;
    FILE* log = nullptr;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) die(1, "missing value for " + std::string(argv[i]));
        std::string opt = argv[i];
        if (opt == "--timeout")
            timeout = std::atof(argv[i + 1]);
        else if (opt == "--log") {
            log = std::fopen(argv[i + 1], "w");
            if (!log) die_errno(argv[i + 1]);
        } else
            die(1, "unknown option " + opt);
    }
    if (i >= argc) die(1, "usage: console-receiver [--timeout S] [--log FILE] SOCKET ACTION...");
    std::string path = argv[i++];
    int listener = listen_on(path);
    Received r = receive(listener, now() + timeout * 3);
    ::close(listener);
    ::unlink(path.c_str());
    Terminal t(r.fd, log, timeout);
    for (; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "name") {
            std::printf("name %s\n", r.name.c_str());
        } else if (a == "rdev") {
            struct stat st;
            if (::fstat(r.fd, &st) < 0) die_errno("fstat");
            std::printf("rdev %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
        } else if (starts(a, "send:")) {
            t.send(unescape(a.substr(5)));
        } else if (starts(a, "expect:")) {
            t.expect(unescape(a.substr(7)));
        } else if (starts(a, "resize:")) {
            struct winsize ws {};
            unsigned rows = 0, cols = 0;
            if (std::sscanf(a.c_str() + 7, "%u:%u", &rows, &cols) != 2) die(1, "bad " + a);
            ws.ws_row = static_cast<unsigned short>(rows);
            ws.ws_col = static_cast<unsigned short>(cols);
            if (::ioctl(r.fd, TIOCSWINSZ, &ws) < 0) die_errno("TIOCSWINSZ");
        } else if (a == "size") {
            struct winsize ws {};
            if (::ioctl(r.fd, TIOCGWINSZ, &ws) < 0) die_errno("TIOCGWINSZ");
            std::printf("size %u %u\n", ws.ws_row, ws.ws_col);
        } else if (starts(a, "waitfile:")) {
            t.wait_file(a.substr(9));
        } else if (a == "eof") {
            t.eof();
        } else if (a == "relay") {
            t.relay();
        } else {
            die(1, "unknown action " + a);
        }
        std::fflush(stdout);
    }
    return 0;
}
