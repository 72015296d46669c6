#pragma once
// The embedded lab behind `iot-portal --demo` (issue 6): scripts/demo run without its own GUI
// (BSF, portald, simulated devices, a gateway, all on 127.0.0.1), so a new user sees live
// gateways, devices and charts. A lab already running in the same folder is used as it is;
// one started here is stopped when this object goes (or by stop()).
//
// Progress is the script's own output, line by line (the first start builds the programs).
// Ready means the portal API answers on its port and the store and PKI exist. Bounds: lines
// are cut at 300 characters; a start that is not ready within startTimeoutMs fails.

#include <QObject>
#include <QString>

class QProcess;
class QTimer;

namespace Portal::Gui {

class DemoLab final : public QObject
{
    Q_OBJECT
public:
    DemoLab(QString scriptPath, QString labDir, int startTimeoutMs = 15 * 60 * 1000,
            QObject *parent = nullptr);
    ~DemoLab() override;

    // The lab's portal API answers (its port file names a port that accepts connections).
    static bool isRunning(const QString &labDir);

    QString databasePath() const;
    QString pkiDir() const;
    bool startedHere() const { return m_process != nullptr; }

public slots:
    void start();
    void stop();

signals:
    void progress(const QString &line);
    void ready();
    void failed(const QString &message);

private:
    void poll();
    void finish(bool ok, const QString &message = QString());

    QString m_scriptPath;
    QString m_labDir;
    int m_startTimeoutMs;
    QProcess *m_process = nullptr;
    QTimer *m_poll;
    QString m_lastLines;
    qint64 m_startedMs = 0;
    bool m_done = false;
};

} // namespace Portal::Gui
