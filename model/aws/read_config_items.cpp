// Reader of AWS Config configuration items for AWS::EC2::SecurityGroup and AWS::EC2::NetworkAcl:
// `aws configservice get-resource-config-history` (configuration is a JSON string), the S3
// snapshot and history files Config delivers (configuration is an object), and
// `select-resource-config` results (each result a JSON string of an item).
//
// A configuration is the describe-* object with camelCase keys; it is read by the describe
// readers once its keys are in their case. A security group carries its IPv4 ranges twice,
// `ipRanges` (strings) and `ipv4Ranges` (objects with descriptions): both are read, each CIDR once.
//
// Which versions load (LoadOptions::side): the latest version of each item, or the one current
// at LoadOptions::at; for diff, each pair of consecutive versions of an item, the older on the
// Before side and the newer on the After side, both named "ID [T1 -> T2]" so that they pair up.
#include "model/aws/doc_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sgopt::aws {

namespace {

// Days from 1970-01-01 to the civil date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

/// Microseconds since the epoch, as UTC text: "2016-12-11T06:04:02.376Z" (milliseconds shown
/// when there are any, microseconds when they are finer).
std::string utc_text(std::int64_t micros) {
  std::int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  auto frac = static_cast<unsigned>(micros - secs * 1000000);
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  auto rem = static_cast<unsigned>(secs - days * 86400);
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
  if (frac % 1000 != 0)
    out += fmt::format(".{:06}", frac);
  else if (frac != 0)
    out += fmt::format(".{:03}", frac / 1000);
  return out + "Z";
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  // YYYY-MM-DD[Thh:mm[:ss[.frac]]][Z|+hh:mm|-hh:mm]; a space may stand for the T.
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<unsigned> {
    if (pos + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-' || *mo < 1 || *mo > 12 || *d < 1 || *d > 31)
    return std::nullopt;
  unsigned h = 0, mi = 0, se = 0;
  std::int64_t micros = 0;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    auto hh = digits(pos + 1, 2), mm = digits(pos + 4, 2);
    if (!hh || !mm || s[pos + 3] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
    h = *hh;
    mi = *mm;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      auto ss = digits(pos + 1, 2);
      if (!ss || *ss > 60) return std::nullopt;
      se = *ss;
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::int64_t scale = 100000;
        std::size_t start = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          micros += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
  }
  std::int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      auto oh = digits(pos + 1, 2);
      std::size_t mpos = pos + 3 < s.size() && s[pos + 3] == ':' ? pos + 4 : pos + 3;
      auto om = digits(mpos, 2);
      if (!oh || !om) return std::nullopt;
      offset = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
      pos = mpos + 2;
    }
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t secs = days_from_civil(*y, *mo, *d) * 86400 + h * 3600 + mi * 60 + se - offset;
  return secs * 1000000 + micros;
}

}  // namespace

struct DocLoader::ConfigVersion {
  std::string type;  // AWS::EC2::SecurityGroup or AWS::EC2::NetworkAcl
  std::string id;
  std::int64_t time = 0;
  bool exists = true;  // false: deleted (or not recorded) at this version
  Json configuration;  // the describe-shaped object
  std::string ptr;     // the item in the document
  std::string configuration_ptr;
};

namespace {

constexpr const char* kItemTypes[] = {"AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl"};

// A configuration's keys in describe-* case; a security group's IPv4 ranges read once each.
Json describe_case(const Json& v) {
  if (v.is_array()) {
    Json out = Json::array();
    for (const Json& e : v) out.push_back(describe_case(e));
    return out;
  }
  if (!v.is_object()) return v;
  Json out = Json::object();
  for (const auto& [k, value] : v.items()) {
    if (k == "ipRanges" || k == "ipv4Ranges") continue;  // below
    std::string pascal = k;
    if (!pascal.empty()) pascal[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(pascal[0])));
    out[pascal] = describe_case(value);
  }
  const Json* objects = v.contains("ipv4Ranges") && v["ipv4Ranges"].is_array() ? &v["ipv4Ranges"] : nullptr;
  const Json* strings = v.contains("ipRanges") && v["ipRanges"].is_array() ? &v["ipRanges"] : nullptr;
  if (objects || strings) {
    Json ranges = Json::array();
    std::vector<std::string> seen;
    if (objects)
      for (const Json& o : *objects) {
        Json r = describe_case(o);
        if (r.contains("CidrIp") && r["CidrIp"].is_string()) seen.push_back(r["CidrIp"].get<std::string>());
        ranges.push_back(std::move(r));
      }
    if (strings)
      for (const Json& s : *strings) {
        if (s.is_string() && std::find(seen.begin(), seen.end(), s.get<std::string>()) != seen.end()) continue;
        ranges.push_back(s.is_string() ? Json{{"CidrIp", s}} : s);
      }
    out["IpRanges"] = std::move(ranges);
  }
  return out;
}

// configurationItemCaptureTime: ISO 8601 text, seconds since the epoch, or a recorded
// {"__class__": "datetime", "year": ...} object.
std::optional<std::int64_t> capture_time(const Json& v) {
  if (v.is_string()) return parse_time(v.get_ref<const std::string&>());
  if (v.is_number()) return static_cast<std::int64_t>(v.get<double>() * 1e6);
  if (v.is_object() && v.contains("year")) {
    auto num = [&](const char* k) { return v.contains(k) && v[k].is_number_integer() ? v[k].get<std::int64_t>() : 0; };
    std::int64_t days =
        days_from_civil(num("year"), static_cast<unsigned>(num("month")), static_cast<unsigned>(num("day")));
    return (days * 86400 + num("hour") * 3600 + num("minute") * 60 + num("second")) * 1000000 + num("microsecond");
  }
  return std::nullopt;
}

}  // namespace

void DocLoader::load_config_items(const Json& list, const std::string& ptr) {
  std::vector<ConfigVersion> versions;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string ip = child(ptr, i);
    const Json* item_value = &list[i];
    Json parsed;
    if (item_value->is_string()) {  // select-resource-config: each result is a JSON string
      parsed = json::parse_document(item_value->get_ref<const std::string&>(), file(), "a configuration item");
      item_value = &parsed;
    }
    const Json& item = object_at(*item_value, ip, "a configuration item object");
    std::string type = opt_text(item, ip, "resourceType");
    if (std::find(std::begin(kItemTypes), std::end(kItemTypes), type) == std::end(kItemTypes)) continue;
    ConfigVersion v;
    v.type = type;
    v.ptr = ip;
    v.configuration_ptr = child(ip, "configuration");
    std::string status = opt_text(item, ip, "configurationItemStatus");
    const Json* conf = find(item, "configuration");
    Json conf_parsed;
    if (conf && conf->is_string()) {
      const std::string& text = conf->get_ref<const std::string&>();
      if (text.empty() || text == "null") {
        conf = nullptr;
      } else {
        try {
          conf_parsed = json::parse_document(text, file(), "a configuration object");
        } catch (const InputError& e) {
          fail(v.configuration_ptr, "the configuration string is not JSON: " + e.diagnostic().message);
        }
        conf = &conf_parsed;
      }
    }
    v.exists = conf != nullptr && status.rfind("ResourceDeleted", 0) != 0 && status != "ResourceNotRecorded";
    v.id = opt_text(item, ip, "resourceId");
    if (v.exists) {
      object_at(*conf, v.configuration_ptr, "a configuration object");
      v.configuration = describe_case(*conf);
      const char* id_key = type == kItemTypes[0] ? "GroupId" : "NetworkAclId";
      if (v.id.empty() && v.configuration.contains(id_key) && v.configuration[id_key].is_string())
        v.id = v.configuration[id_key].get<std::string>();
    }
    if (v.id.empty()) fail(ip, "a configuration item needs resourceId (or a configuration with the resource's id)");
    const Json* t = find(item, "configurationItemCaptureTime");
    std::optional<std::int64_t> time = t ? capture_time(*t) : std::nullopt;
    if (!time)
      fail(child(ip, "configurationItemCaptureTime"),
           t ? fmt::format("expected a time like \"2026-11-30T10:14:00Z\", found {}", describe_value(*t))
             : "missing \"configurationItemCaptureTime\" (expected a time like \"2026-11-30T10:14:00Z\")");
    v.time = *time;
    versions.push_back(std::move(v));
  }
  add_config_versions(versions);
}

void DocLoader::add_config_versions(std::vector<ConfigVersion>& versions) {
  snap_.two_sided = true;
  std::optional<std::int64_t> at;
  if (!options_.at.empty()) {
    at = parse_time(options_.at);
    if (!at)
      throw InputError(
          Diagnostic{Location{}, fmt::format("--at '{}' is not a time like 2026-11-30T10:14:00Z", echo(options_.at))});
  }
  // Each item's versions, oldest first, items in order of first appearance.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<ConfigVersion*>> by_item;
  for (ConfigVersion& v : versions) {
    auto key = std::pair{v.type, v.id};
    if (!by_item.count(key)) order.push_back(key);
    by_item[key].push_back(&v);
  }
  auto add = [&](ConfigVersion& v, const std::string& id) {
    Json conf = v.configuration;
    bool group = v.type == kItemTypes[0];
    conf[group ? "GroupId" : "NetworkAclId"] = id;
    if (group) {
      std::size_t before = touched_groups_.size();
      load_group(conf, v.configuration_ptr, -1);
      if (touched_groups_.size() == before) return;  // the same id twice (--lenient): the first is kept
      // The rules point at the configuration they came from (its inside has no lines of its own
      // when it is a JSON string).
      SecurityGroup& g = snap_.groups[touched_groups_.back()];
      g.where = Location{file(), v.ptr, 0};
      for (Direction d : {Direction::Ingress, Direction::Egress})
        for (SgRule& r : g.rules(d)) r.source.where = Location{file(), v.configuration_ptr, 0};
      g.raw_json.clear();
    } else {
      std::size_t before = snap_.acls.size();
      load_acl(conf, v.configuration_ptr);
      if (snap_.acls.size() > before) {
        NetworkAcl& a = snap_.acls.back();
        a.where = Location{file(), v.ptr, 0};
        for (Direction d : {Direction::Ingress, Direction::Egress})
          for (NaclEntry& e : a.entries(d)) e.source.where = Location{file(), v.configuration_ptr, 0};
        a.raw_json.clear();
      }
    }
  };
  for (const auto& key : order) {
    std::vector<ConfigVersion*>& vs = by_item[key];
    std::stable_sort(vs.begin(), vs.end(),
                     [](const ConfigVersion* a, const ConfigVersion* b) { return a->time < b->time; });
    if (options_.side == LoadOptions::Side::Latest) {
      ConfigVersion* pick = nullptr;
      for (ConfigVersion* v : vs)
        if (!at || v->time <= *at) pick = v;
      if (pick && pick->exists) add(*pick, pick->id);
      continue;
    }
    if (vs.size() == 1) {
      if (vs[0]->exists) add(*vs[0], vs[0]->id);
      continue;
    }
    for (std::size_t k = 1; k < vs.size(); ++k) {
      std::string id = fmt::format("{} [{} -> {}]", key.second, utc_text(vs[k - 1]->time), utc_text(vs[k]->time));
      ConfigVersion& v = options_.side == LoadOptions::Side::Before ? *vs[k - 1] : *vs[k];
      if (v.exists) add(v, id);
    }
  }
}

}  // namespace sgopt::aws
