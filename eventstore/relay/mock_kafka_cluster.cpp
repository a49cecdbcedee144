#include "eventstore/relay/mock_kafka_cluster.hpp"

#include <algorithm>

namespace stradia::eventstore {

result<std::unique_ptr<mock_kafka_cluster>> mock_kafka_cluster::start(const mock_kafka_options& options) {
  std::string error;
  // Without nagle disabled the mock's own sockets stall about 40 ms per request.
  auto* conf = make_kafka_conf({{"socket.nagle.disable", "true"}, {"log_level", "3"}}, error);
  if (!conf) return fail(store_errc::retryable, error);
  char text[512];
  kafka_handle owner(rd_kafka_new(RD_KAFKA_PRODUCER, conf, text, sizeof text));
  if (!owner) return fail(store_errc::retryable, text);
  auto* cluster = rd_kafka_mock_cluster_new(owner.get(), options.brokers);
  if (!cluster) return fail(store_errc::retryable, "the mock cluster did not start");
  const auto created = rd_kafka_mock_topic_create(cluster, options.topic.c_str(), options.partitions,
                                                  std::min(options.replication_factor, options.brokers));
  if (created != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_mock_cluster_destroy(cluster);
    return fail(store_errc::retryable, rd_kafka_err2str(created));
  }
  return std::unique_ptr<mock_kafka_cluster>(new mock_kafka_cluster(std::move(owner), cluster));
}

mock_kafka_cluster::~mock_kafka_cluster() { rd_kafka_mock_cluster_destroy(cluster_); }

std::string mock_kafka_cluster::bootstrap_servers() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

}  // namespace stradia::eventstore
