// `sgopt fit-cidrs`: a list of CIDRs becomes its exact minimal prefix cover, or, with --max K, the
// cover by at most K prefixes per family that adds the fewest addresses, saying what it adds.
#include "model/cidr_cover.h"
#include "model/cidr_list.h"
#include "tool/cli.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace sgopt {
namespace {

struct FitOptions {
  std::string file;
  std::size_t max = 0;  // 0: exact cover
  bool bare_hosts = false;
};

std::string read_all(const std::string& file) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(
        Diagnostic{Location{file, "", 0}, "is a folder; fit-cidrs reads one text file (or - for standard input)"});
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f)
    throw InputError(Diagnostic{Location{file, "", 0}, fmt::format("cannot open the file: {}", std::strerror(errno))});
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed)
    throw InputError(Diagnostic{Location{file, "", 0}, fmt::format("cannot read the file: {}", std::strerror(err))});
  return text;
}

// Dotted quad without fmt, since the exact cover of a million blocks prints a million lines.
void append_ipv4(std::string& out, u128 addr) {
  auto v = static_cast<unsigned>(addr);
  char buf[16];
  int n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned octet = (v >> shift) & 255;
    if (octet >= 100) buf[n++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) buf[n++] = static_cast<char>('0' + octet / 10 % 10);
    buf[n++] = static_cast<char>('0' + octet % 10);
    if (shift) buf[n++] = '.';
  }
  out.append(buf, static_cast<std::size_t>(n));
}

void append_cidr(std::string& out, const Cidr& c, bool bare_hosts) {
  if (c.family == Family::V4) {
    append_ipv4(out, c.addr);
  } else {
    out += format_address(c.family, c.addr);
  }
  if (bare_hosts && c.len == address_bits(c.family)) return;
  out += '/';
  out += std::to_string(c.len);
}

// "adds 768 addresses: 10.0.1.0/24 10.0.2.0/23" (at most a few blocks named).
std::string adds_text(const CoverPrefix& p, const std::vector<Cidr>& exact) {
  constexpr std::size_t kShown = 8;
  auto gaps = uncovered_in(p.cidr, exact);
  std::string s = fmt::format("adds {} addresses:", u128_to_string(p.extra));
  for (std::size_t i = 0; i < gaps.size() && i < kShown; ++i) s += " " + gaps[i].str();
  if (gaps.size() > kShown) s += fmt::format(" and {} more blocks", gaps.size() - kShown);
  return s;
}

int run_fit(const FitOptions& o) {
  std::string text = read_all(o.file);
  CidrList list = parse_cidr_list(text, o.file == "-" ? "<stdin>" : o.file);
  for (const auto& w : list.warnings) fmt::print(stderr, "sgopt: warning: {}\n", cli::terminal_text(w.str()));
  if (!list.errors.empty()) {
    for (const auto& e : list.errors) fmt::print(stderr, "sgopt: error: {}\n", cli::terminal_text(e.str()));
    return cli::kExitError;
  }
  std::vector<Cidr> cover = exact_cover(std::move(list.ranges));
  std::string out;
  out.reserve(cover.size() * 20);
  if (o.max == 0) {
    for (const auto& c : cover) {
      append_cidr(out, c, o.bare_hosts);
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return cli::kExitOk;
  }
  for (Family f : {Family::V4, Family::V6}) {
    std::vector<Cidr> exact;
    for (const auto& c : cover)
      if (c.family == f) exact.push_back(c);
    if (exact.empty()) continue;
    KCover k = optimal_k_cover(exact, o.max);
    for (const auto& p : k.prefixes) {
      append_cidr(out, p.cidr, o.bare_hosts);
      if (p.extra != 0) out += "  # " + adds_text(p, exact);
      out += '\n';
    }
    fmt::print(stderr, "sgopt: {}: exact cover {} blocks; {} blocks with --max {}, adding {} addresses\n",
               family_name(f), exact.size(), k.prefixes.size(), o.max, u128_to_string(k.extra));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return cli::kExitOk;
}

}  // namespace

void register_fit_cidrs(CLI::App& app, cli::Runner& run) {
  auto opts = std::make_shared<FitOptions>();
  auto* cmd = app.add_subcommand("fit-cidrs", "Aggregate a CIDR list exactly, or fit it into K prefixes");
  cmd->add_option("FILE", opts->file,
                  "Text file with one CIDR (10.0.0.0/8, 2001:db8::/32), address or range (a-b) a line; "
                  "# starts a comment; - reads standard input")
      ->required();
  cmd->add_option("--max", opts->max,
                  "At most K prefixes per family (IPv4 and IPv6 count separately, as AWS quota buckets "
                  "do), choosing the cover that adds the fewest addresses; 0 (default) means exact")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--bare-hosts", opts->bare_hosts,
                "Print single addresses without /32 or /128 (the way iprange prints them)");
  cmd->footer(
      "Without --max the output is the shortest list of CIDR blocks covering exactly the input\n"
      "addresses (IPv4 first, then IPv6, ascending). With --max K each family gets at most K blocks;\n"
      "a block that covers more than the input is followed by '# adds N addresses: ...', which the\n"
      "reader of this command ignores, so the output can be read back. A CIDR with host bits set is\n"
      "read as its block (10.0.0.5/24 is 10.0.0.0/24), as AWS does, with a warning.\n"
      "Examples:\n"
      "  sgopt fit-cidrs partners.txt > partners-min.txt\n"
      "  sgopt fit-cidrs office-vpn.txt --max 50     # fits one security group's 60-rule quota\n"
      "Exit status: 0 done, 2 a line is not an address (each one is named as file:line).");
  cmd->callback([&run, opts] { run = [opts] { return run_fit(*opts); }; });
}

}  // namespace sgopt
