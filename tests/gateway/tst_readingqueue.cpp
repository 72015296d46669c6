// The gateway's durable queue: order, resend detection, bound, and durability across a
// reopen (what a SIGKILLed gateway finds on restart).

#include "gateway/readingqueue.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Portal;

class TestReadingQueue : public QObject
{
    Q_OBJECT

private slots:
    void keepsPerDeviceCounterOrder();
    void resendIsNotQueuedTwice();
    void refusesWhenFull();
    void survivesAReopen();
};

static const QByteArray kDeviceA = QByteArray::fromHex("0102030405060708");
static const QByteArray kDeviceB = QByteArray::fromHex("1112131415161718");

void TestReadingQueue::keepsPerDeviceCounterOrder()
{
    QTemporaryDir dir;
    auto queue = Gateway::ReadingQueue::open(dir.filePath(QStringLiteral("q.sqlite")));
    QVERIFY(queue.ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 7, "a7").ok());
    QVERIFY((*queue)->enqueue(kDeviceB, 1, "b1").ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 5, "a5").ok());
    auto head = (*queue)->head(kDeviceA);
    QVERIFY(head.ok() && head->has_value());
    QCOMPARE((*head)->counter, 5u);
    QCOMPARE((*head)->message, QByteArray("a5"));
    QVERIFY((*queue)->remove((*head)->id).ok());
    head = (*queue)->head(kDeviceA);
    QCOMPARE((*head)->counter, 7u);
    QCOMPARE(*(*queue)->depth(), 2);
}

void TestReadingQueue::resendIsNotQueuedTwice()
{
    QTemporaryDir dir;
    auto queue = Gateway::ReadingQueue::open(dir.filePath(QStringLiteral("q.sqlite")));
    QVERIFY(queue.ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 3, "first").ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 3, "first").ok());
    QCOMPARE(*(*queue)->depth(), 1);
}

void TestReadingQueue::refusesWhenFull()
{
    QTemporaryDir dir;
    auto queue = Gateway::ReadingQueue::open(dir.filePath(QStringLiteral("q.sqlite")), 2);
    QVERIFY(queue.ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 1, "1").ok());
    QVERIFY((*queue)->enqueue(kDeviceA, 2, "2").ok());
    auto full = (*queue)->enqueue(kDeviceA, 3, "3");
    QVERIFY(!full.ok());
    QCOMPARE(full.error().code, std::string("queue.full"));
    QCOMPARE(*(*queue)->depth(), 2);
}

void TestReadingQueue::survivesAReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("q.sqlite"));
    {
        auto queue = Gateway::ReadingQueue::open(path);
        QVERIFY(queue.ok());
        QVERIFY((*queue)->enqueue(kDeviceB, 42, "kept").ok());
    }
    auto reopened = Gateway::ReadingQueue::open(path);
    QVERIFY(reopened.ok());
    auto head = (*reopened)->head(kDeviceB);
    QVERIFY(head.ok() && head->has_value());
    QCOMPARE((*head)->message, QByteArray("kept"));
}

QTEST_GUILESS_MAIN(TestReadingQueue)
#include "tst_readingqueue.moc"
