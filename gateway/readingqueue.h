#pragma once
// The gateway's durable outbound queue (DESIGN §4.1, §6): its own SQLite file (WAL, synchronous
// FULL). A reading is acknowledged to the device only after enqueue() returned, and leaves the
// queue only when the M2M service acknowledged it (remove()), so neither a crash of the
// gateway nor an outage of the service loses it. Per-device order is the counter order.
// A resend the device makes before seeing its ACK is recognised (same device and counter) and
// not queued twice. Bounded: at most maxEntries readings (the oldest of the fullest device
// would be the one to lose; enqueue refuses instead, so the device keeps resending).

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace Portal::Gateway {

struct QueuedReading
{
    qint64 id = 0;
    QByteArray deviceId; // 8 bytes
    quint32 counter = 0;
    QByteArray message; // COSE_Sign1_Tagged, exactly as the device sent it
};

class ReadingQueue
{
public:
    // Errors: `queue.open_failed`.
    static Result<std::unique_ptr<ReadingQueue>> open(const QString &path,
                                                      int maxEntries = 100'000);
    ~ReadingQueue();

    // Durable when it returns. Errors: `queue.full`, `queue.write_failed`.
    Result<void> enqueue(const QByteArray &deviceId, quint32 counter, const QByteArray &message);
    // The oldest reading of a device, if any.
    Result<std::optional<QueuedReading>> head(const QByteArray &deviceId);
    Result<void> remove(qint64 id);
    Result<int> depth();

private:
    ReadingQueue(QString connectionName, int maxEntries);

    QString m_connectionName;
    int m_maxEntries;
};

} // namespace Portal::Gateway
