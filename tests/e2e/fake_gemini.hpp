#pragma once
// A loopback server speaking Gemini's generateContent JSON, for tests: it answers each
// request with the next scripted reply (status, body, optionally after a delay, or never)
// and keeps what it was sent. One request at a time, in order.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace stradia::testing {

class fake_gemini {
 public:
  fake_gemini() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t length = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_gemini() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (const int client : hung_) ::close(client);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void reply(int status, std::string body, std::chrono::milliseconds delay = {}) {
    std::lock_guard lock(mutex_);
    replies_.push_back({status, std::move(body), delay, false});
  }
  // The next request is read and never answered (a hung upstream).
  void hang() {
    std::lock_guard lock(mutex_);
    replies_.push_back({0, {}, {}, true});
  }
  // An answer whose text is `text` (JSON-escaped into the candidate's part).
  static std::string answer(const std::string& text, int tokens) {
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    return R"({"candidates":[{"content":{"parts":[{"text":")" + escaped +
           R"("}],"role":"model"}}],"usageMetadata":{"totalTokenCount":)" + std::to_string(tokens) + "}}";
  }
  // A scan's structured answer: {"verdict":..., "findings":[...]}.
  static std::string verdict(const std::string& verdict, const std::vector<std::string>& findings, int tokens) {
    std::string json = R"({"verdict":")" + verdict + R"(","findings":[)";
    for (std::size_t i = 0; i < findings.size(); ++i) json += (i ? ",\"" : "\"") + findings[i] + "\"";
    return answer(json + "]}", tokens);
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string raw;
      char buffer[8192];
      std::size_t head_end = std::string::npos, expected = 0;
      while (true) {
        const auto n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        raw.append(buffer, static_cast<std::size_t>(n));
        if (head_end == std::string::npos && (head_end = raw.find("\r\n\r\n")) != std::string::npos) {
          auto at = raw.find("Content-Length: ");
          if (at == std::string::npos) at = raw.find("content-length: ");
          expected = at < head_end ? std::stoul(raw.substr(at + 16)) : 0;
        }
        if (head_end != std::string::npos && raw.size() >= head_end + 4 + expected) break;
      }
      scripted next{500, "{}", {}, false};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(raw);
        if (!replies_.empty()) {
          next = replies_.front();
          replies_.pop_front();
        }
      }
      if (next.never) {
        hung_.push_back(client);  // closed with the server
        continue;
      }
      std::this_thread::sleep_for(next.delay);
      const auto response = "HTTP/1.1 " + std::to_string(next.status) +
                            " X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                            std::to_string(next.body.size()) + "\r\n\r\n" + next.body;
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  struct scripted {
    int status;
    std::string body;
    std::chrono::milliseconds delay;
    bool never;
  };

  int fd_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::deque<scripted> replies_;
  std::vector<int> hung_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace stradia::testing
