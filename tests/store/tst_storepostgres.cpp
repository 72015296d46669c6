// Portal::Store on a real PostgreSQL 15 (started by the test in a temporary directory,
// listening only on a Unix socket there, so no TCP port is involved): the same migrations,
// and placement from many connections at once — as several iot-portald processes sharing one
// database would — creating exactly one instance per slot, and enrolments binding at most
// one gateway id per subscriber. psql, an independent client, reads the result. Skipped when
// PostgreSQL's server binaries or the `postgres` user are missing (scripts/install-deps
// installs them).

#include "tests/support/postgresserver.h"

#include <portal-core/store/store.h>

#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace Portal;

namespace {

QString deviceId(int n)
{
    return QStringLiteral("%1").arg(n, 16, 16, QLatin1Char('0'));
}

} // namespace

class TestStorePostgres : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void migratesAndRoundTrips();
    void concurrentPlacementCreatesOneInstancePerSlot_data();
    void concurrentPlacementCreatesOneInstancePerSlot();
    void concurrentEnrolmentsBindOneIdPerImpi();
    void leaseHasOneHolder();
    void adminRequestsFinishOnce();
    void changesAreNotified();

private:
    QStringList psql(const QString &sql);

    Testing::PostgresServer m_server;
    QString m_url;
};

void TestStorePostgres::initTestCase()
{
    if (!Testing::PostgresServer::isInstalled())
        QSKIP("PostgreSQL server binaries are not installed");
    QVERIFY2(m_server.start(), m_server.output().constData());
    m_url = m_server.url();
}

void TestStorePostgres::cleanupTestCase()
{
    m_server.stop();
}

QStringList TestStorePostgres::psql(const QString &sql)
{
    return m_server.psql(sql);
}

void TestStorePostgres::migratesAndRoundTrips()
{
    auto store = Store::Store::open(m_url);
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    QVERIFY((*store)->isPostgres());
    QCOMPARE(*(*store)->schemaVersion(), Store::Store::latestSchemaVersion());
    QCOMPARE(psql(QStringLiteral("SELECT MAX(version) FROM schema_migrations")),
             QStringList{QString::number(Store::Store::latestSchemaVersion())});
    QVERIFY((*store)->upsertTemplate({QStringLiteral("small"), {}}));
    Store::DeviceClass deviceClass;
    deviceClass.name = QStringLiteral("probe");
    deviceClass.templateName = QStringLiteral("small");
    QVERIFY((*store)->upsertDeviceClass(deviceClass));
    Store::Device device;
    device.id = deviceId(0xfff);
    device.publicKey = QByteArray(65, '\x07');
    device.publicKey[0] = 0x04;
    device.className = deviceClass.name;
    QVERIFY((*store)->insertDevice(device));
    QCOMPARE((*store)->findDevice(device.id)->publicKey, device.publicKey);
    QCOMPARE((*store)->insertDevice(device).error().code, std::string("store.conflict"));
    QCOMPARE(psql(QStringLiteral("SELECT state, gateway_id IS NULL FROM devices")),
             QStringList{QStringLiteral("pending|t")});
    QVERIFY((*store)->ensureGateway(QStringLiteral("gw-pg")));
    device.gatewayId = QStringLiteral("gw-pg");
    QVERIFY((*store)->updateDevice(device));
    const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    QCOMPARE(*(*store)->recordDeviceActivity(
                 QStringLiteral("gw-pg"),
                 {{device.id, seen, seen, Store::SignatureState::BadSignature}}),
             1);
    QCOMPARE(psql(QStringLiteral("SELECT last_seen_ms, signature_state FROM devices")),
             QStringList{QStringLiteral("1700000000123|bad_signature")});
    // A second connection opening the migrated database applies nothing.
    auto second = Store::Store::open(m_url);
    QVERIFY(second);
}

void TestStorePostgres::concurrentPlacementCreatesOneInstancePerSlot_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("expectedInstances");
    QTest::newRow("one instance for all") << 1000 << 1;
    QTest::newRow("capacity 5: eight full instances") << 5 << 8;
}

void TestStorePostgres::concurrentPlacementCreatesOneInstancePerSlot()
{
    QFETCH(int, capacity);
    QFETCH(int, expectedInstances);
    const int threads = 8;
    const int perThread = 5;
    const QString className = QStringLiteral("shared-%1").arg(capacity);
    Store::DeviceClass deviceClass;
    deviceClass.name = className;
    deviceClass.templateName = QStringLiteral("small");
    deviceClass.capacity = capacity;
    {
        auto store = Store::Store::open(m_url);
        QVERIFY(store);
        QVERIFY((*store)->upsertDeviceClass(deviceClass));
        for (int i = 1; i <= threads * perThread; ++i) {
            Store::Device device;
            device.id = deviceId(capacity * 1000 + i);
            device.publicKey = QByteArray(65, char(i));
            device.publicKey[0] = 0x04;
            device.className = className;
            QVERIFY((*store)->insertDevice(device));
        }
    }
    std::atomic<int> failures{0};
    std::vector<std::unique_ptr<QThread>> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(QThread::create([&, t] {
            auto store = Store::Store::open(m_url);
            if (!store) {
                ++failures;
                return;
            }
            for (int i = 0; i < perThread; ++i) {
                const int n = capacity * 1000 + 1 + i * threads + t;
                if (!(*store)->placeDevice(deviceId(n), deviceClass, QStringLiteral("local"),
                                           QStringLiteral("tag")))
                    ++failures;
            }
        }));
    }
    for (auto &worker : workers)
        worker->start();
    for (auto &worker : workers)
        QVERIFY(worker->wait(120000));
    QCOMPARE(failures.load(), 0);
    QCOMPARE(psql(QStringLiteral("SELECT COUNT(*) FROM instances WHERE class_name = '%1'")
                      .arg(className)),
             QStringList{QString::number(expectedInstances)});
    QCOMPARE(psql(QStringLiteral("SELECT COUNT(*) FROM devices WHERE class_name = '%1' AND "
                                 "instance_id IS NULL")
                      .arg(className)),
             QStringList{QStringLiteral("0")});
    QCOMPARE(psql(QStringLiteral("SELECT MAX(n) <= %2 FROM (SELECT COUNT(*) AS n FROM devices "
                                 "WHERE class_name = '%1' GROUP BY instance_id) counts")
                      .arg(className)
                      .arg(capacity)),
             QStringList{QStringLiteral("t")});
}

void TestStorePostgres::concurrentEnrolmentsBindOneIdPerImpi()
{
    // As NAFs of several portalds would: each connection enrols its own gateway id for every
    // subscriber at about the same time; each subscriber may have one id (the default).
    const int threads = 8;
    const int subscribers = 200;
    std::atomic<int> errors{0};
    std::atomic<int> bound{0};
    std::atomic<int> ready{0}; // all connections open before the first enrolment
    std::vector<std::unique_ptr<QThread>> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(QThread::create([&, t] {
            auto store = Store::Store::open(m_url);
            ++ready;
            if (!store) {
                ++errors;
                return;
            }
            while (ready.load() < threads)
                QThread::yieldCurrentThread();
            for (int i = 0; i < subscribers; ++i) {
                auto result = (*store)->bindGatewayImpi(QStringLiteral("gw-%1-%2").arg(i).arg(t),
                                                        QStringLiteral("race-%1@ims").arg(i));
                if (result)
                    ++bound;
                else if (result.error().code != "naf.impi_bound")
                    ++errors;
            }
        }));
    }
    for (auto &worker : workers)
        worker->start();
    for (auto &worker : workers)
        QVERIFY(worker->wait(120000));
    QCOMPARE(errors.load(), 0);
    QCOMPARE(bound.load(), subscribers);
    QCOMPARE(psql(QStringLiteral("SELECT COUNT(*) FROM (SELECT impi FROM gateways WHERE impi LIKE "
                                 "'race-%' GROUP BY impi HAVING COUNT(*) > 1) doubled")),
             QStringList{QStringLiteral("0")});
}

void TestStorePostgres::leaseHasOneHolder()
{
    auto a = Store::Store::open(m_url);
    auto b = Store::Store::open(m_url);
    QVERIFY(a && b);
    QCOMPARE(*(*a)->acquireLease(QStringLiteral("leader"), QStringLiteral("A"), 30), true);
    QCOMPARE(*(*b)->acquireLease(QStringLiteral("leader"), QStringLiteral("B"), 30), false);
    QVERIFY((*a)->releaseLease(QStringLiteral("leader"), QStringLiteral("A")));
    QCOMPARE(*(*b)->acquireLease(QStringLiteral("leader"), QStringLiteral("B"), 30), true);
}

void TestStorePostgres::adminRequestsFinishOnce()
{
    auto asker = Store::Store::open(m_url);
    auto leader = Store::Store::open(m_url);
    QVERIFY(asker && leader);
    auto id = (*asker)->requestAdminAction(QStringLiteral("reconcile"), QString(), {},
                                           QStringLiteral("cli"));
    QVERIFY2(id, id ? "" : id.error().message.c_str());
    QCOMPARE((*leader)->pendingAdminRequests()->value(0).id, *id);
    QVERIFY((*leader)->appendAdminRequestProgress(*id, QStringLiteral("line 1\n")));
    QVERIFY((*leader)->appendAdminRequestProgress(*id, QStringLiteral("line 2\n")));
    QCOMPARE((*asker)->findAdminRequest(*id)->progress, QStringLiteral("line 1\nline 2\n"));
    QVERIFY((*leader)->finishAdminRequest(*id, true, QStringLiteral("report")));
    QCOMPARE((*leader)->finishAdminRequest(*id, true, QStringLiteral("again")).error().code,
             std::string("store.not_found"));
    QCOMPARE((*asker)->findAdminRequest(*id)->result, QStringLiteral("report"));
    QCOMPARE(psql(QStringLiteral("SELECT state FROM admin_requests")),
             QStringList{QStringLiteral("done")});
}

void TestStorePostgres::changesAreNotified()
{
    auto watcher = Store::Store::open(m_url);
    QVERIFY2(watcher, watcher ? "" : watcher.error().message.c_str());
    auto writer = Store::Store::open(m_url);
    QVERIFY2(writer, writer ? "" : writer.error().message.c_str());
    QObject context;
    QStringList tables;
    QVERIFY((*watcher)->listenForChanges(
        &context, [&tables](const QString &table) { tables.append(table); }));
    // Another connection (as another iot-portald would) changes two tables.
    QVERIFY((*writer)->upsertTemplate({QStringLiteral("notified"), {}}));
    QVERIFY((*writer)->audit(QStringLiteral("test"), QStringLiteral("x"), QStringLiteral("y")));
    QTRY_VERIFY_WITH_TIMEOUT(tables.contains(QLatin1String("vm_templates")) &&
                                 tables.contains(QLatin1String("audit_log")),
                             10000);
    QVERIFY(!tables.contains(QLatin1String("devices")));
}

QTEST_GUILESS_MAIN(TestStorePostgres)
#include "tst_storepostgres.moc"
