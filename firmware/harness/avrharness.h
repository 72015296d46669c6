#pragma once
// The simavr harness: one AVR core from libsimavr running an image, with
// - USART0 bridged to a pseudo-terminal (or to stdout): bytes from the pty are fed to the UART
//   once the firmware has enabled its receiver and only while simavr signals XON (its 64-byte
//   input FIFO has room), so nothing is lost;
// - EEPROM loaded from a file and written back (temp file + rename) after the firmware changed
//   it, checked every simulated millisecond, so a SIGKILL keeps what the chip would keep;
// - ADC0 set from `adc0 <mV>` lines on stdin, PB7 changes printed as `led <v> cycle=<n>`;
// - simulated time paced to at most `speed` × wall time (when sleeping the core skips ahead to
//   its next timer, so without pacing an idle device would run its clock far ahead).
// Single-threaded: the core runs in slices of one simulated millisecond between I/O polls.

#include "harnessoptions.h"

#include <portal-core/base/result.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

struct avr_t;
struct avr_irq_t;
struct elf_firmware_t;

namespace Portal::AvrHarness {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCrashed = 3 };

class AvrHarness
{
public:
    explicit AvrHarness(HarnessOptions options);
    ~AvrHarness();
    AvrHarness(const AvrHarness &) = delete;
    AvrHarness &operator=(const AvrHarness &) = delete;

    // Loads the image and the EEPROM, opens the pty. Errors: harness.*.
    Result<void> start();
    // Runs until SIGTERM/SIGINT, the image stopping, a crash or --max-seconds.
    int run();

private:
    static void onUartOutput(avr_irq_t *irq, uint32_t value, void *param);
    static void onUartXon(avr_irq_t *irq, uint32_t value, void *param);
    static void onUartXoff(avr_irq_t *irq, uint32_t value, void *param);
    static void onLed(avr_irq_t *irq, uint32_t value, void *param);

    Result<void> openPty();
    void pumpIo(int waitMs);
    bool uartReceiverEnabled() const;
    void feedUart();
    void flushUartOutput();
    void handleStdinLine(const std::string &line);
    void saveEepromIfChanged();
    std::vector<uint8_t> readEeprom();
    void writeEeprom(const std::vector<uint8_t> &bytes);
    void finish(const char *reason);

    HarnessOptions m_options;
    // avr_load_firmware may keep pointers into the image's symbol table (simavr's tracing
    // builds do), so the parsed image is released only after the core, in the destructor.
    elf_firmware_t *m_firmware = nullptr;
    avr_t *m_avr = nullptr;
    avr_irq_t *m_uartInput = nullptr;
    avr_irq_t *m_adc0 = nullptr;
    int m_ptyMaster = -1;
    int m_ptySlave = -1; // kept open so the master never sees a hangup between users
    bool m_uartXon = true;
    std::deque<uint8_t> m_toUart;
    std::vector<uint8_t> m_fromUart;
    std::string m_stdinLine;
    bool m_stdinOpen = true;
    std::vector<uint8_t> m_savedEeprom;
    uint64_t m_droppedOutputBytes = 0;
    std::chrono::steady_clock::time_point m_startTime;
};

} // namespace Portal::AvrHarness
