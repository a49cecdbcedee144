#pragma once
// A plain HTTP/1.1 client over a POSIX socket, for end-to-end tests: one request per
// connection, the whole answer read until the server closes it. Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <string>

namespace stradia::testing {

struct http_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// A chunked body's pieces joined; what follows a missing last chunk is dropped, and
// `complete` says whether the last chunk came (a cut answer has none).
inline std::string dechunked(const std::string& raw, bool* complete = nullptr) {
  std::string out;
  if (complete) *complete = false;
  for (std::size_t at = 0; at < raw.size();) {
    const auto line_end = raw.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const auto size = std::stoul(raw.substr(at, line_end - at), nullptr, 16);
    if (size == 0) {
      if (complete) *complete = true;
      break;
    }
    out += raw.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

// A connected socket to 127.0.0.1:port, or -1.
inline int loopback_connection(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The value of the first `"name":"..."` in a JSON text, or "" (test answers only: no escapes).
inline std::string json_string_field(const std::string& json, const std::string& name) {
  const auto key = "\"" + name + "\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

inline http_answer http_call(unsigned short port, const std::string& method, const std::string& target,
                             const std::string& body = "", const std::map<std::string, std::string>& headers = {}) {
  const int fd = loopback_connection(port);
  if (fd < 0) throw std::runtime_error("cannot connect to the server");
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer early (413) and close
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) raw.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  http_answer answer;
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || head_end == std::string::npos) return answer;
  answer.status = std::stoi(raw.substr(9, 3));
  for (std::size_t at = raw.find("\r\n") + 2; at < head_end;) {
    const auto end = raw.find("\r\n", at);
    const auto line = raw.substr(at, end - at);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    answer.headers[name] = line.substr(colon + 2);
    at = end + 2;
  }
  answer.body = raw.substr(head_end + 4);
  if (answer.headers["transfer-encoding"] == "chunked") answer.body = dechunked(answer.body);
  return answer;
}

// The value of the first member `name` at or after `from` in a JSON text: a string's
// contents, or a number's digits; empty when absent. Enough for the tests' answers.
inline std::string json_field(const std::string& json, const std::string& name, std::size_t from = 0) {
  const auto key = "\"" + name + "\":";
  const auto at = json.find(key, from);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  if (json[start] == '"') return json.substr(start + 1, json.find('"', start + 1) - start - 1);
  return json.substr(start, json.find_first_of(",}", start) - start);
}

}  // namespace stradia::testing
