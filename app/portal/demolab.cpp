#include "demolab.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>

namespace Portal::Gui {

namespace {

constexpr int kPollMs = 250;
constexpr int kMaxLineChars = 300;
constexpr int kStopTimeoutMs = 15000;

} // namespace

DemoLab::DemoLab(QString scriptPath, QString labDir, int startTimeoutMs, QObject *parent)
    : QObject(parent), m_scriptPath(std::move(scriptPath)), m_labDir(std::move(labDir)),
      m_startTimeoutMs(startTimeoutMs), m_poll(new QTimer(this))
{
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &DemoLab::poll);
}

DemoLab::~DemoLab()
{
    stop();
}

bool DemoLab::isRunning(const QString &labDir)
{
    QFile portFile(QDir(labDir).filePath(QStringLiteral("run/portal.port")));
    if (!portFile.open(QIODevice::ReadOnly))
        return false;
    bool ok = false;
    const int port = portFile.read(16).trimmed().toInt(&ok);
    if (!ok || port <= 0 || port > 65535)
        return false;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    const bool answered = socket.waitForConnected(500);
    socket.abort();
    return answered && QFileInfo::exists(QDir(labDir).filePath(QStringLiteral("portal.sqlite"))) &&
           QFileInfo::exists(QDir(labDir).filePath(QStringLiteral("pki/portal-admin.crt")));
}

QString DemoLab::databasePath() const
{
    return QDir(m_labDir).filePath(QStringLiteral("portal.sqlite"));
}

QString DemoLab::pkiDir() const
{
    return QDir(m_labDir).filePath(QStringLiteral("pki"));
}

void DemoLab::start()
{
    m_done = false;
    if (isRunning(m_labDir)) {
        emit progress(tr("Using the lab already running in %1.").arg(m_labDir));
        return finish(true);
    }
    if (!QFileInfo(m_scriptPath).isFile())
        return finish(false, tr("The lab script %1 is missing; run iot-portal --demo from the "
                                "build of a source tree.")
                                 .arg(m_scriptPath));
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process, &QProcess::readyRead, this, [this] {
        while (m_process->canReadLine()) {
            const QString line =
                QString::fromUtf8(m_process->readLine()).trimmed().left(kMaxLineChars);
            if (line.isEmpty())
                continue;
            m_lastLines = (m_lastLines + QLatin1Char('\n') + line).right(2000);
            emit progress(line);
        }
    });
    connect(m_process, &QProcess::finished, this, [this](int exitCode) {
        if (!m_done)
            finish(false, tr("The lab stopped (exit code %1) before it was ready:%2")
                              .arg(exitCode)
                              .arg(m_lastLines));
    });
    emit progress(tr("Starting the lab in %1…").arg(m_labDir));
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    m_process->start(QStringLiteral("bash"), {m_scriptPath, QStringLiteral("--lab-dir"), m_labDir,
                                              QStringLiteral("--no-gui")});
    m_poll->start();
}

void DemoLab::poll()
{
    if (m_done)
        return;
    if (isRunning(m_labDir))
        return finish(true);
    if (QDateTime::currentMSecsSinceEpoch() - m_startedMs > m_startTimeoutMs)
        finish(false, tr("The lab was not ready within %1 s:%2")
                          .arg(m_startTimeoutMs / 1000)
                          .arg(m_lastLines));
}

void DemoLab::finish(bool ok, const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    m_poll->stop();
    if (ok)
        emit ready();
    else
        emit failed(message);
}

void DemoLab::stop()
{
    m_poll->stop();
    if (!m_process)
        return;
    m_done = true; // a stop is not a failure
    if (m_process->state() != QProcess::NotRunning) {
        // The script's trap stops every program of the lab, newest first.
        m_process->terminate();
        if (!m_process->waitForFinished(kStopTimeoutMs)) {
            m_process->kill();
            m_process->waitForFinished(1000);
        }
    }
    delete m_process;
    m_process = nullptr;
}

} // namespace Portal::Gui
