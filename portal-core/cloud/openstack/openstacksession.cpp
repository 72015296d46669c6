#include "openstacksession.h"

#include "openstackerror.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

namespace Portal::Cloud::OpenStack {

Q_LOGGING_CATEGORY(lcSession, "portal.cloud.openstack")

struct OpenStackSession::Call
{
    ServiceRequest request;
    QPointer<QObject> context;
    AnswerCallback callback;
    int attempt = 0;
    bool tokenRenewed = false;

    void finish(const Result<ServiceAnswer> &result)
    {
        if (context)
            callback(result);
    }
};

OpenStackSession::OpenStackSession(KeystoneClient *keystone, QObject *parent)
    : QObject(parent), m_keystone(keystone)
{
}

void OpenStackSession::call(const ServiceRequest &request, QObject *context,
                            AnswerCallback callback)
{
    auto pending = std::make_shared<Call>();
    pending->request = request;
    pending->context = context;
    pending->callback = std::move(callback);
    start(pending);
}

void OpenStackSession::start(const std::shared_ptr<Call> &call)
{
    ++call->attempt;
    m_keystone->token(this, [this, call](const Result<KeystoneToken> &token) {
        if (!token) {
            // Asking for a token again is harmless, so an unreachable or busy Keystone is
            // waited for like any other service.
            const std::string &code = token.error().code;
            if (code == "keystone.network" || code == "openstack.unavailable")
                retryLater(call, token.error());
            else
                call->finish(token.error());
            return;
        }
        send(call, *token);
    });
}

void OpenStackSession::send(const std::shared_ptr<Call> &call, const KeystoneToken &token)
{
    auto base = m_keystone->endpoint(call->request.serviceType);
    if (!base) {
        call->finish(base.error());
        return;
    }
    QUrl url = *base;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + call->request.path);
    if (!call->request.query.isEmpty())
        url.setQuery(call->request.query);

    QNetworkRequest request(url);
    request.setSslConfiguration(m_keystone->tlsConfiguration());
    request.setTransferTimeout(int(m_requestTimeout.count()));
    request.setRawHeader("X-Auth-Token", token.value);
    request.setRawHeader("Accept", "application/json");
    for (const auto &header : call->request.headers)
        request.setRawHeader(header.first, header.second);
    if (!call->request.body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));

    QNetworkReply *reply =
        m_keystone->network()->sendCustomRequest(request, call->request.method, call->request.body);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxAnswerBytes)
            reply->abort();
    });
    const QByteArray usedToken = token.value;
    connect(reply, &QNetworkReply::finished, this, [this, call, reply, usedToken] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->read(kMaxAnswerBytes + 1);
        const QString what =
            call->request.what.isEmpty()
                ? QString::fromLatin1(call->request.method) + QLatin1Char(' ') + call->request.path
                : call->request.what;
        if (status == 0) {
            const Error error =
                makeError("openstack.network",
                          what.toStdString() + ": " + reply->errorString().toStdString());
            if (call->request.idempotent)
                retryLater(call, error);
            else
                call->finish(error);
            return;
        }
        if (status == 401 && !call->tokenRenewed) {
            call->tokenRenewed = true;
            m_keystone->invalidate(usedToken);
            --call->attempt;
            start(call);
            return;
        }
        if (isRetryableStatus(status)) {
            retryLater(call, errorFromAnswer(status, body, what));
            return;
        }
        if (status < 200 || status > 299) {
            call->finish(errorFromAnswer(status, body, what));
            return;
        }
        if (body.size() > kMaxAnswerBytes) {
            call->finish(makeError("openstack.bad_answer",
                                   what.toStdString() + ": answer larger than 8 MiB"));
            return;
        }
        ServiceAnswer answer;
        answer.status = status;
        answer.body = body;
        answer.json = QJsonDocument::fromJson(body);
        for (const auto &pair : reply->rawHeaderPairs())
            answer.headers.append(pair);
        call->finish(answer);
    });
}

void OpenStackSession::retryLater(const std::shared_ptr<Call> &call, const Error &lastError)
{
    if (call->attempt >= m_retry.maxAttempts) {
        call->finish(lastError);
        return;
    }
    int backoffMs = m_retry.initialBackoffMs;
    for (int i = 1; i < call->attempt && backoffMs < m_retry.maxBackoffMs; ++i)
        backoffMs *= 2;
    backoffMs = std::min(backoffMs, m_retry.maxBackoffMs);
    qCInfo(lcSession) << "retrying in" << backoffMs << "ms after:" << lastError.message.c_str();
    QTimer::singleShot(backoffMs, this, [this, call] { start(call); });
}

} // namespace Portal::Cloud::OpenStack
