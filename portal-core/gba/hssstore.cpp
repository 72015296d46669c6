#include "hssstore.h"

#include <portal-core/crypto/secure.h>

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <cstring>

namespace Portal::Gba {

namespace {

constexpr int kMaxImpiBytes = 255;

// Forward-only, numbered. A migration never changes once released; a new one is appended.
const char *const kMigrations[] = {
    "CREATE TABLE subscribers ("
    " impi TEXT PRIMARY KEY NOT NULL,"
    " k BLOB NOT NULL CHECK (length(k) = 16),"
    " opc BLOB NOT NULL CHECK (length(opc) = 16),"
    " amf BLOB NOT NULL CHECK (length(amf) = 2),"
    " sqn INTEGER NOT NULL CHECK (sqn >= 0 AND sqn <= 281474976710655))",
    "CREATE TABLE sessions ("
    " btid TEXT PRIMARY KEY NOT NULL,"
    " impi TEXT NOT NULL,"
    " rand BLOB NOT NULL CHECK (length(rand) = 16),"
    " ks BLOB NOT NULL CHECK (length(ks) = 32),"
    " expires_at INTEGER NOT NULL)",
    "CREATE INDEX sessions_expiry ON sessions (expires_at)",
    kAuthFailureTableSql,
    kAuthFailureIndexSql,
};

template<size_t N>
QByteArray toBlob(const std::array<uint8_t, N> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(N));
}

template<size_t N>
bool fromBlob(const QVariant &value, std::array<uint8_t, N> &out)
{
    QByteArray blob = value.toByteArray();
    if (blob.size() != qsizetype(N))
        return false;
    std::memcpy(out.data(), blob.constData(), N);
    Crypto::secureWipe(blob.data(), size_t(blob.size()));
    return true;
}

void wipe(QByteArray &blob)
{
    Crypto::secureWipe(blob.data(), size_t(blob.size()));
}

Error sqlError(const char *code, const QSqlError &error)
{
    return makeError(code, error.text().toStdString());
}

bool isValidImpi(const QString &impi)
{
    const QByteArray utf8 = impi.toUtf8();
    if (utf8.isEmpty() || utf8.size() > kMaxImpiBytes)
        return false;
    for (const char c : utf8) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

} // namespace

Subscriber::~Subscriber()
{
    Crypto::secureWipe(k.data(), k.size());
    Crypto::secureWipe(opc.data(), opc.size());
}

BootstrapSession::~BootstrapSession()
{
    Crypto::secureWipe(ks.data(), ks.size());
}

HssStore::HssStore(QString connectionName) : m_connectionName(std::move(connectionName)) {}

HssStore::~HssStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<HssStore>> HssStore::open(const QString &path)
{
    if (!QFile::exists(path)) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
            return makeError("hss.open_failed", "cannot create " + path.toStdString() + ": " +
                                                    file.errorString().toStdString());
    }
    const QString name = QStringLiteral("hss-") + QUuid::createUuid().toString(QUuid::Id128);
    std::unique_ptr<HssStore> store(new HssStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError("hss.open_failed", db.lastError());
    QSqlQuery pragma(db);
    if (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
        !pragma.exec(QStringLiteral("PRAGMA foreign_keys=ON")))
        return sqlError("hss.open_failed", pragma.lastError());
    if (auto migrated = store->migrate(); !migrated)
        return migrated.error();
    return store;
}

Result<void> HssStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")))
        return sqlError("hss.migration_failed", query.lastError());
    if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) ||
        !query.next())
        return sqlError("hss.migration_failed", query.lastError());
    const int current = query.value(0).toInt();
    const int latest = int(std::size(kMigrations));
    if (current > latest)
        return makeError("hss.migration_failed",
                         "database schema is newer than this program understands");
    for (int version = current + 1; version <= latest; ++version) {
        if (!db.transaction())
            return sqlError("hss.migration_failed", db.lastError());
        QSqlQuery step(db);
        if (!step.exec(QString::fromLatin1(kMigrations[version - 1])) ||
            !step.exec(QStringLiteral("INSERT INTO schema_migrations (version) VALUES (%1)")
                           .arg(version))) {
            const Error error = sqlError("hss.migration_failed", step.lastError());
            db.rollback();
            return error;
        }
        if (!db.commit())
            return sqlError("hss.migration_failed", db.lastError());
    }
    return {};
}

Result<void> HssStore::addSubscriber(const Subscriber &subscriber)
{
    if (!isValidImpi(subscriber.impi))
        return makeError("hss.bad_impi", "an IMPI is 1 to 255 printable UTF-8 bytes");
    if (subscriber.sqn > Crypto::kSqnMax)
        return makeError("hss.sqn_exhausted", "SQN must fit in 48 bits");
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(
        QStringLiteral("INSERT INTO subscribers (impi, k, opc, amf, sqn) VALUES (?, ?, ?, ?, ?)"));
    QByteArray k = toBlob(subscriber.k);
    QByteArray opc = toBlob(subscriber.opc);
    query.addBindValue(subscriber.impi);
    query.addBindValue(k);
    query.addBindValue(opc);
    query.addBindValue(toBlob(subscriber.amf));
    query.addBindValue(qulonglong(subscriber.sqn));
    const bool inserted = query.exec();
    wipe(k);
    wipe(opc);
    if (!inserted) {
        if (query.lastError().nativeErrorCode() == QLatin1String("1555") ||
            query.lastError().nativeErrorCode() == QLatin1String("2067"))
            return makeError("hss.exists", "a subscriber with this IMPI already exists");
        return sqlError("hss.write_failed", query.lastError());
    }
    return {};
}

Result<void> HssStore::removeSubscriber(const QString &impi)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("DELETE FROM subscribers WHERE impi = ?"));
    query.addBindValue(impi);
    if (!query.exec())
        return sqlError("hss.write_failed", query.lastError());
    if (query.numRowsAffected() != 1)
        return makeError("hss.unknown_subscriber", "no subscriber with this IMPI");
    return {};
}

Result<std::vector<QString>> HssStore::subscriberImpis()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    if (!query.exec(QStringLiteral("SELECT impi FROM subscribers ORDER BY impi")))
        return sqlError("hss.read_failed", query.lastError());
    std::vector<QString> impis;
    while (query.next())
        impis.push_back(query.value(0).toString());
    return impis;
}

Result<Subscriber> HssStore::subscriber(const QString &impi)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("SELECT k, opc, amf, sqn FROM subscribers WHERE impi = ?"));
    query.addBindValue(impi);
    if (!query.exec())
        return sqlError("hss.read_failed", query.lastError());
    if (!query.next())
        return makeError("hss.unknown_subscriber", "no subscriber with this IMPI");
    Subscriber subscriber;
    subscriber.impi = impi;
    if (!fromBlob(query.value(0), subscriber.k) || !fromBlob(query.value(1), subscriber.opc) ||
        !fromBlob(query.value(2), subscriber.amf))
        return makeError("hss.corrupt", "a stored subscriber field has the wrong size");
    subscriber.sqn = query.value(3).toULongLong();
    return subscriber;
}

Result<uint64_t> HssStore::allocateSqn(const QString &impi)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    // One statement: the increment and the read are atomic against other connections.
    query.prepare(QStringLiteral("UPDATE subscribers SET sqn = sqn + 1 WHERE impi = ? AND "
                                 "sqn < 281474976710655 RETURNING sqn"));
    query.addBindValue(impi);
    if (!query.exec())
        return sqlError("hss.write_failed", query.lastError());
    if (!query.next()) {
        if (auto existing = subscriber(impi); !existing)
            return existing.error();
        return makeError("hss.sqn_exhausted", "the subscriber's SQN space is used up");
    }
    return uint64_t(query.value(0).toULongLong());
}

Result<void> HssStore::resynchronise(const QString &impi, uint64_t sqnMs)
{
    if (sqnMs >= Crypto::kSqnMax)
        return makeError("hss.sqn_exhausted", "SQN_MS leaves no fresh SQN");
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("UPDATE subscribers SET sqn = ? WHERE impi = ?"));
    query.addBindValue(qulonglong(sqnMs));
    query.addBindValue(impi);
    if (!query.exec())
        return sqlError("hss.write_failed", query.lastError());
    if (query.numRowsAffected() != 1)
        return makeError("hss.unknown_subscriber", "no subscriber with this IMPI");
    return {};
}

Result<void> HssStore::storeSession(const BootstrapSession &session)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO sessions (btid, impi, rand, ks, "
                                 "expires_at) VALUES (?, ?, ?, ?, ?)"));
    QByteArray ks = toBlob(session.ks);
    query.addBindValue(session.btid);
    query.addBindValue(session.impi);
    query.addBindValue(toBlob(session.rand));
    query.addBindValue(ks);
    query.addBindValue(session.expiresAt.toMSecsSinceEpoch());
    const bool stored = query.exec();
    wipe(ks);
    if (!stored)
        return sqlError("hss.write_failed", query.lastError());
    return {};
}

Result<BootstrapSession> HssStore::session(const QString &btid)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("SELECT impi, rand, ks, expires_at FROM sessions WHERE btid = ?"));
    query.addBindValue(btid);
    if (!query.exec())
        return sqlError("hss.read_failed", query.lastError());
    if (!query.next())
        return makeError("hss.unknown_btid", "no bootstrapping session with this B-TID");
    BootstrapSession session;
    session.btid = btid;
    session.impi = query.value(0).toString();
    if (!fromBlob(query.value(1), session.rand) || !fromBlob(query.value(2), session.ks))
        return makeError("hss.corrupt", "a stored session field has the wrong size");
    session.expiresAt = QDateTime::fromMSecsSinceEpoch(query.value(3).toLongLong(), Qt::UTC);
    return session;
}

Result<int> HssStore::purgeExpiredSessions(const QDateTime &now)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(QStringLiteral("DELETE FROM sessions WHERE expires_at < ?"));
    query.addBindValue(now.toMSecsSinceEpoch());
    if (!query.exec())
        return sqlError("hss.write_failed", query.lastError());
    return query.numRowsAffected();
}

Result<void> HssStore::recordAuthFailure(const QString &source, const QString &impi,
                                         const QString &reason, const QDateTime &now)
{
    return recordAuthFailureRow(QSqlDatabase::database(m_connectionName), "hss", source, impi,
                                reason, now.toMSecsSinceEpoch());
}

Result<QList<AuthFailure>> HssStore::authFailures(int limit)
{
    return listAuthFailureRows(QSqlDatabase::database(m_connectionName), "hss", -1, limit);
}

} // namespace Portal::Gba
