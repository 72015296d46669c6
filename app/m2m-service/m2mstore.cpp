#include "m2mstore.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace Portal::M2mService {

namespace {

const char *const kMigrations[] = {
    R"(CREATE TABLE devices (
         device_id TEXT PRIMARY KEY,
         public_key BLOB NOT NULL,
         credential_sha256 TEXT NOT NULL,
         revoked INTEGER NOT NULL DEFAULT 0,
         removed INTEGER NOT NULL DEFAULT 0,
         last_counter INTEGER NOT NULL DEFAULT -1,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL);
       CREATE TABLE readings (
         device_id TEXT NOT NULL REFERENCES devices(device_id),
         counter INTEGER NOT NULL,
         sensor_index INTEGER NOT NULL,
         value INTEGER NOT NULL,
         scale_exponent INTEGER NOT NULL,
         unit TEXT NOT NULL,
         cose BLOB NOT NULL,
         received_at TEXT NOT NULL,
         PRIMARY KEY (device_id, counter));
       CREATE TABLE commands (
         command_id INTEGER PRIMARY KEY AUTOINCREMENT,
         device_id TEXT NOT NULL REFERENCES devices(device_id),
         actuator INTEGER NOT NULL,
         value INTEGER NOT NULL,
         status TEXT NOT NULL,
         status_value INTEGER,
         originator TEXT NOT NULL,
         revision INTEGER NOT NULL DEFAULT 0,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL);
       CREATE INDEX commands_by_device ON commands(device_id, command_id);
       CREATE TABLE policies (
         name TEXT PRIMARY KEY,
         json BLOB NOT NULL,
         updated_at TEXT NOT NULL);
       CREATE TABLE counters (
         name TEXT PRIMARY KEY,
         value INTEGER NOT NULL);
       INSERT INTO counters (name, value) VALUES ('readings_rejected', 0);)",
    R"(INSERT INTO counters (name, value) VALUES ('counters_skipped', 0);)",
    kAuthFailureTableSql,
    kAuthFailureIndexSql,
    // The portal's floor: the highest counter any instance accepted from the device before it
    // came here (-1: none); readings at or below it are refused (ReadingVerdict::BelowFloor).
    R"(ALTER TABLE devices ADD COLUMN counter_floor INTEGER NOT NULL DEFAULT -1;)",
};

Error sqlError(const QSqlError &error)
{
    return makeError("m2m.store", error.text().toStdString());
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QDateTime timeOf(const QVariant &value)
{
    QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODate);
    return time.toUTC();
}

const QString kReadingColumns = QStringLiteral(
    "device_id, counter, sensor_index, value, scale_exponent, unit, cose, received_at");
const QString kCommandColumns =
    QStringLiteral("command_id, device_id, actuator, value, status, status_value, originator, "
                   "revision, created_at, updated_at");

ReadingRecord readingFrom(const QSqlQuery &query)
{
    ReadingRecord reading;
    reading.deviceId = query.value(0).toString();
    reading.counter = quint32(query.value(1).toLongLong());
    reading.sensorIndex = query.value(2).toInt();
    reading.value = qint32(query.value(3).toLongLong());
    reading.scaleExponent = query.value(4).toInt();
    reading.unit = query.value(5).toString();
    reading.cose = query.value(6).toByteArray();
    reading.received = timeOf(query.value(7));
    return reading;
}

CommandRecord commandFrom(const QSqlQuery &query)
{
    CommandRecord command;
    command.commandId = query.value(0).toLongLong();
    command.deviceId = query.value(1).toString();
    command.actuator = query.value(2).toInt();
    command.value = qint32(query.value(3).toLongLong());
    command.status = query.value(4).toString();
    if (!query.value(5).isNull())
        command.statusValue = qint32(query.value(5).toLongLong());
    command.originator = query.value(6).toString();
    command.revision = query.value(7).toInt();
    command.created = timeOf(query.value(8));
    command.updated = timeOf(query.value(9));
    return command;
}

} // namespace

M2mStore::M2mStore(QString connectionName) : m_connectionName(std::move(connectionName)) {}

M2mStore::~M2mStore()
{
    close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<M2mStore>> M2mStore::open(const QString &directory)
{
    QDir dir(directory);
    if (!dir.exists()) {
        if (!QDir().mkpath(directory) ||
            !QFile::setPermissions(directory,
                                   QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            return makeError("m2m.store",
                             "cannot create data directory " + directory.toStdString());
    }
    const QString path = dir.filePath(QStringLiteral("m2m.sqlite"));
    if (!QFile::exists(path)) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
            return makeError("m2m.store", "cannot create " + path.toStdString() + ": " +
                                              file.errorString().toStdString());
    }
    const QString name = QStringLiteral("m2m-") + QUuid::createUuid().toString(QUuid::Id128);
    std::unique_ptr<M2mStore> store(new M2mStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError(db.lastError());
    QSqlQuery pragma(db);
    if (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
        !pragma.exec(QStringLiteral("PRAGMA foreign_keys=ON")) ||
        !pragma.exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return sqlError(pragma.lastError());
    if (auto migrated = store->migrate(); !migrated)
        return migrated.error();
    return store;
}

Result<void> M2mStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return sqlError(query.lastError());
    const int current = query.value(0).toInt();
    const int latest = int(std::size(kMigrations));
    if (current > latest)
        return makeError("m2m.store", "database schema is newer than this program understands");
    for (int version = current + 1; version <= latest; ++version) {
        if (!db.transaction())
            return sqlError(db.lastError());
        // QSqlQuery runs one statement at a time; migrations are split on ';'.
        const QStringList statements = QString::fromLatin1(kMigrations[version - 1])
                                           .split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString &statement : statements) {
            if (statement.trimmed().isEmpty())
                continue;
            QSqlQuery step(db);
            if (!step.exec(statement)) {
                const Error error = sqlError(step.lastError());
                db.rollback();
                return error;
            }
        }
        QSqlQuery bump(db);
        if (!bump.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)) || !db.commit()) {
            const Error error = sqlError(bump.lastError());
            db.rollback();
            return error;
        }
    }
    return {};
}

Result<bool> M2mStore::putDevice(const QString &deviceId, const QByteArray &publicKey,
                                 const QString &credentialSha256, bool revoked, qint64 counterFloor)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    auto existing = device(deviceId);
    if (!existing)
        return existing.error();
    QSqlQuery query(db);
    if (*existing) {
        query.prepare(QStringLiteral(
            "UPDATE devices SET public_key = ?, credential_sha256 = ?, revoked = ?, removed = 0, "
            "counter_floor = MAX(counter_floor, ?), updated_at = ? WHERE device_id = ?"));
        query.addBindValue(publicKey);
        query.addBindValue(credentialSha256);
        query.addBindValue(revoked ? 1 : 0);
        query.addBindValue(counterFloor);
        query.addBindValue(now());
        query.addBindValue(deviceId);
    } else {
        query.prepare(QStringLiteral("INSERT INTO devices (device_id, public_key, "
                                     "credential_sha256, revoked, counter_floor, "
                                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(deviceId);
        query.addBindValue(publicKey);
        query.addBindValue(credentialSha256);
        query.addBindValue(revoked ? 1 : 0);
        query.addBindValue(qMax<qint64>(counterFloor, -1));
        query.addBindValue(now());
        query.addBindValue(now());
    }
    if (!query.exec())
        return sqlError(query.lastError());
    return !existing->has_value();
}

Result<bool> M2mStore::removeDevice(const QString &deviceId)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("UPDATE devices SET removed = 1, revoked = 1, updated_at = ? "
                                 "WHERE device_id = ? AND removed = 0"));
    query.addBindValue(now());
    query.addBindValue(deviceId);
    if (!query.exec())
        return sqlError(query.lastError());
    return query.numRowsAffected() > 0;
}

Result<std::optional<DeviceRecord>> M2mStore::device(const QString &deviceId)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral(
        "SELECT device_id, public_key, credential_sha256, revoked, removed, last_counter, "
        "created_at, updated_at, counter_floor FROM devices WHERE device_id = ?"));
    query.addBindValue(deviceId);
    if (!query.exec())
        return sqlError(query.lastError());
    if (!query.next())
        return std::optional<DeviceRecord>();
    DeviceRecord record;
    record.deviceId = query.value(0).toString();
    record.publicKey = query.value(1).toByteArray();
    record.credentialSha256 = query.value(2).toString();
    record.revoked = query.value(3).toInt() != 0;
    record.removed = query.value(4).toInt() != 0;
    record.lastCounter = query.value(5).toLongLong();
    record.created = timeOf(query.value(6));
    record.updated = timeOf(query.value(7));
    record.counterFloor = query.value(8).toLongLong();
    return std::optional<DeviceRecord>(record);
}

Result<qint64> M2mStore::activeDeviceCount()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM devices WHERE removed = 0")) ||
        !query.next())
        return sqlError(query.lastError());
    return query.value(0).toLongLong();
}

Result<ReadingOutcome> M2mStore::storeReading(const ReadingRecord &reading)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    if (!db.transaction())
        return sqlError(db.lastError());
    auto fail = [&db](const QSqlError &error) -> Error {
        db.rollback();
        return sqlError(error);
    };
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("SELECT last_counter, counter_floor FROM devices WHERE device_id = ?"));
    query.addBindValue(reading.deviceId);
    if (!query.exec())
        return fail(query.lastError());
    if (!query.next()) {
        db.rollback();
        return makeError("m2m.store", "reading for a device that is not stored");
    }
    const qint64 lastCounter = query.value(0).toLongLong();
    const qint64 counterFloor = query.value(1).toLongLong();
    if (qint64(reading.counter) <= lastCounter) {
        QSqlQuery existing(db);
        existing.prepare(
            QStringLiteral("SELECT cose FROM readings WHERE device_id = ? AND counter = ?"));
        existing.addBindValue(reading.deviceId);
        existing.addBindValue(qint64(reading.counter));
        if (!existing.exec())
            return fail(existing.lastError());
        const bool identical = existing.next() && existing.value(0).toByteArray() == reading.cose;
        db.rollback();
        ReadingOutcome outcome;
        outcome.verdict = identical ? ReadingVerdict::IdenticalResend : ReadingVerdict::Replay;
        return outcome;
    }
    if (qint64(reading.counter) <= counterFloor) {
        db.rollback();
        ReadingOutcome outcome;
        outcome.verdict = ReadingVerdict::BelowFloor;
        return outcome;
    }
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO readings (") + kReadingColumns +
                   QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.addBindValue(reading.deviceId);
    insert.addBindValue(qint64(reading.counter));
    insert.addBindValue(reading.sensorIndex);
    insert.addBindValue(qint64(reading.value));
    insert.addBindValue(reading.scaleExponent);
    insert.addBindValue(reading.unit);
    insert.addBindValue(reading.cose);
    insert.addBindValue(reading.received.toUTC().toString(Qt::ISODate));
    if (!insert.exec())
        return fail(insert.lastError());
    QSqlQuery advance(db);
    advance.prepare(QStringLiteral("UPDATE devices SET last_counter = ? WHERE device_id = ?"));
    advance.addBindValue(qint64(reading.counter));
    advance.addBindValue(reading.deviceId);
    if (!advance.exec())
        return fail(advance.lastError());
    ReadingOutcome outcome;
    outcome.verdict = ReadingVerdict::Stored;
    // The first reading of a device has no predecessor here (its provisioning test reading
    // used a counter too): nothing to compare with.
    if (lastCounter >= 0)
        outcome.countersSkipped = qint64(reading.counter) - lastCounter - 1;
    if (outcome.countersSkipped > 0) {
        QSqlQuery skipped(db);
        skipped.prepare(QStringLiteral(
            "UPDATE counters SET value = value + ? WHERE name = 'counters_skipped'"));
        skipped.addBindValue(outcome.countersSkipped);
        if (!skipped.exec())
            return fail(skipped.lastError());
    }
    if (!db.commit())
        return fail(db.lastError());
    return outcome;
}

namespace {

Result<std::optional<ReadingRecord>> oneReading(const QString &connection, const QString &where,
                                                const QVariantList &values)
{
    QSqlQuery query(QSqlDatabase::database(connection));
    query.prepare(QStringLiteral("SELECT ") + kReadingColumns +
                  QStringLiteral(" FROM readings WHERE ") + where);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(query.lastError());
    if (!query.next())
        return std::optional<ReadingRecord>();
    return std::optional<ReadingRecord>(readingFrom(query));
}

// The newest `limit` rows matching where, returned oldest first.
template<typename Record, typename From>
Result<QList<Record>> newestRows(const QString &connection, const QString &columns,
                                 const QString &table, const QString &orderColumn,
                                 const QString &deviceId, int limit, From from)
{
    QSqlQuery query(QSqlDatabase::database(connection));
    query.prepare(QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM ") + table +
                  QStringLiteral(" WHERE device_id = ? ORDER BY ") + orderColumn +
                  QStringLiteral(" DESC LIMIT ?"));
    query.addBindValue(deviceId);
    query.addBindValue(limit);
    if (!query.exec())
        return sqlError(query.lastError());
    QList<Record> rows;
    while (query.next())
        rows.prepend(from(query));
    return rows;
}

Result<std::optional<CommandRecord>> oneCommand(const QString &connection, const QString &where,
                                                const QVariantList &values)
{
    QSqlQuery query(QSqlDatabase::database(connection));
    query.prepare(QStringLiteral("SELECT ") + kCommandColumns +
                  QStringLiteral(" FROM commands WHERE ") + where);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(query.lastError());
    if (!query.next())
        return std::optional<CommandRecord>();
    return std::optional<CommandRecord>(commandFrom(query));
}

Result<ContainerStats> stats(const QString &connection, const QString &sql, const QString &deviceId)
{
    QSqlQuery query(QSqlDatabase::database(connection));
    query.prepare(sql);
    query.addBindValue(deviceId);
    if (!query.exec() || !query.next())
        return sqlError(query.lastError());
    return ContainerStats{query.value(0).toLongLong(), query.value(1).toLongLong()};
}

} // namespace

Result<std::optional<ReadingRecord>> M2mStore::reading(const QString &deviceId, quint32 counter)
{
    return oneReading(m_connectionName, QStringLiteral("device_id = ? AND counter = ?"),
                      {deviceId, qint64(counter)});
}

Result<std::optional<ReadingRecord>> M2mStore::latestReading(const QString &deviceId)
{
    return oneReading(m_connectionName,
                      QStringLiteral("device_id = ? ORDER BY counter DESC LIMIT 1"), {deviceId});
}

Result<std::optional<ReadingRecord>> M2mStore::oldestReading(const QString &deviceId)
{
    return oneReading(m_connectionName,
                      QStringLiteral("device_id = ? ORDER BY counter ASC LIMIT 1"), {deviceId});
}

Result<ContainerStats> M2mStore::readingStats(const QString &deviceId)
{
    return stats(m_connectionName,
                 QStringLiteral(
                     "SELECT COUNT(*), COALESCE(SUM((LENGTH(cose) + 2) / 3 * 4), 0) FROM readings "
                     "WHERE device_id = ?"),
                 deviceId);
}

Result<CommandRecord> M2mStore::addCommand(const QString &deviceId, int actuator, qint32 value,
                                           const QString &originator)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral(
        "INSERT INTO commands (device_id, actuator, value, status, originator, created_at, "
        "updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)"));
    const QString time = now();
    query.addBindValue(deviceId);
    query.addBindValue(actuator);
    query.addBindValue(qint64(value));
    query.addBindValue(originator);
    query.addBindValue(time);
    query.addBindValue(time);
    if (!query.exec())
        return sqlError(query.lastError());
    auto stored = command(deviceId, query.lastInsertId().toLongLong());
    if (!stored)
        return stored.error();
    if (!*stored)
        return makeError("m2m.store", "command vanished after insert");
    return **stored;
}

Result<std::optional<CommandRecord>> M2mStore::command(const QString &deviceId, qint64 commandId)
{
    return oneCommand(m_connectionName, QStringLiteral("device_id = ? AND command_id = ?"),
                      {deviceId, commandId});
}

Result<QList<ReadingRecord>> M2mStore::recentReadings(const QString &deviceId, int limit)
{
    return newestRows<ReadingRecord>(m_connectionName, kReadingColumns, QStringLiteral("readings"),
                                     QStringLiteral("counter"), deviceId, limit, readingFrom);
}

Result<QList<CommandRecord>> M2mStore::recentCommands(const QString &deviceId, int limit)
{
    return newestRows<CommandRecord>(m_connectionName, kCommandColumns, QStringLiteral("commands"),
                                     QStringLiteral("command_id"), deviceId, limit, commandFrom);
}

Result<std::optional<CommandRecord>> M2mStore::latestCommand(const QString &deviceId)
{
    return oneCommand(m_connectionName,
                      QStringLiteral("device_id = ? ORDER BY command_id DESC LIMIT 1"), {deviceId});
}

Result<std::optional<CommandRecord>> M2mStore::oldestCommand(const QString &deviceId)
{
    return oneCommand(m_connectionName,
                      QStringLiteral("device_id = ? ORDER BY command_id ASC LIMIT 1"), {deviceId});
}

Result<QList<CommandRecord>> M2mStore::openCommands(const QString &deviceId)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("SELECT ") + kCommandColumns +
                  QStringLiteral(" FROM commands WHERE device_id = ? AND status IN "
                                 "('pending', 'delivered') ORDER BY command_id LIMIT 256"));
    query.addBindValue(deviceId);
    if (!query.exec())
        return sqlError(query.lastError());
    QList<CommandRecord> commands;
    while (query.next())
        commands.append(commandFrom(query));
    return commands;
}

Result<ContainerStats> M2mStore::commandStats(const QString &deviceId)
{
    return stats(m_connectionName,
                 QStringLiteral("SELECT COUNT(*), 0 FROM commands WHERE device_id = ?"), deviceId);
}

Result<void> M2mStore::markDelivered(qint64 commandId)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(
        QStringLiteral("UPDATE commands SET status = 'delivered', revision = revision "
                       "+ 1, updated_at = ? WHERE command_id = ? AND status = 'pending'"));
    query.addBindValue(now());
    query.addBindValue(commandId);
    if (!query.exec())
        return sqlError(query.lastError());
    return {};
}

Result<bool> M2mStore::setCommandStatus(const QString &deviceId, qint64 commandId,
                                        const QString &status, std::optional<qint32> value)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(
        QStringLiteral("UPDATE commands SET status = ?, status_value = ?, revision = revision + 1, "
                       "updated_at = ? WHERE device_id = ? AND command_id = ?"));
    query.addBindValue(status);
    query.addBindValue(value ? QVariant(qint64(*value)) : QVariant());
    query.addBindValue(now());
    query.addBindValue(deviceId);
    query.addBindValue(commandId);
    if (!query.exec())
        return sqlError(query.lastError());
    return query.numRowsAffected() > 0;
}

Result<bool> M2mStore::putPolicy(const QString &name, const QByteArray &json)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    QSqlQuery exists(db);
    exists.prepare(QStringLiteral("SELECT 1 FROM policies WHERE name = ?"));
    exists.addBindValue(name);
    if (!exists.exec())
        return sqlError(exists.lastError());
    const bool created = !exists.next();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO policies (name, json, updated_at) VALUES (?, ?, ?) "
                                 "ON CONFLICT(name) DO UPDATE SET json = excluded.json, "
                                 "updated_at = excluded.updated_at"));
    query.addBindValue(name);
    query.addBindValue(json);
    query.addBindValue(now());
    if (!query.exec())
        return sqlError(query.lastError());
    return created;
}

Result<bool> M2mStore::removePolicy(const QString &name)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("DELETE FROM policies WHERE name = ?"));
    query.addBindValue(name);
    if (!query.exec())
        return sqlError(query.lastError());
    return query.numRowsAffected() > 0;
}

Result<QList<QByteArray>> M2mStore::policies()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral("SELECT json FROM policies ORDER BY name")))
        return sqlError(query.lastError());
    QList<QByteArray> documents;
    while (query.next())
        documents.append(query.value(0).toByteArray());
    return documents;
}

Result<void> M2mStore::countRejectedReading()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral(
            "UPDATE counters SET value = value + 1 WHERE name = 'readings_rejected'")))
        return sqlError(query.lastError());
    return {};
}

Result<qint64> M2mStore::readingsStored()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM readings")) || !query.next())
        return sqlError(query.lastError());
    return query.value(0).toLongLong();
}

Result<qint64> M2mStore::readingsRejected()
{
    return counter(QStringLiteral("readings_rejected"));
}

Result<qint64> M2mStore::countersSkipped()
{
    return counter(QStringLiteral("counters_skipped"));
}

Result<qint64> M2mStore::counter(const QString &name)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("SELECT value FROM counters WHERE name = ?"));
    query.addBindValue(name);
    if (!query.exec() || !query.next())
        return sqlError(query.lastError());
    return query.value(0).toLongLong();
}

void M2mStore::close()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen())
        return;
    {
        QSqlQuery checkpoint(db);
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    db.close();
}

Result<void> M2mStore::recordAuthFailure(const QString &source, const QString &identity,
                                         const QString &reason)
{
    return recordAuthFailureRow(QSqlDatabase::database(m_connectionName), "m2m", source, identity,
                                reason, QDateTime::currentMSecsSinceEpoch());
}

Result<QList<AuthFailure>> M2mStore::authFailures(qint64 sinceMs, int limit)
{
    return listAuthFailureRows(QSqlDatabase::database(m_connectionName), "m2m", sinceMs, limit);
}

} // namespace Portal::M2mService
