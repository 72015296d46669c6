// The project's one CSV writer: RFC 4180 quoting, formula injection defused, and the reader of
// its imports taking the defusing ' off again.

#include <portal-core/engine/csv.h>

#include <QTest>

using namespace Portal;

class TestCsv : public QObject
{
    Q_OBJECT

private slots:
    void fieldsAreWrittenSafely_data();
    void fieldsAreWrittenSafely();
    void numbersStayNumbers();
};

void TestCsv::fieldsAreWrittenSafely_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("written");
    QTest::newRow("plain") << "gateway.enrol"
                           << "gateway.enrol";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("=") << "=HYPERLINK(\"x\")"
                       << "\"'=HYPERLINK(\"\"x\"\")\"";
    QTest::newRow("+") << "+1+2"
                       << "\"'+1+2\"";
    QTest::newRow("-") << "-2"
                       << "\"'-2\"";
    QTest::newRow("@") << "@SUM(A1)"
                       << "\"'@SUM(A1)\"";
    QTest::newRow("tab") << "\t=1"
                         << "\"'\t=1\"";
    QTest::newRow("carriage return") << "\r=1"
                                     << "\"'\r=1\"";
    QTest::newRow("comma") << "a,b"
                           << "\"a,b\"";
    QTest::newRow("quote") << "say \"hi\""
                           << "\"say \"\"hi\"\"\"";
    QTest::newRow("newline") << "two\nlines"
                             << "\"two\nlines\"";
    QTest::newRow("= inside") << "a=b"
                              << "a=b";
}

void TestCsv::fieldsAreWrittenSafely()
{
    QFETCH(QString, text);
    QFETCH(QString, written);
    QCOMPARE(Engine::csvField(text), written);
    if (!text.contains(QLatin1Char('\n')) && !text.startsWith(QLatin1Char('\t')) &&
        !text.startsWith(QLatin1Char('\r')))
        QCOMPARE(Engine::readCsvField(written.toUtf8()), text.toUtf8()); // round trip
    else
        QCOMPARE(Engine::readCsvField(written.toUtf8()).trimmed(), text.toUtf8().trimmed());
}

void TestCsv::numbersStayNumbers()
{
    QCOMPARE(Engine::csvNumber(-5), QStringLiteral("-5"));
    QCOMPARE(Engine::csvNumber(42), QStringLiteral("42"));
    QCOMPARE(Engine::readCsvField(" 'x "), QByteArray("'x")); // a ' before text is kept
}

QTEST_APPLESS_MAIN(TestCsv)
#include "tst_csv.moc"
