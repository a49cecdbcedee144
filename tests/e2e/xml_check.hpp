#pragma once
// A small XML well-formedness check for the SVG tests: one root, tags nested and closed
// in order, attribute values quoted, only the predefined or numeric entities, no raw '<'
// or '&' in text. Returns what is wrong, or an empty string.
#include <cctype>
#include <string>
#include <vector>

namespace stradia::testing {

inline std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  int roots = 0;
  auto entity_ok = [&](std::size_t at) {
    const auto end = xml.find(';', at);
    if (end == std::string::npos || end - at > 10) return false;
    const auto name = xml.substr(at + 1, end - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() > 1 && name[0] == '#') {
      for (std::size_t i = 1; i < name.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i])) && !(i == 1 && name[i] == 'x')) return false;
      return true;
    }
    return false;
  };
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      if (!entity_ok(i)) return "a bare '&' at " + std::to_string(i);
      ++i;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    if (xml.compare(i, 5, "<?xml") == 0) {
      if (i != 0) return "the XML declaration is not first";
      i = xml.find("?>", i);
      if (i == std::string::npos) return "an unclosed declaration";
      i += 2;
      continue;
    }
    if (xml.compare(i, 4, "<!--") == 0) {
      i = xml.find("-->", i);
      if (i == std::string::npos) return "an unclosed comment";
      i += 3;
      continue;
    }
    const bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::string name;
    while (j < xml.size() &&
           (std::isalnum(static_cast<unsigned char>(xml[j])) || xml[j] == ':' || xml[j] == '-' || xml[j] == '_'))
      name += xml[j++];
    if (name.empty()) return "a '<' that starts no tag at " + std::to_string(i);
    bool self_closing = false;
    while (j < xml.size() && xml[j] != '>') {
      if (xml[j] == '"' || xml[j] == '\'') {
        const char quote = xml[j];
        const auto end = xml.find(quote, j + 1);
        if (end == std::string::npos) return "an unclosed attribute value in <" + name + ">";
        for (auto k = j + 1; k < end; ++k) {
          if (xml[k] == '<') return "a '<' inside an attribute of <" + name + ">";
          if (xml[k] == '&' && !entity_ok(k)) return "a bare '&' inside an attribute of <" + name + ">";
        }
        j = end + 1;
        continue;
      }
      if (xml[j] == '=' && (j + 1 >= xml.size() || (xml[j + 1] != '"' && xml[j + 1] != '\'')))
        return "an unquoted attribute in <" + name + ">";
      if (xml[j] == '/' && j + 1 < xml.size() && xml[j + 1] == '>') self_closing = true;
      ++j;
    }
    if (j >= xml.size()) return "an unclosed tag <" + name;
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
    } else if (!self_closing) {
      if (open.empty() && ++roots > 1) return "more than one root element";
      open.push_back(name);
    } else if (open.empty() && ++roots > 1) {
      return "more than one root element";
    }
    i = j + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return "no root element";
  return "";
}

}  // namespace stradia::testing
