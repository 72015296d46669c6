#pragma once
// Turns SIGTERM and SIGINT into a Qt signal on the main thread (self-pipe: the handler only
// writes one byte, which is async-signal-safe). Programs connect `shutdownRequested` to their
// orderly stop, so nothing in flight is lost.

#include <QObject>

class QSocketNotifier;

namespace Portal::Runtime {

class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    // One per process; installs the handlers. Errors are fatal at start-up (asserted).
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

signals:
    void shutdownRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Portal::Runtime
