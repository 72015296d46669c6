#pragma once
// OpenStack answers → typed errors. Nova wraps its message as {"<kind>": {"message", "code"}},
// Keystone as {"error": {"message", "code", "title"}}, Neutron as {"NeutronError":
// {"type", "message"}}, Glance often as plain text or HTML.
//
// Codes: `openstack.bad_request` (400), `openstack.unauthorized` (401), `openstack.forbidden`
// (403), `openstack.quota_exceeded` (403 or 413 whose message says the quota is exceeded; the
// message keeps Nova's quota text), `openstack.not_found` (404), `openstack.conflict` (409),
// `openstack.unavailable` (502, 503, 504), `openstack.http_error` (any other status).
// The service's own message is kept, cut to kMaxMessageChars and stripped of control
// characters; a body that is not JSON contributes nothing.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QString>

namespace Portal::Cloud::OpenStack {

constexpr int kMaxMessageChars = 400;

// The human message inside an OpenStack error body, bounded; empty when there is none.
QString serviceMessage(const QByteArray &body);

// The typed error for a non-2xx status; `what` says which call failed ("nova: create server").
Error errorFromAnswer(int httpStatus, const QByteArray &body, const QString &what);

// Whether a failure with this status is worth retrying unchanged (502, 503, 504).
bool isRetryableStatus(int httpStatus);

} // namespace Portal::Cloud::OpenStack
