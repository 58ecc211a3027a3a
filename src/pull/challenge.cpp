#include "berth/pull/challenge.hpp"

#include <cctype>

#include "berth/pull/ascii.hpp"

namespace berth::pull {

namespace {

bool is_token_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}
    void skip_space()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    bool at_end() const { return i_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[i_]; }
    void bump() { ++i_; }
    size_t pos() const { return i_; }
    void seek(size_t i) { i_ = i; }
    std::string token()
    {
        size_t start = i_;
        while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
        // token68 may end in '=' padding
        while (i_ < s_.size() && s_[i_] == '=' && (i_ + 1 == s_.size() || s_[i_ + 1] == ',' || s_[i_ + 1] == ' ')) ++i_;
        return std::string(s_.substr(start, i_ - start));
    }
    // An unquoted value: lenient, up to the next ',' or blank (servers put URLs there).
    std::string bare()
    {
        size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
        return std::string(s_.substr(start, i_ - start));
    }
    std::string quoted()
    {
        std::string out;
        ++i_;  // opening quote
        while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
            out += s_[i_++];
        }
        if (i_ < s_.size()) ++i_;
        return out;
    }

private:
    std::string_view s_;
    size_t i_ = 0;
};

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view header)
{
    std::vector<Challenge> out;
    Scanner sc(header);
    for (;;) {
        sc.skip_space();
        while (sc.peek() == ',') {
            sc.bump();
            sc.skip_space();
        }
        if (sc.at_end()) break;
        std::string scheme = sc.token();
        if (scheme.empty()) {
            sc.bump();  // skip garbage
            continue;
        }
        Challenge ch{ascii_lower(scheme), {}};
        // auth-params: name=value pairs separated by commas, until a token not followed by '='
        // (the next challenge's scheme).
        for (;;) {
            sc.skip_space();
            while (sc.peek() == ',') {
                sc.bump();
                sc.skip_space();
            }
            size_t mark = sc.pos();
            std::string name = sc.token();
            sc.skip_space();
            if (name.empty() || sc.peek() != '=') {
                sc.seek(mark);
                break;
            }
            sc.bump();
            sc.skip_space();
            std::string value = sc.peek() == '"' ? sc.quoted() : sc.bare();
            ch.params[ascii_lower(name)] = value;
        }
        out.push_back(std::move(ch));
    }
    return out;
}

}  // namespace berth::pull
