#include "eventstore/relay/kafka_handle.hpp"

namespace stradia::eventstore {

rd_kafka_conf_t* make_kafka_conf(const std::vector<std::pair<std::string, std::string>>& settings, std::string& error) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char text[512];
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), text, sizeof text) != RD_KAFKA_CONF_OK) {
      error = name + ": " + text;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  return conf;
}

}  // namespace stradia::eventstore
