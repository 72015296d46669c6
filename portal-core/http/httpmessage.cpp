#include "httpmessage.h"

#include <QJsonObject>

namespace Portal::Http {

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpAnswer jsonError(int status, const Error &error)
{
    const QJsonObject body{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), QString::fromStdString(error.code)},
                     {QStringLiteral("message"), QString::fromStdString(error.message)}}}};
    return jsonAnswer(status, QJsonDocument(body));
}

HttpAnswer jsonAnswer(int status, const QJsonDocument &document)
{
    HttpAnswer answer;
    answer.status = status;
    answer.contentType = "application/json";
    answer.body = document.toJson(QJsonDocument::Compact);
    return answer;
}

} // namespace Portal::Http
