// The subscription set-up of `im connector webhook --enable` (see the header).
#include "connectors/webhook_setup.h"

namespace im::connectors {

Result<WebhookSetup> SetUpWebhook(Manager& manager, const std::string& name,
                                  const std::string& base_url, bool rotate_secret, Time now) {
  auto config = manager.Config(name);
  if (!config) return std::unexpected(config.error());
  auto connector = manager.Open(name);
  if (!connector) return std::unexpected(connector.error());
  Connector& c = **connector;
  std::string base = base_url;
  while (base.ends_with("/")) base.pop_back();
  WebhookSetup out{.url = base + "/connectors/" + name + "/webhook"};
  auto existing = c.ListWebhooks(out.url);
  if (!existing) return std::unexpected(existing.error().Wrap("listing webhook subscriptions"));

  auto remember_url = [&](ConnectorConfig& cfg) -> Result<void> {
    cfg.public_url = base;
    return Ok();
  };
  if (!existing->empty() && !rotate_secret) {
    if (config->webhook_secrets.empty()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "webhook subscription " + existing->front().id + " already delivers to " +
                      out.url +
                      ", but im does not hold its signing secret (the provider shows it only "
                      "when the subscription is created): run `im connector webhook " +
                      name +
                      " --enable --rotate-secret` to replace it with one whose secret im "
                      "keeps");
    }
    // The newest (listed last) is the one whose secret im took last, the one it keeps longest.
    const WebhookSubscriptionInfo& keep = existing->back();
    out.subscription = keep.id;
    out.action = "kept";
    if (!keep.enabled) {
      if (auto ok = c.EnableWebhook(keep.id); !ok) {
        return std::unexpected(ok.error().Wrap("enabling subscription " + keep.id));
      }
      out.action = "enabled again";
    }
    // Several subscriptions to one URL deliver every event several times: keep one.
    for (size_t i = 0; i + 1 < existing->size(); ++i) {
      if (auto ok = c.DeleteWebhook((*existing)[i].id); !ok) {
        return std::unexpected(
            ok.error().Wrap("deleting duplicate subscription " + (*existing)[i].id));
      }
      out.removed.push_back((*existing)[i].id);
    }
    if (config->public_url != base) {
      if (auto ok = manager.Update(name, remember_url); !ok) return std::unexpected(ok.error());
    }
    return out;
  }

  auto made = c.CreateWebhook(out.url);
  if (!made) return std::unexpected(made.error().Wrap("creating the webhook subscription"));
  out.subscription = made->first.id;
  // The new secret is stored before anything else: from now on deliveries may be signed with it.
  // The secrets held before belong to subscriptions that are being replaced (or were deleted in
  // the provider): accepted until the new one is seen in use, at most 48 hours.
  auto stored = manager.Update(name, [&](ConnectorConfig& cfg) -> Result<void> {
    bool replacing = !cfg.webhook_secrets.empty();
    cfg.webhook_secrets.push_back(made->second);
    if (replacing) cfg.webhook_secret_retire_at = now + kSecretRetireAfter;
    return remember_url(cfg);
  });
  if (!stored) {
    // A subscription whose secret nobody holds would only have its deliveries refused.
    (void)c.DeleteWebhook(made->first.id);
    return std::unexpected(stored.error().Wrap("storing the new signing secret"));
  }
  out.action = existing->empty() ? "created" : "replaced";
  for (const auto& old : *existing) {
    if (auto ok = c.DeleteWebhook(old.id); !ok) {
      return std::unexpected(ok.error().Wrap(
          "deleting the replaced subscription " + old.id +
          " (the new one works; run the command again or delete it in the provider)"));
    }
    out.removed.push_back(old.id);
  }
  return out;
}

}  // namespace im::connectors
