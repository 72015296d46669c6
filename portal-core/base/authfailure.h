#pragma once
// Failed authentications, aggregated so that a flood writes at most one row per
// (minute, source, claimed identity, reason) holding a count. Written once for every daemon
// that keeps them: the portal's Store (portal API, NAF Digest and PSK, and the rows pulled
// from instances), the BSF's HssStore (Ub AKA) and each instance's M2mStore (admin API and
// bearer tokens); the JSON form is what an instance's admin API serves and the leading
// portald reads. Needs Qt Core and Qt Sql (the including library links them).

#include <portal-core/base/result.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <string>

namespace Portal {

struct AuthFailure
{
    QDateTime minute; // start of the minute, UTC
    QString source;   // the peer address; rows pulled from an instance: "<instance>/<address>"
    QString identity; // what the caller claimed: a typed name, a CN, an IMPI, a token's device
    QString reason;   // the refusal's error code
    qint64 count = 0;
    QDateTime last;
};

inline constexpr qint64 kAuthFailureMinuteMs = 60'000;
inline constexpr int kAuthFailureSourceChars = 100;
inline constexpr int kAuthFailureIdentityChars = 200;
inline constexpr int kAuthFailureReasonChars = 100;
inline constexpr int kMaxAuthFailureRows = 10'000; // one listing or pull

inline qint64 authFailureMinute(qint64 ms)
{
    return ms - ms % kAuthFailureMinuteMs;
}

// The caller's text as a row keeps it: printable ASCII ('?' for anything else), at most
// maxChars, so a claimed name can neither forge log lines nor grow a row.
inline QString authFailureField(const QString &text, int maxChars)
{
    QString bounded = text.left(maxChars);
    for (QChar &c : bounded) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            c = QLatin1Char('?');
    }
    return bounded;
}

// SQLite and PostgreSQL alike. Stores run the table statement as one migration.
inline constexpr char kAuthFailureTableSql[] =
    "CREATE TABLE auth_failures ("
    " minute_ms BIGINT NOT NULL, source TEXT NOT NULL, identity TEXT NOT NULL,"
    " reason TEXT NOT NULL, count BIGINT NOT NULL, last_ms BIGINT NOT NULL,"
    " PRIMARY KEY (minute_ms, source, identity, reason))";
inline constexpr char kAuthFailureIndexSql[] =
    "CREATE INDEX auth_failures_last ON auth_failures (last_ms)";
// Binds: minute_ms, source, identity, reason, last_ms.
inline constexpr char kRecordAuthFailureSql[] =
    "INSERT INTO auth_failures (minute_ms, source, identity, reason, count, last_ms)"
    " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (minute_ms, source, identity, reason)"
    " DO UPDATE SET count = auth_failures.count + 1, last_ms = excluded.last_ms";
// A row copied from another store (an instance's): its count only grows within its minute,
// so the larger of the two counts is the true one, however often the row is pulled.
// Binds: minute_ms, source, identity, reason, count, last_ms.
inline constexpr char kMergeAuthFailureSql[] =
    "INSERT INTO auth_failures (minute_ms, source, identity, reason, count, last_ms)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute_ms, source, identity, reason)"
    " DO UPDATE SET count = CASE WHEN excluded.count > auth_failures.count"
    " THEN excluded.count ELSE auth_failures.count END,"
    " last_ms = CASE WHEN excluded.last_ms > auth_failures.last_ms"
    " THEN excluded.last_ms ELSE auth_failures.last_ms END";
// Binds: since last_ms (exclusive), limit. Newest first.
inline constexpr char kListAuthFailuresSql[] =
    "SELECT minute_ms, source, identity, reason, count, last_ms FROM auth_failures"
    " WHERE last_ms > ? ORDER BY last_ms DESC LIMIT ?";

inline QJsonObject authFailureToJson(const AuthFailure &row)
{
    return QJsonObject{{QStringLiteral("minuteMs"), row.minute.toMSecsSinceEpoch()},
                       {QStringLiteral("source"), row.source},
                       {QStringLiteral("identity"), row.identity},
                       {QStringLiteral("reason"), row.reason},
                       {QStringLiteral("count"), row.count},
                       {QStringLiteral("lastMs"), row.last.toMSecsSinceEpoch()}};
}

// Errors: `auth_failure.malformed` (a missing or mistyped field, a count below 1). Text
// fields are bounded and made printable, since they come from another process.
inline Result<AuthFailure> authFailureFromJson(const QJsonObject &object)
{
    const auto text = [&](const char *key) { return object.value(QLatin1String(key)); };
    if (!text("minuteMs").isDouble() || !text("lastMs").isDouble() || !text("count").isDouble() ||
        !text("source").isString() || !text("identity").isString() || !text("reason").isString())
        return Error{"auth_failure.malformed", "an auth failure row lacks a field or its type"};
    // toInteger: a fraction, NaN or a value beyond 2^63 is not a number of milliseconds.
    constexpr qint64 kInvalid = -1;
    const qint64 minuteMs = text("minuteMs").toInteger(kInvalid);
    const qint64 lastMs = text("lastMs").toInteger(kInvalid);
    if (minuteMs < 0 || lastMs < 0)
        return Error{"auth_failure.malformed", "minuteMs and lastMs are epoch milliseconds"};
    AuthFailure row;
    row.minute = QDateTime::fromMSecsSinceEpoch(authFailureMinute(minuteMs), Qt::UTC);
    row.last = QDateTime::fromMSecsSinceEpoch(lastMs, Qt::UTC);
    row.count = text("count").toInteger(kInvalid);
    if (row.count < 1)
        return Error{"auth_failure.malformed", "an auth failure row counts less than one"};
    row.source = authFailureField(text("source").toString(), kAuthFailureSourceChars);
    row.identity = authFailureField(text("identity").toString(), kAuthFailureIdentityChars);
    row.reason = authFailureField(text("reason").toString(), kAuthFailureReasonChars);
    return row;
}

// The statements above, run on one store's connection. Errors: `<errorPrefix>.sql` with the
// driver's text.
inline Result<void> recordAuthFailureRow(const QSqlDatabase &db, const char *errorPrefix,
                                         const QString &source, const QString &identity,
                                         const QString &reason, qint64 nowMs)
{
    QSqlQuery query(db);
    query.prepare(QString::fromLatin1(kRecordAuthFailureSql));
    query.addBindValue(authFailureMinute(nowMs));
    query.addBindValue(authFailureField(source, kAuthFailureSourceChars));
    query.addBindValue(authFailureField(identity, kAuthFailureIdentityChars));
    query.addBindValue(authFailureField(reason, kAuthFailureReasonChars));
    query.addBindValue(nowMs);
    if (!query.exec())
        return Error{std::string(errorPrefix) + ".sql", query.lastError().text().toStdString()};
    return {};
}

// Rows changed after sinceMs (-1: all), newest first, at most limit (1…kMaxAuthFailureRows).
inline Result<QList<AuthFailure>>
listAuthFailureRows(const QSqlDatabase &db, const char *errorPrefix, qint64 sinceMs, int limit)
{
    QSqlQuery query(db);
    query.prepare(QString::fromLatin1(kListAuthFailuresSql));
    query.addBindValue(sinceMs);
    query.addBindValue(qBound(1, limit, kMaxAuthFailureRows));
    if (!query.exec())
        return Error{std::string(errorPrefix) + ".sql", query.lastError().text().toStdString()};
    QList<AuthFailure> rows;
    while (query.next()) {
        rows.append({QDateTime::fromMSecsSinceEpoch(query.value(0).toLongLong(), Qt::UTC),
                     query.value(1).toString(), query.value(2).toString(),
                     query.value(3).toString(), query.value(4).toLongLong(),
                     QDateTime::fromMSecsSinceEpoch(query.value(5).toLongLong(), Qt::UTC)});
    }
    return rows;
}

} // namespace Portal
