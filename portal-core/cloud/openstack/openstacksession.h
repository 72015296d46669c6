#pragma once
// Authorized calls to the services of one cloud: takes a token from KeystoneClient, finds the
// service's endpoint in the catalog, sends JSON, and answers with the status, headers and
// parsed body (at most kMaxAnswerBytes). A 401 renews the token and repeats the call once.
// 502/503/504 are repeated for every method, network failures only for idempotent requests
// (a POST whose answer was lost may have acted), with capped exponential backoff; so is an
// authentication that could not reach Keystone or found it unavailable.
//
// Errors: keystone.* from authentication, `openstack.network` (after the retries),
// `openstack.bad_answer` (over kMaxAnswerBytes, or a 2xx body that is not JSON when JSON was
// expected), and openstackerror.h's typed `openstack.*` for non-2xx statuses.

#include "keystoneclient.h"

#include <QJsonDocument>
#include <QPair>
#include <QUrlQuery>

namespace Portal::Cloud::OpenStack {

struct ServiceRequest
{
    QString serviceType;       // catalog type: compute, image, network, identity
    QByteArray method = "GET"; // GET, POST, PUT, DELETE
    QString path;              // appended to the endpoint's path: "/servers/detail"
    QUrlQuery query;
    QByteArray body; // JSON; sent with Content-Type application/json
    QList<QPair<QByteArray, QByteArray>> headers;
    bool idempotent = true; // false: network failures are not repeated
    QString what;           // "nova: create server", for error messages
};

struct ServiceAnswer
{
    int status = 0;
    QByteArray body;
    QJsonDocument json; // null when the body is empty or not JSON
    QList<QPair<QByteArray, QByteArray>> headers;
};

class OpenStackSession final : public QObject
{
    Q_OBJECT
public:
    using AnswerCallback = std::function<void(const Result<ServiceAnswer> &)>;

    static constexpr qint64 kMaxAnswerBytes = 8 * 1024 * 1024;

    struct RetryPolicy
    {
        int maxAttempts = 4;
        int initialBackoffMs = 500;
        int maxBackoffMs = 4000;
    };

    explicit OpenStackSession(KeystoneClient *keystone, QObject *parent = nullptr);

    KeystoneClient *keystone() const { return m_keystone; }
    void setRetryPolicy(RetryPolicy policy) { m_retry = policy; }
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }

    // Calls back once (never synchronously) unless context is destroyed first. 2xx answers
    // are values; everything else is an error.
    void call(const ServiceRequest &request, QObject *context, AnswerCallback callback);

private:
    struct Call;
    void start(const std::shared_ptr<Call> &call);
    void send(const std::shared_ptr<Call> &call, const KeystoneToken &token);
    void retryLater(const std::shared_ptr<Call> &call, const Error &lastError);

    KeystoneClient *m_keystone;
    RetryPolicy m_retry;
    std::chrono::milliseconds m_requestTimeout{60000};
};

} // namespace Portal::Cloud::OpenStack
