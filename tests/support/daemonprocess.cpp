#include "daemonprocess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

namespace Portal::Testing {

DaemonProcess::DaemonProcess(QString program, QStringList arguments)
    : m_program(std::move(program)), m_arguments(std::move(arguments))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

DaemonProcess::~DaemonProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool DaemonProcess::start(int timeoutMs)
{
    const QString portFile = m_dir.filePath(QStringLiteral("port"));
    m_process.start(m_program, m_arguments + QStringList{QStringLiteral("--port-file"), portFile});
    if (!m_process.waitForStarted(timeoutMs)) {
        m_output += "cannot start " + m_program.toUtf8() + ": " + m_process.errorString().toUtf8();
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QFile file(portFile);
        if (file.open(QIODevice::ReadOnly)) {
            bool ok = false;
            const uint port = file.readAll().trimmed().toUInt(&ok);
            if (ok && port > 0 && port <= 65535) {
                m_port = quint16(port);
                return true;
            }
        }
        if (m_process.waitForFinished(20))
            break;
    }
    m_output += m_process.readAll();
    m_output += "\n" + m_program.toUtf8() + " did not report its port";
    return false;
}

bool DaemonProcess::startWithoutPort(int timeoutMs)
{
    m_process.start(m_program, m_arguments);
    if (m_process.waitForStarted(timeoutMs))
        return true;
    m_output += "cannot start " + m_program.toUtf8() + ": " + m_process.errorString().toUtf8();
    return false;
}

bool DaemonProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return false;
    }
    return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

QByteArray DaemonProcess::output()
{
    m_output += m_process.readAll();
    return m_output;
}

int runCommand(const QString &program, const QStringList &arguments, QByteArray *output,
               int timeoutMs, bool stdoutOnly)
{
    QProcess process;
    process.setProcessChannelMode(stdoutOnly ? QProcess::ForwardedErrorChannel
                                             : QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        if (output)
            *output = process.readAll();
        return -1;
    }
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace Portal::Testing
