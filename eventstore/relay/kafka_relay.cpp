#include "eventstore/relay/kafka_relay.hpp"

#include <pqxx/pqxx>

namespace stradia::eventstore {

namespace {

constexpr std::int64_t leader_lock_key = 0x5354524144494152;  // "STRADIAR"

}  // namespace

kafka_relay::kafka_relay(kafka_relay_options options)
    : options_(std::move(options)), keys_(options_.worker_conninfo), thread_([this] { run(); }) {}

kafka_relay::~kafka_relay() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string kafka_relay::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void kafka_relay::set_error(std::string text) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(text);
}

void kafka_relay::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++static_cast<kafka_relay*>(opaque)->failed_deliveries_;
}

bool kafka_relay::open_producer() {
  std::string error;
  auto* conf = make_kafka_conf({{"bootstrap.servers", options_.brokers},
                                {"enable.idempotence", "true"},
                                // A batch that could leave a gap (a message lost, later ones
                                // delivered) stops the producer instead: consumers skip by
                                // position, so a gap would be a lost event.
                                {"enable.gapless.guarantee", "true"},
                                {"linger.ms", "1"},
                                {"socket.nagle.disable", "true"},
                                {"message.timeout.ms", std::to_string(options_.delivery_timeout.count())}},
                               error);
  if (!conf) {
    set_error(error);
    return false;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, &kafka_relay::on_delivery);
  rd_kafka_conf_set_opaque(conf, this);
  char text[512];
  producer_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, text, sizeof text));
  if (!producer_) {
    set_error(text);
    return false;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer_.get(), options_.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  const auto err = rd_kafka_metadata(producer_.get(), 0, topic, &metadata, 10000);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1 && metadata->topics[0].err == 0)
    partitions_ = metadata->topics[0].partition_cnt;
  if (metadata) rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(topic);
  if (partitions_ <= 0) {
    set_error("topic " + options_.topic + " not found on " + options_.brokers);
    producer_.reset();
    return false;
  }
  return true;
}

void kafka_relay::run() {
  while (!stopping_) {
    lead();
    if (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(500));  // then stand again
  }
}

void kafka_relay::lead() {
  // Leadership: the session-level advisory lock is held while this connection lives.
  std::unique_ptr<pqxx::connection> leader;
  while (!stopping_) {
    try {
      if (!leader) leader = std::make_unique<pqxx::connection>(options_.worker_conninfo);
      pqxx::nontransaction n(*leader);
      if (n.exec_params("SELECT pg_try_advisory_lock($1)", leader_lock_key)[0][0].as<bool>()) break;
      set_error("");  // a follower that reaches the database is well
    } catch (const std::exception& e) {
      leader.reset();
      set_error(e.what());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  while (!stopping_ && !producer_ && !open_producer()) std::this_thread::sleep_for(std::chrono::seconds(1));
  if (stopping_) return;
  leading_ = true;
  subscription_options feed;
  feed.worker_conninfo = options_.worker_conninfo;
  feed.subscription_id = options_.relay_id;
  feed.batch_size = options_.batch_size;
  feed.poll_interval = options_.poll_interval;
  feed_ = std::make_unique<subscription>(feed, [this](const auto& events) { return relay_batch(events); });
  position_ = feed_->position();
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      pqxx::nontransaction(*leader).exec("SELECT 1");  // keep the lock's session alive and checked
    } catch (const std::exception& e) {
      set_error(std::string("leader connection lost: ") + e.what());
      break;  // the lock went with the session: stand for election again
    }
  }
  feed_.reset();
  if (producer_) rd_kafka_flush(producer_.get(), 5000);
  leading_ = false;
}

bool kafka_relay::relay_batch(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  if (stopping_) return false;
  const auto failures_before = failed_deliveries_.load();
  std::string value;
  for (const auto& e : events) {
    auto key = keys_.key_of(e);
    if (!key) {
      set_error(key.error().message);
      return false;
    }
    e.SerializeToString(&value);
    while (true) {
      const auto err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(options_.topic.c_str()), RD_KAFKA_V_KEY(key->data(), key->size()),
          RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        set_error(rd_kafka_err2str(err));
        return false;
      }
      if (stopping_) return false;  // a broker down long enough to fill the queue must not hang the stop
      rd_kafka_poll(producer_.get(), 10);
    }
  }
  const auto last = std::to_string(events.back().global_position());
  for (int p = 0; p < partitions_; ++p) {
    const auto err =
        rd_kafka_producev(producer_.get(), RD_KAFKA_V_TOPIC(options_.topic.c_str()), RD_KAFKA_V_PARTITION(p),
                          RD_KAFKA_V_HEADER(watermark_header, last.data(), static_cast<ssize_t>(last.size())),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      set_error(rd_kafka_err2str(err));
      return false;
    }
  }
  if (rd_kafka_flush(producer_.get(), static_cast<int>(options_.delivery_timeout.count())) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      failed_deliveries_.load() != failures_before) {
    char reason[256];
    if (rd_kafka_fatal_error(producer_.get(), reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // A fatal producer (a possible gap) cannot go on: a new one resends the batch.
      set_error(std::string("the producer stopped: ") + reason + "; the batch is sent again by a new one");
      producer_.reset();
      while (!stopping_ && !open_producer()) std::this_thread::sleep_for(std::chrono::seconds(1));
      return false;
    }
    set_error("Kafka did not confirm every event of the batch; it is sent again");
    return false;
  }
  set_error("");
  produced_ += events.size();
  position_ = events.back().global_position();
  return true;
}

}  // namespace stradia::eventstore
