#pragma once
// The admin's client for an instance's oneM2M API (docs/api.md, "M2M service"): the GUI reads
// verified readings and commands and sends commands as the admin originator `Cportal-admin`,
// over HTTPS with the portal-admin client certificate (DESIGN §2.1: readings and commands live
// in the instance, not in the portal store).
//
// Asynchronous; each call ends in exactly one callback on the caller's thread. Answers are
// bounded before they are parsed (kMaxAnswerBytes). Errors: `engine.instance_unreachable`
// (TLS, network, timeout), `engine.instance_refused` (an unexpected HTTP status; the message
// carries the service's error code), `engine.bad_answer` (too large or not the resource asked
// for).

#include <portal-core/base/result.h>

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QString>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace Portal::Engine {

// A reading as the instance verified it (the labels of its contentInstance).
struct VerifiedReading
{
    quint32 counter = 0;
    int sensorIndex = 0;
    qint32 value = 0;
    int scaleExponent = 0; // the physical value is value × 10^scaleExponent
    QString unit;
    QDateTime received;

    double scaledValue() const;
};

struct CommandView
{
    qint64 commandId = 0;
    int actuator = 0;
    qint32 value = 0;
    QString status; // pending | delivered | done | failed | unsupported
    std::optional<qint32> statusValue;
    QDateTime created;
    QDateTime updated;
};

class InstanceDataClient : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxAnswerBytes = 1024 * 1024;
    static constexpr int kMaxListed = 500;
    template<typename T>
    using Done = std::function<void(Result<T>)>;

    InstanceDataClient(QSslConfiguration adminTls, QObject *parent = nullptr);

    // The newest `limit` (1..kMaxListed) verified readings of the device, oldest first.
    void recentReadings(const QString &instanceUrl, const QString &deviceId, int limit,
                        Done<QList<VerifiedReading>> done);
    // The newest `limit` commands of the device, oldest first.
    void recentCommands(const QString &instanceUrl, const QString &deviceId, int limit,
                        Done<QList<CommandView>> done);
    // Creates a command (actuator 0..255); the answer is its first status.
    void sendCommand(const QString &instanceUrl, const QString &deviceId, int actuator,
                     qint32 value, Done<CommandView> done);

private:
    QNetworkReply *send(const QString &instanceUrl, const QString &path, const QByteArray &body);

    QSslConfiguration m_adminTls;
    QNetworkAccessManager *m_network;
};

} // namespace Portal::Engine
