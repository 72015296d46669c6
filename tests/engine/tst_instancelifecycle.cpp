// The instance life cycle's one table (portal-core/engine/instancelifecycle.h): every state
// and event, allowed or not, checked against the life cycle as DESIGN §5 states it; the
// per-state timeouts; and PortalEngine applying them over a real SQLite store with a FAKE
// backend and a FAKE clock (tests/support/fakecloudbackend.h; the clock is the engine's
// EngineConfig::clock), so a 30-minute timeout takes no time. tst_attach, tst_portald and
// the OpenStack tests run the same life cycle on real machines.

#include "tests/support/fakecloudbackend.h"

#include <portal-core/engine/instancelifecycle.h>
#include <portal-core/engine/portalengine.h>
#include <portal-core/store/store.h>

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <set>

using namespace Portal;
using Engine::InstanceLifeCycle::Event;
using State = Store::InstanceState;

Q_DECLARE_METATYPE(Event)
Q_DECLARE_METATYPE(Store::InstanceState)

namespace {

constexpr State kStates[] = {State::Requested, State::Building, State::Configuring, State::Ready,
                             State::Failed};
constexpr Event kEvents[] = {Event::MachineBuilding,   Event::MachineRunning, Event::MachineFailed,
                             Event::MachineVanished,   Event::AddressChanged, Event::Configured,
                             Event::ConfiguringFailed, Event::Reprovisioned,  Event::Deleted,
                             Event::TimedOut};

// The life cycle as DESIGN §5 and the admin requests describe it, written out here on its own
// so a change of the table is a change of this test too.
std::optional<State> expected(State from, Event event)
{
    const bool live = from != State::Failed;
    switch (event) {
    case Event::MachineBuilding:
        return from == State::Requested ? std::optional(State::Building) : std::nullopt;
    case Event::MachineRunning:
        return from == State::Requested || from == State::Building
                   ? std::optional(State::Configuring)
                   : std::nullopt;
    case Event::MachineFailed:
    case Event::Deleted:
        return live ? std::optional(State::Failed) : std::nullopt;
    case Event::MachineVanished:
        return from == State::Configuring || from == State::Ready ? std::optional(State::Failed)
                                                                  : std::nullopt;
    case Event::AddressChanged:
        return from == State::Configuring || from == State::Ready ? std::optional(from)
                                                                  : std::nullopt;
    case Event::Configured:
        return from == State::Configuring ? std::optional(State::Ready) : std::nullopt;
    case Event::ConfiguringFailed:
        return from == State::Configuring ? std::optional(State::Failed) : std::nullopt;
    case Event::Reprovisioned:
        return from == State::Failed ? std::optional(State::Ready) : std::nullopt;
    case Event::TimedOut:
        return live && from != State::Ready ? std::optional(State::Failed) : std::nullopt;
    }
    return std::nullopt;
}

// What a backend reports of a machine that runs (nothing listens there: no test needs it to).
Cloud::InstanceStatus runningMachine()
{
    Cloud::InstanceStatus running;
    running.state = Cloud::InstanceStatus::State::Running;
    running.url = QStringLiteral("https://127.0.0.1:9");
    running.port = 9;
    return running;
}

} // namespace

class TestInstanceLifeCycle : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    // The store stamps instances with the system clock: each test's fake clock starts there.
    void init() { m_now = QDateTime::currentDateTimeUtc(); }
    void everyTransition_data();
    void everyTransition();
    void tableHasOneRowPerPair();
    void timeouts_data();
    void timeouts();
    void engineFailsAnInstanceStuckBuilding();
    void engineConfiguresARunningMachine();

private:
    // A device of the shared class attached by gw1: its instance is requested.
    qint64 attachDevice(const QString &deviceId);
    Store::Instance instance(qint64 id);

    QTemporaryDir m_dir;
    std::unique_ptr<Store::Store> m_store;
    Testing::FakeCloudBackend m_backend;
    QDateTime m_now = QDateTime::currentDateTimeUtc();
    std::unique_ptr<Engine::PortalEngine> m_engine;
    int m_slot = 0;
};

void TestInstanceLifeCycle::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    QVERIFY(m_store->upsertTemplate({QStringLiteral("small"), {}}));
    Store::DeviceClass meters;
    meters.name = QStringLiteral("meters");
    meters.templateName = QStringLiteral("small");
    meters.sharing = Store::Sharing::Dedicated;
    meters.enrolment = Store::Enrolment::Open;
    QVERIFY(m_store->upsertDeviceClass(meters));
    Engine::EngineConfig config;
    config.tickMs = 60'000; // ticks only when the test (or the backend's signal) asks
    config.clock = [this] { return m_now; };
    m_engine = std::make_unique<Engine::PortalEngine>(
        *m_store, m_backend, QSslConfiguration(), Engine::DeviceCredentials(QByteArray(32, 'k')),
        config);
    m_engine->start();
    QVERIFY(m_engine->isLeader());
}

void TestInstanceLifeCycle::everyTransition_data()
{
    QTest::addColumn<State>("from");
    QTest::addColumn<Event>("event");
    for (const State from : kStates) {
        for (const Event event : kEvents) {
            const auto to = expected(from, event);
            QTest::addRow("%s + %s → %s", qPrintable(Store::toText(from)),
                          Engine::InstanceLifeCycle::toText(event),
                          to ? qPrintable(Store::toText(*to)) : "refused")
                << from << event;
        }
    }
}

void TestInstanceLifeCycle::everyTransition()
{
    QFETCH(State, from);
    QFETCH(Event, event);
    QCOMPARE(Engine::InstanceLifeCycle::next(from, event), expected(from, event));
}

void TestInstanceLifeCycle::tableHasOneRowPerPair()
{
    std::set<std::pair<int, int>> seen;
    for (const auto &transition : Engine::InstanceLifeCycle::kTransitions)
        QVERIFY(seen.insert({int(transition.from), int(transition.event)}).second);
}

void TestInstanceLifeCycle::timeouts_data()
{
    QTest::addColumn<State>("state");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<bool>("timedOut");
    const qint64 minute = 60'000;
    QTest::newRow("requested 10 min") << State::Requested << 10 * minute << false;
    QTest::newRow("requested 10 min + 1 ms") << State::Requested << 10 * minute + 1 << true;
    QTest::newRow("building 29 min") << State::Building << 29 * minute << false;
    QTest::newRow("building 31 min") << State::Building << 31 * minute << true;
    QTest::newRow("configuring 31 min") << State::Configuring << 31 * minute << true;
    QTest::newRow("ready a year") << State::Ready << 365 * 24 * 60 * minute << false;
    QTest::newRow("failed a year") << State::Failed << 365 * 24 * 60 * minute << false;
}

void TestInstanceLifeCycle::timeouts()
{
    QFETCH(State, state);
    QFETCH(qint64, elapsedMs);
    QFETCH(bool, timedOut);
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    QCOMPARE(Engine::InstanceLifeCycle::hasTimedOut(state, since, since.addMSecs(elapsedMs)),
             timedOut);
    QVERIFY(!Engine::InstanceLifeCycle::hasTimedOut(state, QDateTime(), since));
}

qint64 TestInstanceLifeCycle::attachDevice(const QString &deviceId)
{
    Engine::AttachRequest request;
    request.deviceId = deviceId;
    request.publicKey = QByteArray(65, char(m_slot + 1));
    request.publicKey[0] = 0x04;
    ++m_slot;
    auto attached = m_engine->attach(QStringLiteral("gw1"), request);
    if (!attached)
        qWarning() << attached.error().message.c_str();
    auto device = m_store->findDevice(deviceId);
    return device ? device->instanceId : 0;
}

Store::Instance TestInstanceLifeCycle::instance(qint64 id)
{
    auto found = m_store->findInstance(id);
    return found ? *found : Store::Instance();
}

void TestInstanceLifeCycle::engineFailsAnInstanceStuckBuilding()
{
    const QString deviceId = QStringLiteral("00000000000000e1");
    const qint64 id = attachDevice(deviceId);
    QVERIFY(id != 0);
    m_engine->tick();
    QVERIFY(m_backend.created().contains(id));
    QCOMPARE(instance(id).state, State::Building);
    m_now = m_now.addSecs(29 * 60);
    m_engine->tick();
    QCOMPARE(instance(id).state, State::Building);
    m_now = m_now.addSecs(2 * 60);
    m_engine->tick();
    QCOMPARE(instance(id).state, State::Failed);
    QCOMPARE(instance(id).reason, QStringLiteral("building for more than 30 min"));
    auto device = m_store->findDevice(deviceId);
    QVERIFY(device);
    QCOMPARE(device->state, Store::DeviceState::Failed);
    // A failed instance is not supervised: its machine running later moves nothing.
    const Cloud::InstanceStatus running = runningMachine();
    m_backend.setStatus(id, running);
    m_engine->tick();
    QCOMPARE(instance(id).state, State::Failed);
}

void TestInstanceLifeCycle::engineConfiguresARunningMachine()
{
    const qint64 id = attachDevice(QStringLiteral("00000000000000e2"));
    QVERIFY(id != 0);
    m_engine->tick();
    QCOMPARE(instance(id).state, State::Building);
    const Cloud::InstanceStatus running = runningMachine();
    m_backend.setStatus(id, running);
    m_engine->tick();
    // No SSH target: the configuring step is skipped and the instance is ready at once.
    QTRY_COMPARE(instance(id).state, State::Ready);
    QCOMPARE(instance(id).url, running.url);
    // Ready has no timeout.
    m_now = m_now.addDays(30);
    m_engine->tick();
    QCOMPARE(instance(id).state, State::Ready);
}

QTEST_GUILESS_MAIN(TestInstanceLifeCycle)
#include "tst_instancelifecycle.moc"
