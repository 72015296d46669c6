#include "avrharnessprocess.h"

#include <QDeadlineTimer>

namespace Portal::Testing {

AvrHarnessProcess::AvrHarnessProcess(Options options) : m_options(std::move(options))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

AvrHarnessProcess::~AvrHarnessProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString AvrHarnessProcess::harnessPath()
{
    return QStringLiteral(PORTAL_BINARY_DIR "/firmware/harness/simavr-harness");
}

QString AvrHarnessProcess::firmwarePath()
{
    return QStringLiteral(PORTAL_BINARY_DIR "/avr-image/firmware/avr/sensor-node.elf");
}

bool AvrHarnessProcess::start(int timeoutMs)
{
    QStringList arguments = {
        QStringLiteral("--firmware"), firmwarePath(),
        QStringLiteral("--adc0-mv"),  QString::number(m_options.adc0Millivolts),
        QStringLiteral("--speed"),    QString::number(m_options.speed)};
    if (!m_options.eepromPath.isEmpty())
        arguments << QStringLiteral("--eeprom") << m_options.eepromPath;
    if (!m_options.ptyLink.isEmpty())
        arguments << QStringLiteral("--pty-link") << m_options.ptyLink;
    if (!m_options.deviceIdHex.isEmpty())
        arguments << QStringLiteral("--device-id") << QString::fromLatin1(m_options.deviceIdHex);
    m_output.clear();
    m_lineStart = 0;
    m_ptyPath.clear();
    m_ledValue = 0;
    m_process.start(harnessPath(), arguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_output =
            "cannot start " + harnessPath().toUtf8() + ": " + m_process.errorString().toUtf8();
        return false;
    }
    QDeadlineTimer deadline(timeoutMs);
    while (m_ptyPath.isEmpty() && !deadline.hasExpired() &&
           m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        collect();
    }
    return !m_ptyPath.isEmpty();
}

void AvrHarnessProcess::collect()
{
    m_output += m_process.readAllStandardOutput();
    for (;;) {
        const int end = int(m_output.indexOf('\n', m_lineStart));
        if (end < 0)
            return;
        const QByteArray line = m_output.mid(m_lineStart, end - m_lineStart);
        m_lineStart = end + 1;
        if (line.startsWith("uart0 "))
            m_ptyPath = QString::fromUtf8(line.mid(6).trimmed());
        else if (line.startsWith("led "))
            m_ledValue = line.mid(4, 1) == "1" ? 1 : 0;
    }
}

void AvrHarnessProcess::setAdc0Millivolts(int millivolts)
{
    m_process.write("adc0 " + QByteArray::number(millivolts) + "\n");
    m_process.waitForBytesWritten(1000);
}

bool AvrHarnessProcess::waitForLed(int value, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    collect();
    while (m_ledValue != value && !deadline.hasExpired() &&
           m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        collect();
    }
    return m_ledValue == value;
}

int AvrHarnessProcess::ledValue()
{
    collect();
    return m_ledValue;
}

void AvrHarnessProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
    collect();
}

bool AvrHarnessProcess::stop(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return false;
    m_process.terminate();
    const bool finished = m_process.waitForFinished(timeoutMs);
    collect();
    return finished && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

QByteArray AvrHarnessProcess::output()
{
    collect();
    return m_output;
}

} // namespace Portal::Testing
