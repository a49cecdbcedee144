#pragma once
// A loopback server speaking Gemini's generateContent JSON, for tests: it answers each
// request with the next scripted reply (status, body) and keeps what it was sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
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
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void reply(int status, std::string body) {
    std::lock_guard lock(mutex_);
    replies_.emplace_back(status, std::move(body));
  }
  static std::string answer(const std::string& text, int tokens) {
    return R"({"candidates":[{"content":{"parts":[{"text":")" + text +
           R"("}],"role":"model"}}],"usageMetadata":{"totalTokenCount":)" + std::to_string(tokens) + "}}";
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
      std::pair<int, std::string> next{500, "{}"};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(raw);
        if (!replies_.empty()) {
          next = replies_.front();
          replies_.pop_front();
        }
      }
      const auto response = "HTTP/1.1 " + std::to_string(next.first) +
                            " X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                            std::to_string(next.second.size()) + "\r\n\r\n" + next.second;
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  int fd_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::deque<std::pair<int, std::string>> replies_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace stradia::testing
