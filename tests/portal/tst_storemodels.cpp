// The admin GUI's table models (app/portal storemodels) over a real SQLite store: each passes
// QAbstractItemModelTester, and a refresh applies only the difference, so persistent indexes
// (the views' selection) survive rows changing, arriving and leaving.

#include <app/portal/storemodels.h>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Portal;

namespace {

QByteArray fakePoint(int n)
{
    QByteArray point(65, char(n));
    point[0] = 0x04;
    return point;
}

QString deviceId(int n)
{
    return QStringLiteral("%1").arg(n, 16, 16, QLatin1Char('0'));
}

} // namespace

class TestStoreModels : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyModelPassesTheTester_data();
    void everyModelPassesTheTester();
    void refreshKeepsRowsThatStay();
    void timesSortInTimeOrderAndShowAsText();
    void liveness_data();
    void liveness();

private:
    std::unique_ptr<Gui::StoreTableModel> makeModel(const QString &kind);
    QTemporaryDir m_dir;
    std::unique_ptr<Store::Store> m_store;
};

void TestStoreModels::initTestCase()
{
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    Store::VmTemplate small;
    small.name = QStringLiteral("small");
    small.spec.insert(QStringLiteral("image"), QStringLiteral("cirros"));
    small.spec.insert(QStringLiteral("securityGroups"),
                      QJsonArray{QStringLiteral("a"), QStringLiteral("b")});
    QVERIFY(m_store->upsertTemplate(small));
    Store::DeviceClass meters;
    meters.name = QStringLiteral("meters");
    meters.vendor = QStringLiteral("acme");
    meters.templateName = QStringLiteral("small");
    meters.capacity = 2;
    QVERIFY(m_store->upsertDeviceClass(meters));
    for (int n = 1; n <= 3; ++n) {
        Store::Device device;
        device.id = deviceId(n);
        device.publicKey = fakePoint(n);
        device.className = meters.name;
        QVERIFY(m_store->insertDevice(device));
        QVERIFY(m_store->placeDevice(device.id, meters, QStringLiteral("local"),
                                     QStringLiteral("iot-portal")));
    }
    Store::Gateway gateway;
    gateway.id = QStringLiteral("gw-1");
    gateway.lastHeartbeat = QDateTime::currentDateTimeUtc();
    gateway.version = QStringLiteral("1.0");
    QVERIFY(m_store->recordHeartbeat(gateway));
    const QJsonObject viewers =
        QJsonDocument::fromJson(
            R"({"m2m:acp": {"pv": {"acr": [{"acor": ["Cviewer"], "acop": 2}]}}})")
            .object();
    QVERIFY(m_store->upsertPolicy({QStringLiteral("viewers"), viewers, false, {}}));
    QVERIFY(m_store->upsertPolicy({QStringLiteral("gone"), viewers, false, {}}));
    QVERIFY(m_store->deletePolicy(QStringLiteral("gone"))); // a tombstone is not a row
    QVERIFY(m_store->audit(QStringLiteral("cli"), QStringLiteral("template.save"),
                           QStringLiteral("template:small")));
}

void TestStoreModels::timesSortInTimeOrderAndShowAsText()
{
    // Two gateways whose heartbeats are months apart: as text ("9.10." vs "10.9.") they sort
    // the wrong way round in many locales; by SortRole they sort in time order.
    for (const auto &[id, time] :
         {std::pair{QStringLiteral("gw-late"), QDateTime(QDate(2026, 10, 9), QTime(8, 0), Qt::UTC)},
          std::pair{QStringLiteral("gw-early"),
                    QDateTime(QDate(2026, 9, 10), QTime(8, 0), Qt::UTC)}}) {
        Store::Gateway gateway;
        gateway.id = id;
        gateway.lastHeartbeat = time;
        QVERIFY(m_store->recordHeartbeat(gateway));
    }
    Gui::GatewayModel model(*m_store);
    model.refresh();
    constexpr int kLastSeen = 3;
    QCOMPARE(model.headerData(kLastSeen, Qt::Horizontal).toString(), QStringLiteral("Last seen"));
    const QModelIndex late = model.index(model.rowOfKey(QStringLiteral("gw-late")), kLastSeen);
    QCOMPARE(late.data(Gui::StoreTableModel::SortRole).toDateTime(),
             QDateTime(QDate(2026, 10, 9), QTime(8, 0), Qt::UTC));
    QCOMPARE(late.data().toString(),
             Gui::timeText(QDateTime(QDate(2026, 10, 9), QTime(8, 0), Qt::UTC)));
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(Gui::StoreTableModel::SortRole);
    proxy.sort(kLastSeen, Qt::AscendingOrder);
    QStringList order;
    for (int row = 0; row < proxy.rowCount(); ++row)
        order.append(proxy.index(row, 0).data().toString());
    QVERIFY2(order.indexOf(QStringLiteral("gw-early")) < order.indexOf(QStringLiteral("gw-late")),
             qPrintable(order.join(' ')));
    QVERIFY2(order.indexOf(QStringLiteral("gw-late")) < order.indexOf(QStringLiteral("gw-1")),
             qPrintable(order.join(' '))); // gw-1's heartbeat is now
}

std::unique_ptr<Gui::StoreTableModel> TestStoreModels::makeModel(const QString &kind)
{
    if (kind == QLatin1String("gateways"))
        return std::make_unique<Gui::GatewayModel>(*m_store);
    if (kind == QLatin1String("devices"))
        return std::make_unique<Gui::DeviceModel>(*m_store);
    if (kind == QLatin1String("instances"))
        return std::make_unique<Gui::InstanceModel>(*m_store);
    if (kind == QLatin1String("templates"))
        return std::make_unique<Gui::TemplateModel>(*m_store);
    if (kind == QLatin1String("classes"))
        return std::make_unique<Gui::ClassModel>(*m_store);
    if (kind == QLatin1String("policies"))
        return std::make_unique<Gui::PolicyModel>(*m_store);
    return std::make_unique<Gui::AuditModel>(*m_store);
}

void TestStoreModels::everyModelPassesTheTester_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("firstKey");
    QTest::newRow("gateways") << "gateways" << 1 << "gw-1";
    QTest::newRow("devices") << "devices" << 3 << deviceId(1);
    QTest::newRow("instances") << "instances" << 2 << "1"; // capacity 2: two shared slots
    QTest::newRow("templates") << "templates" << 1 << "small";
    QTest::newRow("classes") << "classes" << 1 << "meters";
    QTest::newRow("policies") << "policies" << 1 << "viewers";
    QTest::newRow("audit") << "audit" << 1 << QString();
}

void TestStoreModels::everyModelPassesTheTester()
{
    QFETCH(QString, kind);
    QFETCH(int, rows);
    QFETCH(QString, firstKey);
    auto model = makeModel(kind);
    QAbstractItemModelTester tester(model.get(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model->refresh();
    QVERIFY(!model->lastError());
    QCOMPARE(model->rowCount(), rows);
    QVERIFY(model->columnCount() >= 5);
    if (!firstKey.isEmpty())
        QCOMPARE(model->keyAt(0), firstKey);
    for (int column = 0; column < model->columnCount(); ++column)
        QVERIFY(!model->headerData(column, Qt::Horizontal).toString().isEmpty());
    model->refresh(); // unchanged: no signals the tester would object to
    QCOMPARE(model->rowCount(), rows);
}

void TestStoreModels::refreshKeepsRowsThatStay()
{
    Gui::DeviceModel model(*m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.refresh();
    const QPersistentModelIndex second = model.index(model.rowOfKey(deviceId(2)), 0);
    QVERIFY(second.isValid());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    auto device = m_store->findDevice(deviceId(2));
    device->state = Store::DeviceState::Ready;
    QVERIFY(m_store->updateDevice(*device));
    Store::Device fourth;
    fourth.id = deviceId(4);
    fourth.publicKey = fakePoint(4);
    fourth.className = QStringLiteral("meters");
    QVERIFY(m_store->insertDevice(fourth));
    QVERIFY(m_store->deleteDevice(deviceId(1)));
    model.refresh();

    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(removed.count(), 1);
    QVERIFY(second.isValid());
    QCOMPARE(second.data(Gui::StoreTableModel::KeyRole).toString(), deviceId(2));
    QCOMPARE(second.data(Gui::StoreTableModel::TagRole).toString(), QStringLiteral("ready"));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOfKey(deviceId(1)), -1);
    QVERIFY(model.rowOfKey(deviceId(4)) >= 0);

    // Nothing changed: no signal at all. One device changed: only its row, read alone.
    changed.clear();
    inserted.clear();
    removed.clear();
    model.refresh();
    QCOMPARE(changed.count() + inserted.count() + removed.count(), 0);
    QTest::qWait(2); // updated_ms moves on
    device = m_store->findDevice(deviceId(3));
    device->reason = QStringLiteral("checked");
    QVERIFY(m_store->updateDevice(*device));
    model.refresh();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().value<QModelIndex>().row(), model.rowOfKey(deviceId(3)));
    QCOMPARE(inserted.count() + removed.count() + reset.count(), 0);
}

void TestStoreModels::liveness_data()
{
    QTest::addColumn<int>("ageS");
    QTest::addColumn<int>("expected");
    QTest::newRow("just now") << 0 << int(Gui::Liveness::Online);
    QTest::newRow("three intervals") << 30 << int(Gui::Liveness::Online);
    QTest::newRow("a minute") << 60 << int(Gui::Liveness::Stale);
    QTest::newRow("ten minutes") << 600 << int(Gui::Liveness::Offline);
    QTest::newRow("never") << -1 << int(Gui::Liveness::Offline);
}

void TestStoreModels::liveness()
{
    QFETCH(int, ageS);
    QFETCH(int, expected);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(int(Gui::gatewayLiveness(ageS < 0 ? QDateTime() : now.addSecs(-ageS), now)), expected);
}

QTEST_MAIN(TestStoreModels)
#include "tst_storemodels.moc"
