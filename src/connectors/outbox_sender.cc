#include "connectors/outbox_sender.h"

#include <spdlog/spdlog.h>

namespace im::connectors {

OutboxSender::OutboxSender(store::ConnectorStore& store, Manager& manager,
                           std::shared_ptr<spdlog::logger> log, std::chrono::milliseconds interval)
    : store_(store), manager_(manager), log_(std::move(log)), interval_(interval) {}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxSender::Kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

void OutboxSender::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool OutboxSender::WaitForPasses(uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return passes_ >= n; });
}

uint64_t OutboxSender::passes() {
  std::lock_guard lock(mu_);
  return passes_;
}

void OutboxSender::SendAll() {
  auto list = store_.List();
  if (!list) {
    log_->error("outbox: cannot list connectors: {}", list.error().message);
    return;
  }
  for (const auto& stored : *list) {
    auto connector = manager_.Shared(stored.name);
    if (!connector) {
      log_->error("connector {}: {}", stored.name, connector.error().message);
      continue;
    }
    if ((*connector)->config().direction == Direction::kInbound) continue;
    auto sent = (*connector)->FlushOutbox();
    if (!sent) {
      log_->error("connector {} outbox: {}", stored.name, sent.error().message);
    } else if (sent->sent + sent->retrying + sent->parked > 0) {
      log_->info("connector {} outbox: {} sent, {} skipped, {} to retry, {} parked", stored.name,
                 sent->sent, sent->skipped, sent->retrying, sent->parked);
    }
  }
}

void OutboxSender::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    kicked_ = false;
    lock.unlock();
    SendAll();
    lock.lock();
    ++passes_;
    cv_.notify_all();
    cv_.wait_for(lock, interval_, [&] { return stopping_ || kicked_; });
  }
}

}  // namespace im::connectors
