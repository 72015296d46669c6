// Error bodies as the lab's Zed services wrote them (captured with curl against
// tests/openstack-lab) and as the Nova API reference documents them (quota exceeded).

#include <portal-core/cloud/openstack/openstackerror.h>

#include <QtTest>

using namespace Portal::Cloud::OpenStack;

class TestOpenStackError : public QObject
{
    Q_OBJECT
private slots:
    void mapsStatusAndMessage_data();
    void mapsStatusAndMessage();
    void messageIsBounded();
};

void TestOpenStackError::mapsStatusAndMessage_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedCode");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("nova 404 itemNotFound")
        << 404
        << QByteArray(R"({"itemNotFound": {"code": 404, "message": "Instance )"
                      R"(00000000-0000-0000-0000-000000000000 could not be found."}})")
        << "openstack.not_found"
        << "Instance 00000000-0000-0000-0000-000000000000 could not be found.";
    QTest::newRow("nova 400 badRequest, flavor named")
        << 400
        << QByteArray(R"({"badRequest": {"code": 400, "message": "Flavor no-such-flavor )"
                      R"(could not be found."}})")
        << "openstack.bad_request"
        << "Flavor no-such-flavor could not be found.";
    QTest::newRow("nova 403 quota exceeded")
        << 403
        << QByteArray(R"({"forbidden": {"code": 403, "message": "Quota exceeded for )"
                      R"(instances: Requested 1, but already used 2 of 2 instances"}})")
        << "openstack.quota_exceeded"
        << "Quota exceeded for instances: Requested 1, but already used 2 of 2 instances";
    QTest::newRow("nova 403 policy") << 403
                                     << QByteArray(R"({"forbidden": {"code": 403, "message": )"
                                                   R"("Policy doesn't allow os_compute_api:os-)"
                                                   R"(hypervisors:list to be performed."}})")
                                     << "openstack.forbidden"
                                     << "Policy doesn't allow os_compute_api:os-hypervisors:list "
                                        "to be performed.";
    QTest::newRow("nova 409 conflictingRequest")
        << 409
        << QByteArray(R"({"conflictingRequest": {"code": 409, "message": "Cannot 'stop' )"
                      R"(instance x while it is in vm_state stopped"}})")
        << "openstack.conflict"
        << "Cannot 'stop' instance x while it is in vm_state stopped";
    QTest::newRow("keystone 401 error object")
        << 401
        << QByteArray(R"({"error":{"code":401,"message":"The request you have made requires )"
                      R"(authentication.","title":"Unauthorized"}})")
        << "openstack.unauthorized"
        << "The request you have made requires authentication.";
    QTest::newRow("neutron 404 NeutronError")
        << 404
        << QByteArray(R"({"NeutronError": {"type": "NetworkNotFound", "message": "Network )"
                      R"(abc could not be found.", "detail": ""}})")
        << "openstack.not_found"
        << "Network abc could not be found.";
    QTest::newRow("glance/webob 503 html: no message")
        << 503
        << QByteArray("<html>\n <head>\n  <title>503 Service Unavailable</title>\n </head>\n"
                      " <body>\n  <h1>503 Service Unavailable</h1>\n</body>\n</html>")
        << "openstack.unavailable"
        << "";
    QTest::newRow("500 other") << 500 << QByteArray() << "openstack.http_error"
                               << "";
}

void TestOpenStackError::mapsStatusAndMessage()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedMessage);
    QCOMPARE(serviceMessage(body), expectedMessage);
    const Portal::Error error = errorFromAnswer(status, body, "nova: test call");
    QTEST(QString::fromStdString(error.code), "expectedCode");
    const QString message = QString::fromStdString(error.message);
    QVERIFY(message.startsWith("nova: test call"));
    QVERIFY(message.contains(QString::number(status)));
    QVERIFY(message.contains(expectedMessage));
}

void TestOpenStackError::messageIsBounded()
{
    QByteArray body = R"({"badRequest": {"message": "line1\nline2\u0007)";
    body += QByteArray(5000, 'x') + R"("}})";
    const QString message = serviceMessage(body);
    QCOMPARE(message.size(), kMaxMessageChars);
    QVERIFY(message.startsWith("line1 line2 x"));
    QVERIFY(!message.contains('\n'));
    QCOMPARE(serviceMessage("not json"), QString());
    QCOMPARE(serviceMessage("[1,2]"), QString());
}

QTEST_APPLESS_MAIN(TestOpenStackError)
#include "tst_openstackerror.moc"
