#include <portal-core/gba/bootstrappinginfo.h>

#include <QTest>

using namespace Portal;

class TestBootstrappingInfo : public QObject
{
    Q_OBJECT

private slots:
    void encodesTheNamespacedDocument();
    void parsesWhatAnotherBsfWrites();
    void truncatesFractionsToWholeSeconds_data();
    void truncatesFractionsToWholeSeconds();
    void refuses_data();
    void refuses();
};

void TestBootstrappingInfo::encodesTheNamespacedDocument()
{
    const QDateTime lifetime(QDate(2026, 11, 22), QTime(13, 0, 5), Qt::UTC);
    const QByteArray xml =
        Gba::encodeBootstrappingInfo({QStringLiteral("abc=@bsf.example"), lifetime});
    QVERIFY(xml.contains("<BootstrappingInfo xmlns=\"uri:3gpp-gba\">"));
    QVERIFY(xml.contains("<btid>abc=@bsf.example</btid>"));
    QVERIFY(xml.contains("<lifetime>2026-11-22T13:00:05Z</lifetime>"));
    auto parsed = Gba::parseBootstrappingInfo(xml);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->lifetime, lifetime);
}

void TestBootstrappingInfo::parsesWhatAnotherBsfWrites()
{
    // The TS 24.109 example shape, with a prefix, whitespace and an offset time zone.
    const QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<g:BootstrappingInfo xmlns:g=\"uri:3gpp-gba\">\n"
                           "  <g:btid>MTIzNDU2Nzg5MDEyMzQ1Ng==@bsf.operator.com</g:btid>\n"
                           "  <g:lifetime>2026-11-22T15:00:00+02:00</g:lifetime>\n"
                           "</g:BootstrappingInfo>\n";
    auto parsed = Gba::parseBootstrappingInfo(xml);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QCOMPARE(parsed->btid, QStringLiteral("MTIzNDU2Nzg5MDEyMzQ1Ng==@bsf.operator.com"));
    QCOMPARE(parsed->lifetime, QDateTime(QDate(2026, 11, 22), QTime(13, 0), Qt::UTC));
}

void TestBootstrappingInfo::truncatesFractionsToWholeSeconds_data()
{
    QTest::addColumn<QByteArray>("lifetime");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime thirteen(QDate(2026, 11, 22), QTime(13, 0, 0), Qt::UTC);
    QTest::newRow("fraction of a second") << QByteArray("2026-11-22T13:00:00.999Z") << thirteen;
    // Found by fuzz_bootstrapping_info: ",01" after the minutes is 0.6 s in ISO 8601.
    QTest::newRow("fraction of a minute") << QByteArray("2026-11-22T15:00,01+02:00") << thirteen;
}

void TestBootstrappingInfo::truncatesFractionsToWholeSeconds()
{
    QFETCH(QByteArray, lifetime);
    QFETCH(QDateTime, expected);
    const QByteArray xml = "<BootstrappingInfo xmlns=\"uri:3gpp-gba\"><btid>a@b</btid><lifetime>" +
                           lifetime + "</lifetime></BootstrappingInfo>";
    auto parsed = Gba::parseBootstrappingInfo(xml);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QCOMPARE(parsed->lifetime, expected);
    auto again = Gba::parseBootstrappingInfo(Gba::encodeBootstrappingInfo(*parsed));
    QVERIFY(again.ok());
    QCOMPARE(again->lifetime, expected);
}

void TestBootstrappingInfo::refuses_data()
{
    QTest::addColumn<QByteArray>("xml");
    const QByteArray ns = "xmlns=\"uri:3gpp-gba\"";
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not xml") << QByteArray("{\"btid\": 1}");
    QTest::newRow("wrong namespace")
        << QByteArray("<BootstrappingInfo xmlns=\"urn:other\"><btid>a</btid>"
                      "<lifetime>2026-01-01T00:00:00Z</lifetime></BootstrappingInfo>");
    QTest::newRow("no lifetime") << "<BootstrappingInfo " + ns +
                                        "><btid>a</btid></BootstrappingInfo>";
    QTest::newRow("local time") << "<BootstrappingInfo " + ns +
                                       "><btid>a</btid><lifetime>2026-01-01T00:00:00</lifetime>"
                                       "</BootstrappingInfo>";
    QTest::newRow("two btids") << "<BootstrappingInfo " + ns +
                                      "><btid>a</btid><btid>b</btid><lifetime>2026-01-01T00:00:00Z"
                                      "</lifetime></BootstrappingInfo>";
    QTest::newRow("unclosed") << "<BootstrappingInfo " + ns + "><btid>a</btid>";
    QTest::newRow("dtd entity") << "<!DOCTYPE x [<!ENTITY e \"x\">]><BootstrappingInfo " + ns +
                                       "><btid>&e;</btid><lifetime>2026-01-01T00:00:00Z</lifetime>"
                                       "</BootstrappingInfo>";
    QTest::newRow("too large") << "<BootstrappingInfo " + ns + "><btid>" + QByteArray(5000, 'a') +
                                      "</btid></BootstrappingInfo>";
}

void TestBootstrappingInfo::refuses()
{
    QFETCH(QByteArray, xml);
    auto parsed = Gba::parseBootstrappingInfo(xml);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, std::string("gba.bad_bootstrapping_info"));
}

QTEST_APPLESS_MAIN(TestBootstrappingInfo)
#include "tst_bootstrappinginfo.moc"
