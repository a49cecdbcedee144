#pragma once
// Small RAII owners for librdkafka's C handles, shared by the relay and the dev cluster.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace stradia::eventstore {

struct kafka_handle_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using kafka_handle = std::unique_ptr<rd_kafka_t, kafka_handle_deleter>;

// Builds a configuration from name/value pairs; the error text when one is refused.
rd_kafka_conf_t* make_kafka_conf(const std::vector<std::pair<std::string, std::string>>& settings, std::string& error);

}  // namespace stradia::eventstore
