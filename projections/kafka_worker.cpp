#include "projections/kafka_worker.hpp"

#include <librdkafka/rdkafka.h>
#include <cstdio>

#include <charconv>
#include <map>
#include <memory>
#include <thread>

namespace stradia::projections {

namespace {

constexpr const char* watermark_header = "stradia-watermark";  // as the relay writes it

struct partition_batch {
  std::vector<stradia::envelope::v1::EventEnvelope> events;
  std::int64_t watermark = 0;
  std::int64_t next_offset = 0;
};

// Seeks every newly assigned partition to its start (from_beginning), then assigns.
void rebalance_from_beginning(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                              void*) {
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < partitions->cnt; ++i) partitions->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, partitions);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

std::int64_t watermark_of(const rd_kafka_message_t* m) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, watermark_header, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  const auto* text = static_cast<const char*>(value);
  std::int64_t position = 0;
  const auto [end, error] = std::from_chars(text, text + size, position);
  return error == std::errc{} && end == text + size ? position : 0;  // a malformed mark moves nothing
}

}  // namespace

kafka_worker::kafka_worker(kafka_worker_options options, projector& read_models, applied_handler on_applied)
    : options_(std::move(options)), read_models_(read_models), on_applied_(std::move(on_applied)) {}

std::string kafka_worker::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void kafka_worker::set_error(std::string text) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(text);
}

bool kafka_worker::run() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char text[512];
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", options_.brokers},
      {"group.id", options_.group_id},
      {"enable.auto.commit", "false"},
      {"auto.offset.reset", "earliest"},
      {"session.timeout.ms", std::to_string(options_.session_timeout.count())},
      {"fetch.wait.max.ms", "5"},  // the read models' lag, not throughput, is what waits on this
      {"socket.nagle.disable", "true"},
  };
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), text, sizeof text) != RD_KAFKA_CONF_OK) {
      set_error(std::string(name) + ": " + text);
      rd_kafka_conf_destroy(conf);
      return false;
    }
  }
  if (options_.from_beginning) rd_kafka_conf_set_rebalance_cb(conf, rebalance_from_beginning);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf, text, sizeof text),
                                                              rd_kafka_destroy);
  if (!consumer) {
    set_error(text);
    return false;
  }
  rd_kafka_poll_set_consumer(consumer.get());
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, options_.topic.c_str(), RD_KAFKA_PARTITION_UA);
  const auto subscribed = rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    set_error(rd_kafka_err2str(subscribed));
    return false;
  }

  while (!stopping_) {
    std::map<int, partition_batch> batches;
    std::size_t taken = 0;
    for (auto* m = rd_kafka_consumer_poll(consumer.get(), 100); m; m = rd_kafka_consumer_poll(consumer.get(), 0)) {
      std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> message(m, rd_kafka_message_destroy);
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) set_error(rd_kafka_message_errstr(m));
        if (++taken >= options_.max_batch) break;
        continue;
      }
      auto& batch = batches[m->partition];
      batch.next_offset = m->offset + 1;
      if (const auto mark = watermark_of(m)) {
        batch.watermark = std::max(batch.watermark, mark);
      } else {
        stradia::envelope::v1::EventEnvelope e;
        if (e.ParseFromArray(m->payload, static_cast<int>(m->len))) {
          batch.events.push_back(std::move(e));
        } else {
          // Not an envelope (no position to quarantine it under): said once, counted, skipped.
          ++undecodable_;
          std::fprintf(stderr, "stradia project: skipped an undecodable message at partition %d offset %lld\n",
                       m->partition, static_cast<long long>(m->offset));
        }
      }
      if (++taken >= options_.max_batch) break;
    }
    if (batches.empty()) continue;
    // Every partition of the poll in one transaction: one commit, not one per partition.
    std::vector<source_batch> parts;
    for (const auto& [partition, batch] : batches)
      parts.push_back({"kafka:" + options_.topic + ":" + std::to_string(partition), &batch.events, batch.watermark});
    while (true) {  // retried until it commits: moving on would lose the batch
      auto outcomes = read_models_.apply(parts);
      if (outcomes) {
        for (const auto& o : *outcomes) {
          applied_ += o.applied;
          skipped_ += o.skipped;
          quarantined_ += o.quarantined;
        }
        break;
      }
      set_error(outcomes.error());
      if (stopping_) return true;  // uncommitted: the next owner reads it again
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    auto* offsets = rd_kafka_topic_partition_list_new(static_cast<int>(batches.size()));
    for (const auto& [partition, batch] : batches)
      rd_kafka_topic_partition_list_add(offsets, options_.topic.c_str(), partition)->offset = batch.next_offset;
    rd_kafka_commit(consumer.get(), offsets, 1);
    rd_kafka_topic_partition_list_destroy(offsets);
    if (on_applied_)
      for (const auto& [partition, batch] : batches) on_applied_(partition, batch.events);
  }
  rd_kafka_consumer_close(consumer.get());
  return true;
}

}  // namespace stradia::projections
