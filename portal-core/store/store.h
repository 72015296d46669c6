#pragma once
// The portal store (DESIGN §6): one connection to SQLite (default; WAL, foreign keys on, busy
// timeout 5 s) or PostgreSQL (QPSQL, `postgresql://user:password@host:port/database`, or
// `postgresql://user@localhost/database?host=/socket/dir` for a Unix socket), with
// numbered forward-only migrations in `schema_migrations` and the repositories the engine,
// iot-portald and the GUI use. One Store is one connection: use it from the thread that
// opened it; other threads and processes open their own.
//
// Errors: `store.open_failed`, `store.migration_failed` (including a schema newer than this
// program), `store.invalid` (a value outside its bounds; nothing is written), `store.not_found`,
// `store.conflict` (a unique key already taken), `store.sql` (anything else the database says).

#include "storerecords.h"

#include <portal-core/base/result.h>

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

class QObject;

namespace Portal::Store {

// What placement decided for one device (see placeDevice).
struct Placement
{
    Instance instance;
    bool instanceCreated = false; // this call created the instance row
};

class Store
{
public:
    // databaseSpec: a SQLite file path (created 0600 when missing) or a postgresql:// URL.
    static Result<std::unique_ptr<Store>> open(const QString &databaseSpec);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    bool isPostgres() const { return m_postgres; }
    // Who acts, for audit rows and admin requests of the GUI and the CLI: "<tool>:<OS user>",
    // plus " db:<role>" (current_user) on PostgreSQL. The OS user is the effective uid's
    // passwd name (not $USER, which the caller sets), its number when it has none.
    QString operatorName(const QString &tool) const;
    // The number of the newest migration applied.
    Result<int> schemaVersion() const;
    static int latestSchemaVersion();

    // VM templates.
    Result<void> upsertTemplate(const VmTemplate &vmTemplate);
    Result<VmTemplate> findTemplate(const QString &name) const;
    Result<QList<VmTemplate>> templates() const;

    // Device classes; the template must exist.
    // Access policies ({"m2m:acp": …} documents, ≤ kMaxPolicyBytes; parsed and checked by
    // the caller, the store only bounds them). Deleting leaves a tombstone the engine uses to
    // remove the policy from instances; policies(true) includes those.
    static constexpr qsizetype kMaxPolicyBytes = 16 * 1024;
    Result<void> upsertPolicy(const AccessPolicy &policy);
    Result<void> deletePolicy(const QString &name); // `store.not_found` when none
    Result<QList<AccessPolicy>> policies(bool withDeleted = false) const;

    Result<void> upsertDeviceClass(const DeviceClass &deviceClass);
    Result<DeviceClass> findDeviceClass(const QString &name) const;
    Result<QList<DeviceClass>> deviceClasses() const;

    // Devices.
    // `store.conflict` when the id exists. A device id deleted before starts at the credential
    // epoch after its last one (device_epochs), whatever device.credentialEpoch says.
    Result<void> insertDevice(const Device &device);
    Result<void> updateDevice(const Device &device); // all columns but id
    Result<Device> findDevice(const QString &id) const;
    Result<void> deleteDevice(const QString &id);
    // An instance that must drop a detached device; kept until finishDeviceRemoval (the
    // instance acknowledged). deviceRemovals lists the oldest 1000.
    Result<void> addDeviceRemoval(const QString &deviceId, qint64 instanceId);
    Result<void> finishDeviceRemoval(const QString &deviceId, qint64 instanceId);
    Result<QList<DeviceRemoval>> deviceRemovals() const;
    // Attach challenges: stored by any portald, taken once by whichever answers the proof.
    // takeAttachChallenge deletes the row and returns it (`store.not_found`: unknown, already
    // taken, or expired); adding one also drops the expired ones.
    Result<void> addAttachChallenge(const AttachChallenge &challenge);
    Result<AttachChallenge> takeAttachChallenge(const QByteArray &challenge);
    // Public values of the portal's own keys (the device-authority key's point, for the
    // provisioning wizard), by name; `store.not_found` when none is stored.
    Result<void> setPortalKey(const QString &name, const QByteArray &value);
    Result<QByteArray> portalKey(const QString &name) const;
    Result<QList<Device>> devicesOfGateway(const QString &gatewayId) const;
    Result<QList<Device>> devicesOfInstance(qint64 instanceId) const;
    // Devices not failed yet of gateways that are blocked or whose certificate (its B-TID, as
    // the last heartbeat said) lapsed before lapsedBefore: their credentials to revoke.
    Result<QList<Device>> devicesOfUntrustedGateways(const QDateTime &lapsedBefore) const;
    Result<QList<Device>> devicesInState(DeviceState state) const;
    Result<QList<Device>> devices() const; // all, by id
    // Placed devices per instance id, in one query.
    Result<QHash<qint64, int>> deviceCountsByInstance() const;
    // The device table's revision (row count and newest update): equal revisions mean the
    // rows need not be read again (the GUI polls this instead of 100k rows).
    struct TableRevision
    {
        qint64 rows = 0;
        qint64 newestUpdateMs = 0;
        bool operator==(const TableRevision &other) const
        {
            return rows == other.rows && newestUpdateMs == other.newestUpdateMs;
        }
        bool operator!=(const TableRevision &other) const { return !(*this == other); }
    };
    Result<TableRevision> devicesRevision() const;
    // Devices updated at or after sinceMs (by id): what changed since a revision was read.
    Result<QList<Device>> devicesUpdatedSince(qint64 sinceMs) const;
    // PostgreSQL: onChange(table) on context's thread whenever a statement changed a table
    // the GUI shows (LISTEN portal_changes; also this connection's own changes).
    // `store.unsupported` on SQLite, which the GUI polls instead.
    Result<void> listenForChanges(QObject *context,
                                  std::function<void(const QString &table)> onChange);
    // The live state in one query, for status bars.
    struct StatusCounts
    {
        int gateways = 0;
        int gatewaysOnline = 0; // heartbeat at or after onlineSince
        int devices = 0;
        int devicesFailed = 0;
        int instances = 0;
        int instancesReady = 0;
        int instancesFailed = 0;
    };
    Result<StatusCounts> statusCounts(const QDateTime &onlineSince) const;

    // Gateways; upsert keeps `blocked` of an existing row.
    Result<void> recordHeartbeat(const Gateway &gateway);
    // Writes what a heartbeat says of the gateway's devices into the read-only activity
    // fields of those attached to gatewayId (others are ignored); an unset time or a `none`
    // signature keeps the stored value. Only rows that change are written (and their
    // updated_ms moved). Answers how many changed.
    Result<int> recordDeviceActivity(const QString &gatewayId,
                                     const QList<DeviceActivity> &activity);
    Result<void> ensureGateway(const QString &id);
    Result<void> setGatewayBlocked(const QString &id, bool blocked);
    // Binds a gateway id to the IMPI that enrolled it first; an IMPI binds at most its
    // allowance of ids (1 unless setImpiAllowance raised it). Errors: `naf.gateway_taken`
    // (bound to another IMPI), `naf.impi_bound` (the IMPI has all its ids), store.*.
    Result<void> bindGatewayImpi(const QString &id, const QString &impi);
    static constexpr int kMaxImpiChars = 255;
    static constexpr int kMaxGatewayIdsPerImpi = 1000;
    // 1..kMaxGatewayIdsPerImpi. Errors: `store.invalid`, `store.sql`.
    Result<void> setImpiAllowance(const QString &impi, int maxGatewayIds);
    Result<int> impiAllowance(const QString &impi) const; // 1 when never set

    // Users CA certificates. Errors: `store.invalid`, `store.user_exists` (the name holds a
    // valid, unrevoked certificate).
    Result<void> addUserCertificate(const UserCertificate &certificate);
    // Revokes every certificate of the name; answers how many. `store.unknown_user` if none.
    Result<int> revokeUser(const QString &name);
    Result<QList<UserCertificate>> userCertificates() const; // by name, oldest first
    Result<Gateway> findGateway(const QString &id) const;
    Result<QList<Gateway>> gateways() const;

    // Instances.
    Result<Instance> findInstance(qint64 id) const;
    Result<QList<Instance>> instances() const;
    Result<void> updateInstance(const Instance &instance); // state, reason, url, port, dir
    // Removes a failed instance's row (its devices stay, unplaced). `store.conflict` when it
    // is not failed (fail it first, so its devices fail with it), `store.not_found`.
    Result<void> deleteInstance(qint64 id);

    // Finds or creates the instance for `deviceId` (already inserted) of `deviceClass` and
    // records it on the device, in one transaction:
    // - dedicated: the instance whose dedicated device is this one (unique key);
    // - shared: the device's current instance if any, else the lowest-slot non-failed
    //   instance of the class with fewer than `capacity` devices, else a new one in the next
    //   slot (unique (class, slot)).
    // SQLite serialises the transaction (BEGIN IMMEDIATE); PostgreSQL locks the class row,
    // and a unique-key race with another process is retried, so concurrent attaches of one
    // shared class create exactly one instance per slot.
    Result<Placement> placeDevice(const QString &deviceId, const DeviceClass &deviceClass,
                                  const QString &backend, const QString &ownerTag);

    // Audit log (append only); newest first, at most `limit` entries.
    // detail keeps at most kMaxAuditDetailChars (a Puppet run's log fits).
    static constexpr int kMaxAuditDetailChars = 64 * 1024 + 1024;
    Result<void> audit(const QString &actor, const QString &action, const QString &subject,
                       const QString &detail = QString());
    Result<QList<AuditEntry>> auditLog(int limit = 100) const;
    // A failed authentication, counted into its (minute, source, identity, reason) row.
    Result<void> recordAuthFailure(const QString &source, const QString &identity,
                                   const QString &reason);
    // Rows another daemon counted (an instance's), kept under source "<origin>/<source>";
    // merging the same row again never counts it twice. One transaction.
    Result<void> mergeAuthFailures(const QString &origin, const QList<AuthFailure> &rows);
    // Latest first; only rows changed after `since` when it is valid.
    Result<QList<AuthFailure>> authFailures(int limit = 100,
                                            const QDateTime &since = QDateTime()) const;

    // Admin requests for the leader (see AdminRequest). request…() answers the new id.
    // Errors: `store.invalid` (action not a name, subject, requester or options too long).
    Result<qint64> requestAdminAction(const QString &action, const QString &subject,
                                      const QJsonObject &options, const QString &requestedBy);
    Result<AdminRequest> findAdminRequest(qint64 id) const;
    // Oldest first, at most limit.
    Result<QList<AdminRequest>> pendingAdminRequests(int limit = 10) const;
    // Records the outcome of a pending request; `store.not_found` when it is not pending
    // (finished already, by this or another leader).
    Result<void> finishAdminRequest(qint64 id, bool succeeded, const QString &result);
    // Appends a pending request's output so far (AdminRequest::progress); once it holds
    // kMaxAdminProgressChars, more is dropped (the outcome keeps the run's last lines).
    static constexpr qsizetype kMaxAdminProgressChars = 64 * 1024;
    Result<void> appendAdminRequestProgress(qint64 id, const QString &text);

    // Leader lease: true when `holder` holds `name` until now + ttlS after this call (taken
    // when free or lapsed, renewed when already held); false when another holder has it.
    Result<bool> acquireLease(const QString &name, const QString &holder, int ttlS);
    Result<void> releaseLease(const QString &name, const QString &holder);

private:
    explicit Store(QString connectionName, bool postgres);
    Result<void> migrate();
    Result<void> begin(bool writeLock);
    Result<Placement> placeOnce(const QString &deviceId, const DeviceClass &deviceClass,
                                const QString &backend, const QString &ownerTag);

    QString m_connectionName;
    bool m_postgres = false;
};

// Bounds checks shared with the engine and the CLI.
bool isValidName(const QString &name);        // 1..64 of [A-Za-z0-9._-]
bool isValidDeviceId(const QString &id);      // 16 lowercase hex digits
bool isValidGatewayId(const QString &id);     // [a-z0-9-]{1,40}
inline constexpr int kMaxAttributeChars = 64; // vendor, type, subscriber

} // namespace Portal::Store
