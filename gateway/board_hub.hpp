#pragma once
// Board rooms, after Beast's chat-multi example: a map board id → the connections in it,
// held by weak reference: a closed socket leaves its rooms, and one gone without leaving
// drops out at the next broadcast. A broadcast hands the same
// shared frame to every connection in the room; each connection queues it (bounded) and
// writes it on its own strand. Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace stradia::gateway {

// Where a frame sits in a board's sequence: the log position of the event it tells, then
// what follows from that event (a board_updated after the move that changed the score). A
// state sync at position P covers both.
constexpr std::int64_t frame_order(std::int64_t position, bool follow_up = false) {
  return position * 2 + (follow_up ? 1 : 0);
}

// What the hub and the live-board logic need of a WebSocket connection.
class live_connection {
 public:
  virtual ~live_connection() = default;
  // A reply to this client (errors, the board's state): queued like any frame.
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  // A board's frame at `order` (frame_order()). While the board is being synced the frame
  // waits; after the sync only frames past the sync's order go out.
  virtual void deliver(const std::string& board_id, std::int64_t order,
                       const std::shared_ptr<const std::string>& frame) = 0;
  // Joining: hold the board's frames until finish_sync() (called after the state is read).
  virtual void begin_sync(const std::string& board_id) = 0;
  // Sends the state, then the held frames past `order`, then goes live.
  virtual void finish_sync(const std::string& board_id, std::int64_t order,
                           std::shared_ptr<const std::string> state_frame) = 0;
  virtual void forget(const std::string& board_id) = 0;
  // Who opened the socket (as authenticated at the handshake).
  virtual const std::string& user_id() const = 0;
  virtual const std::string& tenant_id() const = 0;
};

class board_hub {
 public:
  void join(const std::string& board_id, const std::shared_ptr<live_connection>& c);
  void leave(const std::string& board_id, const live_connection* c);
  void broadcast(const std::string& board_id, std::int64_t order, const std::shared_ptr<const std::string>& frame);
  std::size_t members(const std::string& board_id);
  bool empty();  // no room has anyone in it
  // The rooms a user's connections are in: (board id, connection).
  std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> rooms_of(const std::string& user_id);
  // The rooms every connection of a tenant is in: (board id, connection).
  std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> rooms_of_tenant(const std::string& tenant_id);

 private:
  // A room's members by address: joining and leaving cost the same in a room of 10,000 as
  // in a room of 2 (they hold the lock every broadcast needs).
  using room = std::unordered_map<const live_connection*, std::weak_ptr<live_connection>>;
  std::mutex mutex_;
  std::unordered_map<std::string, room> rooms_;
};

}  // namespace stradia::gateway
