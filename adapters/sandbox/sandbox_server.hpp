#pragma once
// google_sandbox on HTTP/1.1 (Boost.Beast), loopback by default: one thread per
// connection, so a slow answer to one caller never holds up another.
#include <atomic>
#include <functional>
#include <string>

#include "adapters/sandbox/google_sandbox.hpp"

namespace stradia::adapters::sandbox {

// Serves until `stop` is set; calls `listening` with the bound port once accepting.
// False (and why, on stderr) when the address cannot be bound.
bool serve_sandbox(const std::string& host, unsigned short port, google_sandbox& sandbox, const std::atomic<bool>& stop,
                   const std::function<void(unsigned short)>& listening);

}  // namespace stradia::adapters::sandbox
