// Device class matching (DESIGN §5): most specific wins, ties by priority, then by name; the
// expected winners below are worked out by hand from that rule.

#include <portal-core/engine/classmatcher.h>

#include <QTest>

#include <algorithm>

using namespace Portal;

namespace {

Store::DeviceClass makeClass(const char *name, const char *vendor, const char *type,
                             const char *subscriber, int priority)
{
    Store::DeviceClass deviceClass;
    deviceClass.name = QLatin1String(name);
    deviceClass.vendor = QLatin1String(vendor);
    deviceClass.type = QLatin1String(type);
    deviceClass.subscriber = QLatin1String(subscriber);
    deviceClass.priority = priority;
    deviceClass.templateName = QStringLiteral("t");
    return deviceClass;
}

QList<Store::DeviceClass> catalogue()
{
    return {
        makeClass("any", "", "", "", 0),
        makeClass("acme", "acme", "", "", 0),
        makeClass("acme-temp", "acme", "temp", "", 0),
        makeClass("temp-high", "", "temp", "", 5),
        makeClass("acme-temp-op1", "acme", "temp", "op1", -3),
        makeClass("beta-b", "beta", "", "", 1),
        makeClass("beta-a", "beta", "", "", 1),
        makeClass("gamma-low", "gamma", "", "", 0),
        makeClass("gamma-high", "gamma", "", "", 9),
        makeClass("op7", "", "", "op7", 0),
    };
}

} // namespace

class TestClassMatch : public QObject
{
    Q_OBJECT

private slots:
    void matchesMostSpecific_data();
    void matchesMostSpecific();
    void noMatchWithoutCatchAll();
    void specificityCountsNamedAttributes();
};

void TestClassMatch::matchesMostSpecific_data()
{
    QTest::addColumn<QString>("vendor");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("subscriber");
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing specific: catch-all") << "zeta"
                                                 << "humid"
                                                 << "op9"
                                                 << "any";
    QTest::newRow("vendor only") << "acme"
                                 << "humid"
                                 << "op9"
                                 << "acme";
    QTest::newRow("vendor+type beats type with higher priority") << "acme"
                                                                 << "temp"
                                                                 << "op9"
                                                                 << "acme-temp";
    QTest::newRow("all three beat everything despite negative priority") << "acme"
                                                                         << "temp"
                                                                         << "op1"
                                                                         << "acme-temp-op1";
    QTest::newRow("type only: one attribute beats catch-all") << "zeta"
                                                              << "temp"
                                                              << "op9"
                                                              << "temp-high";
    QTest::newRow("equal specificity: priority wins") << "zeta"
                                                      << "temp"
                                                      << "op7"
                                                      << "temp-high";
    QTest::newRow("equal specificity and priority: smaller name") << "beta"
                                                                  << "humid"
                                                                  << ""
                                                                  << "beta-a";
    QTest::newRow("higher priority") << "gamma"
                                     << ""
                                     << ""
                                     << "gamma-high";
    QTest::newRow("case-sensitive vendor") << "ACME"
                                           << "humid"
                                           << ""
                                           << "any";
    QTest::newRow("subscriber only") << "zeta"
                                     << "humid"
                                     << "op7"
                                     << "op7";
    QTest::newRow("empty attributes: catch-all") << ""
                                                 << ""
                                                 << ""
                                                 << "any";
}

void TestClassMatch::matchesMostSpecific()
{
    QFETCH(QString, vendor);
    QFETCH(QString, type);
    QFETCH(QString, subscriber);
    QFETCH(QString, expected);
    const Engine::DeviceAttributes attributes{vendor, type, subscriber};

    QList<Store::DeviceClass> classes = catalogue();
    const auto forward = Engine::matchDeviceClass(classes, attributes);
    QVERIFY(forward);
    QCOMPARE(forward->name, expected);
    // The answer must not depend on the order the store lists classes in.
    std::reverse(classes.begin(), classes.end());
    const auto backward = Engine::matchDeviceClass(classes, attributes);
    QVERIFY(backward);
    QCOMPARE(backward->name, expected);
}

void TestClassMatch::noMatchWithoutCatchAll()
{
    QList<Store::DeviceClass> classes = catalogue();
    classes.removeFirst();
    QVERIFY(!Engine::matchDeviceClass(
        classes, {QStringLiteral("zeta"), QStringLiteral("humid"), QStringLiteral("op9")}));
    QVERIFY(!Engine::matchDeviceClass({}, {}));
}

void TestClassMatch::specificityCountsNamedAttributes()
{
    QCOMPARE(Engine::classSpecificity(makeClass("a", "", "", "", 0)), 0);
    QCOMPARE(Engine::classSpecificity(makeClass("a", "v", "", "s", 0)), 2);
    QCOMPARE(Engine::classSpecificity(makeClass("a", "v", "t", "s", 0)), 3);
    QVERIFY(!Engine::classMatches(makeClass("a", "v", "t", "", 0),
                                  {QStringLiteral("v"), QStringLiteral("x"), QString()}));
}

QTEST_APPLESS_MAIN(TestClassMatch)
#include "tst_classmatch.moc"
