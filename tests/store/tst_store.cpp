// Portal::Store on SQLite: migrations, repositories, and placement under concurrency. The
// database file is inspected with the sqlite3 command-line tool, an independent reader, so
// what the store claims is checked against what is really on disk.

#include <portal-core/store/store.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

#include <pwd.h>
#include <unistd.h>

// QCOMPARE prints the store's enumerations by their stored words.
namespace Portal::Store {
inline char *toString(Sharing value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(Enrolment value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(AdminRequestState value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(SignatureState value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(DeviceState value)
{
    return qstrdup(qPrintable(toText(value)));
}
} // namespace Portal::Store

using namespace Portal;

namespace {

// Runs sqlite3 on the file; returns its output lines (fields separated by '|').
QStringList sqlite3(const QString &path, const QString &sql)
{
    QProcess process;
    process.start(QStringLiteral("sqlite3"), {path, sql});
    if (!process.waitForFinished(10000) || process.exitCode() != 0)
        return {QStringLiteral("sqlite3 failed: ") +
                QString::fromUtf8(process.readAllStandardError())};
    return QString::fromUtf8(process.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
}

QByteArray fakePoint(int seed)
{
    // Only the shape is checked by the store (65 bytes, 0x04 first); curve membership is
    // the engine's concern.
    QByteArray point(65, char(seed));
    point[0] = 0x04;
    return point;
}

QString deviceId(int n)
{
    return QStringLiteral("%1").arg(n, 16, 16, QLatin1Char('0'));
}

Store::DeviceClass makeClass(const QString &name, Store::Sharing sharing, int capacity)
{
    Store::DeviceClass deviceClass;
    deviceClass.name = name;
    deviceClass.templateName = QStringLiteral("small");
    deviceClass.sharing = sharing;
    deviceClass.capacity = capacity;
    deviceClass.enrolment = Store::Enrolment::Open;
    return deviceClass;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void migrationsAreNumberedAndApplyOnce();
    void newerSchemaIsRefused();
    void sqliteRunsInWalModeWithForeignKeys();
    void templatesAndClassesRoundTrip();
    void invalidValuesWriteNothing();
    void devicesRoundTrip();
    void deletedDeviceComesBackAtALaterEpoch();
    void heartbeatKeepsBlocked();
    void deviceActivityOfTheHoldingGatewayOnly();
    void onlyFailedInstancesAreDeleted();
    void auditLogNewestFirst();
    void operatorIsTheEffectiveUser();
    void impiAllowanceBindsAtMostItsIds();
    void authFailuresAreCountedPerKeyAndMinute();
    void pulledAuthFailuresAreMergedNotAdded();
    void sharedPlacementFillsThenAddsSibling();
    void dedicatedPlacementIsOnePerDevice();
    void concurrentAttachCreatesExactlyOneInstance();
    void concurrentAttachRespectsCapacity();
    void leaseHasOneHolder();
    void adminRequestsFinishOnce();
    void adminRequestProgressIsBoundedAndEndsWithTheRequest();
    void adminRequestsOutOfBoundsWriteNothing_data();
    void adminRequestsOutOfBoundsWriteNothing();
    void policiesKeepTombstones();

private:
    std::unique_ptr<Store::Store> openStore();
    void seed(Store::Store &store, const Store::DeviceClass &deviceClass, int devices);
    void placeConcurrently(const Store::DeviceClass &deviceClass, int threads, int perThread);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("portal.sqlite"));
}

std::unique_ptr<Store::Store> TestStore::openStore()
{
    auto store = Store::Store::open(m_path);
    if (!store) {
        qWarning() << QString::fromStdString(store.error().message);
        return nullptr;
    }
    return std::move(*store);
}

void TestStore::seed(Store::Store &store, const Store::DeviceClass &deviceClass, int devices)
{
    QVERIFY(store.upsertTemplate({QStringLiteral("small"), {}}));
    QVERIFY(store.upsertDeviceClass(deviceClass));
    for (int i = 1; i <= devices; ++i) {
        Store::Device device;
        device.id = deviceId(i);
        device.publicKey = fakePoint(i);
        device.className = deviceClass.name;
        QVERIFY(store.insertDevice(device));
    }
}

void TestStore::migrationsAreNumberedAndApplyOnce()
{
    {
        auto store = openStore();
        QVERIFY(store);
        QCOMPARE(*store->schemaVersion(), Store::Store::latestSchemaVersion());
    }
    {
        auto again = openStore();
        QVERIFY(again);
    }
    QStringList expected;
    for (int v = 1; v <= Store::Store::latestSchemaVersion(); ++v)
        expected << QString::number(v);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT version FROM schema_migrations ORDER BY 1")),
             expected);
    const QStringList tables = sqlite3(
        m_path, QStringLiteral("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1"));
    for (const char *table : {"audit_log", "device_classes", "devices", "gateways", "instances",
                              "leases", "schema_migrations", "vm_templates"})
        QVERIFY2(tables.contains(QLatin1String(table)), table);
}

void TestStore::newerSchemaIsRefused()
{
    QVERIFY(openStore());
    sqlite3(m_path, QStringLiteral("INSERT INTO schema_migrations VALUES (%1)")
                        .arg(Store::Store::latestSchemaVersion() + 1));
    auto store = Store::Store::open(m_path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, std::string("store.migration_failed"));
}

void TestStore::sqliteRunsInWalModeWithForeignKeys()
{
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(sqlite3(m_path, QStringLiteral("PRAGMA journal_mode")),
             QStringList{QStringLiteral("wal")});
    // A device naming a class that does not exist violates a foreign key.
    Store::Device device;
    device.id = deviceId(1);
    device.publicKey = fakePoint(1);
    device.className = QStringLiteral("missing");
    auto inserted = store->insertDevice(device);
    QVERIFY(!inserted);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT COUNT(*) FROM devices")),
             QStringList{QStringLiteral("0")});
}

void TestStore::templatesAndClassesRoundTrip()
{
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(store->upsertTemplate(
        {QStringLiteral("small"), QJsonObject{{QStringLiteral("flavor"), QStringLiteral("m1")}}}));
    Store::DeviceClass deviceClass =
        makeClass(QStringLiteral("meters"), Store::Sharing::Dedicated, 7);
    deviceClass.vendor = QStringLiteral("acme");
    deviceClass.priority = -4;
    deviceClass.enrolment = Store::Enrolment::Preregistered;
    QVERIFY(store->upsertDeviceClass(deviceClass));
    auto found = store->findDeviceClass(QStringLiteral("meters"));
    QVERIFY(found);
    QCOMPARE(found->vendor, QStringLiteral("acme"));
    QCOMPARE(found->priority, -4);
    QCOMPARE(found->sharing, Store::Sharing::Dedicated);
    QCOMPARE(found->capacity, 7);
    QCOMPARE(found->enrolment, Store::Enrolment::Preregistered);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT sharing, enrolment FROM device_classes")),
             QStringList{QStringLiteral("dedicated|preregistered")});
    QCOMPARE(store->findTemplate(QStringLiteral("small"))->spec.value(QStringLiteral("flavor")),
             QStringLiteral("m1"));
    QCOMPARE(store->findDeviceClass(QStringLiteral("nope")).error().code,
             std::string("store.not_found"));
}

void TestStore::invalidValuesWriteNothing()
{
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->upsertTemplate({QStringLiteral("bad name"), {}}).error().code,
             std::string("store.invalid"));
    QCOMPARE(store->upsertDeviceClass(makeClass(QStringLiteral("c"), Store::Sharing::Shared, 1))
                 .error()
                 .code,
             std::string("store.invalid")); // its template does not exist
    QVERIFY(store->upsertTemplate({QStringLiteral("small"), {}}));
    QCOMPARE(store->upsertDeviceClass(makeClass(QStringLiteral("c"), Store::Sharing::Shared, 0))
                 .error()
                 .code,
             std::string("store.invalid"));
    Store::Device device;
    device.id = QStringLiteral("ABCDEF0123456789"); // upper case is not a device id
    device.publicKey = fakePoint(1);
    device.className = QStringLiteral("c");
    QCOMPARE(store->insertDevice(device).error().code, std::string("store.invalid"));
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT (SELECT COUNT(*) FROM device_classes) ||"
                                            " '/' || (SELECT COUNT(*) FROM devices)")),
             QStringList{QStringLiteral("0/0")});
}

void TestStore::devicesRoundTrip()
{
    auto store = openStore();
    QVERIFY(store);
    seed(*store, makeClass(QStringLiteral("c"), Store::Sharing::Shared, 10), 2);
    Store::Device device = *store->findDevice(deviceId(1));
    QCOMPARE(device.publicKey, fakePoint(1));
    QCOMPARE(device.state, Store::DeviceState::Pending);
    QCOMPARE(store->insertDevice(device).error().code, std::string("store.conflict"));
    QVERIFY(store->ensureGateway(QStringLiteral("gw1")));
    device.gatewayId = QStringLiteral("gw1");
    device.state = Store::DeviceState::Failed;
    device.reason = QStringLiteral("instance failed");
    device.credentialEpoch = 3;
    auto revisionBefore = store->devicesRevision();
    QVERIFY(revisionBefore);
    QCOMPARE(*store->devicesRevision(), *revisionBefore); // unchanged rows, same revision
    QTest::qWait(2);                                      // updated_ms must move on
    QVERIFY(store->updateDevice(device));
    QVERIFY(*store->devicesRevision() != *revisionBefore);
    auto changed = store->devicesUpdatedSince(store->devicesRevision()->newestUpdateMs);
    QVERIFY(changed);
    QCOMPARE(changed->size(), 1);
    QCOMPARE(changed->first().id, device.id);
    QObject context;
    QCOMPARE(store->listenForChanges(&context, [](const QString &) {}).error().code,
             std::string("store.unsupported")); // SQLite: the GUI polls
    auto counts = store->statusCounts(QDateTime::currentDateTimeUtc().addSecs(-30));
    QVERIFY(counts);
    QCOMPARE(counts->devices, 2);
    QCOMPARE(counts->devicesFailed, 1);
    QCOMPARE(counts->gateways, 1);
    QCOMPARE(counts->gatewaysOnline, 0); // ensured, never heard from
    auto mine = store->devicesOfGateway(QStringLiteral("gw1"));
    QVERIFY(mine);
    QCOMPARE(mine->size(), 1);
    QCOMPARE(mine->first().reason, QStringLiteral("instance failed"));
    QCOMPARE(mine->first().credentialEpoch, 3);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT state, hex(public_key) FROM devices WHERE "
                                            "id = '%1'")
                                 .arg(deviceId(1))),
             QStringList{QStringLiteral("failed|") +
                         QString::fromLatin1(fakePoint(1).toHex().toUpper())});
    const Store::Store::TableRevision revisionWithTwo = *store->devicesRevision();
    QVERIFY(store->deleteDevice(deviceId(2)));
    QCOMPARE(store->findDevice(deviceId(2)).error().code, std::string("store.not_found"));
    QVERIFY(*store->devicesRevision() != revisionWithTwo);
}

void TestStore::deletedDeviceComesBackAtALaterEpoch()
{
    auto store = openStore();
    QVERIFY(store);
    seed(*store, makeClass(QStringLiteral("c"), Store::Sharing::Shared, 10), 1);
    Store::Device device = *store->findDevice(deviceId(1));
    device.credentialEpoch = 4;
    QVERIFY(store->updateDevice(device));
    QVERIFY(store->deleteDevice(deviceId(1)));
    device.credentialEpoch = 0; // as a first attach of an open class inserts it
    QVERIFY(store->insertDevice(device));
    QCOMPARE(store->findDevice(deviceId(1))->credentialEpoch, 5);
    // Deleted again at 5: back at 6, never at an epoch it had.
    QVERIFY(store->deleteDevice(deviceId(1)));
    QVERIFY(store->insertDevice(device));
    QCOMPARE(store->findDevice(deviceId(1))->credentialEpoch, 6);
    // A deletion of what is not there writes no tombstone and changes nothing.
    QCOMPARE(store->deleteDevice(deviceId(9)).error().code, std::string("store.not_found"));
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT device_id, next_epoch FROM device_epochs")),
             QStringList{deviceId(1) + QStringLiteral("|6")});
}

void TestStore::heartbeatKeepsBlocked()
{
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(store->setGatewayBlocked(QStringLiteral("gw1"), true));
    Store::Gateway report;
    report.id = QStringLiteral("gw1");
    report.lastHeartbeat = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    report.version = QStringLiteral("1.2.3");
    report.queueDepth = 17;
    QVERIFY(store->recordHeartbeat(report));
    auto gateway = store->findGateway(QStringLiteral("gw1"));
    QVERIFY(gateway);
    QVERIFY(gateway->blocked);
    QCOMPARE(gateway->queueDepth, 17);
    QCOMPARE(gateway->lastHeartbeat, report.lastHeartbeat);
    QCOMPARE(
        store->recordHeartbeat({QStringLiteral("GW!"), {}, {}, 0, 0, {}, false, {}}).error().code,
        std::string("store.invalid"));
}

void TestStore::deviceActivityOfTheHoldingGatewayOnly()
{
    auto store = openStore();
    QVERIFY(store);
    seed(*store, makeClass(QStringLiteral("c"), Store::Sharing::Shared, 10), 2);
    for (int n : {1, 2}) {
        const QString gateway = QStringLiteral("gw%1").arg(n);
        QVERIFY(store->ensureGateway(gateway));
        Store::Device device = *store->findDevice(deviceId(n));
        device.gatewayId = gateway;
        QVERIFY(store->updateDevice(device));
    }
    const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    const QDateTime stored = seen.addSecs(-5);
    // gw1 also claims gw2's device: only its own is written.
    const QList<Store::DeviceActivity> report{
        {deviceId(1), seen, stored, Store::SignatureState::Verified},
        {deviceId(2), seen, stored, Store::SignatureState::Replay}};
    QCOMPARE(*store->recordDeviceActivity(QStringLiteral("gw1"), report), 1);
    Store::Device first = *store->findDevice(deviceId(1));
    QCOMPARE(first.lastSeen, seen);
    QCOMPARE(first.lastReading, stored);
    QCOMPARE(first.signature, Store::SignatureState::Verified);
    QCOMPARE(store->findDevice(deviceId(2))->signature, Store::SignatureState::None);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT id, last_seen_ms, signature_state FROM "
                                            "devices ORDER BY id")),
             (QStringList{deviceId(1) + QStringLiteral("|1700000000123|verified"),
                          deviceId(2) + QStringLiteral("||none")}));

    // The same report again changes nothing, so the GUI reads no rows again.
    const auto revision = *store->devicesRevision();
    QTest::qWait(2);
    QCOMPARE(*store->recordDeviceActivity(QStringLiteral("gw1"), report), 0);
    QCOMPARE(*store->devicesRevision(), revision);
    // A restarted gateway knows nothing yet: the stored activity stays.
    QCOMPARE(*store->recordDeviceActivity(QStringLiteral("gw1"), {{deviceId(1), {}, {}, {}}}), 0);
    QCOMPARE(store->findDevice(deviceId(1))->lastSeen, seen);
    // A bad signature is news.
    QCOMPARE(*store->recordDeviceActivity(
                 QStringLiteral("gw1"),
                 {{deviceId(1), seen.addSecs(10), {}, Store::SignatureState::BadSignature}}),
             1);
    first = *store->findDevice(deviceId(1));
    QCOMPARE(first.signature, Store::SignatureState::BadSignature);
    QCOMPARE(first.lastReading, stored);
    QCOMPARE(first.lastSeen, seen.addSecs(10));
    QVERIFY(*store->devicesRevision() != revision);
}

void TestStore::onlyFailedInstancesAreDeleted()
{
    auto store = openStore();
    QVERIFY(store);
    const auto deviceClass = makeClass(QStringLiteral("c"), Store::Sharing::Shared, 2);
    seed(*store, deviceClass, 2);
    qint64 instanceId = 0;
    for (int n : {1, 2})
        instanceId = store
                         ->placeDevice(deviceId(n), deviceClass, QStringLiteral("local"),
                                       QStringLiteral("tag"))
                         ->instance.id;
    QCOMPARE(store->deleteInstance(instanceId).error().code, std::string("store.conflict"));
    QCOMPARE(store->deleteInstance(instanceId + 100).error().code, std::string("store.not_found"));
    Store::Instance instance = *store->findInstance(instanceId);
    instance.state = Store::InstanceState::Failed;
    QVERIFY(store->updateInstance(instance));
    QVERIFY(store->deleteInstance(instanceId));
    QCOMPARE(store->findInstance(instanceId).error().code, std::string("store.not_found"));
    // The devices stay, unplaced; the next placement makes a new instance in the freed slot.
    QCOMPARE(store->findDevice(deviceId(1))->instanceId, 0);
    auto placed = store->placeDevice(deviceId(1), deviceClass, QStringLiteral("local"),
                                     QStringLiteral("tag"));
    QVERIFY(placed && placed->instanceCreated);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT slot, state FROM instances")),
             QStringList{QStringLiteral("1|requested")});
}

void TestStore::operatorIsTheEffectiveUser()
{
    auto store = openStore();
    QVERIFY(store);
    const struct passwd *entry = ::getpwuid(::geteuid());
    QVERIFY(entry);
    QCOMPARE(store->operatorName(QStringLiteral("cli")),
             QStringLiteral("cli:") + QString::fromLocal8Bit(entry->pw_name));
}

void TestStore::impiAllowanceBindsAtMostItsIds()
{
    auto store = openStore();
    QVERIFY(store);
    const QString impi = QStringLiteral("001010000000001@ims.example");
    QVERIFY(store->bindGatewayImpi(QStringLiteral("gw-1"), impi));
    QVERIFY(store->bindGatewayImpi(QStringLiteral("gw-1"), impi)); // renewal
    auto second = store->bindGatewayImpi(QStringLiteral("gw-2"), impi);
    QVERIFY(!second);
    QCOMPARE(QString::fromStdString(second.error().code), QStringLiteral("naf.impi_bound"));
    auto taken = store->bindGatewayImpi(QStringLiteral("gw-1"), QStringLiteral("other@ims"));
    QVERIFY(!taken);
    QCOMPARE(QString::fromStdString(taken.error().code), QStringLiteral("naf.gateway_taken"));
    QVERIFY(!store->setImpiAllowance(impi, 0));
    QVERIFY(store->setImpiAllowance(impi, 2));
    QCOMPARE(*store->impiAllowance(impi), 2);
    QVERIFY(store->bindGatewayImpi(QStringLiteral("gw-2"), impi));
    QVERIFY(!store->bindGatewayImpi(QStringLiteral("gw-3"), impi));
}

void TestStore::authFailuresAreCountedPerKeyAndMinute()
{
    auto store = openStore();
    QVERIFY(store);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(store->recordAuthFailure(QStringLiteral("127.0.0.9"), QStringLiteral("CN=x"),
                                         QStringLiteral("portal.wrong_identity")));
    QVERIFY(store->recordAuthFailure(QStringLiteral("127.0.0.9"), QStringLiteral("CN=y"),
                                     QStringLiteral("portal.wrong_identity")));
    auto failures = store->authFailures();
    QVERIFY(failures);
    qint64 forX = 0;
    int rowsForX = 0;
    for (const Store::AuthFailure &failure : *failures) {
        if (failure.identity == QLatin1String("CN=x")) {
            forX += failure.count;
            ++rowsForX;
        }
    }
    QCOMPARE(forX, qint64(1000));
    QVERIFY(rowsForX <= 2); // 1,000 in a minute: one row (two if a minute boundary passed)
    QVERIFY(failures->size() <= 3);
}

void TestStore::pulledAuthFailuresAreMergedNotAdded()
{
    auto store = openStore();
    QVERIFY(store);
    const QDateTime minute(QDate(2026, 12, 7), QTime(9, 0), Qt::UTC);
    AuthFailure row{minute.addSecs(17),
                    QStringLiteral("127.0.0.5"),
                    QStringLiteral("0102"),
                    QStringLiteral("m2m.unauthenticated"),
                    3,
                    minute.addSecs(20)};
    QVERIFY(store->mergeAuthFailures(QStringLiteral("instance-4"), {row}));
    // Pulled again later in the same minute: the instance counted more meanwhile.
    row.count = 7;
    row.last = minute.addSecs(40);
    QVERIFY(store->mergeAuthFailures(QStringLiteral("instance-4"), {row}));
    // An older copy (a pull answered out of order) never lowers the count.
    row.count = 2;
    row.last = minute.addSecs(10);
    QVERIFY(store->mergeAuthFailures(QStringLiteral("instance-4"), {row}));
    auto failures = store->authFailures();
    QVERIFY(failures);
    QCOMPARE(failures->size(), 1);
    const AuthFailure &kept = failures->first();
    QCOMPARE(kept.source, QStringLiteral("instance-4/127.0.0.5"));
    QCOMPARE(kept.minute, minute);
    QCOMPARE(kept.count, qint64(7));
    QCOMPARE(kept.last, minute.addSecs(40));
    // Only what changed after a point.
    auto since = store->authFailures(100, minute.addSecs(40));
    QVERIFY(since);
    QVERIFY(since->isEmpty());
}

void TestStore::auditLogNewestFirst()
{
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(store->audit(QStringLiteral("cli"), QStringLiteral("first"), QStringLiteral("x")));
    QVERIFY(store->audit(QStringLiteral("gateway:gw1"), QStringLiteral("second"),
                         QStringLiteral("device:1"), QStringLiteral("why")));
    auto log = store->auditLog(10);
    QVERIFY(log);
    QCOMPARE(log->size(), 2);
    QCOMPARE(log->at(0).action, QStringLiteral("second"));
    QCOMPARE(log->at(0).detail, QStringLiteral("why"));
    QVERIFY(log->at(0).time.isValid());
}

void TestStore::sharedPlacementFillsThenAddsSibling()
{
    auto store = openStore();
    QVERIFY(store);
    const auto deviceClass = makeClass(QStringLiteral("c"), Store::Sharing::Shared, 2);
    seed(*store, deviceClass, 5);
    QList<qint64> placedOn;
    int created = 0;
    for (int i = 1; i <= 5; ++i) {
        auto placement = store->placeDevice(deviceId(i), deviceClass, QStringLiteral("local"),
                                            QStringLiteral("tag"));
        QVERIFY(placement);
        created += placement->instanceCreated ? 1 : 0;
        placedOn << placement->instance.id;
    }
    QCOMPARE(created, 3);
    QCOMPARE(placedOn[0], placedOn[1]);
    QCOMPARE(placedOn[2], placedOn[3]);
    QVERIFY(placedOn[1] != placedOn[2] && placedOn[3] != placedOn[4]);
    // Placing again is idempotent.
    auto again = store->placeDevice(deviceId(3), deviceClass, QStringLiteral("local"),
                                    QStringLiteral("tag"));
    QVERIFY(again && !again->instanceCreated);
    QCOMPARE(again->instance.id, placedOn[2]);
    QCOMPARE(sqlite3(m_path,
                     QStringLiteral("SELECT slot, state, owner_tag FROM instances ORDER BY slot")),
             (QStringList{QStringLiteral("1|requested|tag"), QStringLiteral("2|requested|tag"),
                          QStringLiteral("3|requested|tag")}));
    // A failed instance is not filled again: the next device gets a new slot.
    Store::Instance failed = *store->findInstance(placedOn[4]);
    failed.state = Store::InstanceState::Failed;
    QVERIFY(store->updateInstance(failed));
    Store::Device extra;
    extra.id = deviceId(6);
    extra.publicKey = fakePoint(6);
    extra.className = deviceClass.name;
    QVERIFY(store->insertDevice(extra));
    auto placement = store->placeDevice(deviceId(6), deviceClass, QStringLiteral("local"),
                                        QStringLiteral("tag"));
    QVERIFY(placement && placement->instanceCreated);
    QCOMPARE(placement->instance.slot, 4);
}

void TestStore::dedicatedPlacementIsOnePerDevice()
{
    auto store = openStore();
    QVERIFY(store);
    const auto deviceClass = makeClass(QStringLiteral("d"), Store::Sharing::Dedicated, 1);
    seed(*store, deviceClass, 2);
    auto first = store->placeDevice(deviceId(1), deviceClass, QStringLiteral("local"), {});
    auto second = store->placeDevice(deviceId(2), deviceClass, QStringLiteral("local"), {});
    auto firstAgain = store->placeDevice(deviceId(1), deviceClass, QStringLiteral("local"), {});
    QVERIFY(first && second && firstAgain);
    QVERIFY(first->instanceCreated && second->instanceCreated && !firstAgain->instanceCreated);
    QVERIFY(first->instance.id != second->instance.id);
    QCOMPARE(firstAgain->instance.id, first->instance.id);
    QCOMPARE(first->instance.dedicatedDeviceId, deviceId(1));
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT dedicated_device_id, slot IS NULL FROM "
                                            "instances ORDER BY id")),
             (QStringList{deviceId(1) + QStringLiteral("|1"), deviceId(2) + QStringLiteral("|1")}));
}

void TestStore::placeConcurrently(const Store::DeviceClass &deviceClass, int threads, int perThread)
{
    {
        auto store = openStore();
        QVERIFY(store);
        seed(*store, deviceClass, threads * perThread);
    }
    std::atomic<int> failures{0};
    std::vector<std::unique_ptr<QThread>> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(QThread::create([&, t] {
            // Each worker is its own connection, as each portald process would be.
            auto store = Store::Store::open(m_path);
            if (!store) {
                ++failures;
                return;
            }
            for (int i = 0; i < perThread; ++i) {
                // Interleave the devices so every worker races for the same slots.
                const int n = 1 + i * threads + t;
                if (!(*store)->placeDevice(deviceId(n), deviceClass, QStringLiteral("local"),
                                           QStringLiteral("tag")))
                    ++failures;
            }
        }));
    }
    for (auto &worker : workers)
        worker->start();
    for (auto &worker : workers)
        QVERIFY(worker->wait(60000));
    QCOMPARE(failures.load(), 0);
}

void TestStore::concurrentAttachCreatesExactlyOneInstance()
{
    const auto deviceClass = makeClass(QStringLiteral("shared"), Store::Sharing::Shared, 1000);
    placeConcurrently(deviceClass, 8, 10);
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT COUNT(*) FROM instances")),
             QStringList{QStringLiteral("1")});
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT COUNT(*) FROM devices WHERE instance_id = "
                                            "(SELECT id FROM instances)")),
             QStringList{QStringLiteral("80")});
}

void TestStore::concurrentAttachRespectsCapacity()
{
    const auto deviceClass = makeClass(QStringLiteral("small"), Store::Sharing::Shared, 5);
    placeConcurrently(deviceClass, 8, 5);
    // 40 devices, 5 per instance: exactly 8 instances, each exactly full, no device unplaced.
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT COUNT(*) FROM instances")),
             QStringList{QStringLiteral("8")});
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT DISTINCT COUNT(*) FROM devices GROUP BY "
                                            "instance_id")),
             QStringList{QStringLiteral("5")});
    QCOMPARE(sqlite3(m_path, QStringLiteral("SELECT COUNT(*) FROM devices WHERE instance_id IS "
                                            "NULL")),
             QStringList{QStringLiteral("0")});
}

void TestStore::leaseHasOneHolder()
{
    auto a = openStore();
    auto b = openStore();
    QVERIFY(a && b);
    QCOMPARE(*a->acquireLease(QStringLiteral("leader"), QStringLiteral("A"), 1), true);
    QCOMPARE(*b->acquireLease(QStringLiteral("leader"), QStringLiteral("B"), 1), false);
    QCOMPARE(*a->acquireLease(QStringLiteral("leader"), QStringLiteral("A"), 1), true);
    QTest::qWait(1200);
    QCOMPARE(*b->acquireLease(QStringLiteral("leader"), QStringLiteral("B"), 30), true);
    QCOMPARE(*a->acquireLease(QStringLiteral("leader"), QStringLiteral("A"), 30), false);
    QVERIFY(b->releaseLease(QStringLiteral("leader"), QStringLiteral("B")));
    QCOMPARE(*a->acquireLease(QStringLiteral("leader"), QStringLiteral("A"), 30), true);
}

void TestStore::adminRequestsFinishOnce()
{
    auto asker = openStore();
    auto leader = openStore();
    QVERIFY(asker && leader);
    auto first = asker->requestAdminAction(QStringLiteral("reconcile"), QString(), {},
                                           QStringLiteral("cli"));
    auto second = asker->requestAdminAction(
        QStringLiteral("instance.reprovision"), QStringLiteral("instance:3"),
        {{QStringLiteral("noop"), true}}, QStringLiteral("gui"));
    QVERIFY(first && second);
    QVERIFY(*second > *first);
    auto pending = leader->pendingAdminRequests();
    QVERIFY(pending);
    QCOMPARE(pending->size(), 2);
    QCOMPARE(pending->at(0).id, *first); // oldest first
    QCOMPARE(pending->at(1).subject, QStringLiteral("instance:3"));
    QCOMPARE(pending->at(1).options.value(QStringLiteral("noop")).toBool(), true);
    QCOMPARE(pending->at(1).requestedBy, QStringLiteral("gui"));
    QVERIFY(pending->at(1).requestedAt.isValid());

    QVERIFY(leader->finishAdminRequest(*first, true, QStringLiteral("{\"found\": [1]}")));
    // A finished request never changes again, whoever tries.
    QCOMPARE(leader->finishAdminRequest(*first, false, QStringLiteral("late")).error().code,
             std::string("store.not_found"));
    auto finished = asker->findAdminRequest(*first);
    QVERIFY(finished);
    QCOMPARE(finished->state, Store::AdminRequestState::Done);
    QCOMPARE(finished->result, QStringLiteral("{\"found\": [1]}"));
    QVERIFY(finished->doneAt.isValid());
    QVERIFY(leader->finishAdminRequest(*second, false, QStringLiteral("no such instance")));
    QCOMPARE(asker->findAdminRequest(*second)->state, Store::AdminRequestState::Failed);
    QCOMPARE(leader->pendingAdminRequests()->size(), 0);
    QCOMPARE(asker->findAdminRequest(*second + 100).error().code, std::string("store.not_found"));
}

void TestStore::adminRequestProgressIsBoundedAndEndsWithTheRequest()
{
    auto asker = openStore();
    auto leader = openStore();
    QVERIFY(asker && leader);
    const qint64 id =
        *asker->requestAdminAction(QStringLiteral("instance.reprovision"),
                                   QStringLiteral("instance:1"), {}, QStringLiteral("gui"));
    QVERIFY(leader->appendAdminRequestProgress(id, QStringLiteral("connecting\n")));
    QVERIFY(leader->appendAdminRequestProgress(id, QStringLiteral("Notice: applied\n")));
    QCOMPARE(asker->findAdminRequest(id)->progress,
             QStringLiteral("connecting\nNotice: applied\n"));
    // Full: more is dropped, what is there stays whole.
    const QString big(Store::Store::kMaxAdminProgressChars - 30, QLatin1Char('x'));
    QVERIFY(leader->appendAdminRequestProgress(id, big));
    QVERIFY(leader->appendAdminRequestProgress(id, QStringLiteral("one line too many\n")));
    QCOMPARE(asker->findAdminRequest(id)->progress.size(), 27 + big.size());
    QVERIFY(leader->finishAdminRequest(id, true, QStringLiteral("done")));
    QVERIFY(leader->appendAdminRequestProgress(id, QStringLiteral("late\n")));
    QVERIFY(!asker->findAdminRequest(id)->progress.contains(QStringLiteral("late")));
}

void TestStore::adminRequestsOutOfBoundsWriteNothing_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("requestedBy");
    QTest::addColumn<int>("optionChars");
    QTest::newRow("empty action") << QString() << QString() << "cli" << 0;
    QTest::newRow("action not a name") << "re concile" << QString() << "cli" << 0;
    QTest::newRow("subject 201 chars")
        << "reconcile" << QString(201, QLatin1Char('s')) << "cli" << 0;
    QTest::newRow("requester 101 chars")
        << "reconcile" << QString() << QString(101, QLatin1Char('r')) << 0;
    QTest::newRow("options over 4 KiB") << "reconcile" << QString() << "cli" << 4100;
}

void TestStore::adminRequestsOutOfBoundsWriteNothing()
{
    QFETCH(QString, action);
    QFETCH(QString, subject);
    QFETCH(QString, requestedBy);
    QFETCH(int, optionChars);
    auto store = openStore();
    QVERIFY(store);
    QJsonObject options;
    if (optionChars > 0)
        options.insert(QStringLiteral("note"), QString(optionChars, QLatin1Char('n')));
    QCOMPARE(store->requestAdminAction(action, subject, options, requestedBy).error().code,
             std::string("store.invalid"));
    QCOMPARE(store->pendingAdminRequests()->size(), 0);
}

void TestStore::policiesKeepTombstones()
{
    auto store = openStore();
    QVERIFY(store);
    const QJsonObject viewer =
        QJsonDocument::fromJson(
            R"({"m2m:acp": {"pv": {"acr": [{"acor": ["Cviewer"], "acop": 2}]}}})")
            .object();
    QVERIFY(store->upsertPolicy({QStringLiteral("viewers"), viewer, false, {}}));
    QVERIFY(store->upsertPolicy({QStringLiteral("ops"), viewer, false, {}}));
    QCOMPARE(store->policies()->size(), 2);
    QCOMPARE(store->policies()->first().name, QStringLiteral("ops"));
    QCOMPARE(store->policies()->last().document, viewer);

    QVERIFY(store->deletePolicy(QStringLiteral("ops")));
    QCOMPARE(store->deletePolicy(QStringLiteral("ops")).error().code,
             std::string("store.not_found"));
    QCOMPARE(store->policies()->size(), 1);
    auto all = store->policies(true);
    QCOMPARE(all->size(), 2);
    QVERIFY(all->first().deleted);
    QVERIFY(all->first().updatedAt.isValid());
    // Saving it again brings it back.
    QVERIFY(store->upsertPolicy({QStringLiteral("ops"), viewer, false, {}}));
    QCOMPARE(store->policies()->size(), 2);

    // Out of bounds: nothing written.
    QCOMPARE(store->upsertPolicy({QStringLiteral("bad name"), viewer, false, {}}).error().code,
             std::string("store.invalid"));
    QCOMPARE(store->upsertPolicy({QStringLiteral("x"), QJsonObject{{"m2m:ae", 1}}, false, {}})
                 .error()
                 .code,
             std::string("store.invalid"));
    QJsonObject huge = viewer;
    huge.insert(QStringLiteral("pad"), QString(Store::Store::kMaxPolicyBytes, QLatin1Char('a')));
    QCOMPARE(store->upsertPolicy({QStringLiteral("huge"), huge, false, {}}).error().code,
             std::string("store.invalid"));
    QCOMPARE(store->policies(true)->size(), 2);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
