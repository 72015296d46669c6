#include <portal-core/http/failurelimiter.h>

#include <QTest>

using namespace Portal;

class TestFailureLimiter : public QObject
{
    Q_OBJECT

private slots:
    void limitsAfterMaxFailuresInTheWindow_data();
    void limitsAfterMaxFailuresInTheWindow();
    void successClears();
    void keysAreBounded();
};

void TestFailureLimiter::limitsAfterMaxFailuresInTheWindow_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<int>("spacingMs");
    QTest::addColumn<int>("checkAfterMs");
    QTest::addColumn<bool>("limited");
    QTest::newRow("below the limit") << 2 << 0 << 0 << false;
    QTest::newRow("at the limit") << 3 << 0 << 0 << true;
    QTest::newRow("at the limit, window passed") << 3 << 0 << 1001 << false;
    QTest::newRow("spread wider than the window") << 3 << 600 << 0 << false;
    QTest::newRow("many, the newest three in the window") << 10 << 100 << 0 << true;
}

void TestFailureLimiter::limitsAfterMaxFailuresInTheWindow()
{
    QFETCH(int, failures);
    QFETCH(int, spacingMs);
    QFETCH(int, checkAfterMs);
    QFETCH(bool, limited);
    Http::FailureLimiter limiter(3, 1000);
    QDateTime now(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC);
    for (int i = 0; i < failures; ++i) {
        limiter.recordFailure(QStringLiteral("peer"), now);
        if (i + 1 < failures)
            now = now.addMSecs(spacingMs);
    }
    QCOMPARE(limiter.isLimited(QStringLiteral("peer"), now.addMSecs(checkAfterMs)), limited);
    QVERIFY(!limiter.isLimited(QStringLiteral("other"), now));
    QCOMPARE(limiter.retryAfterSeconds(), 1);
}

void TestFailureLimiter::successClears()
{
    Http::FailureLimiter limiter(2, 60000);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    limiter.recordFailure(QStringLiteral("a"), now);
    limiter.recordFailure(QStringLiteral("a"), now);
    QVERIFY(limiter.isLimited(QStringLiteral("a"), now));
    limiter.clear(QStringLiteral("a"));
    QVERIFY(!limiter.isLimited(QStringLiteral("a"), now));
}

void TestFailureLimiter::keysAreBounded()
{
    Http::FailureLimiter limiter(1, 60000, 3);
    QDateTime now(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC);
    for (const char *key : {"a", "b", "c"}) {
        limiter.recordFailure(QString::fromLatin1(key), now);
        now = now.addMSecs(10);
    }
    limiter.recordFailure(QStringLiteral("d"), now); // forgets "a", the oldest
    QVERIFY(!limiter.isLimited(QStringLiteral("a"), now));
    QVERIFY(limiter.isLimited(QStringLiteral("b"), now));
    QVERIFY(limiter.isLimited(QStringLiteral("d"), now));
}

QTEST_APPLESS_MAIN(TestFailureLimiter)
#include "tst_failurelimiter.moc"
