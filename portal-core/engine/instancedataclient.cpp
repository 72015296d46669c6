#include "instancedataclient.h"

#include <portal-core/onem2m/resourcejson.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUuid>

#include <cmath>

namespace Portal::Engine {

namespace {

constexpr int kTimeoutMs = 10000;
constexpr char kAdminOriginator[] = "Cportal-admin";

Error badAnswer(const std::string &message)
{
    return makeError("engine.bad_answer", message);
}

// Ends in done(body) for an expected status, else done(error); the body is bounded while it
// arrives, so an instance cannot make the GUI buffer more than kMaxAnswerBytes.
void finish(QNetworkReply *reply, QList<int> okStatuses,
            std::function<void(Result<QByteArray>)> done)
{
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply] {
        if (reply->bytesAvailable() > InstanceDataClient::kMaxAnswerBytes) {
            reply->setProperty("portalTooLarge", true);
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, okStatuses, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->property("portalTooLarge").toBool()) {
            done(badAnswer("the instance's answer is larger than 1 MiB"));
            return;
        }
        if (status == 0) {
            done(makeError("engine.instance_unreachable", reply->errorString().toStdString()));
            return;
        }
        const QByteArray body = reply->readAll();
        if (!okStatuses.contains(status)) {
            const QJsonObject error = QJsonDocument::fromJson(body).object();
            const QString code = error.value(QStringLiteral("error")).toString().left(64);
            const QString message = error.value(QStringLiteral("message")).toString().left(200);
            done(makeError("engine.instance_refused",
                           "the instance answered HTTP " + std::to_string(status) +
                               (code.isEmpty()
                                    ? std::string()
                                    : " " + code.toStdString() + ": " + message.toStdString())));
            return;
        }
        done(body);
    });
}

std::optional<qint64> labelNumber(const QStringList &labels, QLatin1String prefix)
{
    for (const QString &label : labels) {
        if (!label.startsWith(prefix))
            continue;
        bool ok = false;
        const qint64 number = label.mid(prefix.size()).toLongLong(&ok);
        return ok ? std::optional<qint64>(number) : std::nullopt;
    }
    return std::nullopt;
}

Result<VerifiedReading> readingOf(const OneM2M::ContentInstance &instance)
{
    if (!instance.labels.contains(QLatin1String("verified")))
        return badAnswer("a reading without the verified label");
    const auto counter = labelNumber(instance.labels, QLatin1String("counter:"));
    const auto sensor = labelNumber(instance.labels, QLatin1String("sensor:"));
    const auto value = labelNumber(instance.labels, QLatin1String("value:"));
    const auto scale = labelNumber(instance.labels, QLatin1String("scale:"));
    if (!counter || !sensor || !value || !scale || *counter < 0 || *counter > UINT32_MAX ||
        *value < INT32_MIN || *value > INT32_MAX || *sensor < 0 || *sensor > 255 || *scale < -128 ||
        *scale > 127)
        return badAnswer("a reading with missing or out-of-range labels");
    VerifiedReading reading;
    reading.counter = quint32(*counter);
    reading.sensorIndex = int(*sensor);
    reading.value = qint32(*value);
    reading.scaleExponent = int(*scale);
    for (const QString &label : instance.labels) {
        if (label.startsWith(QLatin1String("unit:")))
            reading.unit = label.mid(5).left(16);
    }
    reading.received = instance.created;
    return reading;
}

Result<CommandView> commandOf(const OneM2M::ContentInstance &instance)
{
    const QJsonObject content = instance.content.toObject();
    const QJsonValue id = content.value(QStringLiteral("commandId"));
    const QJsonValue actuator = content.value(QStringLiteral("actuator"));
    const QJsonValue value = content.value(QStringLiteral("value"));
    const QString status = content.value(QStringLiteral("status")).toString();
    static const QStringList statuses = {QStringLiteral("pending"), QStringLiteral("delivered"),
                                         QStringLiteral("done"), QStringLiteral("failed"),
                                         QStringLiteral("unsupported")};
    const auto integral = [](const QJsonValue &number, double low, double high) {
        return number.isDouble() && number.toDouble() >= low && number.toDouble() <= high &&
               number.toDouble() == std::floor(number.toDouble());
    };
    const QJsonValue statusValue = content.value(QStringLiteral("statusValue"));
    if (!integral(id, 0, 9007199254740991.0) || !integral(actuator, 0, 255) ||
        !integral(value, INT32_MIN, INT32_MAX) || !statuses.contains(status) ||
        (!statusValue.isUndefined() && !integral(statusValue, INT32_MIN, INT32_MAX)))
        return badAnswer("a command without commandId, actuator, value and a known status");
    CommandView command;
    command.commandId = qint64(id.toDouble());
    command.actuator = actuator.toInt();
    command.value = qint32(value.toDouble());
    command.status = status;
    if (statusValue.isDouble())
        command.statusValue = qint32(statusValue.toDouble());
    command.created = instance.created;
    command.updated = instance.lastModified;
    return command;
}

template<typename T, typename Of>
void listContainer(QNetworkReply *reply, Of of, InstanceDataClient::Done<QList<T>> done)
{
    finish(reply, {200}, [of, done](Result<QByteArray> body) {
        if (!body)
            return done(body.error());
        auto listing = OneM2M::parseContainerListing(*body, InstanceDataClient::kMaxAnswerBytes);
        if (!listing)
            return done(badAnswer(listing.error().message));
        QList<T> items;
        for (const OneM2M::ContentInstance &instance : listing->children) {
            auto item = of(instance);
            if (!item)
                return done(item.error());
            items.append(std::move(*item));
        }
        done(items);
    });
}

} // namespace

double VerifiedReading::scaledValue() const
{
    return double(value) * std::pow(10.0, scaleExponent);
}

InstanceDataClient::InstanceDataClient(QSslConfiguration adminTls, QObject *parent)
    : QObject(parent), m_adminTls(std::move(adminTls)), m_network(new QNetworkAccessManager(this))
{
}

QNetworkReply *InstanceDataClient::send(const QString &instanceUrl, const QString &path,
                                        const QByteArray &body)
{
    QNetworkRequest request(QUrl(instanceUrl + path));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    request.setRawHeader("X-M2M-Origin", kAdminOriginator);
    request.setRawHeader("X-M2M-RI", QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    request.setRawHeader("Accept", "application/json");
    if (body.isNull())
        return m_network->get(request);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/json;ty=4"));
    return m_network->post(request, body);
}

void InstanceDataClient::recentReadings(const QString &instanceUrl, const QString &deviceId,
                                        int limit, Done<QList<VerifiedReading>> done)
{
    const QString path = QStringLiteral("/m2m/%1/data?rcn=4&lim=%2")
                             .arg(deviceId)
                             .arg(std::clamp(limit, 1, kMaxListed));
    listContainer<VerifiedReading>(send(instanceUrl, path, QByteArray()), readingOf,
                                   std::move(done));
}

void InstanceDataClient::recentCommands(const QString &instanceUrl, const QString &deviceId,
                                        int limit, Done<QList<CommandView>> done)
{
    const QString path = QStringLiteral("/m2m/%1/commands?rcn=4&lim=%2")
                             .arg(deviceId)
                             .arg(std::clamp(limit, 1, kMaxListed));
    listContainer<CommandView>(send(instanceUrl, path, QByteArray()), commandOf, std::move(done));
}

void InstanceDataClient::sendCommand(const QString &instanceUrl, const QString &deviceId,
                                     int actuator, qint32 value, Done<CommandView> done)
{
    const QJsonObject content{{QStringLiteral("actuator"), actuator},
                              {QStringLiteral("value"), value}};
    const QJsonObject body{
        {QStringLiteral("m2m:cin"), QJsonObject{{QStringLiteral("con"), content}}}};
    QNetworkReply *reply = send(instanceUrl, QStringLiteral("/m2m/%1/commands").arg(deviceId),
                                QJsonDocument(body).toJson(QJsonDocument::Compact));
    finish(reply, {201}, [done](Result<QByteArray> answer) {
        if (!answer)
            return done(answer.error());
        auto instance = OneM2M::parseContentInstance(*answer, kMaxAnswerBytes);
        if (!instance)
            return done(badAnswer(instance.error().message));
        done(commandOf(*instance));
    });
}

} // namespace Portal::Engine
