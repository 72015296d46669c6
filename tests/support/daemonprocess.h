#pragma once
// Runs one of our daemons as a real child process for a test: on port 0 with a --port-file,
// waits until the file names the bound port, and on stop() sends SIGTERM and expects a clean
// exit. Output is kept so a failing test can show it.

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Portal::Testing {

class DaemonProcess
{
public:
    DaemonProcess(QString program, QStringList arguments);
    ~DaemonProcess();

    // Adds `--port-file <tmp>` itself. Returns false (and fills output()) on failure.
    bool start(int timeoutMs = 15000);
    // For daemons without a listener (iot-gateway): starts it and returns once it runs.
    bool startWithoutPort(int timeoutMs = 15000);
    // SIGTERM, then waits; true when the process exited with code 0.
    bool stop(int timeoutMs = 10000);
    quint16 port() const { return m_port; }
    QByteArray output();
    QProcess &process() { return m_process; }

private:
    QString m_program;
    QStringList m_arguments;
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

// Runs a command to completion (for CLIs like `iot-bsf subscriber add`). Returns the exit
// code, or -1 when it crashed or timed out; stdout (and stderr unless stdoutOnly) go to
// *output when given.
int runCommand(const QString &program, const QStringList &arguments, QByteArray *output = nullptr,
               int timeoutMs = 30000, bool stdoutOnly = false);

} // namespace Portal::Testing
