#include "readingqueue.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace Portal::Gateway {

namespace {
Error sqlError(const char *code, const QSqlError &error)
{
    return makeError(code, error.text().toStdString());
}
} // namespace

ReadingQueue::ReadingQueue(QString connectionName, int maxEntries)
    : m_connectionName(std::move(connectionName)), m_maxEntries(maxEntries)
{
}

ReadingQueue::~ReadingQueue()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<ReadingQueue>> ReadingQueue::open(const QString &path, int maxEntries)
{
    const QString name = QStringLiteral("queue-") + QUuid::createUuid().toString(QUuid::Id128);
    std::unique_ptr<ReadingQueue> queue(new ReadingQueue(name, maxEntries));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError("queue.open_failed", db.lastError());
    QSqlQuery query(db);
    for (const char *statement : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                                  "CREATE TABLE IF NOT EXISTS readings ("
                                  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                  " device_id BLOB NOT NULL CHECK (length(device_id) = 8),"
                                  " counter INTEGER NOT NULL,"
                                  " message BLOB NOT NULL,"
                                  " UNIQUE (device_id, counter))"}) {
        if (!query.exec(QString::fromLatin1(statement)))
            return sqlError("queue.open_failed", query.lastError());
    }
    return queue;
}

Result<void> ReadingQueue::enqueue(const QByteArray &deviceId, quint32 counter,
                                   const QByteArray &message)
{
    auto size = depth();
    if (!size)
        return size.error();
    if (*size >= m_maxEntries)
        return makeError("queue.full", "the outbound queue is full");
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    // A resend of a queued reading (same device, same counter) is already durable.
    query.prepare(QStringLiteral(
        "INSERT OR IGNORE INTO readings (device_id, counter, message) VALUES (?, ?, ?)"));
    query.addBindValue(deviceId);
    query.addBindValue(qint64(counter));
    query.addBindValue(message);
    if (!query.exec())
        return sqlError("queue.write_failed", query.lastError());
    return {};
}

Result<std::optional<QueuedReading>> ReadingQueue::head(const QByteArray &deviceId)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("SELECT id, counter, message FROM readings WHERE device_id = ? "
                                 "ORDER BY counter LIMIT 1"));
    query.addBindValue(deviceId);
    if (!query.exec())
        return sqlError("queue.read_failed", query.lastError());
    if (!query.next())
        return std::optional<QueuedReading>();
    QueuedReading reading;
    reading.id = query.value(0).toLongLong();
    reading.deviceId = deviceId;
    reading.counter = quint32(query.value(1).toLongLong());
    reading.message = query.value(2).toByteArray();
    return std::optional<QueuedReading>(std::move(reading));
}

Result<void> ReadingQueue::remove(qint64 id)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("DELETE FROM readings WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError("queue.write_failed", query.lastError());
    return {};
}

Result<int> ReadingQueue::depth()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM readings")) || !query.next())
        return sqlError("queue.read_failed", query.lastError());
    return query.value(0).toInt();
}

} // namespace Portal::Gateway
