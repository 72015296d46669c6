#pragma once
// The instance's own database (SQLite, WAL, foreign keys on) inside --data-dir: the devices the
// portal pushed, verified readings, actuator commands, access-control policies and counters.
// The directory is created 0700 and the file 0600.
//
// Readings: storeReading() is one transaction that checks the device's last accepted counter,
// inserts the reading and advances the counter, so a crash never leaves one without the other.
// Counters skipped between two stored readings (DESIGN §4.1: a gap is allowed and counted) are
// added to the instance's `counters_skipped` in the same transaction: readings a device lost
// (offline longer than its ring holds), or counters left unused by a device reset (≤ 16).
// Errors: `m2m.store` (with the SQLite message; never a key or credential).

#include <portal-core/base/authfailure.h>
#include <portal-core/base/result.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace Portal::M2mService {

// Device ids are 16 lowercase hex digits.
inline bool isDeviceId(const QString &text)
{
    if (text.size() != 16)
        return false;
    for (QChar c : text) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
              (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

struct DeviceRecord
{
    QString deviceId;         // 16 lowercase hex digits
    QByteArray publicKey;     // 65-byte SEC1 uncompressed point
    QString credentialSha256; // 64 lowercase hex digits
    bool revoked = false;
    bool removed = false;     // DELETE by the portal: data kept, no new readings or commands
    qint64 lastCounter = -1;  // -1: no reading accepted yet
    qint64 counterFloor = -1; // the portal's: readings at or below it are refused; -1: none
    QDateTime created;
    QDateTime updated;
};

struct ReadingRecord
{
    QString deviceId;
    quint32 counter = 0;
    int sensorIndex = 0;
    qint32 value = 0;
    int scaleExponent = 0;
    QString unit;
    QByteArray cose; // the COSE_Sign1 bytes exactly as received
    QDateTime received;
};

struct CommandRecord
{
    qint64 commandId = 0;
    QString deviceId;
    int actuator = 0;
    qint32 value = 0;
    QString status; // pending, delivered, done, failed, unsupported
    std::optional<qint32> statusValue;
    QString originator;
    int revision = 0; // bumped on every status change (the cin's st)
    QDateTime created;
    QDateTime updated;
};

struct ContainerStats
{
    qint64 count = 0;
    qint64 bytes = 0;
};

// BelowFloor: above this instance's last counter but at or below the portal's floor, so
// accepted before on another instance (a captured reading replayed after a move).
enum class ReadingVerdict { Stored, IdenticalResend, Replay, BelowFloor };

struct ReadingOutcome
{
    ReadingVerdict verdict = ReadingVerdict::Replay;
    qint64 countersSkipped = 0; // Stored only: counters between the previous reading and this
};

class M2mStore
{
public:
    // Opens (creating when missing) <directory>/m2m.sqlite.
    static Result<std::unique_ptr<M2mStore>> open(const QString &directory);
    ~M2mStore();
    M2mStore(const M2mStore &) = delete;
    M2mStore &operator=(const M2mStore &) = delete;

    // True when the device was new. Keeps lastCounter and the data of a known device; the
    // counter floor only rises (-1: leaves it).
    Result<bool> putDevice(const QString &deviceId, const QByteArray &publicKey,
                           const QString &credentialSha256, bool revoked, qint64 counterFloor = -1);
    // False when no such device. Marks it removed and revoked; its data stays.
    Result<bool> removeDevice(const QString &deviceId);
    Result<std::optional<DeviceRecord>> device(const QString &deviceId);
    Result<qint64> activeDeviceCount();

    Result<ReadingOutcome> storeReading(const ReadingRecord &reading);
    Result<std::optional<ReadingRecord>> reading(const QString &deviceId, quint32 counter);
    Result<std::optional<ReadingRecord>> latestReading(const QString &deviceId);
    Result<std::optional<ReadingRecord>> oldestReading(const QString &deviceId);
    Result<ContainerStats> readingStats(const QString &deviceId);
    // The newest `limit` readings (commands), oldest first.
    Result<QList<ReadingRecord>> recentReadings(const QString &deviceId, int limit);
    Result<QList<CommandRecord>> recentCommands(const QString &deviceId, int limit);

    Result<CommandRecord> addCommand(const QString &deviceId, int actuator, qint32 value,
                                     const QString &originator);
    Result<std::optional<CommandRecord>> command(const QString &deviceId, qint64 commandId);
    Result<std::optional<CommandRecord>> latestCommand(const QString &deviceId);
    Result<std::optional<CommandRecord>> oldestCommand(const QString &deviceId);
    // Commands without a final status (pending or delivered), oldest first.
    Result<QList<CommandRecord>> openCommands(const QString &deviceId);
    Result<ContainerStats> commandStats(const QString &deviceId);
    Result<void> markDelivered(qint64 commandId);
    // False when the command does not exist for that device.
    Result<bool> setCommandStatus(const QString &deviceId, qint64 commandId, const QString &status,
                                  std::optional<qint32> value);

    // True when the policy was new. json is the canonical m2m:acp document.
    Result<bool> putPolicy(const QString &name, const QByteArray &json);
    Result<bool> removePolicy(const QString &name); // false when there was none
    Result<QList<QByteArray>> policies();

    Result<void> countRejectedReading();
    Result<qint64> readingsStored();
    Result<qint64> readingsRejected();
    Result<qint64> countersSkipped();

    // Failed authentications (admin API, bearer tokens), one row per key and minute
    // (portal-core/base/authfailure.h); served to the portal by GET /admin/v1/auth-failures.
    Result<void> recordAuthFailure(const QString &source, const QString &identity,
                                   const QString &reason);
    // Rows changed after sinceMs (-1: all), newest first.
    Result<QList<AuthFailure>> authFailures(qint64 sinceMs, int limit);

    // Folds the WAL into the main file and closes; called on orderly shutdown.
    void close();

private:
    explicit M2mStore(QString connectionName);
    Result<qint64> counter(const QString &name);
    Result<void> migrate();

    QString m_connectionName;
};

} // namespace Portal::M2mService
