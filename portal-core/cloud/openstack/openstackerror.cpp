#include "openstackerror.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Portal::Cloud::OpenStack {

namespace {

QString bounded(QString text)
{
    for (QChar &character : text) {
        if (character.category() == QChar::Other_Control)
            character = QLatin1Char(' ');
    }
    text = text.simplified();
    if (text.size() > kMaxMessageChars)
        text = text.left(kMaxMessageChars - 1) + QChar(0x2026);
    return text;
}

} // namespace

QString serviceMessage(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return QString();
    const QJsonObject root = document.object();
    if (root.value(QLatin1String("message")).isString())
        return bounded(root.value(QLatin1String("message")).toString());
    // One wrapper object whose "message" is the text, whatever the wrapper is called.
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject inner = it.value().toObject();
        if (inner.value(QLatin1String("message")).isString())
            return bounded(inner.value(QLatin1String("message")).toString());
    }
    return QString();
}

bool isRetryableStatus(int httpStatus)
{
    return httpStatus == 502 || httpStatus == 503 || httpStatus == 504;
}

Error errorFromAnswer(int httpStatus, const QByteArray &body, const QString &what)
{
    const QString message = serviceMessage(body);
    const auto text = [&](const char *summary) {
        std::string out =
            what.toStdString() + ": " + summary + " (HTTP " + std::to_string(httpStatus) + ")";
        if (!message.isEmpty())
            out += ": " + message.toStdString();
        return out;
    };
    const bool quota = message.contains(QLatin1String("quota"), Qt::CaseInsensitive) &&
                       message.contains(QLatin1String("exceed"), Qt::CaseInsensitive);
    if ((httpStatus == 403 || httpStatus == 413) && quota)
        return makeError("openstack.quota_exceeded", text("quota exceeded"));
    switch (httpStatus) {
    case 400:
        return makeError("openstack.bad_request", text("refused as invalid"));
    case 401:
        return makeError("openstack.unauthorized", text("not authenticated"));
    case 403:
        return makeError("openstack.forbidden", text("not allowed"));
    case 404:
        return makeError("openstack.not_found", text("not found"));
    case 409:
        return makeError("openstack.conflict", text("conflicts with the current state"));
    default:
        break;
    }
    if (isRetryableStatus(httpStatus))
        return makeError("openstack.unavailable", text("service unavailable"));
    return makeError("openstack.http_error", text("failed"));
}

} // namespace Portal::Cloud::OpenStack
