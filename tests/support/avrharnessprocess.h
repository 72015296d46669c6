#pragma once
// The AVR image running in simavr-harness (firmware/harness) as a child process of a test:
// its USART0 is a pty (ptyPath()), its EEPROM a file that outlives the process, ADC0 set
// through the harness's stdin, LED changes collected from its stdout.

#include <QByteArray>
#include <QProcess>
#include <QString>

namespace Portal::Testing {

class AvrHarnessProcess
{
public:
    struct Options
    {
        QString eepromPath;
        QByteArray deviceIdHex; // factory id for a blank EEPROM
        QString ptyLink;        // a stable symlink to the pty (the same port across boards)
        int adc0Millivolts = 750;
        double speed = 20; // simulated time may run this much faster than wall time
    };

    explicit AvrHarnessProcess(Options options);
    ~AvrHarnessProcess();

    // Paths from the build (compile definitions of the test): the harness and the image.
    static QString harnessPath();
    static QString firmwarePath();

    // Starts the harness and waits until it reports its pty. False (output() says why).
    bool start(int timeoutMs = 15000);
    QString ptyPath() const { return m_ptyPath; }
    void setAdc0Millivolts(int millivolts);
    // Waits until the LED has the value (already having it counts).
    bool waitForLed(int value, int timeoutMs);
    int ledValue();
    // SIGKILL: the board unplugged. The EEPROM file keeps what the chip had written.
    void kill();
    // SIGTERM; true on a clean exit.
    bool stop(int timeoutMs = 10000);
    QByteArray output();

private:
    void collect();

    Options m_options;
    QProcess m_process;
    QByteArray m_output;
    QString m_ptyPath;
    int m_ledValue = 0;
    int m_lineStart = 0;
};

} // namespace Portal::Testing
