#include "store.h"

#include <pwd.h>
#include <unistd.h>

#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>
#include <QVariant>

#include <initializer_list>

Q_LOGGING_CATEGORY(lcStore, "portal.store")

namespace Portal::Store {

namespace {

// Forward-only, numbered from 1. A released migration never changes; a new one is appended.
// %SERIAL% and %BLOB% are the only dialect differences between SQLite and PostgreSQL.
const char *const kMigrations[] = {
    "CREATE TABLE vm_templates ("
    " name TEXT PRIMARY KEY NOT NULL,"
    " spec TEXT NOT NULL)",

    "CREATE TABLE device_classes ("
    " name TEXT PRIMARY KEY NOT NULL,"
    " vendor TEXT NOT NULL, type TEXT NOT NULL, subscriber TEXT NOT NULL,"
    " priority INTEGER NOT NULL,"
    " template_name TEXT NOT NULL REFERENCES vm_templates(name),"
    " sharing TEXT NOT NULL CHECK (sharing IN ('shared', 'dedicated')),"
    " capacity INTEGER NOT NULL CHECK (capacity >= 1),"
    " enrolment TEXT NOT NULL CHECK (enrolment IN ('preregistered', 'open')))",

    "CREATE TABLE gateways ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " last_heartbeat_ms BIGINT, version TEXT NOT NULL DEFAULT '',"
    " device_count INTEGER NOT NULL DEFAULT 0, queue_depth INTEGER NOT NULL DEFAULT 0,"
    " btid_expiry_ms BIGINT, blocked INTEGER NOT NULL DEFAULT 0)",

    "CREATE TABLE instances ("
    " id %SERIAL%,"
    " backend TEXT NOT NULL,"
    " class_name TEXT NOT NULL REFERENCES device_classes(name),"
    " template_name TEXT NOT NULL,"
    " dedicated_device_id TEXT UNIQUE,"
    " slot INTEGER,"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('requested', 'building', 'configuring', 'ready', 'failed')),"
    " reason TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',"
    " admin_port INTEGER NOT NULL DEFAULT 0, data_dir TEXT NOT NULL DEFAULT '',"
    " owner_tag TEXT NOT NULL, updated_ms BIGINT NOT NULL,"
    " UNIQUE (class_name, slot),"
    " CHECK ((slot IS NULL) <> (dedicated_device_id IS NULL)))",

    "CREATE TABLE devices ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " public_key %BLOB% NOT NULL,"
    " class_name TEXT NOT NULL REFERENCES device_classes(name),"
    " gateway_id TEXT REFERENCES gateways(id),"
    " instance_id BIGINT REFERENCES instances(id) ON DELETE SET NULL,"
    " state TEXT NOT NULL CHECK (state IN ('pending', 'ready', 'failed')),"
    " credential_sha256 TEXT NOT NULL DEFAULT '',"
    " credential_epoch INTEGER NOT NULL DEFAULT 0,"
    " revoked INTEGER NOT NULL DEFAULT 0,"
    " reason TEXT NOT NULL DEFAULT '', updated_ms BIGINT NOT NULL)",
    "CREATE INDEX devices_gateway ON devices (gateway_id)",
    "CREATE INDEX devices_instance ON devices (instance_id)",

    "CREATE TABLE audit_log ("
    " id %SERIAL%, time_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    " subject TEXT NOT NULL, detail TEXT NOT NULL)",

    "CREATE TABLE leases ("
    " name TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL)",

    // The IMPI that first enrolled a gateway id at the NAF; later enrolments must match.
    "ALTER TABLE gateways ADD COLUMN impi TEXT",

    "CREATE TABLE admin_requests ("
    " id %SERIAL%, action TEXT NOT NULL, subject TEXT NOT NULL, options TEXT NOT NULL,"
    " requested_by TEXT NOT NULL, requested_ms BIGINT NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),"
    " result TEXT NOT NULL DEFAULT '', done_ms BIGINT)",
    // The leader asks for pending requests on every tick.
    "CREATE INDEX admin_requests_state ON admin_requests (state, id)",

    // oneM2M access policies, pushed by the engine to every ready instance; a deleted one
    // stays as a tombstone so instances that still hold it are told, even after a restart.
    "CREATE TABLE access_policies ("
    " name TEXT PRIMARY KEY NOT NULL, document TEXT NOT NULL,"
    " deleted INTEGER NOT NULL DEFAULT 0, updated_ms BIGINT NOT NULL)",

    // The GUI asks for the devices changed since its last look.
    "CREATE INDEX devices_updated ON devices (updated_ms)",

    // PostgreSQL only: a change to a table the GUI shows notifies `portal_changes` with the
    // table's name (statement triggers; notifications of one transaction are merged).
    "%PG%CREATE FUNCTION portal_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM pg_notify('portal_changes', TG_TABLE_NAME); RETURN NULL; END $$%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON gateways"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON devices"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON instances"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON vm_templates"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON device_classes"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON access_policies"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON audit_log"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()%;%"
    " CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON admin_requests"
    "  FOR EACH STATEMENT EXECUTE FUNCTION portal_notify_change()",

    // What each gateway's heartbeat says of its devices (recordDeviceActivity).
    "ALTER TABLE devices ADD COLUMN last_seen_ms BIGINT%;%"
    " ALTER TABLE devices ADD COLUMN last_reading_ms BIGINT%;%"
    " ALTER TABLE devices ADD COLUMN signature_state TEXT NOT NULL DEFAULT 'none'",

    // A running request's output so far (a Puppet run's lines), for the GUI to show live.
    "ALTER TABLE admin_requests ADD COLUMN progress TEXT NOT NULL DEFAULT ''",

    // How many gateway ids the operator lets one subscriber (IMPI) enrol; 1 without a row.
    "CREATE TABLE impi_allowances ("
    " impi TEXT PRIMARY KEY NOT NULL,"
    " max_gateway_ids INTEGER NOT NULL CHECK (max_gateway_ids >= 1))",

    // Failed authentications (portal-core/base/authfailure.h).
    kAuthFailureTableSql,
    kAuthFailureIndexSql,

    // Certificates the users CA issued (oneM2M users and applications); a removed user's
    // serials stay, revoked, for the instances' revocation lists.
    "CREATE TABLE user_certificates ("
    " serial TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, certificate_pem TEXT NOT NULL,"
    " created_ms BIGINT NOT NULL, not_after_ms BIGINT NOT NULL, revoked_ms BIGINT)%;%"
    " CREATE INDEX user_certificates_name ON user_certificates (name)",

    // The next credential epoch of each deleted device, so a device id that comes back (an
    // open-class device detached and attached again, a device registered again) never gets a
    // credential it had before.
    "CREATE TABLE device_epochs ("
    " device_id TEXT PRIMARY KEY NOT NULL, next_epoch INTEGER NOT NULL)",

    // The highest reading counter any instance accepted from the device (-1: none known), as
    // its gateway reports it; pushed to each instance the device is placed on, which refuses
    // readings at or below it (captured readings replayed after a move).
    "ALTER TABLE devices ADD COLUMN counter_floor BIGINT NOT NULL DEFAULT -1",

    // Instances that must drop a detached device (its credential with it), kept until each
    // acknowledges, so an instance that was down when the device was detached is told later.
    "CREATE TABLE device_removals ("
    " device_id TEXT NOT NULL, instance_id BIGINT NOT NULL, requested_ms BIGINT NOT NULL,"
    " PRIMARY KEY (device_id, instance_id))",

    // Single-use attach challenges (the device proves its key to the portal), base64 text
    // so that SQLite and PostgreSQL store them alike.
    "CREATE TABLE attach_challenges ("
    " challenge TEXT PRIMARY KEY NOT NULL, device_id TEXT NOT NULL, gateway_id TEXT NOT NULL,"
    " request TEXT NOT NULL, expires_ms BIGINT NOT NULL)",

    // Public halves of the portal's own keys (base64), e.g. the device-authority key.
    "CREATE TABLE portal_keys (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
};

constexpr int kPlacementAttempts = 8;

Error sqlError(const char *code, const QSqlError &error)
{
    return makeError(code, error.text().toStdString());
}

bool isUniqueViolation(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    // SQLite: SQLITE_CONSTRAINT and its UNIQUE / PRIMARYKEY extended codes; PostgreSQL 23505.
    return code == QLatin1String("19") || code == QLatin1String("2067") ||
           code == QLatin1String("1555") || code == QLatin1String("23505");
}

qint64 toMs(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QDateTime fromMs(const QVariant &value)
{
    if (value.isNull() || value.toLongLong() == 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// SQL NULL is an invalid QVariant; a null QString binds as the empty text (see StoreQuery).
QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant nullIfZero(qint64 value)
{
    return value == 0 ? QVariant() : QVariant(value);
}

bool isBoundedText(const QString &text, int maxChars)
{
    if (text.size() > maxChars)
        return false;
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

const char kDeviceColumns[] = "id, public_key, class_name, gateway_id, instance_id, state, "
                              "credential_sha256, credential_epoch, revoked, reason, updated_ms";
// What reads answer: the written columns and the activity the gateway reports.
const char kDeviceSelectColumns[] =
    "id, public_key, class_name, gateway_id, instance_id, state, credential_sha256, "
    "credential_epoch, revoked, reason, updated_ms, last_seen_ms, last_reading_ms, "
    "signature_state, counter_floor";
const char kInstanceColumns[] = "id, backend, class_name, template_name, dedicated_device_id, "
                                "slot, state, reason, url, admin_port, data_dir, owner_tag, "
                                "updated_ms";
const char kClassColumns[] =
    "name, vendor, type, subscriber, priority, template_name, sharing, capacity, enrolment";
const char kGatewayColumns[] =
    "id, last_heartbeat_ms, version, device_count, queue_depth, btid_expiry_ms, blocked";
// What reads answer: the written columns and the IMPI bound at enrolment.
const char kGatewaySelectColumns[] = "id, last_heartbeat_ms, version, device_count, queue_depth,"
                                     " btid_expiry_ms, blocked, impi";

Device deviceFromQuery(const QSqlQuery &query)
{
    Device device;
    device.id = query.value(0).toString();
    device.publicKey = query.value(1).toByteArray();
    device.className = query.value(2).toString();
    device.gatewayId = query.value(3).toString();
    device.instanceId = query.value(4).toLongLong();
    device.state = deviceStateFromText(query.value(5).toString()).value_or(DeviceState::Failed);
    device.credentialSha256 = query.value(6).toString();
    device.credentialEpoch = query.value(7).toInt();
    device.revoked = query.value(8).toInt() != 0;
    device.reason = query.value(9).toString();
    device.updatedAt = fromMs(query.value(10));
    device.lastSeen = fromMs(query.value(11));
    device.lastReading = fromMs(query.value(12));
    device.signature =
        signatureStateFromText(query.value(13).toString()).value_or(SignatureState::None);
    device.counterFloor = query.value(14).toLongLong();
    return device;
}

Instance instanceFromQuery(const QSqlQuery &query)
{
    Instance instance;
    instance.id = query.value(0).toLongLong();
    instance.backend = query.value(1).toString();
    instance.className = query.value(2).toString();
    instance.templateName = query.value(3).toString();
    instance.dedicatedDeviceId = query.value(4).toString();
    instance.slot = query.value(5).toInt();
    instance.state =
        instanceStateFromText(query.value(6).toString()).value_or(InstanceState::Failed);
    instance.reason = query.value(7).toString();
    instance.url = query.value(8).toString();
    instance.adminPort = query.value(9).toInt();
    instance.dataDir = query.value(10).toString();
    instance.ownerTag = query.value(11).toString();
    instance.updatedAt = fromMs(query.value(12));
    return instance;
}

constexpr const char *kAdminRequestColumns =
    "id, action, subject, options, requested_by, requested_ms, state, result, done_ms, progress";

AdminRequest adminRequestFromQuery(const QSqlQuery &query)
{
    AdminRequest request;
    request.id = query.value(0).toLongLong();
    request.action = query.value(1).toString();
    request.subject = query.value(2).toString();
    request.options = QJsonDocument::fromJson(query.value(3).toString().toUtf8()).object();
    request.requestedBy = query.value(4).toString();
    request.requestedAt = fromMs(query.value(5));
    request.state =
        adminRequestStateFromText(query.value(6).toString()).value_or(AdminRequestState::Failed);
    request.result = query.value(7).toString();
    request.doneAt = fromMs(query.value(8));
    request.progress = query.value(9).toString();
    return request;
}

DeviceClass classFromQuery(const QSqlQuery &query)
{
    DeviceClass deviceClass;
    deviceClass.name = query.value(0).toString();
    deviceClass.vendor = query.value(1).toString();
    deviceClass.type = query.value(2).toString();
    deviceClass.subscriber = query.value(3).toString();
    deviceClass.priority = query.value(4).toInt();
    deviceClass.templateName = query.value(5).toString();
    deviceClass.sharing = sharingFromText(query.value(6).toString()).value_or(Sharing::Shared);
    deviceClass.capacity = query.value(7).toInt();
    deviceClass.enrolment =
        enrolmentFromText(query.value(8).toString()).value_or(Enrolment::Preregistered);
    return deviceClass;
}

Gateway gatewayFromQuery(const QSqlQuery &query)
{
    Gateway gateway;
    gateway.id = query.value(0).toString();
    gateway.lastHeartbeat = fromMs(query.value(1));
    gateway.version = query.value(2).toString();
    gateway.deviceCount = query.value(3).toInt();
    gateway.queueDepth = query.value(4).toInt();
    gateway.btidExpiry = fromMs(query.value(5));
    gateway.blocked = query.value(6).toInt() != 0;
    gateway.impi = query.value(7).toString();
    return gateway;
}

} // namespace

bool isValidName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(name).hasMatch();
}

bool isValidDeviceId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{16}$"));
    return pattern.match(id).hasMatch();
}

bool isValidGatewayId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9-]{1,40}$"));
    return pattern.match(id).hasMatch();
}

// A query on the store's connection; exec() binds the values in order.
class StoreQuery
{
public:
    StoreQuery(const QString &connectionName, const QString &sql)
        : m_query(QSqlDatabase::database(connectionName, false))
    {
        m_prepared = m_query.prepare(sql);
    }
    bool exec(std::initializer_list<QVariant> values = {})
    {
        if (!m_prepared)
            return false;
        for (const QVariant &value : values) {
            // Qt Sql binds a null QString as NULL; our NOT NULL text columns want ''.
            if (value.typeId() == QMetaType::QString && value.toString().isNull())
                m_query.addBindValue(QStringLiteral(""));
            else
                m_query.addBindValue(value);
        }
        return m_query.exec();
    }
    QSqlQuery &query() { return m_query; }
    QSqlError error() const { return m_query.lastError(); }

private:
    QSqlQuery m_query;
    bool m_prepared = false;
};

Store::Store(QString connectionName, bool postgres)
    : m_connectionName(std::move(connectionName)), m_postgres(postgres)
{
}

Store::~Store()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<Store>> Store::open(const QString &databaseSpec)
{
    if (databaseSpec.isEmpty())
        return makeError("store.open_failed", "no database given");
    const QString name = QStringLiteral("store-") + QUuid::createUuid().toString(QUuid::Id128);
    const bool postgres = databaseSpec.startsWith(QLatin1String("postgresql://")) ||
                          databaseSpec.startsWith(QLatin1String("postgres://"));
    std::unique_ptr<Store> store(new Store(name, postgres));
    if (postgres) {
        const QUrl url(databaseSpec);
        // `?host=/socket/dir` selects a Unix socket directory, as libpq's own URLs do.
        const QString socketDir =
            QUrlQuery(url).queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded);
        if (!url.isValid() || (url.host().isEmpty() && socketDir.isEmpty()) ||
            url.path().size() < 2)
            return makeError("store.open_failed",
                             "PostgreSQL URL must be postgresql://user:password@host[:port]/db");
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        if (!db.isValid())
            return makeError("store.open_failed",
                             "the Qt PostgreSQL driver (libqt6sql6-psql) is not installed");
        db.setHostName(socketDir.isEmpty() ? url.host() : socketDir);
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        if (!db.open())
            return sqlError("store.open_failed", db.lastError());
        // Idempotent DDL (CREATE … IF NOT EXISTS) would otherwise print a NOTICE each start.
        QSqlQuery(db).exec(QStringLiteral("SET client_min_messages TO warning"));
    } else {
        if (!QFile::exists(databaseSpec)) {
            QFile file(databaseSpec);
            if (!file.open(QIODevice::WriteOnly) ||
                !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
                return makeError("store.open_failed", "cannot create " +
                                                          databaseSpec.toStdString() + ": " +
                                                          file.errorString().toStdString());
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(databaseSpec);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return sqlError("store.open_failed", db.lastError());
        QSqlQuery pragma(db);
        if (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !pragma.exec(QStringLiteral("PRAGMA foreign_keys=ON")))
            return sqlError("store.open_failed", pragma.lastError());
    }
    if (auto migrated = store->migrate(); !migrated)
        return migrated.error();
    return store;
}

int Store::latestSchemaVersion()
{
    return int(std::size(kMigrations));
}

Result<void> Store::begin(bool writeLock)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    // SQLite: a deferred transaction that reads and then writes can fail with SQLITE_BUSY
    // without waiting; IMMEDIATE takes the write lock up front and honours the busy timeout.
    const QString sql =
        !m_postgres && writeLock ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (!query.exec(sql))
        return sqlError("store.sql", query.lastError());
    return {};
}

namespace {

Result<void> finish(const QString &connectionName, bool commit)
{
    QSqlQuery query(QSqlDatabase::database(connectionName, false));
    if (!query.exec(commit ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK")))
        return sqlError("store.sql", query.lastError());
    return {};
}

} // namespace

Result<void> Store::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    // Two programs starting on one fresh database must not both apply migration 1.
    if (m_postgres && !query.exec(QStringLiteral("SELECT pg_advisory_lock(7419001)")))
        return sqlError("store.migration_failed", query.lastError());
    auto unlock = [&] {
        if (m_postgres)
            QSqlQuery(db).exec(QStringLiteral("SELECT pg_advisory_unlock(7419001)"));
    };
    if (!query.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"))) {
        const Error error = sqlError("store.migration_failed", query.lastError());
        unlock();
        return error;
    }
    auto current = schemaVersion();
    if (!current) {
        unlock();
        return current.error();
    }
    const int latest = latestSchemaVersion();
    if (*current > latest) {
        unlock();
        return makeError("store.migration_failed",
                         "database schema is newer than this program understands");
    }
    for (int version = *current + 1; version <= latest; ++version) {
        if (auto begun = begin(true); !begun) {
            unlock();
            return makeError("store.migration_failed", begun.error().message);
        }
        QString sql = QString::fromLatin1(kMigrations[version - 1]);
        if (sql.startsWith(QLatin1String("%PG%")))
            sql = m_postgres ? sql.mid(4) : QStringLiteral("SELECT 1"); // numbered on both
        sql.replace(QLatin1String("%SERIAL%"),
                    m_postgres ? QLatin1String("BIGSERIAL PRIMARY KEY")
                               : QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"));
        sql.replace(QLatin1String("%BLOB%"),
                    m_postgres ? QLatin1String("BYTEA") : QLatin1String("BLOB"));
        QSqlQuery step(db);
        // Another process may have applied it between our read and our write lock.
        if (!step.exec(QStringLiteral("SELECT 1 FROM schema_migrations WHERE version = %1")
                           .arg(version))) {
            const Error error = sqlError("store.migration_failed", step.lastError());
            (void)finish(m_connectionName, false);
            unlock();
            return error;
        }
        if (step.next()) {
            (void)finish(m_connectionName, false);
            continue;
        }
        // A migration may hold several statements, one per "%;%".
        bool applied = true;
        for (const QString &statement : sql.split(QLatin1String("%;%")))
            applied = applied && step.exec(statement);
        if (!applied ||
            !step.exec(QStringLiteral("INSERT INTO schema_migrations (version) VALUES (%1)")
                           .arg(version))) {
            const Error error = sqlError("store.migration_failed", step.lastError());
            (void)finish(m_connectionName, false);
            unlock();
            return error;
        }
        if (auto committed = finish(m_connectionName, true); !committed) {
            unlock();
            return makeError("store.migration_failed", committed.error().message);
        }
        qCInfo(lcStore) << "applied migration" << version;
    }
    unlock();
    return {};
}

Result<int> Store::schemaVersion() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!query.exec() || !query.query().next())
        return sqlError("store.sql", query.error());
    return query.query().value(0).toInt();
}

Result<void> Store::upsertTemplate(const VmTemplate &vmTemplate)
{
    if (!isValidName(vmTemplate.name))
        return makeError("store.invalid", "template name must be 1..64 of [A-Za-z0-9._-]");
    const QByteArray spec = QJsonDocument(vmTemplate.spec).toJson(QJsonDocument::Compact);
    if (spec.size() > 64 * 1024)
        return makeError("store.invalid", "template spec larger than 64 KiB");
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO vm_templates (name, spec) VALUES (?, ?) "
                                    "ON CONFLICT (name) DO UPDATE SET spec = excluded.spec"));
    if (!query.exec({vmTemplate.name, QString::fromUtf8(spec)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<VmTemplate> Store::findTemplate(const QString &name) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT name, spec FROM vm_templates WHERE name = ?"));
    if (!query.exec({name}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such template");
    return VmTemplate{query.query().value(0).toString(),
                      QJsonDocument::fromJson(query.query().value(1).toByteArray()).object()};
}

Result<QList<VmTemplate>> Store::templates() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT name, spec FROM vm_templates ORDER BY name"));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<VmTemplate> result;
    while (query.query().next())
        result.append({query.query().value(0).toString(),
                       QJsonDocument::fromJson(query.query().value(1).toByteArray()).object()});
    return result;
}

Result<void> Store::upsertPolicy(const AccessPolicy &policy)
{
    if (!isValidName(policy.name))
        return makeError("store.invalid", "policy name must be 1..64 of [A-Za-z0-9._-]");
    const QByteArray document = QJsonDocument(policy.document).toJson(QJsonDocument::Compact);
    if (!policy.document.contains(QStringLiteral("m2m:acp")) || document.size() > kMaxPolicyBytes)
        return makeError("store.invalid", "a policy is one m2m:acp document of at most 16 KiB");
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO access_policies (name, document, deleted,"
                                    " updated_ms) VALUES (?, ?, 0, ?) ON CONFLICT (name) DO UPDATE"
                                    " SET document = excluded.document, deleted = 0,"
                                    " updated_ms = excluded.updated_ms"));
    if (!query.exec({policy.name, QString::fromUtf8(document), nowMs()}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<void> Store::deletePolicy(const QString &name)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE access_policies SET deleted = 1, updated_ms = ?"
                                    " WHERE name = ? AND deleted = 0"));
    if (!query.exec({nowMs(), name}))
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() == 0)
        return makeError("store.not_found", "no such policy");
    return {};
}

Result<QList<AccessPolicy>> Store::policies(bool withDeleted) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT name, document, deleted, updated_ms FROM"
                                    " access_policies%1 ORDER BY name")
                         .arg(withDeleted ? QString() : QStringLiteral(" WHERE deleted = 0")));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<AccessPolicy> result;
    while (query.query().next()) {
        const QSqlQuery &row = query.query();
        result.append({row.value(0).toString(),
                       QJsonDocument::fromJson(row.value(1).toByteArray()).object(),
                       row.value(2).toInt() != 0, fromMs(row.value(3))});
    }
    return result;
}

Result<void> Store::upsertDeviceClass(const DeviceClass &deviceClass)
{
    if (!isValidName(deviceClass.name) || !isValidName(deviceClass.templateName))
        return makeError("store.invalid",
                         "class and template names must be 1..64 of [A-Za-z0-9._-]");
    for (const QString *attribute :
         {&deviceClass.vendor, &deviceClass.type, &deviceClass.subscriber}) {
        if (!isBoundedText(*attribute, kMaxAttributeChars))
            return makeError("store.invalid", "class attributes are at most 64 printable chars");
    }
    if (deviceClass.capacity < 1 || deviceClass.capacity > 1000000)
        return makeError("store.invalid", "capacity must be 1..1000000");
    if (auto found = findTemplate(deviceClass.templateName); !found)
        return found.error().code == "store.not_found"
                   ? makeError("store.invalid", "the class names an unknown template")
                   : found.error();
    StoreQuery query(
        m_connectionName,
        QStringLiteral("INSERT INTO device_classes (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET vendor = excluded.vendor,"
                       " type = excluded.type, subscriber = excluded.subscriber,"
                       " priority = excluded.priority, template_name = excluded.template_name,"
                       " sharing = excluded.sharing, capacity = excluded.capacity,"
                       " enrolment = excluded.enrolment")
            .arg(QLatin1String(kClassColumns)));
    if (!query.exec({deviceClass.name, deviceClass.vendor, deviceClass.type, deviceClass.subscriber,
                     deviceClass.priority, deviceClass.templateName, toText(deviceClass.sharing),
                     deviceClass.capacity, toText(deviceClass.enrolment)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<DeviceClass> Store::findDeviceClass(const QString &name) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT %1 FROM device_classes WHERE name = ?")
                         .arg(QLatin1String(kClassColumns)));
    if (!query.exec({name}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such device class");
    return classFromQuery(query.query());
}

Result<QList<DeviceClass>> Store::deviceClasses() const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM device_classes ORDER BY name")
                                           .arg(QLatin1String(kClassColumns)));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<DeviceClass> result;
    while (query.query().next())
        result.append(classFromQuery(query.query()));
    return result;
}

namespace {

Result<void> checkDevice(const Device &device)
{
    if (!isValidDeviceId(device.id))
        return makeError("store.invalid", "device id must be 16 lowercase hex digits");
    if (device.publicKey.size() != 65 || device.publicKey.at(0) != 0x04)
        return makeError("store.invalid", "public key must be a 65-byte uncompressed point");
    if (!device.gatewayId.isEmpty() && !isValidGatewayId(device.gatewayId))
        return makeError("store.invalid", "gateway id must be [a-z0-9-]{1,40}");
    if (!isBoundedText(device.reason, 500))
        return makeError("store.invalid", "reason too long");
    return {};
}

} // namespace

Result<void> Store::insertDevice(const Device &device)
{
    if (auto checked = checkDevice(device); !checked)
        return checked;
    if (auto begun = begin(true); !begun)
        return begun.error();
    const auto fail = [this](Error error) -> Result<void> {
        (void)finish(m_connectionName, false);
        return error;
    };
    StoreQuery deleted(m_connectionName,
                       QStringLiteral("SELECT next_epoch FROM device_epochs WHERE device_id = ?"));
    if (!deleted.exec({device.id}))
        return fail(sqlError("store.sql", deleted.error()));
    const int epoch = deleted.query().next()
                          ? qMax(device.credentialEpoch, deleted.query().value(0).toInt())
                          : device.credentialEpoch;
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO devices (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, ?)")
                         .arg(QLatin1String(kDeviceColumns)));
    if (!query.exec({device.id, device.publicKey, device.className, nullIfEmpty(device.gatewayId),
                     nullIfZero(device.instanceId), toText(device.state), device.credentialSha256,
                     epoch, int(device.revoked), device.reason, nowMs()})) {
        if (isUniqueViolation(query.error()))
            return fail(makeError("store.conflict", "a device with this id exists"));
        return fail(sqlError("store.sql", query.error()));
    }
    return finish(m_connectionName, true);
}

Result<void> Store::updateDevice(const Device &device)
{
    if (auto checked = checkDevice(device); !checked)
        return checked;
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE devices SET public_key = ?, class_name = ?,"
                                    " gateway_id = ?, instance_id = ?, state = ?,"
                                    " credential_sha256 = ?, credential_epoch = ?, revoked = ?,"
                                    " reason = ?, updated_ms = ? WHERE id = ?"));
    if (!query.exec({device.publicKey, device.className, nullIfEmpty(device.gatewayId),
                     nullIfZero(device.instanceId), toText(device.state), device.credentialSha256,
                     device.credentialEpoch, int(device.revoked), device.reason, nowMs(),
                     device.id}))
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() == 0)
        return makeError("store.not_found", "no such device");
    return {};
}

Result<Device> Store::findDevice(const QString &id) const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM devices WHERE id = ?")
                                           .arg(QLatin1String(kDeviceSelectColumns)));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such device");
    return deviceFromQuery(query.query());
}

Result<Store::StatusCounts> Store::statusCounts(const QDateTime &onlineSince) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT (SELECT COUNT(*) FROM gateways),"
                                    " (SELECT COUNT(*) FROM gateways WHERE last_heartbeat_ms >= ?),"
                                    " (SELECT COUNT(*) FROM devices),"
                                    " (SELECT COUNT(*) FROM devices WHERE state = 'failed'),"
                                    " (SELECT COUNT(*) FROM instances),"
                                    " (SELECT COUNT(*) FROM instances WHERE state = 'ready'),"
                                    " (SELECT COUNT(*) FROM instances WHERE state = 'failed')"));
    if (!query.exec({onlineSince.toMSecsSinceEpoch()}) || !query.query().next())
        return sqlError("store.sql", query.error());
    const QSqlQuery &row = query.query();
    return StatusCounts{row.value(0).toInt(), row.value(1).toInt(), row.value(2).toInt(),
                        row.value(3).toInt(), row.value(4).toInt(), row.value(5).toInt(),
                        row.value(6).toInt()};
}

Result<void> Store::deleteDevice(const QString &id)
{
    if (auto begun = begin(true); !begun)
        return begun.error();
    const auto fail = [this](Error error) -> Result<void> {
        (void)finish(m_connectionName, false);
        return error;
    };
    // The row's epoch only grows (insertDevice starts from it), so the newer one wins.
    StoreQuery tombstone(m_connectionName,
                         QStringLiteral("INSERT INTO device_epochs (device_id, next_epoch)"
                                        " SELECT id, credential_epoch + 1 FROM devices WHERE id = ?"
                                        " ON CONFLICT (device_id) DO UPDATE SET"
                                        " next_epoch = excluded.next_epoch"));
    if (!tombstone.exec({id}))
        return fail(sqlError("store.sql", tombstone.error()));
    StoreQuery query(m_connectionName, QStringLiteral("DELETE FROM devices WHERE id = ?"));
    if (!query.exec({id}))
        return fail(sqlError("store.sql", query.error()));
    if (query.query().numRowsAffected() == 0)
        return fail(makeError("store.not_found", "no such device"));
    return finish(m_connectionName, true);
}

namespace {

Result<QList<Device>> deviceList(const QString &connectionName, const QString &where,
                                 const QVariant &value)
{
    StoreQuery query(connectionName, QStringLiteral("SELECT %1 FROM devices WHERE %2 ORDER BY id")
                                         .arg(QLatin1String(kDeviceSelectColumns), where));
    if (!query.exec({value}))
        return sqlError("store.sql", query.error());
    QList<Device> result;
    while (query.query().next())
        result.append(deviceFromQuery(query.query()));
    return result;
}

} // namespace

Result<void> Store::addDeviceRemoval(const QString &deviceId, qint64 instanceId)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO device_removals (device_id, instance_id,"
                                    " requested_ms) VALUES (?, ?, ?) ON CONFLICT"
                                    " (device_id, instance_id) DO NOTHING"));
    if (!query.exec({deviceId, instanceId, nowMs()}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<void> Store::finishDeviceRemoval(const QString &deviceId, qint64 instanceId)
{
    StoreQuery query(m_connectionName, QStringLiteral("DELETE FROM device_removals WHERE"
                                                      " device_id = ? AND instance_id = ?"));
    if (!query.exec({deviceId, instanceId}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<QList<DeviceRemoval>> Store::deviceRemovals() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT device_id, instance_id FROM device_removals"
                                    " ORDER BY requested_ms LIMIT 1000"));
    if (!query.exec({}))
        return sqlError("store.sql", query.error());
    QList<DeviceRemoval> removals;
    while (query.query().next())
        removals.append({query.query().value(0).toString(), query.query().value(1).toLongLong()});
    return removals;
}

Result<void> Store::addAttachChallenge(const AttachChallenge &challenge)
{
    StoreQuery purge(m_connectionName,
                     QStringLiteral("DELETE FROM attach_challenges WHERE expires_ms < ?"));
    if (!purge.exec({nowMs()}))
        return sqlError("store.sql", purge.error());
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO attach_challenges (challenge, device_id,"
                                    " gateway_id, request, expires_ms) VALUES (?, ?, ?, ?, ?)"));
    if (!query.exec({QString::fromLatin1(challenge.challenge.toBase64()), challenge.deviceId,
                     challenge.gatewayId, QString::fromUtf8(challenge.request),
                     toMs(challenge.expires)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<AttachChallenge> Store::takeAttachChallenge(const QByteArray &challenge)
{
    // One statement, so two proofs with the same challenge cannot both take it.
    StoreQuery query(m_connectionName,
                     QStringLiteral("DELETE FROM attach_challenges WHERE challenge = ?"
                                    " RETURNING device_id, gateway_id, request, expires_ms"));
    if (!query.exec({QString::fromLatin1(challenge.toBase64())}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such attach challenge");
    AttachChallenge taken;
    taken.challenge = challenge;
    taken.deviceId = query.query().value(0).toString();
    taken.gatewayId = query.query().value(1).toString();
    taken.request = query.query().value(2).toString().toUtf8();
    taken.expires = fromMs(query.query().value(3));
    if (!taken.expires.isValid() || taken.expires < QDateTime::currentDateTimeUtc())
        return makeError("store.not_found", "the attach challenge expired");
    return taken;
}

Result<void> Store::setPortalKey(const QString &name, const QByteArray &value)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO portal_keys (name, value) VALUES (?, ?)"
                                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
    if (!query.exec({name, QString::fromLatin1(value.toBase64())}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<QByteArray> Store::portalKey(const QString &name) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT value FROM portal_keys WHERE name = ?"));
    if (!query.exec({name}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such portal key");
    return QByteArray::fromBase64(query.query().value(0).toString().toLatin1());
}

Result<QList<Device>> Store::devicesOfGateway(const QString &gatewayId) const
{
    return deviceList(m_connectionName, QStringLiteral("gateway_id = ?"), gatewayId);
}

Result<QList<Device>> Store::devicesOfUntrustedGateways(const QDateTime &lapsedBefore) const
{
    return deviceList(m_connectionName,
                      QStringLiteral("gateway_id IN (SELECT id FROM gateways WHERE blocked = 1 OR"
                                     " (btid_expiry_ms > 0 AND btid_expiry_ms < ?))"
                                     " AND state <> 'failed'"),
                      toMs(lapsedBefore));
}

Result<QList<Device>> Store::devicesOfInstance(qint64 instanceId) const
{
    return deviceList(m_connectionName, QStringLiteral("instance_id = ?"), instanceId);
}

Result<QList<Device>> Store::devices() const
{
    return deviceList(m_connectionName, QStringLiteral("id >= ?"), QStringLiteral(""));
}

Result<void> Store::listenForChanges(QObject *context,
                                     std::function<void(const QString &table)> onChange)
{
    if (!m_postgres)
        return makeError("store.unsupported", "SQLite has no change notifications; poll");
    QSqlDriver *driver = QSqlDatabase::database(m_connectionName).driver();
    if (!driver || !driver->subscribeToNotification(QStringLiteral("portal_changes")))
        return sqlError("store.sql", driver ? driver->lastError() : QSqlError());
    QObject::connect(
        driver, &QSqlDriver::notification, context,
        [onChange](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
            if (name == QLatin1String("portal_changes"))
                onChange(payload.toString().left(64));
        });
    return {};
}

Result<Store::TableRevision> Store::devicesRevision() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT COUNT(*), COALESCE(MAX(updated_ms), 0) FROM devices"));
    if (!query.exec() || !query.query().next())
        return sqlError("store.sql", query.error());
    return TableRevision{query.query().value(0).toLongLong(), query.query().value(1).toLongLong()};
}

Result<QList<Device>> Store::devicesUpdatedSince(qint64 sinceMs) const
{
    return deviceList(m_connectionName, QStringLiteral("updated_ms >= ?"), sinceMs);
}

Result<QHash<qint64, int>> Store::deviceCountsByInstance() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT instance_id, COUNT(*) FROM devices"
                                    " WHERE instance_id IS NOT NULL GROUP BY instance_id"));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QHash<qint64, int> counts;
    while (query.query().next())
        counts.insert(query.query().value(0).toLongLong(), query.query().value(1).toInt());
    return counts;
}

Result<QList<Device>> Store::devicesInState(DeviceState state) const
{
    return deviceList(m_connectionName, QStringLiteral("state = ?"), toText(state));
}

Result<int> Store::recordDeviceActivity(const QString &gatewayId,
                                        const QList<DeviceActivity> &activity)
{
    if (activity.isEmpty())
        return 0;
    auto current = devicesOfGateway(gatewayId);
    if (!current)
        return current.error();
    QHash<QString, const Device *> held;
    for (const Device &device : *current)
        held.insert(device.id, &device);
    if (auto begun = begin(true); !begun)
        return begun.error();
    StoreQuery update(m_connectionName,
                      QStringLiteral("UPDATE devices SET last_seen_ms = ?, last_reading_ms = ?,"
                                     " signature_state = ?, counter_floor = ?, updated_ms = ?"
                                     " WHERE id = ? AND gateway_id = ?"));
    int changed = 0;
    for (const DeviceActivity &line : activity) {
        const Device *device = held.value(line.deviceId);
        if (!device)
            continue; // not this gateway's: another gateway holds it, or unknown
        // A restarted gateway knows nothing yet: what it does not report is kept.
        const QDateTime lastSeen = line.lastSeen.isValid() ? line.lastSeen : device->lastSeen;
        const QDateTime lastReading =
            line.lastReading.isValid() ? line.lastReading : device->lastReading;
        const SignatureState signature =
            line.signature == SignatureState::None ? device->signature : line.signature;
        // The floor only rises: a gateway that lost its memory cannot lower it.
        const qint64 counterFloor = qMax(device->counterFloor, line.lastCounter);
        if (lastSeen == device->lastSeen && lastReading == device->lastReading &&
            signature == device->signature && counterFloor == device->counterFloor)
            continue;
        if (!update.exec({toMs(lastSeen), toMs(lastReading), toText(signature), counterFloor,
                          nowMs(), line.deviceId, gatewayId})) {
            const Error error = sqlError("store.sql", update.error());
            (void)finish(m_connectionName, false);
            return error;
        }
        ++changed;
    }
    if (auto committed = finish(m_connectionName, true); !committed)
        return committed.error();
    return changed;
}

Result<void> Store::recordHeartbeat(const Gateway &gateway)
{
    if (!isValidGatewayId(gateway.id))
        return makeError("store.invalid", "gateway id must be [a-z0-9-]{1,40}");
    if (!isBoundedText(gateway.version, 64))
        return makeError("store.invalid", "version is at most 64 printable chars");
    StoreQuery query(
        m_connectionName,
        QStringLiteral(
            "INSERT INTO gateways (%1) VALUES (?, ?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (id) DO UPDATE SET last_heartbeat_ms = excluded.last_heartbeat_ms,"
            " version = excluded.version, device_count = excluded.device_count,"
            " queue_depth = excluded.queue_depth, btid_expiry_ms = excluded.btid_expiry_ms")
            .arg(QLatin1String(kGatewayColumns)));
    if (!query.exec({gateway.id, toMs(gateway.lastHeartbeat), gateway.version, gateway.deviceCount,
                     gateway.queueDepth, toMs(gateway.btidExpiry)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<void> Store::ensureGateway(const QString &id)
{
    if (!isValidGatewayId(id))
        return makeError("store.invalid", "gateway id must be [a-z0-9-]{1,40}");
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO gateways (id) VALUES (?) ON CONFLICT (id) DO "
                                    "NOTHING"));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<void> Store::bindGatewayImpi(const QString &id, const QString &impi)
{
    if (impi.isEmpty() || impi.size() > kMaxImpiChars)
        return makeError("store.invalid", "an IMPI is 1 to 255 characters");
    if (auto ensured = ensureGateway(id); !ensured)
        return ensured;
    // One statement, so on SQLite (one writer at a time) the count and the bind cannot be
    // split. On PostgreSQL (READ COMMITTED) two portalds binding other ids of one IMPI could
    // both pass the count, so the statement runs in a transaction holding a lock of that IMPI
    // (the key space 7419002 is this rule's; hashtext collisions only serialise more).
    if (m_postgres) {
        if (auto begun = begin(true); !begun)
            return begun.error();
        StoreQuery lock(m_connectionName,
                        QStringLiteral("SELECT pg_advisory_xact_lock(7419002, hashtext(?))"));
        if (!lock.exec({impi})) {
            const Error error = sqlError("store.sql", lock.error());
            (void)finish(m_connectionName, false);
            return error;
        }
    }
    StoreQuery query(
        m_connectionName,
        QStringLiteral(
            "UPDATE gateways SET impi = ? WHERE id = ? AND (impi = ? OR (impi IS NULL AND"
            " (SELECT COUNT(*) FROM gateways WHERE impi = ?) <"
            " COALESCE((SELECT max_gateway_ids FROM impi_allowances WHERE impi = ?), 1)))"));
    const bool executed = query.exec({impi, id, impi, impi, impi});
    if (m_postgres) {
        if (auto finished = finish(m_connectionName, executed); !finished)
            return finished;
    }
    if (!executed)
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() != 0)
        return {};
    auto gateway = findGateway(id);
    if (!gateway)
        return gateway.error();
    if (!gateway->impi.isEmpty() && gateway->impi != impi)
        return makeError("naf.gateway_taken",
                         "this gateway id was enrolled by another subscriber (IMPI)");
    return makeError("naf.impi_bound",
                     "this subscriber (IMPI) has enrolled all the gateway ids it may; the "
                     "operator can allow more (iot-portald gateway allow-ids)");
}

Result<void> Store::setImpiAllowance(const QString &impi, int maxGatewayIds)
{
    if (impi.isEmpty() || impi.size() > kMaxImpiChars || maxGatewayIds < 1 ||
        maxGatewayIds > kMaxGatewayIdsPerImpi)
        return makeError("store.invalid", "an IMPI (1 to 255 characters) and 1 to 1000 ids");
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO impi_allowances (impi, max_gateway_ids) VALUES"
                                    " (?, ?) ON CONFLICT (impi) DO UPDATE SET"
                                    " max_gateway_ids = excluded.max_gateway_ids"));
    if (!query.exec({impi, maxGatewayIds}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<void> Store::addUserCertificate(const UserCertificate &certificate)
{
    if (!isValidName(certificate.name) || certificate.serialHex.isEmpty() ||
        certificate.serialHex.size() > 64 || certificate.certificatePem.isEmpty() ||
        certificate.certificatePem.size() > 16 * 1024 || !certificate.notAfter.isValid())
        return makeError("store.invalid", "a user name (1..64 of [A-Za-z0-9._-]), a serial, a "
                                          "certificate of at most 16 KiB and its expiry");
    if (auto begun = begin(true); !begun)
        return begun.error();
    const qint64 now = nowMs();
    StoreQuery active(m_connectionName,
                      QStringLiteral("SELECT COUNT(*) FROM user_certificates WHERE name = ?"
                                     " AND revoked_ms IS NULL AND not_after_ms > ?"));
    if (!active.exec({certificate.name, now}) || !active.query().next()) {
        const Error error = sqlError("store.sql", active.error());
        (void)finish(m_connectionName, false);
        return error;
    }
    if (active.query().value(0).toInt() > 0) {
        (void)finish(m_connectionName, false);
        return makeError("store.user_exists",
                         "this user holds a valid certificate; remove the user first");
    }
    StoreQuery insert(m_connectionName,
                      QStringLiteral("INSERT INTO user_certificates (serial, name, certificate_pem,"
                                     " created_ms, not_after_ms) VALUES (?, ?, ?, ?, ?)"));
    if (!insert.exec({certificate.serialHex, certificate.name,
                      QString::fromLatin1(certificate.certificatePem), now,
                      certificate.notAfter.toMSecsSinceEpoch()})) {
        const Error error = sqlError("store.sql", insert.error());
        (void)finish(m_connectionName, false);
        return error;
    }
    return finish(m_connectionName, true);
}

Result<int> Store::revokeUser(const QString &name)
{
    StoreQuery revoke(m_connectionName,
                      QStringLiteral("UPDATE user_certificates SET revoked_ms = ? WHERE name = ?"
                                     " AND revoked_ms IS NULL"));
    if (!revoke.exec({nowMs(), name}))
        return sqlError("store.sql", revoke.error());
    const int revoked = revoke.query().numRowsAffected();
    if (revoked == 0)
        return makeError("store.unknown_user", "no user of that name holds a certificate");
    return revoked;
}

Result<QList<UserCertificate>> Store::userCertificates() const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT serial, name, certificate_pem, created_ms,"
                                    " not_after_ms, revoked_ms FROM user_certificates"
                                    " ORDER BY name, created_ms"));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<UserCertificate> result;
    while (query.query().next()) {
        const QSqlQuery &row = query.query();
        UserCertificate certificate;
        certificate.serialHex = row.value(0).toString();
        certificate.name = row.value(1).toString();
        certificate.certificatePem = row.value(2).toString().toLatin1();
        certificate.created = fromMs(row.value(3));
        certificate.notAfter = fromMs(row.value(4));
        certificate.revoked = row.value(5).isNull() ? QDateTime() : fromMs(row.value(5));
        result.append(certificate);
    }
    return result;
}

Result<int> Store::impiAllowance(const QString &impi) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT max_gateway_ids FROM impi_allowances WHERE impi = ?"));
    if (!query.exec({impi}))
        return sqlError("store.sql", query.error());
    return query.query().next() ? query.query().value(0).toInt() : 1;
}

Result<void> Store::recordAuthFailure(const QString &source, const QString &identity,
                                      const QString &reason)
{
    return recordAuthFailureRow(QSqlDatabase::database(m_connectionName, false), "store", source,
                                identity, reason, nowMs());
}

Result<void> Store::mergeAuthFailures(const QString &origin, const QList<AuthFailure> &rows)
{
    if (auto begun = begin(true); !begun)
        return begun.error();
    StoreQuery merge(m_connectionName, QString::fromLatin1(kMergeAuthFailureSql));
    for (const AuthFailure &row : rows) {
        const QString source =
            authFailureField(origin + QLatin1Char('/') + row.source, kAuthFailureSourceChars);
        if (!merge.exec({authFailureMinute(row.minute.toMSecsSinceEpoch()), source,
                         authFailureField(row.identity, kAuthFailureIdentityChars),
                         authFailureField(row.reason, kAuthFailureReasonChars), row.count,
                         row.last.toMSecsSinceEpoch()})) {
            const Error error = sqlError("store.sql", merge.error());
            (void)finish(m_connectionName, false);
            return error;
        }
    }
    return finish(m_connectionName, true);
}

Result<QList<AuthFailure>> Store::authFailures(int limit, const QDateTime &since) const
{
    return listAuthFailureRows(QSqlDatabase::database(m_connectionName, false), "store",
                               since.isValid() ? since.toMSecsSinceEpoch() : qint64(-1), limit);
}

Result<void> Store::setGatewayBlocked(const QString &id, bool blocked)
{
    if (auto ensured = ensureGateway(id); !ensured)
        return ensured;
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE gateways SET blocked = ? WHERE id = ?"));
    if (!query.exec({int(blocked), id}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<Gateway> Store::findGateway(const QString &id) const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM gateways WHERE id = ?")
                                           .arg(QLatin1String(kGatewaySelectColumns)));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such gateway");
    return gatewayFromQuery(query.query());
}

Result<QList<Gateway>> Store::gateways() const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM gateways ORDER BY id")
                                           .arg(QLatin1String(kGatewaySelectColumns)));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<Gateway> result;
    while (query.query().next())
        result.append(gatewayFromQuery(query.query()));
    return result;
}

Result<Instance> Store::findInstance(qint64 id) const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM instances WHERE id = ?")
                                           .arg(QLatin1String(kInstanceColumns)));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such instance");
    return instanceFromQuery(query.query());
}

Result<QList<Instance>> Store::instances() const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM instances ORDER BY id")
                                           .arg(QLatin1String(kInstanceColumns)));
    if (!query.exec())
        return sqlError("store.sql", query.error());
    QList<Instance> result;
    while (query.query().next())
        result.append(instanceFromQuery(query.query()));
    return result;
}

Result<void> Store::updateInstance(const Instance &instance)
{
    if (!isBoundedText(instance.reason, 500) || !isBoundedText(instance.url, 500) ||
        !isBoundedText(instance.dataDir, 4096))
        return makeError("store.invalid", "instance reason, url or data dir too long");
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE instances SET state = ?, reason = ?, url = ?,"
                                    " admin_port = ?, data_dir = ?, updated_ms = ? WHERE id = ?"));
    if (!query.exec({toText(instance.state), instance.reason, instance.url, instance.adminPort,
                     instance.dataDir, nowMs(), instance.id}))
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() == 0)
        return makeError("store.not_found", "no such instance");
    return {};
}

Result<void> Store::deleteInstance(qint64 id)
{
    // Its devices keep their rows; the foreign key clears their instance_id.
    StoreQuery query(m_connectionName,
                     QStringLiteral("DELETE FROM instances WHERE id = ? AND state = 'failed'"));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() == 1)
        return {};
    auto instance = findInstance(id);
    if (!instance)
        return instance.error();
    return makeError("store.conflict", "only a failed instance can be deleted");
}

Result<Placement> Store::placeDevice(const QString &deviceId, const DeviceClass &deviceClass,
                                     const QString &backend, const QString &ownerTag)
{
    for (int attempt = 1;; ++attempt) {
        auto placed = placeOnce(deviceId, deviceClass, backend, ownerTag);
        if (placed || placed.error().code != "store.conflict" || attempt == kPlacementAttempts)
            return placed;
        qCDebug(lcStore) << "placement raced another writer; retrying" << attempt;
    }
}

Result<Placement> Store::placeOnce(const QString &deviceId, const DeviceClass &deviceClass,
                                   const QString &backend, const QString &ownerTag)
{
    if (auto begun = begin(true); !begun)
        return begun.error();
    auto fail = [this](Error error) -> Result<Placement> {
        (void)finish(m_connectionName, false);
        return error;
    };
    if (m_postgres) {
        // Serialises placement per class across portald processes sharing the database.
        StoreQuery lock(
            m_connectionName,
            QStringLiteral("SELECT name FROM device_classes WHERE name = ? FOR UPDATE"));
        if (!lock.exec({deviceClass.name}))
            return fail(sqlError("store.sql", lock.error()));
    }
    StoreQuery current(m_connectionName,
                       QStringLiteral("SELECT instance_id FROM devices WHERE id = ?"));
    if (!current.exec({deviceId}))
        return fail(sqlError("store.sql", current.error()));
    if (!current.query().next())
        return fail(makeError("store.not_found", "no such device"));
    const qint64 currentInstance = current.query().value(0).toLongLong();

    Placement placement;
    qint64 chosen = 0;
    if (currentInstance != 0) {
        chosen = currentInstance;
    } else if (deviceClass.sharing == Sharing::Dedicated) {
        StoreQuery find(m_connectionName,
                        QStringLiteral("SELECT id FROM instances WHERE dedicated_device_id = ?"));
        if (!find.exec({deviceId}))
            return fail(sqlError("store.sql", find.error()));
        if (find.query().next())
            chosen = find.query().value(0).toLongLong();
    } else {
        StoreQuery find(
            m_connectionName,
            QStringLiteral("SELECT i.id FROM instances i WHERE i.class_name = ?"
                           " AND i.slot IS NOT NULL AND i.state <> 'failed'"
                           " AND (SELECT COUNT(*) FROM devices d WHERE d.instance_id = i.id) < ?"
                           " ORDER BY i.slot LIMIT 1"));
        if (!find.exec({deviceClass.name, deviceClass.capacity}))
            return fail(sqlError("store.sql", find.error()));
        if (find.query().next())
            chosen = find.query().value(0).toLongLong();
    }
    if (chosen == 0) {
        QVariant slot;
        if (deviceClass.sharing == Sharing::Shared) {
            StoreQuery next(m_connectionName,
                            QStringLiteral("SELECT COALESCE(MAX(slot), 0) + 1 FROM instances "
                                           "WHERE class_name = ?"));
            if (!next.exec({deviceClass.name}) || !next.query().next())
                return fail(sqlError("store.sql", next.error()));
            slot = next.query().value(0).toInt();
        }
        StoreQuery insert(
            m_connectionName,
            QStringLiteral("INSERT INTO instances (backend, class_name, template_name,"
                           " dedicated_device_id, slot, state, owner_tag, updated_ms)"
                           " VALUES (?, ?, ?, ?, ?, 'requested', ?, ?) RETURNING id"));
        if (!insert.exec(
                {backend, deviceClass.name, deviceClass.templateName,
                 deviceClass.sharing == Sharing::Dedicated ? QVariant(deviceId) : QVariant(), slot,
                 ownerTag, nowMs()}) ||
            !insert.query().next()) {
            const QSqlError error = insert.error();
            return fail(isUniqueViolation(error)
                            ? makeError("store.conflict", "instance slot taken concurrently")
                            : sqlError("store.sql", error));
        }
        chosen = insert.query().value(0).toLongLong();
        insert.query().finish();
        placement.instanceCreated = true;
    }
    if (chosen != currentInstance) {
        StoreQuery assign(m_connectionName,
                          QStringLiteral("UPDATE devices SET instance_id = ?, updated_ms = ? "
                                         "WHERE id = ?"));
        if (!assign.exec({chosen, nowMs(), deviceId}))
            return fail(sqlError("store.sql", assign.error()));
    }
    auto instance = findInstance(chosen);
    if (!instance)
        return fail(instance.error());
    if (auto committed = finish(m_connectionName, true); !committed)
        return fail(committed.error());
    placement.instance = *instance;
    return placement;
}

QString Store::operatorName(const QString &tool) const
{
    const uid_t uid = ::geteuid();
    const struct passwd *entry = ::getpwuid(uid);
    QString name = tool + QLatin1Char(':') +
                   (entry && entry->pw_name ? QString::fromLocal8Bit(entry->pw_name).left(32)
                                            : QString::number(uid));
    if (m_postgres) {
        StoreQuery query(m_connectionName, QStringLiteral("SELECT current_user"));
        if (query.exec({}) && query.query().next())
            name += QStringLiteral(" db:") + query.query().value(0).toString().left(63);
    }
    return name;
}

Result<void> Store::audit(const QString &actor, const QString &action, const QString &subject,
                          const QString &detail)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO audit_log (time_ms, actor, action, subject,"
                                    " detail) VALUES (?, ?, ?, ?, ?)"));
    if (!query.exec({nowMs(), actor.left(100), action.left(100), subject.left(200),
                     detail.left(kMaxAuditDetailChars)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<QList<AuditEntry>> Store::auditLog(int limit) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT time_ms, actor, action, subject, detail FROM "
                                    "audit_log ORDER BY id DESC LIMIT ?"));
    if (!query.exec({qBound(1, limit, 10000)}))
        return sqlError("store.sql", query.error());
    QList<AuditEntry> result;
    while (query.query().next()) {
        const QSqlQuery &row = query.query();
        result.append({fromMs(row.value(0)), row.value(1).toString(), row.value(2).toString(),
                       row.value(3).toString(), row.value(4).toString()});
    }
    return result;
}

Result<qint64> Store::requestAdminAction(const QString &action, const QString &subject,
                                         const QJsonObject &options, const QString &requestedBy)
{
    const QString optionsText =
        QString::fromUtf8(QJsonDocument(options).toJson(QJsonDocument::Compact));
    if (!isValidName(action) || !isBoundedText(subject, 200) || !isBoundedText(requestedBy, 100) ||
        optionsText.size() > 4096)
        return makeError("store.invalid",
                         "admin request action, subject, requester or options out of bounds");
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO admin_requests (action, subject, options,"
                                    " requested_by, requested_ms, state)"
                                    " VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id"));
    if (!query.exec({action, subject, optionsText, requestedBy, nowMs()}) || !query.query().next())
        return sqlError("store.sql", query.error());
    return query.query().value(0).toLongLong();
}

Result<AdminRequest> Store::findAdminRequest(qint64 id) const
{
    StoreQuery query(m_connectionName, QStringLiteral("SELECT %1 FROM admin_requests WHERE id = ?")
                                           .arg(QLatin1String(kAdminRequestColumns)));
    if (!query.exec({id}))
        return sqlError("store.sql", query.error());
    if (!query.query().next())
        return makeError("store.not_found", "no such admin request");
    return adminRequestFromQuery(query.query());
}

Result<QList<AdminRequest>> Store::pendingAdminRequests(int limit) const
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("SELECT %1 FROM admin_requests WHERE state = 'pending'"
                                    " ORDER BY id LIMIT ?")
                         .arg(QLatin1String(kAdminRequestColumns)));
    if (!query.exec({qBound(1, limit, 1000)}))
        return sqlError("store.sql", query.error());
    QList<AdminRequest> result;
    while (query.query().next())
        result.append(adminRequestFromQuery(query.query()));
    return result;
}

Result<void> Store::finishAdminRequest(qint64 id, bool succeeded, const QString &result)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE admin_requests SET state = ?, result = ?, done_ms = ?"
                                    " WHERE id = ? AND state = 'pending'"));
    if (!query.exec({toText(succeeded ? AdminRequestState::Done : AdminRequestState::Failed),
                     result.left(kMaxAuditDetailChars), nowMs(), id}))
        return sqlError("store.sql", query.error());
    if (query.query().numRowsAffected() != 1)
        return makeError("store.not_found", "no such pending admin request");
    return {};
}

Result<void> Store::appendAdminRequestProgress(qint64 id, const QString &text)
{
    // Full: what does not fit is in the outcome's log (the run's last lines).
    StoreQuery query(m_connectionName,
                     QStringLiteral("UPDATE admin_requests SET progress = progress || ?"
                                    " WHERE id = ? AND state = 'pending'"
                                    " AND LENGTH(progress) + ? <= ?"));
    const QString bounded = text.left(kMaxAdminProgressChars);
    if (!query.exec({bounded, id, int(bounded.size()), int(kMaxAdminProgressChars)}))
        return sqlError("store.sql", query.error());
    return {};
}

Result<bool> Store::acquireLease(const QString &name, const QString &holder, int ttlS)
{
    const qint64 now = nowMs();
    const qint64 expires = now + qint64(qBound(1, ttlS, 3600)) * 1000;
    // One statement: insert, or take over when it is ours or has lapsed. Atomic on both
    // databases, so two contenders never both see success.
    StoreQuery query(m_connectionName,
                     QStringLiteral("INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?)"
                                    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                                    " expires_ms = excluded.expires_ms"
                                    " WHERE leases.holder = excluded.holder"
                                    " OR leases.expires_ms < ?"));
    if (!query.exec({name, holder, expires, now}))
        return sqlError("store.sql", query.error());
    StoreQuery check(m_connectionName, QStringLiteral("SELECT holder FROM leases WHERE name = ?"));
    if (!check.exec({name}) || !check.query().next())
        return sqlError("store.sql", check.error());
    return check.query().value(0).toString() == holder;
}

Result<void> Store::releaseLease(const QString &name, const QString &holder)
{
    StoreQuery query(m_connectionName,
                     QStringLiteral("DELETE FROM leases WHERE name = ? AND holder = ?"));
    if (!query.exec({name, holder}))
        return sqlError("store.sql", query.error());
    return {};
}

} // namespace Portal::Store
