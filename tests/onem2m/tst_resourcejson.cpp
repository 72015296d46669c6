// TS-0004 JSON short names: what we write is compared against hand-written documents in the
// standard's short names (ty numbers from TS-0004 Table 6.3.4.2.1-1, timestamps in the basic
// ISO 8601 format), and what we parse is checked case by case for its specific error.

#include <portal-core/onem2m/resourcejson.h>

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Portal::OneM2M;

namespace {

const QDateTime kCreated(QDate(2026, 11, 22), QTime(12, 0, 0), QTimeZone::utc());

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class TestResourceJson : public QObject
{
    Q_OBJECT

private slots:
    void timestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QDateTime>("time");
        QTest::newRow("noon") << "20261122T120000" << kCreated;
        QTest::newRow("leap day") << "20280229T235959"
                                  << QDateTime(QDate(2028, 2, 29), QTime(23, 59, 59),
                                               QTimeZone::utc());
        QTest::newRow("no leap day") << "20270229T000000" << QDateTime();
        QTest::newRow("extended format") << "2026-11-22T12:00:00" << QDateTime();
        QTest::newRow("missing T") << "20261122 120000" << QDateTime();
        QTest::newRow("with zone") << "20261122T120000Z" << QDateTime();
        QTest::newRow("hour 24") << "20261122T240000" << QDateTime();
        QTest::newRow("empty") << "" << QDateTime();
    }
    void timestamps()
    {
        QFETCH(QString, text);
        QFETCH(QDateTime, time);
        const QDateTime parsed = parseTimestamp(text);
        QCOMPARE(parsed.isValid(), time.isValid());
        if (time.isValid()) {
            QCOMPARE(parsed, time);
            QCOMPARE(formatTimestamp(parsed), text);
        }
    }

    void formatConvertsToUtc()
    {
        const QDateTime plusTwo(QDate(2026, 11, 22), QTime(14, 0, 0), QTimeZone(2 * 3600));
        QCOMPARE(formatTimestamp(plusTwo), QStringLiteral("20261122T120000"));
    }

    void contentInstanceDocument()
    {
        ContentInstance cin;
        cin.resourceId = QStringLiteral("0102030405060708-r5");
        cin.resourceName = QStringLiteral("r5");
        cin.parentId = QStringLiteral("cnt-0102030405060708-data");
        cin.created = kCreated;
        cin.lastModified = kCreated;
        cin.stateTag = 5;
        cin.contentInfo = QStringLiteral("application/cose;cose-type=cose-sign1:0");
        cin.content = QStringLiteral("0oRDoQEm");
        cin.contentSize = 8;
        const QJsonObject expected = parseObject(R"({"m2m:cin": {
            "ty": 4, "ri": "0102030405060708-r5", "rn": "r5", "pi": "cnt-0102030405060708-data",
            "ct": "20261122T120000", "lt": "20261122T120000", "st": 5,
            "cnf": "application/cose;cose-type=cose-sign1:0", "cs": 8, "con": "0oRDoQEm"}})");
        QVERIFY(!expected.isEmpty());
        QCOMPARE(toJson(cin), expected);

        auto back = parseContentInstance(QJsonDocument(expected).toJson(), kMaxResourceJsonBytes);
        QVERIFY(back.ok());
        QCOMPARE(back->resourceId, cin.resourceId);
        QCOMPARE(back->created, cin.created);
        QCOMPARE(back->stateTag, cin.stateTag);
        QCOMPARE(back->contentSize, cin.contentSize);
        QCOMPARE(back->content, cin.content);
        QCOMPARE(back->contentInfo, cin.contentInfo);
    }

    void otherDocuments()
    {
        Ae ae;
        ae.resourceId = QStringLiteral("ae-0102030405060708");
        ae.resourceName = QStringLiteral("0102030405060708");
        ae.parentId = QStringLiteral("cse-lab");
        ae.aeId = QStringLiteral("C0102030405060708");
        ae.appId = QStringLiteral("Nsensor");
        ae.created = kCreated;
        QCOMPARE(toJson(ae), parseObject(R"({"m2m:ae": {"ty": 2, "ri": "ae-0102030405060708",
            "rn": "0102030405060708", "pi": "cse-lab", "ct": "20261122T120000",
            "aei": "C0102030405060708", "api": "Nsensor", "rr": false}})"));

        Container container;
        container.resourceId = QStringLiteral("cnt-1");
        container.resourceName = QStringLiteral("data");
        container.parentId = QStringLiteral("ae-1");
        container.stateTag = 3;
        container.currentInstances = 2;
        container.currentByteSize = 200;
        QCOMPARE(toJson(container), parseObject(R"({"m2m:cnt": {"ty": 3, "ri": "cnt-1",
            "rn": "data", "pi": "ae-1", "st": 3, "cni": 2, "cbs": 200}})"));

        CseBase cse{QStringLiteral("cse-lab"), QStringLiteral("m2m"), QStringLiteral("/lab"),
                    kCreated};
        const QJsonObject cb = toJson(cse).value(QStringLiteral("m2m:cb")).toObject();
        QCOMPARE(cb.value(QStringLiteral("ty")).toInt(), 5);
        QCOMPARE(cb.value(QStringLiteral("csi")).toString(), QStringLiteral("/lab"));
    }

    void createBody_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("reading")
            << QByteArray(
                   R"({"m2m:cin": {"cnf": "application/cose;cose-type=cose-sign1:0", "con": "0oRDoQEm"}})")
            << "";
        QTest::newRow("object con with rn and lbl")
            << QByteArray(
                   R"({"m2m:cin": {"rn": "cmd-1", "lbl": ["a"], "con": {"actuator": 0, "value": 1}}})")
            << "";
        QTest::newRow("not JSON") << QByteArray("{\"m2m:cin\": ") << "onem2m.malformed";
        QTest::newRow("array") << QByteArray("[]") << "onem2m.malformed";
        QTest::newRow("empty") << QByteArray() << "onem2m.malformed";
        QTest::newRow("two roots")
            << QByteArray(R"({"m2m:cin": {"con": "x"}, "m2m:ae": {}})") << "onem2m.malformed";
        QTest::newRow("root not object") << QByteArray(R"({"m2m:cin": "x"})") << "onem2m.malformed";
        QTest::newRow("wrong resource")
            << QByteArray(R"({"m2m:ae": {"api": "x"}})") << "onem2m.wrong_resource";
        QTest::newRow("no con") << QByteArray(R"({"m2m:cin": {"cnf": "text/plain"}})")
                                << "onem2m.bad_attribute";
        QTest::newRow("numeric con")
            << QByteArray(R"({"m2m:cin": {"con": 5}})") << "onem2m.bad_attribute";
        QTest::newRow("cnf not string")
            << QByteArray(R"({"m2m:cin": {"cnf": 1, "con": "x"}})") << "onem2m.bad_attribute";
        QTest::newRow("unknown attribute")
            << QByteArray(R"({"m2m:cin": {"con": "x", "zz": 1}})") << "onem2m.bad_attribute";
        QTest::newRow("rn with slash")
            << QByteArray(R"({"m2m:cin": {"rn": "a/b", "con": "x"}})") << "onem2m.bad_attribute";
        QTest::newRow("rn la") << QByteArray(R"({"m2m:cin": {"rn": "la", "con": "x"}})")
                               << "onem2m.bad_attribute";
        QTest::newRow("lbl not list")
            << QByteArray(R"({"m2m:cin": {"lbl": "a", "con": "x"}})") << "onem2m.bad_attribute";
        QTest::newRow("client sets ri")
            << QByteArray(R"({"m2m:cin": {"ri": "x", "con": "x"}})") << "onem2m.read_only";
        QTest::newRow("client sets st")
            << QByteArray(R"({"m2m:cin": {"st": 1, "con": "x"}})") << "onem2m.read_only";
        QTest::newRow("too large")
            << QByteArray(R"({"m2m:cin": {"con": ")") + QByteArray(5000, 'A') + QByteArray(R"("}})")
            << "onem2m.too_large";
    }
    void createBody()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        auto parsed = parseContentInstanceCreate(body, 4096);
        if (error.isEmpty()) {
            QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
            QVERIFY(parsed->content.isString() || parsed->content.isObject());
        } else {
            QVERIFY(!parsed.ok());
            QCOMPARE(QString::fromStdString(parsed.error().code), error);
            // Messages never echo the body.
            QVERIFY(!QString::fromStdString(parsed.error().message).contains("AAAA"));
        }
    }

    void containerListing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("children");
        const QByteArray cin =
            R"({"ty": 4, "ri": "d-r1", "rn": "r1", "ct": "20261122T120000", "con": "AA==",)"
            R"( "lbl": ["verified", "counter:1"]})";
        QTest::newRow("attributes only")
            << QByteArray(R"({"m2m:cnt": {"ty": 3, "ri": "d-data", "st": 4, "cni": 4}})") << ""
            << 0;
        QTest::newRow("two children")
            << QByteArray(
                   R"({"m2m:cnt": {"ty": 3, "ri": "d-data", "st": 4, "cni": 4, "m2m:cin": [)") +
                   cin + ", " + cin + "]}}"
            << "" << 2;
        QTest::newRow("not a container")
            << QByteArray(R"({"m2m:cin": {"ty": 4}})") << "onem2m.wrong_resource" << 0;
        QTest::newRow("wrong ty") << QByteArray(R"({"m2m:cnt": {"ty": 4, "st": 0, "cni": 0}})")
                                  << "onem2m.bad_attribute" << 0;
        QTest::newRow("negative count")
            << QByteArray(R"({"m2m:cnt": {"ty": 3, "st": 0, "cni": -1}})") << "onem2m.bad_attribute"
            << 0;
        QTest::newRow("children not a list")
            << QByteArray(R"({"m2m:cnt": {"ty": 3, "st": 0, "cni": 0, "m2m:cin": {}}})")
            << "onem2m.bad_attribute" << 0;
        QTest::newRow("a child without ri")
            << QByteArray(
                   R"({"m2m:cnt": {"ty": 3, "st": 0, "cni": 0, "m2m:cin": [{"ty": 4, "con": ""}]}})")
            << "onem2m.bad_attribute" << 0;
        QByteArray many = R"({"m2m:cnt": {"ty": 3, "st": 0, "cni": 0, "m2m:cin": [)";
        for (int i = 0; i < 501; ++i)
            many += (i ? ", " : "") + cin;
        QTest::newRow("501 children") << many + "]}}"
                                      << "onem2m.bad_attribute" << 0;
        QTest::newRow("larger than the bound")
            << QByteArray(R"({"m2m:cnt": {"ty": 3, "x": ")") +
                   QByteArray(kMaxListingJsonBytes, 'A') + QByteArray(R"("}})")
            << "onem2m.too_large" << 0;
        QTest::newRow("not JSON") << QByteArray("{") << "onem2m.malformed" << 0;
    }
    void containerListing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        QFETCH(int, children);
        auto parsed = parseContainerListing(body, kMaxListingJsonBytes);
        if (error.isEmpty()) {
            QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
            QCOMPARE(parsed->currentInstances, 4);
            QCOMPARE(parsed->stateTag, quint64(4));
            QCOMPARE(int(parsed->children.size()), children);
            if (children)
                QCOMPARE(parsed->children.first().labels.value(1), QStringLiteral("counter:1"));
        } else {
            QVERIFY(!parsed.ok());
            QCOMPARE(QString::fromStdString(parsed.error().code), error);
        }
    }

    void policyBody_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        QTest::newRow("minimal")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 2}]}}})") << "";
        QTest::newRow("full") << QByteArray(R"({"m2m:acp": {"rn": "p1", "lbl": ["x"],
            "pv": {"acr": [{"acor": ["C*", "Cadmin"], "acop": 63, "acco": [
                {"actw": ["* * 8-17 * * 1-5"], "acip": {"ipv4": ["10.0.0.0/8", "127.0.0.1"], "ipv6": ["::1"]}},
                {"aclr": {"accc": 1}}]}]},
            "pvs": {"acr": [{"acor": ["Cportal-admin"], "acop": 63}]}}})")
                              << "";
        QTest::newRow("no pv") << QByteArray(R"({"m2m:acp": {"rn": "p1"}})")
                               << "onem2m.bad_attribute";
        QTest::newRow("acop 0")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 0}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("acop 64")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 64}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("acop fraction")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 2.5}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("acop string")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": "2"}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("empty acor")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": [], "acop": 2}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("acor not strings")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": [1], "acop": 2}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("bad window")
            << QByteArray(
                   R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 2, "acco": [{"actw": ["* * 25 * * *"]}]}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("bad range")
            << QByteArray(
                   R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 2, "acco": [{"acip": {"ipv4": ["::1"]}}]}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("unknown rule attribute")
            << QByteArray(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 2, "x": 1}]}}})")
            << "onem2m.bad_attribute";
        QTest::newRow("wrong root")
            << QByteArray(R"({"m2m:cin": {"con": "x"}})") << "onem2m.wrong_resource";
    }
    void policyBody()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        auto parsed = parseAccessControlPolicy(body, kMaxResourceJsonBytes);
        if (error.isEmpty()) {
            QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        } else {
            QVERIFY(!parsed.ok());
            QCOMPARE(QString::fromStdString(parsed.error().code), error);
        }
    }

    void fullPolicyKeepsItsParts()
    {
        auto parsed = parseAccessControlPolicy(
            R"({"m2m:acp": {"rn": "p1", "pv": {"acr": [{"acor": ["C*"], "acop": 35, "acco": [
                {"actw": ["* * 8-17 * * 1-5"], "acip": {"ipv4": ["10.0.0.0/8"]}},
                {"aclr": {"accc": 1}}]}]}}})",
            kMaxResourceJsonBytes);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->resourceName, QStringLiteral("p1"));
        QCOMPARE(parsed->privileges.size(), 1);
        const AccessControlRule &rule = parsed->privileges.first();
        QCOMPARE(rule.operations, 35u);
        QCOMPARE(rule.contexts.size(), 2);
        QCOMPARE(rule.contexts[0].timeWindows, QStringList{QStringLiteral("* * 8-17 * * 1-5")});
        QCOMPARE(rule.contexts[0].ipv4Ranges, QStringList{QStringLiteral("10.0.0.0/8")});
        QVERIFY(!rule.contexts[0].unsupported);
        QVERIFY(rule.contexts[1].unsupported);
    }
};

QTEST_APPLESS_MAIN(TestResourceJson)
#include "tst_resourcejson.moc"
