// `stradia audit seal | export | verify | import`: the trail of API.md §6 for auditors.
// export streams a tenant's events with its latest signed head (a progress bar on a
// terminal); verify recomputes it offline (exit 0 verified, 1 not, naming the first
// position that differs); import loads verified exports into an empty database.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/cli.hpp"
#include "base/clock.hpp"
#include "base/encoding.hpp"
#include "eventstore/audit/export_verifier.hpp"
#include "eventstore/audit/sealer.hpp"
#include "eventstore/audit/trail_transfer.hpp"

namespace stradia::app {

namespace audit = eventstore::audit;

namespace {

struct audit_flags {
  std::string worker_database_url, owner_database_url, audit_key, tenant, output, key, since;
  std::vector<std::string> files;
};

// --key: the public key in base64, or a file holding it (or GET /api/v1/audit/key's JSON);
// empty when not given; nullopt after saying what is wrong.
std::optional<std::string> public_key_of(const std::string& given, const char* command) {
  if (given.empty()) return std::string();
  std::string text = given;
  if (std::ifstream in(given); in) text.assign(std::istreambuf_iterator<char>(in), {});
  if (const auto at = text.find("\"public_key\""); at != std::string::npos) {
    const auto open = text.find('"', text.find(':', at) + 1);
    text = text.substr(open + 1, text.find('"', open + 1) - open - 1);
  }
  auto raw = base::base64_decode(text);  // line breaks and spaces skipped
  if (raw && raw->size() == 32) return raw;
  std::fprintf(stderr, "stradia audit %s: --key wants a 32-byte Ed25519 public key in base64 (or a file)\n", command);
  return std::nullopt;
}

class progress_meter {
 public:
  explicit progress_meter(const char* what) : what_(what), terminal_(::isatty(STDERR_FILENO) == 1) {}
  void show(std::int64_t done, std::int64_t total, bool last = false) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (terminal_) {
      std::fprintf(stderr, "\r%s", progress_line(done, total, seconds, true).c_str());
      if (last) std::fprintf(stderr, "\n");
    } else if (last) {
      std::fprintf(stderr, "stradia audit %s: %s\n", what_, progress_line(done, total, seconds, false).c_str());
    }
  }

 private:
  const char* what_;
  bool terminal_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

int run_seal(const audit_flags& flags) {
  const auto seed = key_of_32_bytes(flags.audit_key, "STRADIA_AUDIT_KEY", "audit seal");
  if (!seed) return 2;
  auto signer = audit::head_signer::from_seed(*seed);
  try {
    const auto sealed = audit::sealer::seal_once(flags.worker_database_url, signer, true);
    std::printf("stradia audit seal: %lld events sealed%s\n", static_cast<long long>(sealed),
                signer ? ", heads signed" : " (no audit key: no head signed)");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stradia audit seal: %s\n", e.what());
    return 1;
  }
}

int run_export(const audit_flags& flags) {
  const auto seed = key_of_32_bytes(flags.audit_key, "STRADIA_AUDIT_KEY", "audit export");
  if (!seed) return 2;
  const auto signer = audit::head_signer::from_seed(*seed);
  std::ofstream file;
  if (!flags.output.empty()) {
    file.open(flags.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "stradia audit export: cannot write %s\n", flags.output.c_str());
      return 1;
    }
  }
  std::ostream& out = flags.output.empty() ? std::cout : file;
  progress_meter meter("export");
  std::int64_t total = 0;
  const auto exported = audit::export_tenant(
      flags.worker_database_url, flags.tenant, signer ? signer->public_key() : std::string(),
      [&](const std::string& line) { out << line << '\n'; },
      [&](std::int64_t done, std::int64_t all) {
        total = all;
        meter.show(done, all);
      });
  out.flush();
  if (!exported) {
    std::fprintf(stderr, "stradia audit export: %s\n", exported.error().c_str());
    return 1;
  }
  meter.show(*exported, total ? total : *exported, true);
  return out ? 0 : 1;
}

// Verifies one export; prints the verdict. 0 verified, 1 not.
int verify_file(const std::string& path, const std::string& key, const std::optional<audit::tree_head>& since) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "stradia audit verify: cannot read %s\n", path.c_str());
    return 1;
  }
  audit::export_verifier verifier({key, since});
  std::string line;
  const auto started = std::chrono::steady_clock::now();
  while (std::getline(in, line)) verifier.feed(std::move(line));
  const auto report = verifier.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!report.verified) {
    std::printf("FAILED  %s: %s\n", path.c_str(), report.problem.c_str());
    return 1;
  }
  const auto& head = *report.head;
  std::printf("verified  %s: %lld events of tenant %s, root %s, signed by key %s at %s%s (%.0f events/s)\n",
              path.c_str(), static_cast<long long>(report.events), report.tenant_id.c_str(),
              audit::to_hex(head.root_hash).c_str(), head.key_id.c_str(),
              base::format_rfc3339(base::timestamp(std::chrono::milliseconds(head.signed_at_ms))).c_str(),
              report.key_from_export ? " (the key the export names: pass --key to pin the server's)" : "",
              seconds > 0 ? static_cast<double>(report.events) / seconds : 0.0);
  if (since) std::printf("          extends the older head of %lld events\n", static_cast<long long>(since->tree_size));
  return 0;
}

int run_verify(const audit_flags& flags) {
  const auto key = public_key_of(flags.key, "verify");
  if (!key) return 2;
  std::optional<audit::tree_head> since;
  if (!flags.since.empty()) {
    std::ifstream in(flags.since);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (const auto at = text.find("{\"head\":"); at == 0) text = text.substr(8, text.rfind('}') - 8);
    since = audit::parse_head_json(text);
    if (!since) {
      std::fprintf(stderr, "stradia audit verify: --since wants a signed head (GET /api/v1/audit/head)\n");
      return 2;
    }
  }
  int status = 0;
  for (const auto& file : flags.files) status |= verify_file(file, *key, since);
  return status;
}

int run_import(const audit_flags& flags) {
  const auto key = public_key_of(flags.key, "import");
  if (!key) return 2;
  std::vector<std::unique_ptr<std::ifstream>> streams;
  std::vector<audit::import_source> exports;
  for (const auto& file : flags.files) {
    streams.push_back(std::make_unique<std::ifstream>(file, std::ios::binary));
    auto* in = streams.back().get();
    exports.push_back({file, [in] {
                         std::string line;
                         while (std::getline(*in, line))
                           if (!line.empty()) return line;
                         return std::string();
                       }});
  }
  progress_meter meter("import");
  const auto imported = audit::import_events(flags.owner_database_url, exports, {*key, std::nullopt},
                                             [&](std::int64_t done) { meter.show(done, done); });
  if (!imported) {
    std::fprintf(stderr, "stradia audit import: %s\n", imported.error().c_str());
    return 1;
  }
  meter.show(*imported, *imported, true);
  std::printf("stradia audit import: %lld events imported; run `stradia rebuild` for the read models\n",
              static_cast<long long>(*imported));
  return 0;
}

}  // namespace

void add_audit(CLI::App& cli, int& exit_code) {
  auto* audit_command = cli.add_subcommand("audit", "the tamper-evident trail: seal, export, verify, import");
  audit_command->require_subcommand(1);
  auto flags = std::make_shared<audit_flags>();
  auto worker = [&](CLI::App* c) {
    c->add_option("--worker-database-url", flags->worker_database_url, "role stradia_worker")
        ->envname("STRADIA_WORKER_DATABASE_URL")
        ->required();
    c->add_option("--audit-key", flags->audit_key, "32-byte Ed25519 seed (base64) signing tree heads")
        ->envname("STRADIA_AUDIT_KEY");
  };
  auto* seal = audit_command->add_subcommand("seal", "seal every committed event now and sign every tenant's head");
  worker(seal);
  seal->callback([flags, &exit_code] { exit_code = run_seal(*flags); });

  auto* export_command = audit_command->add_subcommand(
      "export", "a tenant's events and latest signed head as NDJSON (stdout or --output)");
  worker(export_command);
  add_tenant_option(*export_command, flags->tenant);
  export_command->add_option("--output", flags->output, "write to this file instead of standard output");
  export_command->callback([flags, &exit_code] { exit_code = run_export(*flags); });

  auto* verify = audit_command->add_subcommand(
      "verify", "recompute an export offline: every leaf, the root, the head's signature (exit 0 verified, 1 not)");
  verify->add_option("files", flags->files, "exports to verify")->required()->check(CLI::ExistingFile);
  verify->add_option("--key", flags->key, "the server's public key: base64, or a file (GET /api/v1/audit/key)");
  verify->add_option("--since", flags->since, "an older signed head (JSON) this log must extend")
      ->check(CLI::ExistingFile);
  verify->callback([flags, &exit_code] { exit_code = run_verify(*flags); });

  auto* import_command = audit_command->add_subcommand(
      "import", "load exports into an empty database, verifying them as they load (then `stradia rebuild`)");
  import_command->add_option("files", flags->files, "exports to load")->required()->check(CLI::ExistingFile);
  import_command->add_option("--key", flags->key, "the server's public key the exports must be signed with")
      ->required();
  import_command->add_option("--owner-database-url", flags->owner_database_url, "role stradia_owner")
      ->envname("STRADIA_OWNER_DATABASE_URL")
      ->required();
  import_command->callback([flags, &exit_code] { exit_code = run_import(*flags); });
}

}  // namespace stradia::app
