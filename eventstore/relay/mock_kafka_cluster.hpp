#pragma once
// A real Kafka protocol peer for development and tests: librdkafka's mock cluster (3
// brokers on loopback by default) with the events topic created in this process, since
// the mock does not implement CreateTopics. Other processes reach it over TCP through
// bootstrap_servers(). `stradia kafka-dev` runs one as its own process.
// clang-format off
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>  // only after rdkafka.h
// clang-format on

#include <memory>
#include <string>

#include "eventstore/relay/kafka_handle.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct mock_kafka_options {
  int brokers = 3;
  std::string topic = "stradia.events";
  int partitions = 6;
  int replication_factor = 3;
};

class mock_kafka_cluster {
 public:
  static result<std::unique_ptr<mock_kafka_cluster>> start(const mock_kafka_options& options);
  ~mock_kafka_cluster();
  mock_kafka_cluster(const mock_kafka_cluster&) = delete;
  mock_kafka_cluster& operator=(const mock_kafka_cluster&) = delete;

  std::string bootstrap_servers() const;
  rd_kafka_mock_cluster_t* raw() { return cluster_; }

 private:
  mock_kafka_cluster(kafka_handle owner, rd_kafka_mock_cluster_t* cluster)
      : owner_(std::move(owner)), cluster_(cluster) {}
  kafka_handle owner_;
  rd_kafka_mock_cluster_t* cluster_;
};

}  // namespace stradia::eventstore
