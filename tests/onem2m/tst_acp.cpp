// The ACP evaluator (DESIGN §4.5): originator patterns, operation bits (TS-0004 §6.3.4.2.2),
// time windows (cron fields; weekdays checked against `date -u +%A`), IP ranges, and the rule
// that an unsupported context never grants.

#include <portal-core/onem2m/acp.h>
#include <portal-core/onem2m/resourcejson.h>

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Portal::OneM2M;

Q_DECLARE_METATYPE(Portal::OneM2M::AccessControlContext)

namespace {

// Sunday (date -u -d 2026-11-22 +%A).
const QDateTime kSundayNoon(QDate(2026, 11, 22), QTime(12, 34, 56), QTimeZone::utc());

AccessRequest request(const QString &originator, Operation operation,
                      const QString &address = QStringLiteral("10.1.2.3"),
                      const QDateTime &time = kSundayNoon)
{
    return AccessRequest{originator, operation, time, QHostAddress(address)};
}

} // namespace

class TestAcp : public QObject
{
    Q_OBJECT

private slots:
    void operationBits()
    {
        // The numbers TS-0004 puts on the wire; a change here breaks every stored policy.
        QCOMPARE(quint32(Operation::Create), 1u);
        QCOMPARE(quint32(Operation::Retrieve), 2u);
        QCOMPARE(quint32(Operation::Update), 4u);
        QCOMPARE(quint32(Operation::Delete), 8u);
        QCOMPARE(quint32(Operation::Notify), 16u);
        QCOMPARE(quint32(Operation::Discovery), 32u);
        QCOMPARE(kAllOperations, 63u);
    }

    void originator_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("originator");
        QTest::addColumn<bool>("matches");
        QTest::newRow("all") << "all"
                             << "Sanything" << true;
        QTest::newRow("all, empty originator") << "all"
                                               << "" << true;
        QTest::newRow("exact") << "Cgw-1"
                               << "Cgw-1" << true;
        QTest::newRow("exact is not prefix") << "Cgw-1"
                                             << "Cgw-10" << false;
        QTest::newRow("case matters") << "cgw-1"
                                      << "Cgw-1" << false;
        QTest::newRow("C*") << "C*"
                            << "Cgw-1" << true;
        QTest::newRow("C* bare C") << "C*"
                                   << "C" << true;
        QTest::newRow("C* not S") << "C*"
                                  << "Sgw-1" << false;
        QTest::newRow("suffix") << "*-admin"
                                << "Cportal-admin" << true;
        QTest::newRow("suffix mismatch") << "*-admin"
                                         << "Cportal-admins" << false;
        QTest::newRow("inner star backtracks") << "C*1*2"
                                               << "C1x1y2" << true;
        QTest::newRow("inner star no match") << "C*1*2"
                                             << "C1x1y3" << false;
        QTest::newRow("question mark") << "C?w"
                                       << "Cgw" << true;
        QTest::newRow("question mark needs one") << "C?w"
                                                 << "Cw" << false;
        QTest::newRow("empty pattern") << ""
                                       << "" << false;
        QTest::newRow("ALL is not all") << "ALL"
                                        << "Cgw" << false;
    }
    void originator()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, originator);
        QFETCH(bool, matches);
        QCOMPARE(originatorMatches(pattern, originator), matches);
    }

    void timeWindow_data()
    {
        QTest::addColumn<QString>("window");
        QTest::addColumn<QDateTime>("time");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("matches");
        const QDateTime friday(QDate(2027, 1, 1), QTime(8, 0, 0), QTimeZone::utc());
        QTest::newRow("always") << "* * * * * *" << kSundayNoon << true << true;
        QTest::newRow("office hours on Sunday")
            << "* * 8-17 * * 1-5" << kSundayNoon << true << false;
        QTest::newRow("office hours on Friday 08:00")
            << "* * 8-17 * * 1-5" << friday << true << true;
        QTest::newRow("Sunday as 0") << "* * * * * 0" << kSundayNoon << true << true;
        QTest::newRow("Sunday as 7") << "* * * * * 7" << kSundayNoon << true << true;
        QTest::newRow("exact second") << "56 34 12 22 11 *" << kSundayNoon << true << true;
        QTest::newRow("one second off") << "55 34 12 22 11 *" << kSundayNoon << true << false;
        QTest::newRow("list") << "* 0,15,34,45 * * * *" << kSundayNoon << true << true;
        QTest::newRow("step from 0") << "* */17 * * * *" << kSundayNoon << true << true; // 34
        QTest::newRow("step misses") << "* */5 * * * *" << kSundayNoon << true << false;
        QTest::newRow("range step") << "* * 10-14/2 * * *" << kSundayNoon << true << true;
        QTest::newRow("n/step") << "* * 11/3 * * *" << kSundayNoon << true << false; // 11,14,…
        QTest::newRow("month") << "* * * * 12 *" << kSundayNoon << true << false;
        QTest::newRow("extra spaces") << "  *  * 12 * *   * " << kSundayNoon << true << true;
        QTest::newRow("five fields") << "* * * * *" << kSundayNoon << false << false;
        QTest::newRow("seven fields") << "* * * * * * *" << kSundayNoon << false << false;
        QTest::newRow("hour 24") << "* * 24 * * *" << kSundayNoon << false << false;
        QTest::newRow("day 0") << "* * * 0 * *" << kSundayNoon << false << false;
        QTest::newRow("reversed range") << "* * 17-8 * * *" << kSundayNoon << false << false;
        QTest::newRow("step 0") << "* */0 * * * *" << kSundayNoon << false << false;
        QTest::newRow("letters") << "* * * * JAN *" << kSundayNoon << false << false;
        QTest::newRow("empty list item") << "* 1,,2 * * * *" << kSundayNoon << false << false;
        QTest::newRow("negative") << "* -1 * * * *" << kSundayNoon << false << false;
        QTest::newRow("invalid time") << "* * * * * *" << QDateTime() << true << false;
    }
    void timeWindow()
    {
        QFETCH(QString, window);
        QFETCH(QDateTime, time);
        QFETCH(bool, valid);
        QFETCH(bool, matches);
        QCOMPARE(isValidTimeWindow(window), valid);
        QCOMPARE(timeWindowMatches(window, time), matches);
    }

    void timeWindowUsesUtc()
    {
        // 23:30 on Saturday in UTC-3 is 02:30 on Sunday in UTC.
        const QDateTime local(QDate(2026, 11, 21), QTime(23, 30, 0), QTimeZone(-3 * 3600));
        QVERIFY(timeWindowMatches(QStringLiteral("* * 2 * * 0"), local));
        QVERIFY(!timeWindowMatches(QStringLiteral("* * 23 * * 6"), local));
    }

    void addressRange_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("range");
        QTest::addColumn<bool>("ipv6");
        QTest::addColumn<bool>("matches");
        QTest::newRow("in /8") << "10.1.2.3"
                               << "10.0.0.0/8" << false << true;
        QTest::newRow("outside /8") << "11.1.2.3"
                                    << "10.0.0.0/8" << false << false;
        QTest::newRow("in /32") << "192.168.1.7"
                                << "192.168.1.7/32" << false << true;
        QTest::newRow("edge of /30") << "192.168.1.3"
                                     << "192.168.1.0/30" << false << true;
        QTest::newRow("past /30") << "192.168.1.4"
                                  << "192.168.1.0/30" << false << false;
        QTest::newRow("single address") << "127.0.0.1"
                                        << "127.0.0.1" << false << true;
        QTest::newRow("single address other") << "127.0.0.2"
                                              << "127.0.0.1" << false << false;
        QTest::newRow("mapped v4 peer") << "::ffff:10.1.2.3"
                                        << "10.0.0.0/8" << false << true;
        QTest::newRow("v6 in /32") << "2001:db8::1"
                                   << "2001:db8::/32" << true << true;
        QTest::newRow("v6 outside") << "2001:db9::1"
                                    << "2001:db8::/32" << true << false;
        QTest::newRow("v4 range in v6 list") << "10.1.2.3"
                                             << "10.0.0.0/8" << true << false;
        QTest::newRow("garbage range") << "10.1.2.3"
                                       << "10.0.0.0/33" << false << false;
        QTest::newRow("not an address") << "10.1.2.3"
                                        << "ten" << false << false;
    }
    void addressRange()
    {
        QFETCH(QString, address);
        QFETCH(QString, range);
        QFETCH(bool, ipv6);
        QFETCH(bool, matches);
        QCOMPARE(addressInRange(QHostAddress(address), range, ipv6), matches);
    }

    void rule_data()
    {
        QTest::addColumn<QStringList>("originators");
        QTest::addColumn<quint32>("operations");
        QTest::addColumn<QList<AccessControlContext>>("contexts");
        QTest::addColumn<QString>("originator");
        QTest::addColumn<int>("operation");
        QTest::addColumn<bool>("granted");
        using L = QList<AccessControlContext>;
        const AccessControlContext office{{QStringLiteral("* * 8-17 * * 1-5")}, {}, {}, false};
        const AccessControlContext weekend{{QStringLiteral("* * * * * 0,6")}, {}, {}, false};
        const AccessControlContext lan{{}, {QStringLiteral("10.0.0.0/8")}, {}, false};
        const AccessControlContext otherLan{{}, {QStringLiteral("192.168.0.0/16")}, {}, false};
        const AccessControlContext weekendLan{
            {QStringLiteral("* * * * * 0,6")}, {QStringLiteral("10.0.0.0/8")}, {}, false};
        const AccessControlContext weekendOtherLan{
            {QStringLiteral("* * * * * 0,6")}, {QStringLiteral("192.168.0.0/16")}, {}, false};
        const AccessControlContext location{{}, {}, {}, true};
        const AccessControlContext weekendAndLocation{
            {QStringLiteral("* * * * * 0,6")}, {}, {}, true};
        const QStringList all{QStringLiteral("all")};
        const QStringList gateways{QStringLiteral("Cgw-*")};
        const int retrieve = int(Operation::Retrieve);
        const int create = int(Operation::Create);
        QTest::newRow("all may retrieve") << all << 2u << L{} << "Sx" << retrieve << true;
        QTest::newRow("retrieve bit only: no create")
            << all << 2u << L{} << "Sx" << create << false;
        QTest::newRow("create+retrieve=3") << all << 3u << L{} << "Sx" << create << true;
        QTest::newRow("discovery 32")
            << all << 32u << L{} << "Sx" << int(Operation::Discovery) << true;
        QTest::newRow("notify not in 47")
            << all << 47u << L{} << "Sx" << int(Operation::Notify) << false;
        QTest::newRow("wildcard names gateway")
            << gateways << 63u << L{} << "Cgw-7" << create << true;
        QTest::newRow("wildcard misses admin")
            << gateways << 63u << L{} << "Cadmin" << create << false;
        QTest::newRow("office hours on Sunday")
            << all << 63u << L{office} << "Sx" << retrieve << false;
        QTest::newRow("weekend on Sunday") << all << 63u << L{weekend} << "Sx" << retrieve << true;
        QTest::newRow("any context may hold")
            << all << 63u << L{office, weekend} << "Sx" << retrieve << true;
        QTest::newRow("ip in range") << all << 63u << L{lan} << "Sx" << retrieve << true;
        QTest::newRow("ip out of range") << all << 63u << L{otherLan} << "Sx" << retrieve << false;
        QTest::newRow("time and ip both hold")
            << all << 63u << L{weekendLan} << "Sx" << retrieve << true;
        QTest::newRow("time holds, ip not")
            << all << 63u << L{weekendOtherLan} << "Sx" << retrieve << false;
        QTest::newRow("unsupported context")
            << all << 63u << L{location} << "Sx" << retrieve << false;
        QTest::newRow("unsupported beside a holding condition")
            << all << 63u << L{weekendAndLocation} << "Sx" << retrieve << false;
        QTest::newRow("unsupported or holding context")
            << all << 63u << L{location, weekend} << "Sx" << retrieve << true;
    }
    void rule()
    {
        QFETCH(QStringList, originators);
        QFETCH(quint32, operations);
        QFETCH(QList<AccessControlContext>, contexts);
        QFETCH(QString, originator);
        QFETCH(int, operation);
        QFETCH(bool, granted);
        const AccessControlRule rule{originators, operations, contexts};
        QCOMPARE(ruleGrants(rule, request(originator, Operation(operation))), granted);
    }

    void noPolicyGrantsNothing()
    {
        QVERIFY(!policiesGrant({}, request(QStringLiteral("Cx"), Operation::Retrieve)));
    }

    void grantingRuleNamesTheFirstThatGrants_data()
    {
        QTest::addColumn<QString>("originator");
        QTest::addColumn<int>("operation");
        QTest::addColumn<int>("policy"); // -1: refused
        QTest::addColumn<int>("rule");
        QTest::newRow("viewer retrieves: the second policy's first rule")
            << "Cviewer" << int(Operation::Retrieve) << 1 << 0;
        QTest::newRow("operator creates: the first policy's second rule")
            << "Coperator" << int(Operation::Create) << 0 << 1;
        QTest::newRow("operator retrieves: the first rule of all matching")
            << "Coperator" << int(Operation::Retrieve) << 0 << 1;
        QTest::newRow("viewer deletes: refused") << "Cviewer" << int(Operation::Delete) << -1 << 0;
    }
    void grantingRuleNamesTheFirstThatGrants()
    {
        QFETCH(QString, originator);
        QFETCH(int, operation);
        QFETCH(int, policy);
        QFETCH(int, rule);
        const QList<AccessControlPolicy> policies = {
            AccessControlPolicy{{},
                                QStringLiteral("ops"),
                                {},
                                {},
                                {},
                                {},
                                {AccessControlRule{{QStringLiteral("Cadmin*")}, kAllOperations, {}},
                                 AccessControlRule{{QStringLiteral("Coperator")}, 3, {}}},
                                {}},
            AccessControlPolicy{{},
                                QStringLiteral("view"),
                                {},
                                {},
                                {},
                                {},
                                {AccessControlRule{{QStringLiteral("C*")}, 2, {}}},
                                {}}};
        const auto decided = grantingRule(policies, request(originator, Operation(operation)));
        QCOMPARE(decided.has_value(), policy >= 0);
        QCOMPARE(policiesGrant(policies, request(originator, Operation(operation))), policy >= 0);
        if (decided) {
            QCOMPARE(decided->policy, policy);
            QCOMPARE(decided->rule, rule);
        }
    }

    void policyFromJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("originator");
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("granted");
        QTest::addColumn<bool>("selfGranted");
        // TS-0004 §6.3.5.26 shape: pv/pvs {acr: [{acor, acop, acco: [{actw, acip, aclr}]}]}.
        const QByteArray lanOnly =
            R"({"m2m:acp": {"rn": "lan", "pv": {"acr": [{"acor": ["Cviewer"], "acop": 34,
                "acco": [{"acip": {"ipv4": ["10.0.0.0/8"]}}]}]},
                "pvs": {"acr": [{"acor": ["Cportal-admin"], "acop": 63}]}}})";
        const QByteArray region =
            R"({"m2m:acp": {"rn": "geo", "pv": {"acr": [{"acor": ["all"], "acop": 63,
                "acco": [{"aclr": {"accc": 1, "accr": [1.0, 2.0, 3.0]}}]}]}}})";
        QTest::newRow("lan viewer in lan") << lanOnly << "Cviewer"
                                           << "10.9.9.9" << true << false;
        QTest::newRow("lan viewer outside") << lanOnly << "Cviewer"
                                            << "8.8.8.8" << false << false;
        QTest::newRow("other originator") << lanOnly << "Cother"
                                          << "10.9.9.9" << false << false;
        QTest::newRow("admin self") << lanOnly << "Cportal-admin"
                                    << "8.8.8.8" << false << true;
        QTest::newRow("location region never grants") << region << "Cany"
                                                      << "10.9.9.9" << false << false;
    }
    void policyFromJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, originator);
        QFETCH(QString, address);
        QFETCH(bool, granted);
        QFETCH(bool, selfGranted);
        auto policy = parseAccessControlPolicy(json, kMaxResourceJsonBytes);
        QVERIFY2(policy.ok(), policy.ok() ? "" : policy.error().message.c_str());
        const QList<AccessControlPolicy> policies{*policy};
        QCOMPARE(policiesGrant(policies, request(originator, Operation::Retrieve, address)),
                 granted);
        QCOMPARE(policiesSelfGrant(policies, request(originator, Operation::Update, address)),
                 selfGranted);
        // Round trip through our own serialisation keeps the decision, including the
        // unsupported context (which must not become an unconditional grant).
        const QByteArray again = QJsonDocument(toJson(*policy)).toJson();
        auto reparsed = parseAccessControlPolicy(again, kMaxResourceJsonBytes);
        QVERIFY(reparsed.ok());
        QCOMPARE(policiesGrant({*reparsed}, request(originator, Operation::Retrieve, address)),
                 granted);
    }
};

QTEST_APPLESS_MAIN(TestAcp)
#include "tst_acp.moc"
